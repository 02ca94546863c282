import { describe, expect, it } from "vitest";
import { PV_PROTECTION, PVC_PROTECTION, PVCS, PVS } from "../../../src/controllers/volumes";
import { claim, pod, storageClass, volume } from "../services/fixtures";
import { claimOf, volumeOf, world } from "./world";

describe("reclaiming a volume when its claim goes", () => {
  it.each<[string, boolean]>([
    ["Delete", false],
    ["Retain", true],
  ])("reclaim policy %s", (policy, kept) => {
    const c = world([storageClass("disk", { reclaimPolicy: policy, isDefault: true })]);
    c.create(PVCS, claim("data"));
    c.run();
    const pvName = claimOf(c, "data").spec!.volumeName!;
    expect(volumeOf(c, pvName).spec?.persistentVolumeReclaimPolicy).toBe(policy);

    c.delete(PVCS, "default", "data");
    c.run();
    expect(c.get(PVCS, "default", "data")).toBeUndefined();
    if (!kept) {
      expect(c.get(PVS, "", pvName)).toBeUndefined();
    } else {
      const pv = volumeOf(c, pvName);
      expect(pv.status?.phase).toBe("Released");
      expect(pv.spec?.claimRef?.name).toBe("data");
      // A new claim of the same name gets a new volume: a Released volume is not Available.
      c.create(PVCS, claim("data"));
      c.run();
      expect(claimOf(c, "data").spec?.volumeName).not.toBe(pvName);
      expect(volumeOf(c, pvName).status?.phase).toBe("Released");
    }
    c.converged();
  });

  it("recycles a Recycle volume back to Available", () => {
    const c = world();
    c.create(PVS, volume("nfs-like", { className: "", reclaimPolicy: "Recycle" }));
    c.create(PVCS, claim("data", { className: "" }));
    c.run();
    expect(volumeOf(c, "nfs-like").status?.phase).toBe("Bound");
    c.delete(PVCS, "default", "data");
    c.run();
    const pv = volumeOf(c, "nfs-like");
    expect(pv.status?.phase).toBe("Available");
    expect(pv.spec?.claimRef).toBeUndefined();
    expect(c.eventsFor("nfs-like", "VolumeRecycled").map((e) => e.message)).toEqual(["Volume recycled"]);
    c.converged();
  });
});

describe("storage object in use protection", () => {
  it("keeps a claim a running pod uses until the pod is gone (pvc-protection)", () => {
    const c = world();
    c.create(PVCS, claim("data"));
    c.run();
    const pvName = claimOf(c, "data").spec!.volumeName!;
    c.create("pods", pod("app", { claims: ["data"], node: "node-1", ip: "10.244.1.9" }));
    c.settle();

    c.delete(PVCS, "default", "data");
    c.run();
    const terminating = claimOf(c, "data");
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    expect(terminating.metadata?.finalizers).toEqual([PVC_PROTECTION]);
    expect(terminating.status?.phase).toBe("Bound");
    expect(volumeOf(c, pvName).status?.phase).toBe("Bound");

    c.delete("pods", "default", "app");
    c.run();
    expect(c.get(PVCS, "default", "data")).toBeUndefined();
    expect(c.get(PVS, "", pvName)).toBeUndefined();
  });

  it.each<[string, Parameters<typeof pod>[1]]>([
    ["a pod that never got a node", {}],
    ["a Succeeded pod", { node: "node-1", phase: "Succeeded" }],
    ["a Failed pod", { node: "node-1", phase: "Failed" }],
  ])("lets a claim go when only %s refers to it", (_name, opts) => {
    const c = world();
    c.create(PVCS, claim("data"));
    c.create("pods", pod("job", { claims: ["data"], ...opts }));
    c.run();
    c.delete(PVCS, "default", "data");
    c.run();
    expect(c.get(PVCS, "default", "data")).toBeUndefined();
  });

  it("keeps a Bound volume a user deletes until its claim lets go (pv-protection)", () => {
    const c = world();
    c.create(PVS, volume("task-pv-volume", { className: "manual" }));
    c.create(PVCS, claim("task-pv-claim", { className: "manual", storage: "3Gi" }));
    c.run();
    expect(volumeOf(c, "task-pv-volume").metadata?.finalizers).toEqual([PV_PROTECTION]);

    c.delete(PVS, "", "task-pv-volume");
    c.run();
    const pv = volumeOf(c, "task-pv-volume");
    expect(pv.metadata?.deletionTimestamp).toBeTruthy();
    expect(pv.status?.phase).toBe("Bound");
    expect(claimOf(c, "task-pv-claim").status?.phase).toBe("Bound");

    c.delete(PVCS, "default", "task-pv-claim");
    c.run();
    expect(c.get(PVCS, "default", "task-pv-claim")).toBeUndefined();
    expect(c.get(PVS, "", "task-pv-volume")).toBeUndefined();
  });

  it("marks a claim Lost when its volume disappears anyway", () => {
    const c = world();
    c.create(PVS, volume("pv1", { className: "" }));
    c.create(PVCS, claim("data", { className: "" }));
    c.run();
    // Someone strips the finalizer and deletes the volume.
    c.update(PVS, "", "pv1", (pv) => (pv.metadata.finalizers = []));
    c.delete(PVS, "", "pv1");
    c.run();
    expect(claimOf(c, "data").status).toEqual({ phase: "Lost" });
    expect(c.eventsFor("data", "ClaimLost").map((e) => [e.type, e.message])).toEqual([
      ["Warning", "Bound claim has lost its PersistentVolume. Data on the volume is lost!"],
    ]);
    c.converged();
  });
});

describe("binding is independent of pods", () => {
  it("keeps a claim on its volume while its pod is rescheduled to another node", () => {
    const c = world();
    c.create(PVCS, claim("data"));
    c.create("pods", pod("app-1", { claims: ["data"], node: "node-1", ip: "10.244.1.9" }));
    c.run();
    const pvc = claimOf(c, "data");
    const pv = volumeOf(c, pvc.spec!.volumeName!);

    c.delete("pods", "default", "app-1");
    c.create("pods", pod("app-2", { claims: ["data"], node: "node-3", ip: "10.244.3.9" }));
    c.run();
    expect(claimOf(c, "data").spec?.volumeName).toBe(pv.metadata?.name);
    expect(volumeOf(c, pv.metadata!.name!).spec?.claimRef?.uid).toBe(pvc.metadata?.uid);
    expect(c.list(PVS)).toHaveLength(1);
    c.converged();
  });
});
