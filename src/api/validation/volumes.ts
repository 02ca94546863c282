/**
 * Pod volumes, as core validation's ValidateVolumes / validateVolumeSource: one source per volume,
 * DNS-label names, unique names, and the checks of the sources people use (emptyDir, hostPath,
 * secret, configMap, persistentVolumeClaim, downwardAPI, projected, nfs, csi, ephemeral). Other
 * sources count as a source but their fields are not checked.
 */
import type { DownwardAPIVolumeFile, KeyToPath, ObjectFieldSelector, ResourceFieldSelector, Volume } from "kubernetes-types/core/v1";
import { type Errors, type Path, duplicate, forbidden, invalid, notSupported, required, tooLong } from "./field";
import { isDNS1123Label, isQualifiedName, isDNS1123Subdomain } from "./names";
import { compareQuantities, parseQuantity } from "./quantity";

const FILE_MODE_ERROR = "must be a number between 0 and 0777 (octal), both inclusive";

/** Every VolumeSource member, in upstream's check order (which decides who "specifies more than 1"). */
const SOURCE_ORDER = [
  "emptyDir", "hostPath", "gitRepo", "gcePersistentDisk", "awsElasticBlockStore", "secret", "nfs", "iscsi", "glusterfs",
  "flocker", "persistentVolumeClaim", "rbd", "cinder", "cephfs", "quobyte", "downwardAPI", "fc", "flexVolume", "configMap",
  "azureFile", "vsphereVolume", "photonPersistentDisk", "portworxVolume", "azureDisk", "storageos", "projected", "scaleIO",
  "csi", "ephemeral", "image",
] as const;

/** Upstream's error paths for the sources whose path name differs from the JSON name (its own quirks). */
const FORBIDDEN_PATH: Record<string, string> = { cephfs: "cephFS", downwardAPI: "downwarAPI" };

/** ValidateVolumes: the names of the volumes that passed, for volumeMounts' NotFound check. */
export function validateVolumes(volumes: Volume[] | undefined, path: Path): { names: Map<string, Volume>; errs: Errors } {
  const names = new Map<string, Volume>();
  const errs: Errors = [];
  (volumes ?? []).forEach((vol, i) => {
    const p = path.index(i);
    const el = validateVolumeSource(vol, p);
    if (!vol.name) el.push(required(p.child("name")));
    else for (const msg of isDNS1123Label(vol.name)) el.push(invalid(p.child("name"), vol.name, msg));
    if (names.has(vol.name)) el.push(duplicate(p.child("name"), vol.name));
    if (el.length === 0) names.set(vol.name, vol);
    else errs.push(...el);
  });
  return { names, errs };
}

function validateVolumeSource(vol: Volume, path: Path): Errors {
  const errs: Errors = [];
  let count = 0;
  const source = vol as unknown as Record<string, unknown>;
  for (const kind of SOURCE_ORDER) {
    const value = source[kind];
    if (value === undefined || value === null) continue;
    if (count > 0) {
      errs.push(forbidden(path.child(FORBIDDEN_PATH[kind] ?? kind), "may not specify more than 1 volume type"));
      continue;
    }
    count++;
    errs.push(...validateSource(kind, value as Record<string, unknown>, path.child(kind)));
  }
  if (count === 0) errs.push(required(path, "must specify a volume type"));
  return errs;
}

function validateSource(kind: string, src: Record<string, unknown>, path: Path): Errors {
  const errs: Errors = [];
  const str = (k: string) => (typeof src[k] === "string" ? (src[k] as string) : "");
  switch (kind) {
    case "emptyDir": {
      const limit = src.sizeLimit === undefined ? null : parseQuantity(src.sizeLimit);
      if (limit && compareQuantities(limit, { mantissa: 0n, exponent: 0, format: "DecimalSI" }) < 0) {
        errs.push(forbidden(path.child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
      }
      break;
    }
    case "hostPath": {
      if (!str("path")) return [required(path.child("path"))];
      errs.push(...validatePathNoBacksteps(str("path"), path.child("path")));
      const type = src.type as string | undefined;
      const types = ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];
      if (type !== undefined && !types.includes(type)) errs.push(notSupported(path.child("type"), type, types));
      break;
    }
    case "secret":
      if (!str("secretName")) errs.push(required(path.child("secretName")));
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      ((src.items as KeyToPath[] | undefined) ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, path.child("items").index(i))));
      break;
    case "configMap":
      if (!str("name")) errs.push(required(path.child("name")));
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      ((src.items as KeyToPath[] | undefined) ?? []).forEach((kp, i) => errs.push(...validateKeyToPath(kp, path.child("items").index(i))));
      break;
    case "persistentVolumeClaim":
      if (!str("claimName")) errs.push(required(path.child("claimName")));
      break;
    case "nfs":
      if (!str("server")) errs.push(required(path.child("server")));
      if (!str("path")) errs.push(required(path.child("path")));
      if (!str("path").startsWith("/")) errs.push(invalid(path.child("path"), str("path"), "must be an absolute path"));
      break;
    case "downwardAPI":
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      for (const file of (src.items as DownwardAPIVolumeFile[] | undefined) ?? []) errs.push(...validateDownwardAPIVolumeFile(file, path));
      break;
    case "projected":
      errs.push(...validateMode(src.defaultMode, path.child("defaultMode")));
      errs.push(...validateProjectionSources(src, path));
      break;
    case "csi": {
      const driver = str("driver");
      if (!driver) errs.push(required(path.child("driver")));
      if (driver.length > 63) errs.push(tooLong(path.child("driver"), 63));
      for (const msg of isDNS1123Subdomain(driver.toLowerCase())) errs.push(invalid(path.child("driver"), driver, msg));
      break;
    }
    case "ephemeral":
      if (!src.volumeClaimTemplate) errs.push(required(path.child("volumeClaimTemplate")));
      break;
    case "image":
      if (!str("reference")) errs.push(required(path.child("reference")));
      break;
    case "gitRepo":
      if (!str("repository")) errs.push(required(path.child("repository")));
      errs.push(...validateLocalDescendingPath(str("directory"), path.child("directory")));
      break;
  }
  return errs;
}

function validateMode(mode: unknown, path: Path): Errors {
  return typeof mode === "number" && (mode > 0o777 || mode < 0) ? [invalid(path, mode, FILE_MODE_ERROR)] : [];
}

function validateKeyToPath(kp: KeyToPath, path: Path): Errors {
  const errs: Errors = [];
  if (!kp.key) errs.push(required(path.child("key")));
  if (!kp.path) errs.push(required(path.child("path")));
  errs.push(...validateLocalNonReservedPath(kp.path ?? "", path.child("path")));
  errs.push(...validateMode(kp.mode, path.child("mode")));
  return errs;
}

/** validatePathNoBacksteps: no `..` element. */
export function validatePathNoBacksteps(target: string, path: Path): Errors {
  return target.split("/").includes("..") ? [invalid(path, target, "must not contain '..'")] : [];
}

/** validateLocalDescendingPath: relative and without backsteps. */
export function validateLocalDescendingPath(target: string, path: Path): Errors {
  const errs: Errors = [];
  if (target.startsWith("/")) errs.push(invalid(path, target, "must be a relative path"));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

function validateLocalNonReservedPath(target: string, path: Path): Errors {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith("..") && !target.startsWith("../")) errs.push(invalid(path, target, "must not start with '..'"));
  return errs;
}

const VOLUME_FIELD_PATHS = ["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];
export const ENV_FIELD_PATHS = [
  "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName",
  "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs",
];
const RESOURCE_FIELD_PATHS = ["limits.cpu", "limits.ephemeral-storage", "limits.memory", "requests.cpu", "requests.ephemeral-storage", "requests.memory"];

/** validateObjectFieldSelector (downward API fieldRef); `expressions` are the allowed field paths. */
export function validateObjectFieldSelector(fs: ObjectFieldSelector, expressions: string[], path: Path): Errors {
  if (!fs.apiVersion) return [required(path.child("apiVersion"))];
  if (!fs.fieldPath) return [required(path.child("fieldPath"))];
  if (fs.apiVersion !== "v1") {
    return [invalid(path.child("fieldPath"), fs.fieldPath, `error converting fieldPath: field label not supported: ${fs.fieldPath}`)];
  }
  const subscripted = /^(metadata\.(?:annotations|labels))\['(.*)'\]$/.exec(fs.fieldPath);
  if (subscripted) {
    const key = subscripted[1] === "metadata.annotations" ? subscripted[2].toLowerCase() : subscripted[2];
    return isQualifiedName(key).map((msg) => invalid(path, key, msg));
  }
  const sorted = [...expressions].sort();
  return expressions.includes(fs.fieldPath) ? [] : [notSupported(path.child("fieldPath"), fs.fieldPath, sorted)];
}

/** validateContainerResourceFieldSelector (downward API resourceFieldRef). */
export function validateResourceFieldSelector(fs: ResourceFieldSelector, path: Path, volume: boolean): Errors {
  if (volume && !fs.containerName) return [required(path.child("containerName"))];
  if (!fs.resource) return [required(path.child("resource"))];
  if (!RESOURCE_FIELD_PATHS.includes(fs.resource) && !/^(requests|limits)\.hugepages-/.test(fs.resource)) {
    return [notSupported(path.child("resource"), fs.resource, RESOURCE_FIELD_PATHS)];
  }
  return [];
}

function validateDownwardAPIVolumeFile(file: DownwardAPIVolumeFile, path: Path): Errors {
  const errs: Errors = [];
  if (!file.path) errs.push(required(path.child("path")));
  errs.push(...validateLocalNonReservedPath(file.path ?? "", path.child("path")));
  if (file.fieldRef) {
    errs.push(...validateObjectFieldSelector(file.fieldRef, VOLUME_FIELD_PATHS, path.child("fieldRef")));
    if (file.resourceFieldRef) errs.push(invalid(path, "resource", "fieldRef and resourceFieldRef can not be specified simultaneously"));
  } else if (file.resourceFieldRef) {
    errs.push(...validateResourceFieldSelector(file.resourceFieldRef, path.child("resourceFieldRef"), true));
  } else {
    errs.push(required(path, "one of fieldRef and resourceFieldRef is required"));
  }
  errs.push(...validateMode(file.mode, path.child("mode")));
  return errs;
}

function validateProjectionSources(projection: Record<string, unknown>, path: Path): Errors {
  const errs: Errors = [];
  const seen = new Set<string>();
  const track = (p: string | undefined, value: string) => {
    if (!p) return;
    if (seen.has(p)) errs.push(invalid(path, value, "conflicting duplicate paths"));
    seen.add(p);
  };
  const sources = (projection.sources as Record<string, Record<string, unknown> | undefined>[] | undefined) ?? [];
  sources.forEach((source, i) => {
    const srcPath = path.child("sources").index(i);
    let count = 0;
    for (const kind of ["secret", "configMap"] as const) {
      const ref = source[kind];
      if (!ref) continue;
      count++;
      if (!ref.name) errs.push(required(srcPath.child(kind).child("name")));
      ((ref.items as KeyToPath[] | undefined) ?? []).forEach((kp, j) => {
        errs.push(...validateKeyToPath(kp, srcPath.child(kind).child("items").index(j)));
        track(kp.path, String(ref.name ?? ""));
      });
    }
    if (source.downwardAPI) {
      count++;
      for (const file of (source.downwardAPI.items as DownwardAPIVolumeFile[] | undefined) ?? []) {
        errs.push(...validateDownwardAPIVolumeFile(file, srcPath.child("downwardAPI")));
        track(file.path, file.path);
      }
    }
    const token = source.serviceAccountToken;
    if (token) {
      count++;
      const tp = srcPath.child("serviceAccountToken");
      const seconds = typeof token.expirationSeconds === "number" ? token.expirationSeconds : 0;
      if (seconds < 600) errs.push(invalid(tp.child("expirationSeconds"), seconds, "may not specify a duration less than 10 minutes"));
      if (seconds > 2 ** 32) errs.push(invalid(tp.child("expirationSeconds"), seconds, "may not specify a duration larger than 2^32 seconds"));
      if (!token.path) errs.push(required(path.child("path")));
      else errs.push(...validateLocalNonReservedPath(String(token.path), path.child("path")));
    }
    if (source.clusterTrustBundle) count++;
    if (count > 1) errs.push(forbidden(srcPath, "may not specify more than 1 volume type per source"));
  });
  return errs;
}
