/**
 * Per-kind rules the API server applies around every write, after upstream's REST strategies
 * (PrepareForCreate / PrepareForUpdate): which kinds track metadata.generation, which have a status
 * that only the status subresource may change, and what a new object's status starts as.
 */
import type { ResourceType } from "./resources";
import type { KObject } from "./types";

/** Kinds whose metadata.generation counts spec changes (observedGeneration follows it). */
const GENERATION_KINDS = new Set([
  "Deployment", "ReplicaSet", "ReplicationController", "StatefulSet", "DaemonSet",
  "Job", "CronJob", "HorizontalPodAutoscaler", "PodDisruptionBudget",
]);

export function tracksGeneration(type: ResourceType): boolean {
  return GENERATION_KINDS.has(type.kind);
}

/** Status of these is written by the simulated cluster, not by users: create and main-resource updates keep the old one. */
export function hasStatusSubresource(type: ResourceType): boolean {
  return type.subresources?.includes("status") ?? false;
}

/** The fields a spec change is measured on: everything but metadata and status. */
export function specOf(obj: KObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...spec } = obj;
  return spec;
}

/** Status a freshly created object starts with (upstream resets user-supplied status on create). */
export function initialStatus(type: ResourceType, obj: KObject): unknown {
  switch (type.kind) {
    case "Pod":
      return { phase: "Pending", qosClass: qosClass(obj) };
    case "Namespace":
      return { phase: "Active" };
    case "PersistentVolumeClaim":
      return { phase: "Pending" };
    case "PersistentVolume":
      return { phase: "Pending" };
    case "Node":
      return obj.status ?? {};
    case "HorizontalPodAutoscaler":
      return { currentReplicas: 0, desiredReplicas: 0 };
    case "Ingress":
      return { loadBalancer: {} };
    default:
      return hasStatusSubresource(type) ? {} : obj.status;
  }
}

type Resources = { requests?: Record<string, string>; limits?: Record<string, string> };

/** Pod QoS class as upstream's GetPodQOS: Guaranteed, Burstable or BestEffort. */
export function qosClass(pod: KObject): "Guaranteed" | "Burstable" | "BestEffort" {
  const spec = (pod.spec ?? {}) as { containers?: { resources?: Resources }[]; initContainers?: { resources?: Resources }[] };
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const { requests = {}, limits = {} } = c.resources ?? {};
    const compute = (r: Record<string, string>) => Object.keys(r).filter((k) => k === "cpu" || k === "memory");
    if (compute(requests).length || compute(limits).length) anySet = true;
    for (const name of ["cpu", "memory"]) {
      if (!limits[name]) guaranteed = false;
      else if (requests[name] && requests[name] !== limits[name]) guaranteed = false;
    }
  }
  if (!anySet) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}
