import { describe, expect, it } from "vitest";
import { createErrors, deepFreeze, forbidden, invalid, required, typeOf, unsupported, updateErrors } from "./fixtures";

const PV = typeOf("PersistentVolume");
const PVC = typeOf("PersistentVolumeClaim");
const SC = typeOf("StorageClass", "storage.k8s.io");

const pv = (spec: object) => deepFreeze({ apiVersion: "v1", kind: "PersistentVolume", metadata: { name: "pv1" }, spec });
const pvc = (spec: object, status?: object) =>
  deepFreeze({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "data", namespace: "default" }, spec, ...(status ? { status } : {}) });
const storageClass = (fields: object) => deepFreeze({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: "fast" }, ...fields });
const claim = { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } };
const MODES = '"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"';

describe("PersistentVolume", () => {
  const hostPathPV = pv({ capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" } });
  it.each([
    ["a hostPath volume", hostPathPV, []],
    ["nothing but an unknown access mode", pv({ accessModes: ["ReadWriteSometimes"] }), [
      unsupported("spec.accessModes", `"ReadWriteSometimes": supported values: ${MODES}`),
      required("spec.capacity"),
      unsupported("spec.capacity", 'core.ResourceList(nil): supported values: "storage"'),
      required("spec", "must specify a volume type"),
    ]],
    ["a local volume without node affinity", pv({ capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], local: { path: "/mnt/disk" } }), [
      required("spec.nodeAffinity", "Local volume requires node affinity"),
    ]],
    ["a zero capacity", pv({ capacity: { storage: "0" }, accessModes: ["ReadWriteOnce"], hostPath: { path: "/data" } }), [
      invalid("spec.capacity[storage]", '"0": must be greater than zero'),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(PV, obj)).toEqual(expected);
  });

  it("keeps the volume source immutable", () => {
    const causes = updateErrors(PV, hostPathPV, (o) => { o.spec.hostPath.path = "/other"; });
    expect(causes.map((c) => [c.field, c.message.split("\n")[0]])).toEqual([
      ["spec.persistentvolumesource", "Forbidden: spec.persistentvolumesource is immutable after creation"],
    ]);
  });
});

describe("PersistentVolumeClaim", () => {
  it.each([
    ["a claim", pvc(claim), []],
    ["an empty spec", pvc({}), [required("spec.accessModes", "at least 1 access mode is required"), required("spec.resources[storage]")]],
    ["ReadWriteOncePod with another mode and no storage", pvc({ accessModes: ["ReadWriteOnce", "ReadWriteOncePod"], resources: { requests: { storage: "0" } } }), [
      forbidden("spec.accessModes", "may not use ReadWriteOncePod with other access modes"),
      invalid("spec.resources[storage]", '"0": must be greater than zero'),
    ]],
    ["an unknown volumeMode", pvc({ ...claim, volumeMode: "Raw" }), [unsupported("spec.volumeMode", '"Raw": supported values: "Block", "Filesystem"')]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(PVC, obj)).toEqual(expected);
  });

  const bound = pvc({ ...claim, resources: { requests: { storage: "2Gi" } } }, { phase: "Bound", capacity: { storage: "2Gi" } });
  it.each([
    ["a first volumeName", pvc(claim), (o: any) => { o.spec.volumeName = "pv1"; }, []],
    ["a larger request on a bound claim", bound, (o: any) => { o.spec.resources.requests.storage = "5Gi"; }, []],
    ["a request below the bound capacity", bound, (o: any) => { o.spec.resources.requests.storage = "1Gi"; }, [
      forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"),
    ]],
  ])("update: %s", (_, before, edit, expected) => {
    expect(updateErrors(PVC, before, edit)).toEqual(expected);
  });

  it("forbids other spec changes with upstream's header", () => {
    const causes = updateErrors(PVC, pvc(claim), (o) => { o.spec.accessModes = ["ReadWriteMany"]; });
    expect(causes.map((c) => [c.field, c.message.split("\n")[0]])).toEqual([
      ["spec", "Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"],
    ]);
  });
});

describe("StorageClass", () => {
  it.each([
    ["a class", storageClass({ provisioner: "rancher.io/local-path" }), []],
    ["no provisioner and unknown policies", storageClass({ reclaimPolicy: "Recycle", volumeBindingMode: "Later" }), [
      required("provisioner"),
      unsupported("reclaimPolicy", '"Recycle": supported values: "Delete", "Retain"'),
      unsupported("volumeBindingMode", '"Later": supported values: "Immediate", "WaitForFirstConsumer"'),
    ]],
  ])("%s", (_, obj, expected) => {
    expect(createErrors(SC, obj)).toEqual(expected);
  });

  it("forbids changing parameters, provisioner and reclaimPolicy", () => {
    const before = storageClass({ provisioner: "a.io/x", parameters: { type: "ssd" } });
    expect(updateErrors(SC, before, (o) => { o.parameters.type = "hdd"; o.provisioner = "b.io/y"; o.reclaimPolicy = "Retain"; })).toEqual([
      forbidden("parameters", "updates to parameters are forbidden."),
      forbidden("provisioner", "updates to provisioner are forbidden."),
      forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."),
    ]);
  });
});
