/**
 * The Kubernetes docs' StatefulSet Basics tutorial, step by step, on the simulated cluster: ordered
 * creation, stable identity and storage, scaling, updating (rolling, staged with a partition,
 * OnDelete), deleting (orphan and cascade) and Parallel pod management. The OrderedReady invariants
 * hold after every step.
 */
import { describe, expect, it } from "vitest";
import { CONTROLLER_REVISION_HASH_LABEL } from "../../../src/controllers/history";
import { PVCS } from "../../../src/controllers/statefulset";
import { IMAGE_1, IMAGE_2, NGINX_SERVICE, orderedReady, StsCluster, web, type WebOptions } from "./harness";

/** The tutorial's starting point: Service `nginx` and StatefulSet `web` (2 replicas) rolled out. */
function created(o: WebOptions = {}) {
  const c = new StsCluster();
  const inv = [orderedReady(c)];
  c.apply(NGINX_SERVICE);
  c.apply(web(o));
  c.run(inv);
  return { c, inv };
}

describe("Creating a StatefulSet", () => {
  const { c } = created();
  const set = c.sts();
  const [rev] = c.revisions();

  it("creates web-0, then web-1 once web-0 is Running and Ready, each after its claim", () => {
    expect(c.podNames()).toEqual(["web-0", "web-1"]);
    expect(c.pods().map((p) => p.status?.phase)).toEqual(["Running", "Running"]);
    expect(c.events()).toEqual([
      "SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success",
      "SuccessfulCreate: create Pod web-0 in StatefulSet web successful",
      "SuccessfulCreate: create Claim www-web-1 Pod web-1 in StatefulSet web success",
      "SuccessfulCreate: create Pod web-1 in StatefulSet web successful",
    ]);
  });

  it("gives each pod a stable identity: labels, hostname, subdomain, its own claim", () => {
    const [p0, p1] = c.pods();
    expect(p0.metadata.labels).toEqual({
      app: "nginx",
      "apps.kubernetes.io/pod-index": "0",
      "controller-revision-hash": rev.metadata.name,
      "statefulset.kubernetes.io/pod-name": "web-0",
    });
    expect([p0.spec!.hostname, p0.spec!.subdomain]).toEqual(["web-0", "nginx"]);
    expect(p1.spec!.volumes).toEqual([{ name: "www", persistentVolumeClaim: { claimName: "www-web-1" } }]);
    expect(p0.metadata.ownerReferences).toEqual([{ apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: set.metadata.uid, controller: true, blockOwnerDeletion: true }]);
  });

  it("makes claims www-web-0 and www-web-1 of 1Gi, labelled from the selector, Bound", () => {
    expect(c.claimNames()).toEqual(["www-web-0", "www-web-1"]);
    const claim = c.get(PVCS, "www-web-0")!;
    expect(claim.metadata.labels).toEqual({ app: "nginx" });
    expect(claim.metadata.ownerReferences).toBeUndefined();
    expect(claim.spec).toMatchObject({ accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } });
    expect((claim.status as { phase: string }).phase).toBe("Bound");
  });

  it("records revision 1 as a ControllerRevision and reports it in status", () => {
    expect(c.revisions().map((r) => [r.metadata.name, r.revision])).toEqual([[rev.metadata.name, 1]]);
    expect(rev.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rev.metadata.labels).toEqual({ app: "nginx", [CONTROLLER_REVISION_HASH_LABEL]: rev.metadata.name!.slice(4) });
    expect(Object.keys(rev.data)).toEqual(["spec"]);
    expect(Object.keys(rev.data.spec.template)).toEqual(["$patch", "metadata", "spec"]);
    // The controller writes Go's `"creationTimestamp": null` too; the API server's decode drops nulls.
    expect((rev.data.spec.template.metadata as { labels: unknown }).labels).toEqual({ app: "nginx" });
    expect(set.status).toEqual({
      observedGeneration: 1, replicas: 2, readyReplicas: 2, availableReplicas: 2, currentReplicas: 2, updatedReplicas: 2,
      currentRevision: rev.metadata.name, updateRevision: rev.metadata.name, collisionCount: 0,
    });
    expect(c.rolloutStatus()).toBe("partitioned roll out complete: 2 new pods have been updated...");
  });

  it("goes quiet once converged", () => {
    expect(c.store.nextDue()).toBeUndefined();
  });
});

describe("Pods in a StatefulSet", () => {
  it("come back with the same names and claims after `kubectl delete pod -l app=nginx`", () => {
    const { c, inv } = created();
    const before = c.pods().map((p) => p.metadata.uid);
    const claimUids = ["www-web-0", "www-web-1"].map((n) => c.get(PVCS, n)!.metadata.uid);
    c.deletePod("web-0");
    c.deletePod("web-1");
    c.run(inv);
    expect(c.podNames()).toEqual(["web-0", "web-1"]);
    expect(c.pods().map((p) => p.metadata.uid).some((u) => before.includes(u))).toBe(false);
    expect(c.pods().map((p) => p.spec!.volumes![0].persistentVolumeClaim!.claimName)).toEqual(["www-web-0", "www-web-1"]);
    expect(["www-web-0", "www-web-1"].map((n) => c.get(PVCS, n)!.metadata.uid)).toEqual(claimUids);
    // Same message again: the recorder counts it on the first event.
    expect(c.eventCounts().filter((e) => e.includes("create Pod"))).toEqual([
      "SuccessfulCreate: create Pod web-0 in StatefulSet web successful ×2",
      "SuccessfulCreate: create Pod web-1 in StatefulSet web successful ×2",
    ]);
  });
});

describe("A deleted claim", () => {
  it("stays while its pod runs; once the pod is deleted too, the pod waits for a fresh claim", () => {
    const { c, inv } = created();
    const old = c.get(PVCS, "www-web-1")!.metadata.uid;
    c.delete("PersistentVolumeClaim", "www-web-1");
    c.run(inv);
    expect(c.get(PVCS, "www-web-1")!.metadata.deletionTimestamp).toBeDefined();
    c.deletePod("web-1");
    c.run(inv);
    expect(c.podNames()).toEqual(["web-0", "web-1"]);
    const claim = c.get(PVCS, "www-web-1")!;
    expect(claim.metadata.uid).not.toBe(old);
    expect(claim.metadata.deletionTimestamp).toBeUndefined();
  });
});

describe("Scaling a StatefulSet", () => {
  it("scales up to 5 in order, then down to 3 from the highest ordinal, keeping the claims", () => {
    const { c, inv } = created();
    c.scale(5);
    c.run(inv);
    expect(c.podNames()).toEqual(["web-0", "web-1", "web-2", "web-3", "web-4"]);
    c.scale(3);
    c.run(inv);
    expect(c.podNames()).toEqual(["web-0", "web-1", "web-2"]);
    expect(c.claimNames()).toEqual(["www-web-0", "www-web-1", "www-web-2", "www-web-3", "www-web-4"]);
    expect(c.events().filter((e) => e.includes(": create Pod") || e.includes(": delete Pod"))).toEqual([
      ...[0, 1, 2, 3, 4].map((i) => `SuccessfulCreate: create Pod web-${i} in StatefulSet web successful`),
      "SuccessfulDelete: delete Pod web-4 in StatefulSet web successful",
      "SuccessfulDelete: delete Pod web-3 in StatefulSet web successful",
    ]);
    expect(c.sts().status).toMatchObject({ replicas: 3, readyReplicas: 3, availableReplicas: 3 });
  });

  it("reuses the retained claims when scaled back up", () => {
    const { c, inv } = created({ replicas: 3 });
    const uid = c.get(PVCS, "www-web-2")!.metadata.uid;
    c.scale(1);
    c.run(inv);
    c.scale(3);
    c.run(inv);
    expect(c.get(PVCS, "www-web-2")!.metadata.uid).toBe(uid);
    expect(c.events().filter((e) => e.includes("Claim"))).toHaveLength(3);
  });
});

describe("Updating StatefulSets: RollingUpdate", () => {
  it("replaces pods in reverse ordinal order, one at a time, and reports the new revision", () => {
    const { c, inv } = created({ replicas: 3 });
    const [r1] = c.revisions();
    c.setImage(IMAGE_2);
    c.run(inv);
    const [, r2] = c.revisions();
    expect(c.images()).toEqual([IMAGE_2, IMAGE_2, IMAGE_2]);
    expect(c.pods().map((p) => p.metadata.labels![CONTROLLER_REVISION_HASH_LABEL])).toEqual(Array(3).fill(r2.metadata.name));
    expect(c.events().filter((e) => e.startsWith("SuccessfulDelete"))).toEqual([2, 1, 0].map((i) => `SuccessfulDelete: delete Pod web-${i} in StatefulSet web successful`));
    expect(c.revisions().map((r) => [r.metadata.name, r.revision])).toEqual([[r1.metadata.name, 1], [r2.metadata.name, 2]]);
    expect(c.sts().status).toMatchObject({ observedGeneration: 2, currentRevision: r2.metadata.name, updateRevision: r2.metadata.name, currentReplicas: 3, updatedReplicas: 3 });
  });

  it("shows the update under way as kubectl rollout status does", () => {
    const { c, inv } = created({ replicas: 3 });
    c.setImage(IMAGE_2);
    const seen = new Set<string>();
    c.settle({ invariants: [...inv, () => void seen.add(c.rolloutStatus())] });
    expect(seen).toContain("Waiting for 1 pods to be ready...");
    expect(seen).toContain("Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...");
    expect(c.rolloutStatus()).toBe("partitioned roll out complete: 3 new pods have been updated...");
  });

  it("rolls back with kubectl rollout undo, renumbering the old revision", () => {
    const { c, inv } = created({ replicas: 3 });
    const [r1] = c.revisions();
    c.setImage(IMAGE_2);
    c.run(inv);
    expect(c.undo()).toBe("statefulset.apps/web rolled back");
    c.run(inv);
    expect(c.images()).toEqual([IMAGE_1, IMAGE_1, IMAGE_1]);
    const revisions = c.revisions();
    expect(revisions.map((r) => r.revision)).toEqual([2, 3]);
    expect(revisions[1].metadata.name).toBe(r1.metadata.name);
    expect(c.sts().status?.currentRevision).toBe(r1.metadata.name);
    // kubectl compares bytes with its own `"creationTimestamp":null`, which the stored data lacks (the
    // API server drops nulls), so it re-sends the same template: a no-op that changes nothing.
    const generation = c.sts().metadata.generation;
    c.undo(3);
    c.run(inv);
    expect(c.sts().metadata.generation).toBe(generation);
    expect(c.revisions().map((r) => r.revision)).toEqual([2, 3]);
  });

  it("refuses to undo with a single revision", () => {
    const { c } = created();
    expect(c.undo()).toBe("error: no last revision to roll back to");
  });
});

describe("Updating StatefulSets: staging an update with a partition", () => {
  it("keeps pods below the partition, recreates a deleted one at the current revision, then rolls out", () => {
    const { c, inv } = created({ replicas: 5 });
    const [r1] = c.revisions();
    c.partition(3);
    c.run(inv);
    c.setImage(IMAGE_2);
    c.run(inv);
    const [, r2] = c.revisions();
    expect(c.images()).toEqual([IMAGE_1, IMAGE_1, IMAGE_1, IMAGE_2, IMAGE_2]);
    expect(c.rolloutStatus()).toBe("partitioned roll out complete: 2 new pods have been updated...");
    expect(c.sts().status).toMatchObject({ currentRevision: r1.metadata.name, updateRevision: r2.metadata.name, currentReplicas: 3, updatedReplicas: 2 });

    c.deletePod("web-2");
    c.run(inv);
    expect(c.images()[2]).toBe(IMAGE_1);

    c.partition(2);
    c.run(inv);
    expect(c.images()).toEqual([IMAGE_1, IMAGE_1, IMAGE_2, IMAGE_2, IMAGE_2]);

    c.partition(0);
    c.run(inv);
    expect(c.images()).toEqual(Array(5).fill(IMAGE_2));
    expect(c.sts().status).toMatchObject({ currentRevision: r2.metadata.name, updateRevision: r2.metadata.name, currentReplicas: 5, updatedReplicas: 5 });
  });
});

describe("Updating StatefulSets: OnDelete", () => {
  it("leaves pods alone until they are deleted, then recreates them from the new template", () => {
    const { c, inv } = created({ replicas: 3, updateStrategy: { type: "OnDelete" } });
    c.setImage(IMAGE_2);
    c.run(inv);
    expect(c.images()).toEqual([IMAGE_1, IMAGE_1, IMAGE_1]);
    expect(c.sts().status).toMatchObject({ currentReplicas: 3 });
    expect(c.sts().status?.updatedReplicas).toBeUndefined();
    c.deletePod("web-1");
    c.run(inv);
    expect(c.images()).toEqual([IMAGE_1, IMAGE_2, IMAGE_1]);
    expect(c.sts().status).toMatchObject({ currentReplicas: 2, updatedReplicas: 1 });
  });
});

describe("Deleting StatefulSets", () => {
  it("non-cascading: orphans the pods; a new StatefulSet adopts them and the old revision", () => {
    const { c, inv } = created();
    const uids = c.pods().map((p) => p.metadata.uid);
    const [r1] = c.revisions();
    c.deleteSet("Orphan");
    c.run(inv);
    expect(c.list("pods", "default").map((p) => [p.metadata.name, p.metadata.ownerReferences])).toEqual([["web-0", undefined], ["web-1", undefined]]);
    // The tutorial deletes web-0 while nothing manages it: it stays gone.
    c.deletePod("web-0");
    c.run(inv);
    expect(c.list("pods", "default").map((p) => p.metadata.name)).toEqual(["web-1"]);
    c.apply(web());
    c.run(inv);
    expect(c.podNames()).toEqual(["web-0", "web-1"]);
    expect(c.pods()[1].metadata.uid).toBe(uids[1]);
    expect(c.pods()[0].metadata.uid).not.toBe(uids[0]);
    expect(c.revisions().map((r) => r.metadata.name)).toEqual([r1.metadata.name]);
    expect(c.sts().status).toMatchObject({ replicas: 2, readyReplicas: 2, currentRevision: r1.metadata.name });
  });

  it("cascading: the pods go, the claims stay (Retain)", () => {
    const { c, inv } = created();
    c.deleteSet();
    c.run(inv);
    expect(c.list("pods", "default")).toEqual([]);
    expect(c.list("controllerrevisions.apps", "default")).toEqual([]);
    expect(c.claimNames()).toEqual(["www-web-0", "www-web-1"]);
  });
});

describe("Pod management policy: Parallel", () => {
  it("creates and deletes all pods at once", () => {
    const { c } = created({ replicas: 3, podManagementPolicy: "Parallel" });
    expect(c.podNames()).toEqual(["web-0", "web-1", "web-2"]);
    const created3 = c.events().filter((e) => e.includes("create Pod"));
    expect(created3).toHaveLength(3);
    c.scale(5);
    let most = 0;
    c.settle({ invariants: [() => void (most = Math.max(most, c.pods().filter((p) => p.status?.phase !== "Running").length))] });
    expect(most).toBe(2);
    c.scale(1);
    let deleting = 0;
    c.settle({ invariants: [() => void (deleting = Math.max(deleting, c.pods().filter((p) => p.metadata.deletionTimestamp).length))] });
    expect(deleting).toBe(4);
    expect(c.podNames()).toEqual(["web-0"]);
  });
});
