/**
 * ConfigMaps, Secrets and ServiceAccounts, as core validation's ValidateConfigMap(Update),
 * ValidateSecret(Update) and ValidateServiceAccount: valid keys, 1 MiB of data, typed secrets'
 * required keys, and `immutable: true` freezing the data.
 */
import type { ConfigMap, Secret, ServiceAccount } from "kubernetes-types/core/v1";
import { type Errors, Path, forbidden, invalid, required, tooLong } from "./field";
import { byteLength, deepEqual, immutableField, validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { isConfigMapKey, nameIsDNSSubdomain } from "./names";

const meta = Path.root("metadata");
/** core.MaxSecretSize. */
const MAX_SECRET_SIZE = 1024 * 1024;
const IMMUTABLE = "field is immutable when `immutable` is set";

/** Decoded length of base64 data (Secret.data, ConfigMap.binaryData are []byte on the wire). */
function decodedLength(b64: unknown): number {
  if (typeof b64 !== "string") return 0;
  const clean = b64.replace(/\s/g, "");
  const padding = clean.endsWith("==") ? 2 : clean.endsWith("=") ? 1 : 0;
  return Math.max(0, Math.floor((clean.length * 3) / 4) - padding);
}

/** ValidateConfigMap / ValidateConfigMapUpdate. */
export function validateConfigMap(cm: ConfigMap, old?: ConfigMap): Errors {
  const errs: Errors = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(cm.metadata, old.metadata, meta));
    if (old.immutable) {
      if (!cm.immutable) errs.push(forbidden(Path.root("immutable"), IMMUTABLE));
      if (!deepEqual(cm.data, old.data)) errs.push(forbidden(Path.root("data"), IMMUTABLE));
      if (!deepEqual(cm.binaryData, old.binaryData)) errs.push(forbidden(Path.root("binaryData"), IMMUTABLE));
    }
  }
  errs.push(...validateObjectMeta(cm.metadata, nameIsDNSSubdomain, meta));
  let total = 0;
  for (const [key, value] of Object.entries(cm.data ?? {})) {
    const p = Path.root("data").key(key);
    for (const msg of isConfigMapKey(key)) errs.push(invalid(p, key, msg));
    if (cm.binaryData && key in cm.binaryData) errs.push(invalid(p, key, "duplicate of key present in binaryData"));
    total += byteLength(String(value));
  }
  for (const [key, value] of Object.entries(cm.binaryData ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(Path.root("binaryData").key(key), key, msg));
    total += decodedLength(value);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(Path.root(""), MAX_SECRET_SIZE));
  return errs;
}

/** The keys a typed Secret must carry. */
function validateSecretType(secret: Secret, data: Path): Errors {
  const d = secret.data ?? {};
  switch (secret.type) {
    case "kubernetes.io/service-account-token":
      return secret.metadata?.annotations?.["kubernetes.io/service-account.name"]
        ? []
        : [required(meta.child("annotations").key("kubernetes.io/service-account.name"))];
    case "kubernetes.io/dockercfg":
      return ".dockercfg" in d ? [] : [required(data.key(".dockercfg"))];
    case "kubernetes.io/dockerconfigjson":
      return ".dockerconfigjson" in d ? [] : [required(data.key(".dockerconfigjson"))];
    case "kubernetes.io/basic-auth":
      return "username" in d || "password" in d ? [] : [required(data.key("username")), required(data.key("password"))];
    case "kubernetes.io/ssh-auth":
      return decodedLength(d["ssh-privatekey"]) > 0 ? [] : [required(data.key("ssh-privatekey"))];
    case "kubernetes.io/tls": {
      const errs: Errors = [];
      if (!("tls.crt" in d)) errs.push(required(data.key("tls.crt")));
      if (!("tls.key" in d)) errs.push(required(data.key("tls.key")));
      return errs;
    }
    default:
      return [];
  }
}

/** ValidateSecret / ValidateSecretUpdate (stringData has already been folded into data by defaulting). */
export function validateSecret(secret: Secret, old?: Secret): Errors {
  const errs: Errors = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(secret.metadata, old.metadata, meta));
    errs.push(...immutableField(secret.type ?? "", old.type ?? "", Path.root("type")));
    if (old.immutable) {
      if (!secret.immutable) errs.push(forbidden(Path.root("immutable"), IMMUTABLE));
      if (!deepEqual(secret.data, old.data)) errs.push(forbidden(Path.root("data"), IMMUTABLE));
    }
  }
  errs.push(...validateObjectMeta(secret.metadata, nameIsDNSSubdomain, meta));
  const data = Path.root("data");
  let total = 0;
  for (const [key, value] of Object.entries(secret.data ?? {})) {
    for (const msg of isConfigMapKey(key)) errs.push(invalid(data.key(key), key, msg));
    total += decodedLength(value);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(data, MAX_SECRET_SIZE));
  errs.push(...validateSecretType(secret, data));
  return errs;
}

/** ValidateServiceAccount(Update). */
export function validateServiceAccount(sa: ServiceAccount, old?: ServiceAccount): Errors {
  const errs = old ? validateObjectMetaUpdate(sa.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(sa.metadata, nameIsDNSSubdomain, meta));
  return errs;
}
