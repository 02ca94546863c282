/**
 * PersistentVolumes, PersistentVolumeClaims and StorageClasses, as core validation's
 * ValidatePersistentVolume(Update) / ValidatePersistentVolumeClaim(Update) and storage validation's
 * ValidateStorageClass(Update). A claim's spec is immutable except a bound claim's storage request
 * (never below its status capacity) and a first volumeName.
 */
import type { PersistentVolume, PersistentVolumeClaim, PersistentVolumeClaimSpec } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { specDiff } from "./diff";
import { type Errors, GoLiteral, Path, forbidden, invalid, notSupported, required, tooLong } from "./field";
import { jsonValue } from "./govalue";
import { deepEqual, immutableField, validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isQualifiedName, nameIsDNSSubdomain } from "./names";
import { validateNodeSelector } from "./podspec";
import { compareQuantities, formatQuantity, parseQuantity, sign } from "./quantity";
import { quantityAt, validateResourceQuantityValue } from "./resourcelists";
import { validatePathNoBacksteps } from "./volumes";

const meta = Path.root("metadata");
const spec = Path.root("spec");
const ACCESS_MODES = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const VOLUME_MODES = ["Block", "Filesystem"];

/** Each access mode supported, and ReadWriteOncePod alone. */
function validateAccessModes(modes: string[] | undefined, path: Path): Errors {
  const errs: Errors = [];
  let rwop = false;
  let other = false;
  for (const mode of modes ?? []) {
    if (!ACCESS_MODES.includes(mode)) errs.push(notSupported(path, mode, ACCESS_MODES));
    if (mode === "ReadWriteOncePod") rwop = true;
    else if (ACCESS_MODES.includes(mode)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

function className(name: string | undefined | null, path: Path): Errors {
  return name ? nameIsDNSSubdomain(name, false).map((msg) => invalid(path, name, msg)) : [];
}

/** The PersistentVolumeSource members (everything a PV spec holds that says where the volume is). */
const PV_SOURCES = [
  "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "glusterfs", "flocker", "nfs", "rbd", "quobyte", "cephfs", "iscsi",
  "cinder", "fc", "flexVolume", "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "scaleIO",
  "local", "storageos", "csi",
];

function validatePVSpec(pv: PersistentVolume): Errors {
  const s = (pv.spec ?? {}) as NonNullable<PersistentVolume["spec"]> & Record<string, unknown>;
  const errs: Errors = s.accessModes?.length ? [] : [required(spec.child("accessModes"))];
  errs.push(...validateAccessModes(s.accessModes, spec.child("accessModes")));
  const capacity = s.capacity ?? {};
  const capPath = spec.child("capacity");
  if (Object.keys(capacity).length === 0) errs.push(required(capPath));
  if (!("storage" in capacity) || Object.keys(capacity).length > 1) {
    const value = s.capacity ? jsonValue(capacity) : new GoLiteral("core.ResourceList(nil)");
    errs.push(notSupported(capPath, value, ["storage"]));
  }
  for (const [name, value] of Object.entries(capacity)) {
    const q = quantityAt(value, capPath.key(name), errs);
    if (!q) continue;
    if (sign(q) < 0) errs.push(invalid(capPath.key(name), formatQuantity(q), "must be a valid resource quantity"));
    if (sign(q) <= 0) errs.push(invalid(capPath.key(name), formatQuantity(q), "must be greater than zero"));
  }
  const policies = ["Delete", "Recycle", "Retain"];
  if (s.persistentVolumeReclaimPolicy && !policies.includes(s.persistentVolumeReclaimPolicy)) {
    errs.push(notSupported(spec.child("persistentVolumeReclaimPolicy"), s.persistentVolumeReclaimPolicy, policies));
  }
  let nodeAffinityRequired = false;
  if (s.nodeAffinity) {
    const p = spec.child("nodeAffinity");
    if (!s.nodeAffinity.required) errs.push(required(p.child("required"), "must specify required node constraints"));
    else {
      nodeAffinityRequired = true;
      errs.push(...validateNodeSelector(s.nodeAffinity.required, p.child("required")));
    }
  }
  let count = 0;
  for (const kind of PV_SOURCES) {
    const src = s[kind] as Record<string, unknown> | undefined;
    if (!src) continue;
    if (count > 0 && kind !== "flexVolume") {
      errs.push(forbidden(spec.child(kind === "cephfs" ? "cephFS" : kind), "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    const p = spec.child(kind);
    if (kind === "hostPath" || kind === "local") {
      if (!src.path) errs.push(required(p.child("path")));
      else errs.push(...validatePathNoBacksteps(String(src.path), p.child("path")));
      if (kind === "local" && !nodeAffinityRequired) errs.push(required(spec.child("nodeAffinity"), "Local volume requires node affinity"));
    } else if (kind === "nfs") {
      if (!src.server) errs.push(required(p.child("server")));
      if (!src.path) errs.push(required(p.child("path")));
      if (!String(src.path ?? "").startsWith("/")) errs.push(invalid(p.child("path"), String(src.path ?? ""), "must be an absolute path"));
    } else if (kind === "csi") {
      if (!src.driver) errs.push(required(p.child("driver")));
      if (!src.volumeHandle) errs.push(required(p.child("volumeHandle")));
    }
  }
  if (count === 0) errs.push(required(spec, "must specify a volume type"));
  const hostPath = s.hostPath?.path?.replace(/\/+$/, "") ?? null;
  if (hostPath === "" && s.persistentVolumeReclaimPolicy === "Recycle") {
    errs.push(forbidden(spec.child("persistentVolumeReclaimPolicy"), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  errs.push(...className(s.storageClassName, spec.child("storageClassName")));
  if (s.volumeMode !== undefined && s.volumeMode !== null && !VOLUME_MODES.includes(s.volumeMode)) {
    errs.push(notSupported(spec.child("volumeMode"), s.volumeMode, VOLUME_MODES));
  }
  return errs;
}

const pvSource = (pv: PersistentVolume) => {
  const s = (pv.spec ?? {}) as Record<string, unknown>;
  return Object.fromEntries(PV_SOURCES.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
};

/** ValidatePersistentVolume / ValidatePersistentVolumeUpdate. */
export function validatePersistentVolume(pv: PersistentVolume, old?: PersistentVolume): Errors {
  const errs = validateObjectMeta(pv.metadata, nameIsDNSSubdomain, meta);
  errs.push(...validatePVSpec(pv));
  if (old) {
    const before = pvSource(old);
    const after = pvSource(pv);
    const oldCSI = before.csi as Record<string, unknown> | undefined;
    const newCSI = after.csi as Record<string, unknown> | undefined;
    // A controllerExpandSecretRef may be added to a CSI volume that had none.
    if (oldCSI && !oldCSI.controllerExpandSecretRef && newCSI?.controllerExpandSecretRef) {
      after.csi = { ...newCSI, controllerExpandSecretRef: undefined };
    }
    if (!deepEqual(after, before)) {
      errs.push(forbidden(spec.child("persistentvolumesource"), `spec.persistentvolumesource is immutable after creation\n${specDiff("core.PersistentVolumeSource", before, after)}`));
    }
    errs.push(...immutableField(pv.spec?.volumeMode, old.spec?.volumeMode, Path.root("volumeMode"), (v) => v ?? null));
  }
  return errs;
}

function validatePVCSpec(s: PersistentVolumeClaimSpec, path: Path): Errors {
  const errs: Errors = s.accessModes?.length ? [] : [required(path.child("accessModes"), "at least 1 access mode is required")];
  if (s.selector) errs.push(...validateLabelSelector(s.selector, path.child("selector")));
  errs.push(...validateAccessModes(s.accessModes, path.child("accessModes")));
  const storagePath = path.child("resources").key("storage");
  const storage = s.resources?.requests?.storage;
  if (storage === undefined) errs.push(required(storagePath));
  else {
    const q = quantityAt(storage, storagePath, errs);
    if (q && sign(q) <= 0) errs.push(invalid(storagePath, formatQuantity(q), "must be greater than zero"));
    else if (q) errs.push(...validateResourceQuantityValue("storage", q, storagePath));
  }
  errs.push(...className(s.storageClassName, path.child("storageClassName")));
  if (s.volumeMode !== undefined && s.volumeMode !== null && !VOLUME_MODES.includes(s.volumeMode)) {
    errs.push(notSupported(path.child("volumeMode"), s.volumeMode, VOLUME_MODES));
  }
  for (const [field, ref] of [["dataSource", s.dataSource], ["dataSourceRef", s.dataSourceRef]] as const) {
    if (!ref) continue;
    const p = path.child(field);
    if (!ref.name) errs.push(required(p.child("name")));
    if (!ref.kind) errs.push(required(p.child("kind")));
    if (!ref.apiGroup && ref.kind !== "PersistentVolumeClaim") errs.push(invalid(p, ref.kind ?? "", "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  return errs;
}

/** ValidatePersistentVolumeClaim / ValidatePersistentVolumeClaimUpdate. */
export function validatePersistentVolumeClaim(pvc: PersistentVolumeClaim, old?: PersistentVolumeClaim): Errors {
  const errs = old ? validateObjectMetaUpdate(pvc.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(pvc.metadata, nameIsDNSSubdomain, meta));
  errs.push(...validatePVCSpec(pvc.spec ?? {}, spec));
  if (!old) return errs;
  const next = structuredClone(pvc.spec ?? {}) as PersistentVolumeClaimSpec;
  const prev = structuredClone(old.spec ?? {}) as PersistentVolumeClaimSpec;
  if (!prev.volumeName) prev.volumeName = next.volumeName;
  if (prev.storageClassName === undefined && next.storageClassName !== undefined) {
    const beta = old.metadata?.annotations?.["volume.beta.kubernetes.io/storage-class"];
    if (beta === undefined || beta === next.storageClassName) prev.storageClassName = next.storageClassName;
  }
  const bound = (pvc.status as { phase?: string } | undefined)?.phase === "Bound";
  if (bound && next.resources?.requests) next.resources.requests.storage = prev.resources?.requests?.storage as string;
  if (bound && next.volumeAttributesClassName !== undefined) next.volumeAttributesClassName = prev.volumeAttributesClassName;
  if (!deepEqual(next, prev)) {
    errs.push(forbidden(spec, `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff("core.PersistentVolumeClaimSpec", prev, next)}`));
  }
  const newSize = parseQuantity(pvc.spec?.resources?.requests?.storage);
  const oldSize = parseQuantity(old.spec?.resources?.requests?.storage);
  const statusSize = parseQuantity((old.status as { capacity?: Record<string, string> } | undefined)?.capacity?.storage ?? "0");
  if (newSize && oldSize && statusSize && compareQuantities(newSize, oldSize) < 0 && compareQuantities(newSize, statusSize) <= 0) {
    errs.push(forbidden(spec.child("resources", "requests", "storage"), "field can not be less than status.capacity"));
  }
  errs.push(...immutableField(pvc.spec?.volumeMode, old.spec?.volumeMode, Path.root("volumeMode"), (v) => v ?? null));
  return errs;
}

/** ValidateStorageClass / ValidateStorageClassUpdate. */
export function validateStorageClass(sc: StorageClass, old?: StorageClass): Errors {
  if (old) {
    const errs = validateObjectMetaUpdate(sc.metadata, old.metadata, meta);
    if (!deepEqual(sc.parameters, old.parameters)) errs.push(forbidden(Path.root("parameters"), "updates to parameters are forbidden."));
    if (sc.provisioner !== old.provisioner) errs.push(forbidden(Path.root("provisioner"), "updates to provisioner are forbidden."));
    if ((sc.reclaimPolicy ?? "") !== (old.reclaimPolicy ?? "")) errs.push(forbidden(Path.root("reclaimPolicy"), "updates to reclaimPolicy are forbidden."));
    errs.push(...immutableField(sc.volumeBindingMode, old.volumeBindingMode, Path.root("volumeBindingMode"), (v) => v ?? null));
    return errs;
  }
  const errs = validateObjectMeta(sc.metadata, nameIsDNSSubdomain, meta);
  const provisioner = sc.provisioner ?? "";
  if (!provisioner) errs.push(required(Path.root("provisioner")));
  else errs.push(...isQualifiedName(provisioner.toLowerCase()).map((msg) => invalid(Path.root("provisioner"), provisioner.toLowerCase(), msg)));
  const params = sc.parameters ?? {};
  const paramsPath = Path.root("parameters");
  if (Object.keys(params).length > 512) errs.push(tooLong(paramsPath, 512));
  let total = 0;
  for (const [k, v] of Object.entries(params)) {
    if (k.length < 1) errs.push(invalid(paramsPath, k, "field can not be empty."));
    total += k.length + String(v).length;
  }
  if (total > 256 * 1024) errs.push(tooLong(paramsPath, 256 * 1024));
  if (sc.reclaimPolicy && sc.reclaimPolicy !== "Delete" && sc.reclaimPolicy !== "Retain") {
    errs.push(notSupported(Path.root("reclaimPolicy"), sc.reclaimPolicy, ["Delete", "Retain"]));
  }
  const mode = sc.volumeBindingMode;
  if (!mode) errs.push(required(Path.root("volumeBindingMode")));
  else if (mode !== "Immediate" && mode !== "WaitForFirstConsumer") {
    errs.push(notSupported(Path.root("volumeBindingMode"), mode, ["Immediate", "WaitForFirstConsumer"]));
  }
  return errs;
}
