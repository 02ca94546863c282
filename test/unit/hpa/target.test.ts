/** The scale targets an HPA can name, their Scale view and errors, and which changes wake the HPA controller. */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { HPAS, keysFor, SCALE_EVENTS_ANNOTATION } from "../../../src/controllers/hpa";
import { getScale, scaleWrite } from "../../../src/controllers/hpa/target";
import { snapshotOf } from "../metrics/fixtures";
import { deepFreeze, hpa } from "./fixtures";

const workload = (kind: string, apiVersion: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KObject =>
  deepFreeze({ apiVersion, kind, metadata: { name: "web", namespace: "default", resourceVersion: "7" }, spec, status });

const objects = [
  workload("Deployment", "apps/v1", { replicas: 3, selector: { matchLabels: { app: "web" } } }, { replicas: 2 }),
  workload("ReplicaSet", "apps/v1", { replicas: 2, selector: { matchLabels: { app: "web", tier: "fe" } } }, { replicas: 2 }),
  workload("ReplicationController", "v1", { replicas: 1, selector: { b: "2", a: "1" } }),
];
const snap = snapshotOf(objects);

describe("getScale", () => {
  it.each([
    ["Deployment", "apps/v1", { resource: "deployments.apps", specReplicas: 3, statusReplicas: 2, selector: "app=web" }],
    ["ReplicaSet", "apps/v1", { resource: "replicasets.apps", specReplicas: 2, statusReplicas: 2, selector: "app=web,tier=fe" }],
    ["ReplicationController", "v1", { resource: "replicationcontrollers", specReplicas: 1, statusReplicas: 0, selector: "a=1,b=2" }],
  ])("%s: spec.replicas, status.replicas and the selector string", (kind, apiVersion, expected) => {
    const got = getScale(snap, "default", { apiVersion, kind, name: "web" });
    expect("scale" in got && { ...got.scale, object: undefined }).toEqual({ ...expected, object: undefined });
  });

  it.each([
    [{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web" }, `statefulsets.apps "web" not found`],
    [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "web" }, "the server could not find the requested resource"],
    [{ apiVersion: "apps/v1", kind: "Widget", name: "web" }, `no matches for kind "Widget" in group "apps"`],
    [{ apiVersion: "extensions/v1beta1", kind: "Deployment", name: "web" }, `no matches for kind "Deployment" in group "extensions"`],
    [{ apiVersion: "a/b/c", kind: "Deployment", name: "web" }, "unexpected GroupVersion string: a/b/c"],
  ])("%o → %s", (ref, error) => {
    expect(getScale(snap, "default", ref)).toEqual({ error });
  });

  it("the scale write replaces spec.replicas, guarded by the resourceVersion read", () => {
    const got = getScale(snap, "default", { apiVersion: "apps/v1", kind: "Deployment", name: "web" });
    const write = scaleWrite((got as { scale: Parameters<typeof scaleWrite>[0] }).scale, 5);
    expect(write).toMatchObject({ op: "update", resource: "deployments.apps", object: { metadata: { resourceVersion: "7" }, spec: { replicas: 5, selector: { matchLabels: { app: "web" } } } } });
  });
});

describe("keysFor", () => {
  const base = { ...hpa("web"), metadata: { ...hpa("web").metadata, uid: "u" } } as KObject;
  const change = (type: "ADDED" | "MODIFIED" | "DELETED", object: KObject, previous?: KObject) => keysFor({ type, resource: HPAS, object, previous });
  it.each([
    ["a new HPA", () => change("ADDED", base), ["default/web"]],
    ["a deleted one", () => change("DELETED", base), []],
    ["its own status write", () => change("MODIFIED", { ...base, status: { currentReplicas: 3 } }, base), []],
    ["its own history annotation", () => change("MODIFIED", { ...base, metadata: { ...base.metadata, annotations: { [SCALE_EVENTS_ANNOTATION]: "{}" } } }, base), []],
    ["a user's spec change", () => change("MODIFIED", { ...base, spec: { ...(base.spec as object), maxReplicas: 3 } }, base), ["default/web"]],
    ["a user's annotation (external metrics)", () => change("MODIFIED", { ...base, metadata: { ...base.metadata, annotations: { "kubeflare.dev/external-metrics": "{}" } } }, base), ["default/web"]],
    ["a Deployment change (polled instead)", () => keysFor({ type: "MODIFIED", resource: "deployments.apps", object: base }), []],
  ])("%s → %o", (_name, fn, keys) => {
    expect(fn()).toEqual(keys);
  });
});
