import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { createResourceQuotaController, reconcileQuota } from "../../../src/controllers/resourceQuota";
import type { Snapshot } from "../../../src/controllers/types";
import { deepFreeze } from "../validation/fixtures";

const NOW = Date.parse("2026-11-25T00:00:00Z");

function snapshot(objects: Record<string, KObject[]>): Snapshot {
  const list = (resource: string, namespace?: string) => (objects[resource] ?? []).filter((o) => namespace === undefined || o.metadata.namespace === namespace);
  return {
    get: (resource, namespace, name) => list(resource, namespace).find((o) => o.metadata.name === name),
    list,
    ownedBy: () => [],
    podsOnNode: () => [],
  };
}

const quota = (status?: unknown) => deepFreeze({ apiVersion: "v1", kind: "ResourceQuota", metadata: { name: "pod-demo", namespace: "ns", resourceVersion: "5" }, spec: { hard: { pods: "2" } }, ...(status ? { status } : {}) }) as KObject;
const pod = (name: string, meta: Record<string, unknown> = {}) => deepFreeze({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: "ns", ...meta }, spec: { containers: [{ name: "c", image: "nginx" }] }, status: { phase: "Running" } }) as KObject;

describe("the resource quota controller", () => {
  it("writes status.hard and status.used once, then nothing while they hold", () => {
    const first = reconcileQuota("ns/pod-demo", snapshot({ resourcequotas: [quota()], pods: [pod("a")] }), NOW);
    expect(first.writes).toEqual([{ op: "status", resource: "resourcequotas", object: expect.objectContaining({ status: { hard: { pods: "2" }, used: { pods: "1" } } }) }]);
    const settled = reconcileQuota("ns/pod-demo", snapshot({ resourcequotas: [quota({ hard: { pods: "2" }, used: { pods: "1" } })], pods: [pod("a")] }), NOW);
    expect(settled).toEqual({ writes: [], requeueAfter: undefined });
  });

  it("comes back when a terminating pod's grace period ends, when it stops counting", () => {
    const going = pod("a", { deletionTimestamp: "2026-11-25T00:00:30Z", deletionGracePeriodSeconds: 30 });
    const result = reconcileQuota("ns/pod-demo", snapshot({ resourcequotas: [quota({ hard: { pods: "2" }, used: { pods: "1" } })], pods: [going] }), NOW);
    expect(result).toEqual({ writes: [], requeueAfter: 60_001 });
    expect(reconcileQuota("ns/pod-demo", snapshot({ resourcequotas: [quota({ hard: { pods: "2" }, used: { pods: "1" } })], pods: [going] }), NOW + 60_001).writes).toHaveLength(1);
  });

  it("is woken by changes to countable objects in namespaces that have quotas", () => {
    const controller = createResourceQuotaController();
    const snap = snapshot({ resourcequotas: [quota()] });
    expect(controller.keysFor({ type: "ADDED", resource: "pods", object: pod("a") }, snap)).toEqual(["ns/pod-demo"]);
    expect(controller.keysFor({ type: "ADDED", resource: "configmaps", object: deepFreeze({ metadata: { name: "x", namespace: "other" } }) as KObject }, snap)).toEqual([]);
    expect(controller.keysFor({ type: "ADDED", resource: "nodes", object: deepFreeze({ metadata: { name: "n" } }) as KObject }, snap)).toEqual([]);
    expect(controller.keysFor({ type: "MODIFIED", resource: "resourcequotas", object: quota() }, snap)).toEqual(["ns/pod-demo"]);
  });
});
