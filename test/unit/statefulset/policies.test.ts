/**
 * StatefulSet behaviour beyond the tutorial's happy path: PVC retention policies, minReadySeconds,
 * maxUnavailable, a pod that never becomes ready (the halt and the docs' forced rollback), and the
 * OrderedReady invariant catching a controller that ignores ordering.
 */
import { describe, expect, it } from "vitest";
import { PVCS, STATEFUL_SETS, createStatefulSetController } from "../../../src/controllers/statefulset";
import type { Controller, Snapshot } from "../../../src/controllers/types";
import { IMAGE_1, IMAGE_2, NGINX_SERVICE, orderedReady, SECOND, StsCluster, web, type WebOptions } from "./harness";

function created(o: WebOptions = {}) {
  const c = new StsCluster();
  const inv = [orderedReady(c)];
  c.apply(NGINX_SERVICE);
  c.apply(web(o));
  c.run(inv);
  return { c, inv };
}

const owners = (c: StsCluster, claim: string) => (c.get(PVCS, claim)?.metadata.ownerReferences ?? []).map((r) => `${r.kind}/${r.name}${r.controller ? " (controller)" : ""}`);

describe("persistentVolumeClaimRetentionPolicy", () => {
  it("whenDeleted Delete: the set controls the claims, and deleting it deletes them", () => {
    const { c, inv } = created({ retention: { whenDeleted: "Delete", whenScaled: "Retain" } });
    expect(owners(c, "www-web-0")).toEqual(["StatefulSet/web (controller)"]);
    c.scale(1);
    c.run(inv);
    expect(c.claimNames()).toEqual(["www-web-0", "www-web-1"]);
    c.deleteSet();
    c.run(inv);
    expect(c.list("pods", "default")).toEqual([]);
    expect(c.claimNames()).toEqual([]);
  });

  it("whenScaled Delete: a scaled-away pod's claim goes with it; scaling back up makes a fresh one", () => {
    const { c, inv } = created({ replicas: 3, retention: { whenDeleted: "Retain", whenScaled: "Delete" } });
    expect(owners(c, "www-web-2")).toEqual([]);
    const old = c.get(PVCS, "www-web-2")!.metadata.uid;
    c.scale(1);
    c.run(inv);
    expect(c.podNames()).toEqual(["web-0"]);
    expect(c.claimNames()).toEqual(["www-web-0"]);
    c.scale(3);
    c.run(inv);
    expect(c.claimNames()).toEqual(["www-web-0", "www-web-1", "www-web-2"]);
    expect(c.get(PVCS, "www-web-2")!.metadata.uid).not.toBe(old);
    c.deleteSet();
    c.run(inv);
    expect(c.claimNames()).toEqual(["www-web-0", "www-web-1", "www-web-2"]);
  });

  it("Delete/Delete: the set owns claims in range, pods own the scaled-away ones", () => {
    const { c, inv } = created({ replicas: 2, retention: { whenDeleted: "Delete", whenScaled: "Delete" } });
    expect(owners(c, "www-web-1")).toEqual(["StatefulSet/web (controller)"]);
    c.scale(1);
    c.run(inv);
    expect(c.claimNames()).toEqual(["www-web-0"]);
  });

  it("switching the policy on later fixes the existing claims' owners", () => {
    const { c, inv } = created();
    expect(owners(c, "www-web-0")).toEqual([]);
    c.patch("StatefulSet", "web", { spec: { persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete" } } });
    c.run(inv);
    expect(owners(c, "www-web-0")).toEqual(["StatefulSet/web (controller)"]);
    expect(owners(c, "www-web-1")).toEqual(["StatefulSet/web (controller)"]);
  });
});

describe("minReadySeconds", () => {
  it("waits until each pod has been ready that long before the next one, and counts availability", () => {
    const { c, inv } = created({ replicas: 3, minReadySeconds: 10 });
    const started = c.pods().map((p) => Date.parse(p.metadata.creationTimestamp!));
    expect(started[1] - started[0]).toBeGreaterThanOrEqual(10 * SECOND);
    expect(started[2] - started[1]).toBeGreaterThanOrEqual(10 * SECOND);
    expect(c.sts().status).toMatchObject({ readyReplicas: 3, availableReplicas: 3 });
  });
});

describe("rollingUpdate.maxUnavailable", () => {
  it("replaces two pods at a time from the top", () => {
    const { c, inv } = created({ replicas: 4, updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 2 } } });
    c.setImage(IMAGE_2);
    let most = 0;
    c.settle({ invariants: [() => void (most = Math.max(most, c.pods().filter((p) => p.metadata.deletionTimestamp).length))] });
    expect(most).toBe(2);
    expect(c.images()).toEqual(Array(4).fill(IMAGE_2));
    expect(c.events().filter((e) => e.startsWith("SuccessfulDelete"))).toEqual([3, 2, 1, 0].map((i) => `SuccessfulDelete: delete Pod web-${i} in StatefulSet web successful`));
  });
});

describe("a pod that never becomes ready", () => {
  it("halts OrderedReady creation at that ordinal", () => {
    const { c } = created({ replicas: 3, image: "nginx:1.161" });
    expect(c.podNames()).toEqual(["web-0"]);
    expect(c.rolloutStatus()).toBe("Waiting for 3 pods to be ready...");
  });

  it("halts a rolling update; after reverting the template the broken pod must be deleted by hand (forced rollback)", () => {
    const { c, inv } = created({ replicas: 3 });
    c.setImage("nginx:1.161");
    c.run(inv);
    expect(c.images()).toEqual([IMAGE_1, IMAGE_1, "nginx:1.161"]);
    c.setImage(IMAGE_1);
    c.run(inv);
    expect(c.images()).toEqual([IMAGE_1, IMAGE_1, "nginx:1.161"]);
    c.deletePod("web-2");
    c.run(inv);
    expect(c.images()).toEqual([IMAGE_1, IMAGE_1, IMAGE_1]);
    expect(c.rolloutStatus()).toBe("partitioned roll out complete: 3 new pods have been updated...");
  });
});

describe("the OrderedReady invariant", () => {
  it("catches a controller that creates every pod at once", () => {
    // The real controller, shown a Parallel copy of each set while the stored set says OrderedReady.
    const real = createStatefulSetController();
    const parallel = (s: Snapshot): Snapshot => ({
      ...s,
      get: (resource, namespace, name) => {
        const obj = s.get(resource, namespace, name);
        return resource === STATEFUL_SETS && obj ? { ...obj, spec: { ...(obj.spec as object), podManagementPolicy: "Parallel" } } : obj;
      },
    });
    const broken: Controller = { ...real, reconcile: (key, snapshot, now, rng) => real.reconcile(key, parallel(snapshot), now, rng) };
    const c = new StsCluster();
    (c.runner as unknown as { byName: Map<string, Controller> }).byName.set("statefulset", broken);
    c.apply(NGINX_SERVICE);
    c.apply(web({ replicas: 3 }));
    expect(() => c.run([orderedReady(c)])).toThrow(/created before web-0 was Running and Ready|changing at once/);
  });
});

describe("revision name collisions", () => {
  it("bumps status.collisionCount and takes another name when `<set>-<hash>` holds other data", () => {
    const { c: first } = created();
    const [taken] = first.revisions();
    const c = new StsCluster();
    c.apply({ apiVersion: "apps/v1", kind: "ControllerRevision", metadata: { name: taken.metadata.name, namespace: "default", labels: { owner: "someone-else" } }, data: { other: true }, revision: 1 });
    c.apply(NGINX_SERVICE);
    c.apply(web());
    c.run([orderedReady(c)]);
    const [mine] = c.revisions();
    expect(mine.metadata.name).not.toBe(taken.metadata.name);
    expect(c.sts().status).toMatchObject({ collisionCount: 1, currentRevision: mine.metadata.name, readyReplicas: 2 });
    expect(c.pods().map((p) => p.metadata.labels!["controller-revision-hash"])).toEqual([mine.metadata.name, mine.metadata.name]);
  });
});
