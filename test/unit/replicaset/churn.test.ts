/**
 * A seeded run of many user actions against two ReplicaSets and an RC sharing a namespace: scaling,
 * pod deletions, relabels, readiness flips, bare pods, orphaning deletes. Invariants hold after every
 * step and each owner converges to its spec.
 */
import { describe, expect, it } from "vitest";
import { remove } from "../../../src/api/rest";
import { createGarbageCollector } from "../../../src/controllers/garbageCollector";
import { createReplicaSetController, createReplicationControllerController } from "../../../src/controllers/replicaset";
import { SimCluster } from "../runtime/cluster";
import { activePodsOf, barePod, fakeKubelet, NOT_READY, podsOf, replicaSet, replicationController, standardInvariants } from "./fixtures";

function lcg(seed: number) {
  let s = seed;
  return () => ((s = (s * 48271) % 2147483647) - 1) / 2147483646;
}

describe("churn", () => {
  it.each([1, 7, 42])("converges after 40 random actions (seed %i)", (seed) => {
    const rand = lcg(seed);
    const pick = <T>(xs: T[]): T | undefined => (xs.length ? xs[Math.floor(rand() * xs.length)] : undefined);
    const c = new SimCluster([createReplicaSetController(), createReplicationControllerController(), createGarbageCollector(), fakeKubelet({ bind: seed % 2 === 1 })], { seed });
    const invariants = standardInvariants();
    const owners = [
      { kind: "ReplicaSet", resource: "replicasets.apps", make: () => replicaSet("web", { replicas: 3 }) },
      { kind: "ReplicaSet", resource: "replicasets.apps", make: () => replicaSet("api", { replicas: 2, labels: { app: "api", tier: "be" }, selector: { app: "api" } }) },
      { kind: "ReplicationController", resource: "replicationcontrollers", make: () => replicationController("legacy", { replicas: 2 }) },
    ];
    for (const o of owners) c.apply(o.make());
    c.settle({ invariants });
    let bare = 0;
    for (let step = 0; step < 40; step++) {
      const owner = pick(owners)!;
      const name = owner.make().metadata.name!;
      const obj = c.get(owner.resource, name);
      const pods = c.list("pods", "default").filter((p) => !p.metadata.deletionTimestamp);
      const action = Math.floor(rand() * 7);
      if (!obj) {
        c.apply(owner.make());
      } else if (action === 0) {
        c.patch(owner.kind, name, { spec: { replicas: Math.floor(rand() * 6) } });
      } else if (action === 1) {
        const victim = pick(pods);
        if (victim) c.delete("Pod", victim.metadata.name!);
      } else if (action === 2) {
        const victim = pick(pods);
        if (victim) c.patch("Pod", victim.metadata.name!, { metadata: { labels: { app: pick(["web", "api", "legacy", "debug"])! } } });
      } else if (action === 3) {
        const victim = pick(pods);
        if (victim) c.patch("Pod", victim.metadata.name!, { metadata: { annotations: { [NOT_READY]: rand() < 0.5 ? "true" : null } } });
      } else if (action === 4) {
        c.apply(barePod(`bare-${bare++}`, { app: pick(["web", "api", "legacy"])! }));
      } else if (action === 5) {
        c.write(() => remove(c.ctx, c.target(owner.kind), name, { propagationPolicy: pick(["Background", "Foreground", "Orphan"]) }));
      }
      c.settle({ invariants });
    }
    for (const o of owners) {
      const obj = c.get(o.resource, o.make().metadata.name!);
      if (!obj) continue;
      const replicas = (obj.spec as { replicas: number }).replicas;
      expect(activePodsOf(c, obj)).toHaveLength(replicas);
      expect((obj.status as { replicas: number }).replicas).toBe(replicas);
      expect((obj.status as { observedGeneration: number }).observedGeneration).toBe(obj.metadata.generation);
    }
    // Nothing left owned by an owner that is gone.
    const uids = new Set(owners.map((o) => c.get(o.resource, o.make().metadata.name!)?.metadata.uid).filter(Boolean));
    for (const pod of c.list("pods", "default")) {
      for (const r of pod.metadata.ownerReferences ?? []) expect(uids.has(r.uid), `${pod.metadata.name} owned by a deleted owner`).toBe(true);
    }
    expect(podsOf(c, undefined)).toEqual([]);
    expect(c.store.nextDue()).toBeUndefined();
  });
});
