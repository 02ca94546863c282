/**
 * The scale subresource of an HPA's target, read from the snapshot: spec.replicas, status.replicas and
 * the selector string (Scale.status.selector), with the errors upstream's scale client and REST
 * mapper give; and the write that sets spec.replicas (what PUT …/scale does).
 */
import type { CrossVersionObjectReference } from "kubernetes-types/autoscaling/v2";
import { RESOURCE_TYPES, storageResource } from "../../api/resources";
import { type LabelSelectorSpec, labelSelectorString } from "../../api/selectors";
import type { KObject } from "../../api/types";
import type { Snapshot, Write } from "../types";

export interface Scale {
  /** Storage resource of the target ("deployments.apps"). */
  resource: string;
  object: KObject;
  specReplicas: number;
  statusReplicas: number;
  /** Scale.status.selector: "app=web" ("" when the target has none). */
  selector: string;
}

/** The target's Scale, or the error text FailedGetScale reports. */
export function getScale(snapshot: Snapshot, namespace: string, ref: CrossVersionObjectReference): { scale: Scale } | { error: string } {
  const apiVersion = ref.apiVersion ?? "";
  const parts = apiVersion.split("/");
  if (parts.length > 2 || (parts.length === 2 && (!parts[0] || !parts[1]))) return { error: `unexpected GroupVersion string: ${apiVersion}` };
  const group = parts.length === 2 ? parts[0] : "";
  const type = RESOURCE_TYPES.find((t) => t.group === group && t.kind === ref.kind);
  if (!type) return { error: `no matches for kind "${ref.kind}" in group "${group}"` };
  if (!type.subresources?.includes("scale")) return { error: "the server could not find the requested resource" };
  const resource = storageResource(type);
  const object = snapshot.get(resource, namespace, ref.name);
  if (!object) return { error: `${resource} "${ref.name}" not found` };
  const spec = (object.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (object.status ?? {}) as { replicas?: number };
  let selector: string;
  if (type.kind === "ReplicationController") {
    const set = (spec.selector ?? {}) as Record<string, string>;
    selector = Object.keys(set).sort().map((k) => `${k}=${set[k]}`).join(",");
  } else {
    try {
      selector = labelSelectorString(spec.selector as LabelSelectorSpec | undefined);
    } catch {
      selector = "";
    }
  }
  return { scale: { resource, object, specReplicas: spec.replicas ?? 1, statusReplicas: status.replicas ?? 0, selector } };
}

/** Scales(ns).Update: spec.replicas = n, guarded by the resourceVersion the decision was made on. */
export function scaleWrite(scale: Scale, replicas: number): Write {
  const { object } = scale;
  return { op: "update", resource: scale.resource, object: { ...object, spec: { ...(object.spec as object), replicas } } };
}
