import { describe, expect, it } from "vitest";
import {
  ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE, findBestMatch, PV_PROTECTION, PVC_PROTECTION, PVCS, PVS,
} from "../../../src/controllers/volumes";
import { claim, pod, STANDARD, storageClass, volume } from "../services/fixtures";
import { claimOf, reasons, volumeOf, world } from "./world";

const SC = "storageclasses.storage.k8s.io";

describe("dynamic provisioning", () => {
  it("binds a claim without a class through the default StorageClass", () => {
    const c = world();
    c.create(PVCS, claim("data", { storage: "2Gi" }));
    c.settle();
    // The provisioner is still at work: the claim waits, announced to the provisioner.
    let pvc = claimOf(c, "data");
    expect(pvc.status?.phase).toBe("Pending");
    expect(pvc.spec?.storageClassName).toBe("standard");
    expect(c.list(PVS)).toEqual([]);

    c.run();
    pvc = claimOf(c, "data");
    const pvName = `pvc-${pvc.metadata!.uid}`;
    expect(pvc.metadata?.finalizers).toEqual([PVC_PROTECTION]);
    expect(pvc.metadata?.annotations).toEqual({
      [ANN_BIND_COMPLETED]: "yes",
      [ANN_BOUND_BY_CONTROLLER]: "yes",
      "volume.beta.kubernetes.io/storage-provisioner": "kubeflare.dev/simulated-disk",
      "volume.kubernetes.io/storage-provisioner": "kubeflare.dev/simulated-disk",
    });
    expect(pvc.spec?.volumeName).toBe(pvName);
    expect(pvc.status).toEqual({ phase: "Bound", accessModes: ["ReadWriteOnce"], capacity: { storage: "2Gi" } });

    const pv = volumeOf(c, pvName);
    expect(pv.metadata?.annotations).toEqual({ [ANN_PROVISIONED_BY]: "kubeflare.dev/simulated-disk" });
    expect(pv.metadata?.finalizers).toEqual([PV_PROTECTION]);
    expect(pv.spec).toEqual({
      accessModes: ["ReadWriteOnce"],
      capacity: { storage: "2Gi" },
      claimRef: { kind: "PersistentVolumeClaim", namespace: "default", name: "data", uid: pvc.metadata!.uid, apiVersion: "v1", resourceVersion: expect.any(String) },
      hostPath: { path: `/var/lib/kubeflare/pv/${pvName}`, type: "DirectoryOrCreate" },
      persistentVolumeReclaimPolicy: "Delete",
      storageClassName: "standard",
      volumeMode: "Filesystem",
    });
    expect(pv.status).toEqual({ phase: "Bound", lastPhaseTransitionTime: expect.stringMatching(/Z$/) });

    expect(c.eventsFor("data").map((e) => [e.reason, e.component, e.message])).toEqual([
      ["ExternalProvisioning", "persistentvolume-controller",
        "Waiting for a volume to be created either by the external provisioner 'kubeflare.dev/simulated-disk' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered."],
      ["Provisioning", "kubeflare.dev/simulated-disk_kubeflare-control-plane", 'External provisioner is provisioning volume for claim "default/data"'],
      ["ProvisioningSucceeded", "kubeflare.dev/simulated-disk_kubeflare-control-plane", `Successfully provisioned volume ${pvName}`],
    ]);
    expect(c.armed).toBe(0);
    c.converged();
  });

  it("takes about a second to provision, scaled by the simulation's time scale", () => {
    const c = world();
    c.create(PVCS, claim("data"));
    c.advance(500);
    expect(c.list(PVS)).toEqual([]);
    c.advance(500);
    expect(claimOf(c, "data").status?.phase).toBe("Bound");
  });

  it("names an in-tree plugin in its success event", () => {
    const c = world([storageClass("host", { provisioner: "kubernetes.io/host-path" })]);
    c.create(PVCS, claim("data", { className: "host" }));
    c.run();
    const pvName = claimOf(c, "data").spec?.volumeName;
    expect(c.eventsFor("data").map((e) => [e.reason, e.component, e.message])).toEqual([
      ["ProvisioningSucceeded", "persistentvolume-controller", `Successfully provisioned volume ${pvName} using kubernetes.io/host-path`],
    ]);
  });

  it.each<[string, Parameters<typeof claim>[1], string, string]>([
    ["no class and no volume", { className: "" }, "FailedBinding", "no persistent volumes available for this claim and no storage class is set"],
    ["a class that does not exist", { className: "fast" }, "ProvisioningFailed", 'storageclass.storage.k8s.io "fast" not found'],
    ["a class without a provisioner", { className: "local" }, "ProvisioningFailed", "no volume plugin matched name: kubernetes.io/no-provisioner"],
    ["a selector on a provisioned claim", { selector: { disk: "ssd" } }, "ProvisioningFailed", "claim Selector is not supported"],
  ])("leaves a claim Pending with %s", (_name, opts, reason, message) => {
    const c = world([STANDARD, storageClass("local", { provisioner: "kubernetes.io/no-provisioner" })]);
    c.create(PVCS, claim("data", opts));
    c.run();
    expect(claimOf(c, "data").status?.phase).toBe("Pending");
    expect(c.list(PVS)).toEqual([]);
    expect(c.eventsFor("data", reason).map((e) => e.message)).toContain(message);
  });

  it("gives a claim made before any default class that class once it exists", () => {
    const c = world([]);
    c.create(PVCS, claim("data"));
    c.run();
    expect(claimOf(c, "data").spec?.storageClassName).toBeUndefined();
    c.create(SC, STANDARD);
    c.run();
    expect(claimOf(c, "data")).toMatchObject({ spec: { storageClassName: "standard" }, status: { phase: "Bound" } });
    c.converged();
  });
});

describe("WaitForFirstConsumer", () => {
  const WFFC = storageClass("local-path", { bindingMode: "WaitForFirstConsumer", isDefault: true });

  it("waits for a pod, then provisions on the node it was scheduled to", () => {
    const c = world([WFFC]);
    c.create(PVCS, claim("data"));
    c.run();
    expect(claimOf(c, "data").status?.phase).toBe("Pending");
    expect(c.eventsFor("data").map((e) => [e.reason, e.message])).toEqual([["WaitForFirstConsumer", "waiting for first consumer to be created before binding"]]);

    c.create("pods", pod("app", { claims: ["data"] }));
    c.run();
    expect(c.eventsFor("data", "WaitForPodScheduled").map((e) => e.message)).toEqual(["waiting for pod app to be scheduled"]);
    expect(c.list(PVS)).toEqual([]);

    c.now += 3000;
    c.bindPod("default", "app", "node-2");
    c.settle();
    // Provisioning for the chosen node starts when the pod was scheduled.
    expect(claimOf(c, "data").metadata?.annotations?.[ANN_SELECTED_NODE]).toBe("node-2");
    expect(claimOf(c, "data").status?.phase).toBe("Pending");
    c.run();
    const pvc = claimOf(c, "data");
    expect(pvc.metadata?.annotations?.[ANN_SELECTED_NODE]).toBe("node-2");
    expect(pvc.status?.phase).toBe("Bound");
    expect(volumeOf(c, pvc.spec!.volumeName!).status?.phase).toBe("Bound");
    c.converged();
  });

  it("binds an existing volume, without provisioning, once the consumer is scheduled", () => {
    const local = storageClass("local", { provisioner: "kubernetes.io/no-provisioner", bindingMode: "WaitForFirstConsumer" });
    const c = world([local]);
    c.create(PVS, volume("local-pv", { className: "local", storage: "5Gi" }));
    c.create(PVCS, claim("data", { className: "local" }));
    c.run();
    expect(volumeOf(c, "local-pv").status?.phase).toBe("Available");
    c.create("pods", pod("app", { claims: ["data"], node: "node-1" }));
    c.run();
    expect(claimOf(c, "data")).toMatchObject({ spec: { volumeName: "local-pv" }, status: { phase: "Bound" } });
    expect(claimOf(c, "data").metadata?.annotations?.[ANN_SELECTED_NODE]).toBeUndefined();
    c.converged();
  });
});

describe("local volumes and node affinity", () => {
  it("binds the local volume on the node the consumer was scheduled to", () => {
    const local = storageClass("local-storage", { provisioner: "kubernetes.io/no-provisioner", bindingMode: "WaitForFirstConsumer" });
    const c = world([local]);
    c.create(PVS, volume("local-1", { className: "local-storage", node: "node-1", storage: "5Gi" }));
    c.create(PVS, volume("local-2", { className: "local-storage", node: "node-2", storage: "10Gi" }));
    c.create(PVCS, claim("data", { className: "local-storage" }));
    c.create("pods", pod("app", { claims: ["data"] }));
    c.run();
    expect(claimOf(c, "data").status?.phase).toBe("Pending");
    c.bindPod("default", "app", "node-2");
    c.run();
    expect(claimOf(c, "data").spec?.volumeName).toBe("local-2");
    expect(volumeOf(c, "local-1").status?.phase).toBe("Available");
    c.converged();
  });
});

describe("binding existing volumes", () => {
  /** The docs' task-pv-volume, with neighbours that fit less well. */
  function manualWorld() {
    const c = world();
    c.create(PVS, volume("big", { className: "manual", storage: "10Gi" }));
    c.create(PVS, volume("multi", { className: "manual", storage: "5Gi", accessModes: ["ReadWriteOnce", "ReadWriteMany"] }));
    c.create(PVS, volume("fit", { className: "manual", storage: "5Gi", labels: { disk: "hdd" } }));
    c.create(PVS, volume("ssd", { className: "manual", storage: "8Gi", labels: { disk: "ssd" } }));
    c.create(PVS, volume("other", { className: "other", storage: "5Gi" }));
    return c.run();
  }

  it.each<[string, Parameters<typeof claim>[1], string]>([
    ["the smallest volume with the fewest access modes", { className: "manual", storage: "3Gi" }, "fit"],
    ["a volume offering every requested mode", { className: "manual", storage: "3Gi", accessModes: ["ReadWriteMany"] }, "multi"],
    ["a volume whose labels match the selector", { className: "manual", storage: "3Gi", selector: { disk: "ssd" } }, "ssd"],
    ["a volume big enough", { className: "manual", storage: "9Gi" }, "big"],
    ["only a volume of the claim's class", { className: "other", storage: "1Gi" }, "other"],
  ])("chooses %s", (_name, opts, expected) => {
    const c = manualWorld();
    c.create(PVCS, claim("task-pv-claim", opts));
    c.run();
    const pvc = claimOf(c, "task-pv-claim");
    expect(pvc.spec?.volumeName).toBe(expected);
    expect(pvc.status?.phase).toBe("Bound");
    expect(pvc.status?.capacity).toEqual(volumeOf(c, expected).spec?.capacity);
    const pv = volumeOf(c, expected);
    expect(pv.status?.phase).toBe("Bound");
    expect(pv.metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER]).toBe("yes");
    expect(pv.spec?.claimRef).toMatchObject({ kind: "PersistentVolumeClaim", namespace: "default", name: "task-pv-claim", uid: pvc.metadata?.uid });
    expect(reasons(c, "task-pv-claim")).toEqual([]);
    for (const other of c.list(PVS).filter((v) => v.metadata.name !== expected)) expect(volumeOf(c, other.metadata.name!).status?.phase).toBe("Available");
    c.converged();
  });

  it("binds a claim made before its volume once the volume appears", () => {
    const c = world();
    c.create(PVCS, claim("late", { className: "", storage: "1Gi" }));
    c.run();
    expect(claimOf(c, "late").status?.phase).toBe("Pending");
    c.create(PVS, volume("pv1", { className: "" }));
    c.run();
    expect(claimOf(c, "late")).toMatchObject({ spec: { volumeName: "pv1" }, status: { phase: "Bound" } });
  });

  it("prefers a volume pre-bound to the claim by name, without marking it bound-by-controller", () => {
    const c = manualWorld();
    c.create(PVS, volume("reserved", { className: "manual", storage: "10Gi", claimRef: { namespace: "default", name: "task-pv-claim" } }));
    c.run();
    expect(volumeOf(c, "reserved").status?.phase).toBe("Available");
    c.create(PVCS, claim("task-pv-claim", { className: "manual", storage: "3Gi" }));
    c.run();
    expect(claimOf(c, "task-pv-claim").spec?.volumeName).toBe("reserved");
    expect(volumeOf(c, "reserved").metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER]).toBeUndefined();
    expect(claimOf(c, "task-pv-claim").metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER]).toBe("yes");
    c.converged();
  });

  it("binds the volume a claim names, without marking the claim bound-by-controller", () => {
    const c = manualWorld();
    c.create(PVCS, claim("named", { className: "manual", storage: "1Gi", volumeName: "big" }));
    c.run();
    const pvc = claimOf(c, "named");
    expect(pvc).toMatchObject({ spec: { volumeName: "big" }, status: { phase: "Bound" } });
    expect(pvc.metadata?.annotations).toEqual({ [ANN_BIND_COMPLETED]: "yes" });
    expect(volumeOf(c, "big").metadata?.annotations?.[ANN_BOUND_BY_CONTROLLER]).toBe("yes");
  });

  it("refuses a named volume that cannot serve the claim", () => {
    const c = manualWorld();
    c.create(PVCS, claim("greedy", { className: "manual", storage: "50Gi", volumeName: "big" }));
    c.run();
    expect(claimOf(c, "greedy").status?.phase).toBe("Pending");
    expect(c.eventsFor("greedy", "FailedBinding").map((e) => e.message)).toContain('Cannot bind to requested volume "big": requested PV is too small');
  });

  it("never binds two claims to one volume", () => {
    const c = world();
    c.create(PVS, volume("only", { className: "manual", storage: "5Gi" }));
    c.create(PVCS, claim("a", { className: "manual" }));
    c.create(PVCS, claim("b", { className: "manual" }));
    c.run();
    const bound = ["a", "b"].filter((n) => claimOf(c, n).status?.phase === "Bound");
    expect(bound).toHaveLength(1);
    c.converged();
  });

  it("finds no match for a claim bigger than every volume", () => {
    const c = manualWorld();
    expect(findBestMatch(c.snapshot(), claim("huge", { className: "manual", storage: "1Ti" }) as never, false)).toBeUndefined();
  });
});
