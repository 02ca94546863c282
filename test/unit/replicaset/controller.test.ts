/** The ReplicaSet controller's pure parts: status, keysFor, and the write-failure path. */
import { describe, expect, it } from "vitest";
import { rfc3339, update } from "../../../src/api/rest";
import type { KObject } from "../../../src/api/types";
import { recordEvent } from "../../../src/controllers/events";
import { createReplicaSetController, createReplicationControllerController } from "../../../src/controllers/replicaset";
import { calculateStatus } from "../../../src/controllers/replicaset/status";
import { storeSnapshot } from "../../../src/controllers/snapshot";
import type { ObjectChange, Snapshot, Write } from "../../../src/controllers/types";
import { SimCluster } from "../runtime/cluster";
import { deepFreeze, eventsFor, fakeKubelet, replicaSet } from "./fixtures";

const NOW = Date.parse("2026-11-25T12:00:00Z");

function storedRs(status: Record<string, unknown> = {}, generation = 2): KObject {
  return deepFreeze({
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name: "web", namespace: "default", uid: "rs-uid", generation, resourceVersion: "5" },
    spec: { replicas: 3, selector: { matchLabels: { app: "web" } }, template: { metadata: { labels: { app: "web", tier: "fe" } }, spec: {} } },
    status,
  });
}

function pod(name: string, opts: { labels?: Record<string, string>; readyMsAgo?: number } = {}): KObject {
  const conditions = opts.readyMsAgo === undefined ? [] : [{ type: "Ready", status: "True", lastTransitionTime: rfc3339(new Date(NOW - opts.readyMsAgo)) }];
  return deepFreeze({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", uid: `uid-${name}`, labels: opts.labels ?? { app: "web", tier: "fe" } },
    spec: {},
    status: { phase: "Running", conditions },
  });
}

describe("calculateStatus", () => {
  it.each<[string, KObject[], number, Record<string, unknown>]>([
    ["no pods: only replicas and observedGeneration", [], 0, { replicas: 0, observedGeneration: 2 }],
    ["three ready pods, no minReadySeconds", [pod("a", { readyMsAgo: 0 }), pod("b", { readyMsAgo: 0 }), pod("c", { readyMsAgo: 0 })], 0,
      { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 2 }],
    ["one pod not ready", [pod("a", { readyMsAgo: 0 }), pod("b")], 0, { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 }],
    ["minReadySeconds 10: ready 5 s is not available, ready 11 s is", [pod("a", { readyMsAgo: 5_000 }), pod("b", { readyMsAgo: 11_000 })], 10,
      { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 2 }],
    ["a pod missing a template label is not fully labeled", [pod("a", { labels: { app: "web" } }), pod("b")], 0,
      { replicas: 2, fullyLabeledReplicas: 1, observedGeneration: 2 }],
  ])("%s", (_name, pods, minReadySeconds, want) => {
    expect(calculateStatus(storedRs(), { pods, now: NOW, minReadySeconds })).toEqual(want);
  });

  const failure = { type: "ReplicaFailure", status: "True", lastTransitionTime: "2026-11-25T11:00:00Z", reason: "FailedCreate", message: "old" };

  it("adds ReplicaFailure on a failure, keeps an existing one as it is, and clears it once settled", () => {
    const added = calculateStatus(storedRs(), { pods: [], now: NOW, minReadySeconds: 0, failure: { reason: "FailedCreate", message: "quota" } });
    expect(added.conditions).toEqual([{ type: "ReplicaFailure", status: "True", lastTransitionTime: "2026-11-25T12:00:00Z", reason: "FailedCreate", message: "quota" }]);
    const kept = calculateStatus(storedRs({ conditions: [failure] }), { pods: [], now: NOW, minReadySeconds: 0, failure: { reason: "FailedCreate", message: "new" } });
    expect(kept.conditions).toEqual([failure]);
    const stillShort = calculateStatus(storedRs({ conditions: [failure] }), { pods: [], now: NOW, minReadySeconds: 0, clearFailure: false });
    expect(stillShort.conditions).toEqual([failure]);
    const cleared = calculateStatus(storedRs({ conditions: [failure] }), { pods: [], now: NOW, minReadySeconds: 0, clearFailure: true });
    expect(cleared.conditions).toBeUndefined();
  });
});

describe("keysFor", () => {
  const rsController = createReplicaSetController();
  const rcController = createReplicationControllerController();
  const owners = [
    storedRs(),
    deepFreeze({ ...storedRs(), metadata: { ...storedRs().metadata, name: "db", uid: "db-uid" }, spec: { ...(storedRs().spec as object), selector: { matchLabels: { app: "db" } } } }),
  ];
  const snapshot: Snapshot = {
    get: () => undefined,
    list: (resource) => (resource === "replicasets.apps" ? owners : []),
    ownedBy: () => [],
    podsOnNode: () => [],
  };
  const rsRef = { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web", uid: "rs-uid", controller: true };
  const rcRef = { apiVersion: "v1", kind: "ReplicationController", name: "web", uid: "rc-uid", controller: true };
  const withRefs = (p: KObject, refs?: object[]) => deepFreeze({ ...p, metadata: { ...p.metadata, ...(refs ? { ownerReferences: refs } : {}) } }) as KObject;
  const change = (type: ObjectChange["type"], object: KObject, previous?: KObject, resource = "pods"): ObjectChange => ({ type, resource, object, previous });

  it.each<[string, ObjectChange, string[], string[]]>([
    ["the ReplicaSet itself", change("MODIFIED", storedRs(), undefined, "replicasets.apps"), ["default/web"], []],
    ["a pod it controls", change("MODIFIED", withRefs(pod("a"), [rsRef])), ["default/web"], []],
    ["a pod an RC controls", change("DELETED", withRefs(pod("a"), [rcRef])), [], ["default/web"]],
    ["an orphan pod: every ReplicaSet matching it", change("ADDED", pod("a")), ["default/web"], []],
    ["an orphan pod relabelled: the ReplicaSets matching before and now", change("MODIFIED", pod("a", { labels: { app: "db" } }), pod("a")), ["default/web", "default/db"], []],
    ["a deleted orphan: nobody", change("DELETED", pod("a")), [], []],
    ["a released pod: its former controller", change("MODIFIED", pod("a", { labels: { app: "x" } }), withRefs(pod("a"), [rsRef])), ["default/web"], []],
    ["a ConfigMap: nobody", change("ADDED", pod("a"), undefined, "configmaps"), [], []],
  ])("%s", (_name, c, rsKeys, rcKeys) => {
    expect(rsController.keysFor(c, snapshot).sort()).toEqual(rsKeys.sort());
    expect(rcController.keysFor(c, { ...snapshot, list: () => [] })).toEqual(rcKeys);
  });
});

describe("a failed pod create (the runner's writeFailed hook)", () => {
  /** Applies writes the way the runner does, for the two kinds writeFailed returns. */
  function applyWrites(c: SimCluster, writes: Write[]) {
    c.write(() => {
      for (const w of writes) {
        if (w.op === "event") recordEvent(c.ctx, w);
        else if (w.op === "status") update(c.ctx, c.target("ReplicaSet"), w.object.metadata.name!, w.object, {}, "status");
        else throw new Error(`unexpected ${w.op}`);
      }
    });
  }

  it("records FailedCreate and sets the ReplicaFailure condition with the API error", () => {
    const controller = createReplicaSetController();
    const c = new SimCluster([controller, fakeKubelet()]);
    c.apply(replicaSet("web", { replicas: 2 }));
    c.settle();
    const create: Write = { op: "create", resource: "pods", object: { apiVersion: "v1", kind: "Pod", metadata: { name: "web-zzzzz", namespace: "default" } } };
    const message = 'pods "web-zzzzz" is forbidden: exceeded quota: pod-demo, requested: pods=1, used: pods=2, limited: pods=2';
    applyWrites(c, controller.writeFailed("default/web", create, message, storeSnapshot(c.store), c.now));
    const rs = c.get("replicasets.apps", "web")!;
    expect((rs.status as { conditions: unknown[] }).conditions).toEqual([
      { type: "ReplicaFailure", status: "True", lastTransitionTime: rfc3339(new Date(c.now)), reason: "FailedCreate", message },
    ]);
    expect(eventsFor(c, "web").filter((e) => e.type === "Warning")).toEqual([
      { reason: "FailedCreate", message: `Error creating: ${message}`, type: "Warning", source: "replicaset-controller" },
    ]);
    // Here the ReplicaSet has all its pods, so its next pass clears the condition again.
    c.settle();
    expect((c.get("replicasets.apps", "web")!.status as { conditions?: unknown[] }).conditions).toBeUndefined();
  });

  it("ignores failures of other writes", () => {
    const controller = createReplicaSetController();
    const c = new SimCluster([controller]);
    c.apply(replicaSet("web", { replicas: 0 }));
    const status: Write = { op: "status", resource: "replicasets.apps", object: c.get("replicasets.apps", "web")! };
    expect(controller.writeFailed("default/web", status, "conflict", storeSnapshot(c.store), c.now)).toEqual([]);
  });
});
