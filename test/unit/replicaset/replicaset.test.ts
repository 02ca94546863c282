/** ReplicaSet and ReplicationController scenarios on SimCluster, run to quiescence with invariants. */
import { describe, expect, it } from "vitest";
import type { KObject } from "../../../src/api/types";
import { createGarbageCollector } from "../../../src/controllers/garbageCollector";
import { createReplicaSetController, createReplicationControllerController } from "../../../src/controllers/replicaset";
import { SimCluster } from "../runtime/cluster";
import {
  activePodsOf, barePod, eventsFor, fakeKubelet, FAIL, names, NOT_READY, podsOf, replicaSet, replicationController, standardInvariants,
} from "./fixtures";

function cluster(opts: { bind?: boolean } = {}) {
  return new SimCluster([createReplicaSetController(), createReplicationControllerController(), createGarbageCollector(), fakeKubelet(opts)]);
}

const rs = (c: SimCluster, name: string) => c.get("replicasets.apps", name);
const rc = (c: SimCluster, name: string) => c.get("replicationcontrollers", name);
const statusOf = (obj: KObject | undefined) => obj?.status as Record<string, unknown> | undefined;

describe("ReplicaSet", () => {
  it("creates 3 pods named <rs>-xxxxx from the template, owned by the ReplicaSet, and reports them", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicaSet("frontend", { replicas: 3, labels: { tier: "frontend" } }));
    c.settle({ invariants });
    const owner = rs(c, "frontend")!;
    const pods = podsOf(c, owner);
    expect(pods).toHaveLength(3);
    for (const pod of pods) {
      expect(pod.metadata.name).toMatch(/^frontend-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      expect(pod.metadata.labels).toEqual({ tier: "frontend" });
      expect(pod.metadata.ownerReferences).toEqual([
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "frontend", uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    expect(statusOf(owner)).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const created = eventsFor(c, "frontend").filter((e) => e.reason === "SuccessfulCreate");
    expect(created.map((e) => e.message).sort()).toEqual(names(pods).map((n) => `Created pod: ${n}`));
    expect(created.every((e) => e.type === "Normal" && e.source === "replicaset-controller")).toBe(true);
    expect(c.store.nextDue()).toBeUndefined();
  });

  it("replaces a deleted pod", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicaSet("web"));
    c.settle({ invariants });
    const [victim] = names(podsOf(c, rs(c, "web")));
    c.delete("Pod", victim);
    c.settle({ invariants });
    const pods = names(activePodsOf(c, rs(c, "web")));
    expect(pods).toHaveLength(3);
    expect(pods).not.toContain(victim);
    expect(statusOf(rs(c, "web"))).toMatchObject({ replicas: 3, readyReplicas: 3 });
  });

  it("replaces a gracefully deleted (bound, terminating) pod before it is gone", () => {
    const c = cluster({ bind: true });
    const invariants = standardInvariants();
    c.apply(replicaSet("web"));
    c.settle({ invariants });
    const [victim] = names(podsOf(c, rs(c, "web")));
    c.delete("Pod", victim);
    // Right after the DELETE the pod is terminating, which no longer counts: a replacement comes at once.
    expect(c.get("pods", victim)?.metadata.deletionTimestamp).toBeDefined();
    c.settle({ invariants });
    expect(names(activePodsOf(c, rs(c, "web")))).toHaveLength(3);
    expect(c.get("pods", victim)).toBeUndefined();
  });

  it("leaves a Failed pod in place and creates a replacement, as upstream (PodGC cleans up later)", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicaSet("web", { replicas: 2 }));
    c.settle({ invariants });
    const [victim] = names(podsOf(c, rs(c, "web")));
    c.patch("Pod", victim, { metadata: { annotations: { [FAIL]: "true" } } });
    c.settle({ invariants });
    expect((c.get("pods", victim)?.status as { phase: string }).phase).toBe("Failed");
    expect(podsOf(c, rs(c, "web"))).toHaveLength(3);
    expect(names(activePodsOf(c, rs(c, "web")))).not.toContain(victim);
    expect(statusOf(rs(c, "web"))).toMatchObject({ replicas: 2, readyReplicas: 2 });
  });

  it("scales up and down through spec.replicas, deleting the not-ready pod first", () => {
    const c = cluster({ bind: true });
    const invariants = standardInvariants();
    c.apply(replicaSet("web", { replicas: 3 }));
    c.settle({ invariants });
    const pods = names(podsOf(c, rs(c, "web")));
    c.patch("Pod", pods[1], { metadata: { annotations: { [NOT_READY]: "true" } } });
    c.settle({ invariants });
    expect(statusOf(rs(c, "web"))).toMatchObject({ replicas: 3, readyReplicas: 2, availableReplicas: 2 });

    c.patch("ReplicaSet", "web", { spec: { replicas: 2 } });
    c.settle({ invariants });
    expect(names(activePodsOf(c, rs(c, "web")))).toEqual([pods[0], pods[2]]);
    expect(eventsFor(c, "web").filter((e) => e.reason === "SuccessfulDelete").map((e) => e.message)).toEqual([`Deleted pod: ${pods[1]}`]);
    expect(statusOf(rs(c, "web"))).toEqual({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 2, observedGeneration: 2 });

    c.patch("ReplicaSet", "web", { spec: { replicas: 5 } });
    c.settle({ invariants });
    expect(activePodsOf(c, rs(c, "web"))).toHaveLength(5);

    c.patch("ReplicaSet", "web", { spec: { replicas: 0 } });
    c.settle({ invariants });
    expect(podsOf(c, rs(c, "web"))).toHaveLength(0);
    expect(statusOf(rs(c, "web"))).toEqual({ replicas: 0, observedGeneration: 4 });
    expect(c.store.nextDue()).toBeUndefined();
  });

  // https://kubernetes.io/docs/concepts/workloads/controllers/replicaset/#non-template-pod-acquisitions
  describe("the docs' non-template pod acquisition", () => {
    it("bare pods created after the ReplicaSet are acquired and, being excess, deleted", () => {
      const c = cluster();
      const invariants = standardInvariants();
      c.apply(replicaSet("frontend", { replicas: 3, labels: { tier: "frontend" } }));
      c.settle({ invariants });
      const own = names(podsOf(c, rs(c, "frontend")));
      c.apply(barePod("pod1", { tier: "frontend" }));
      c.apply(barePod("pod2", { tier: "frontend" }));
      c.settle({ invariants });
      expect(c.get("pods", "pod1")).toBeUndefined();
      expect(c.get("pods", "pod2")).toBeUndefined();
      expect(names(c.list("pods", "default"))).toEqual(own);
      const deletes = eventsFor(c, "frontend").filter((e) => e.reason === "SuccessfulDelete").map((e) => e.message).sort();
      expect(deletes).toEqual(["Deleted pod: pod1", "Deleted pod: pod2"]);
    });

    it("bare pods created before the ReplicaSet are adopted and only the missing pod is created", () => {
      const c = cluster();
      const invariants = standardInvariants();
      c.apply(barePod("pod1", { tier: "frontend" }));
      c.apply(barePod("pod2", { tier: "frontend" }));
      c.settle({ invariants });
      c.apply(replicaSet("frontend", { replicas: 3, labels: { tier: "frontend" } }));
      c.settle({ invariants });
      const owner = rs(c, "frontend")!;
      const pods = names(podsOf(c, owner));
      expect(pods).toHaveLength(3);
      expect(pods).toContain("pod1");
      expect(pods).toContain("pod2");
      expect(c.get("pods", "pod1")?.metadata.ownerReferences).toEqual([
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "frontend", uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
      ]);
      expect(eventsFor(c, "frontend").filter((e) => e.reason === "SuccessfulCreate")).toHaveLength(1);
    });

    it("a pod owned by another controller is left alone", () => {
      const c = cluster();
      const invariants = standardInvariants();
      c.apply(replicaSet("a", { replicas: 1, labels: { app: "shared" } }));
      c.settle({ invariants });
      c.apply(replicaSet("b", { replicas: 1, labels: { app: "shared" } }));
      c.settle({ invariants });
      expect(podsOf(c, rs(c, "a"))).toHaveLength(1);
      expect(podsOf(c, rs(c, "b"))).toHaveLength(1);
    });
  });

  it("releases a pod whose labels stop matching, and a replacement appears", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicaSet("web"));
    c.settle({ invariants });
    const [debug] = names(podsOf(c, rs(c, "web")));
    c.patch("Pod", debug, { metadata: { labels: { app: "debug" } } });
    c.settle({ invariants });
    expect(c.get("pods", debug)?.metadata.ownerReferences).toBeUndefined();
    expect(names(activePodsOf(c, rs(c, "web")))).not.toContain(debug);
    expect(activePodsOf(c, rs(c, "web"))).toHaveLength(3);
    expect(c.list("pods", "default")).toHaveLength(4);
    // Putting the label back makes it a matching orphan again: adopted, and as excess, one pod goes.
    c.patch("Pod", debug, { metadata: { labels: { app: "web" } } });
    c.settle({ invariants });
    expect(activePodsOf(c, rs(c, "web"))).toHaveLength(3);
    expect(c.list("pods", "default")).toHaveLength(3);
  });

  it("counts available pods only after minReadySeconds, waking itself up for it", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicaSet("web", { replicas: 2, minReadySeconds: 10 }));
    c.settle({ invariants, horizonMs: 0 });
    expect(statusOf(rs(c, "web"))).toEqual({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, observedGeneration: 1 });
    c.advance(5_000, invariants);
    expect(statusOf(rs(c, "web"))?.availableReplicas).toBeUndefined();
    c.settle({ invariants });
    expect(statusOf(rs(c, "web"))).toMatchObject({ readyReplicas: 2, availableReplicas: 2 });
    expect(c.store.nextDue()).toBeUndefined();
  });

  it("counts fullyLabeledReplicas only for pods carrying every template label", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(barePod("partial", { app: "web" }));
    c.apply(replicaSet("web", { replicas: 2, labels: { app: "web", tier: "fe" }, selector: { app: "web" } }));
    c.settle({ invariants });
    expect(statusOf(rs(c, "web"))).toMatchObject({ replicas: 2, fullyLabeledReplicas: 1 });
  });

  it("deleting the ReplicaSet (background) removes its pods", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicaSet("web"));
    c.settle({ invariants });
    c.delete("ReplicaSet", "web");
    c.settle({ invariants });
    expect(c.list("pods", "default")).toHaveLength(0);
  });
});

describe("ReplicationController", () => {
  it("creates pods from its template and replaces a deleted one", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicationController("nginx", { replicas: 3 }));
    c.settle({ invariants });
    const owner = rc(c, "nginx")!;
    const pods = names(podsOf(c, owner));
    expect(pods).toHaveLength(3);
    expect(c.get("pods", pods[0])?.metadata.ownerReferences).toEqual([
      { apiVersion: "v1", kind: "ReplicationController", name: "nginx", uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true },
    ]);
    c.delete("Pod", pods[0]);
    c.settle({ invariants });
    const after = names(activePodsOf(c, rc(c, "nginx")));
    expect(after).toHaveLength(3);
    expect(after).not.toContain(pods[0]);
    expect(statusOf(rc(c, "nginx"))).toEqual({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(eventsFor(c, "nginx").find((e) => e.reason === "SuccessfulCreate")?.source).toBe("replication-controller");
  });

  it("does not claim pods of a ReplicaSet with the same labels, nor the other way round", () => {
    const c = cluster();
    const invariants = standardInvariants();
    c.apply(replicationController("nginx", { replicas: 2, labels: { app: "x" } }));
    c.apply(replicaSet("nginx", { replicas: 2, labels: { app: "x" } }));
    c.settle({ invariants });
    expect(podsOf(c, rc(c, "nginx"))).toHaveLength(2);
    expect(podsOf(c, rs(c, "nginx"))).toHaveLength(2);
  });
});
