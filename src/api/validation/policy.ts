/**
 * ResourceQuota, LimitRange, PodTemplate and PriorityClass, as core validation's
 * ValidateResourceQuota, ValidateLimitRange and ValidatePodTemplate(Update), and scheduling's
 * ValidatePriorityClass(Update).
 */
import type { LimitRange, PodTemplate, ResourceQuota } from "kubernetes-types/core/v1";
import type { PriorityClass } from "kubernetes-types/scheduling/v1";
import { type Errors, Path, forbidden, invalid, notSupported, required } from "./field";
import { goStringSlice } from "./govalue";
import { validateObjectMeta, validateObjectMetaUpdate } from "./meta";
import { nameIsDNSSubdomain } from "./names";
import { validatePodTemplateSpec } from "./podspec";
import { type Quantity, compareQuantities, formatQuantity, parseQuantity } from "./quantity";
import { quantityAt, validateResourceName, validateResourceQuantityValue } from "./resourcelists";

const meta = Path.root("metadata");

/** The scopes a quota may name (core.ResourceQuotaScope). */
export const QUOTA_SCOPES = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"] as const;
/** Resources a BestEffort / NotBestEffort quota can track: BestEffort pods request nothing. */
const BEST_EFFORT_RESOURCES = new Set(["pods", "count/pods"]);

function validateResourceList(list: Record<string, unknown> | undefined, path: Path): Errors {
  const errs: Errors = [];
  for (const [name, value] of Object.entries(list ?? {})) {
    const p = path.key(name);
    errs.push(...validateResourceName(name, p));
    const q = quantityAt(value, p, errs);
    if (q) errs.push(...validateResourceQuantityValue(name, q, p));
  }
  return errs;
}

/** ValidateResourceQuota (create and update: the spec may change). */
export function validateResourceQuota(quota: ResourceQuota, old?: ResourceQuota): Errors {
  const errs = old ? validateObjectMetaUpdate(quota.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(quota.metadata, nameIsDNSSubdomain, meta));
  const spec = Path.root("spec");
  errs.push(...validateResourceList(quota.spec?.hard, spec.child("hard")));
  const scopes = [...(quota.spec?.scopes ?? []), ...(quota.spec?.scopeSelector?.matchExpressions ?? []).map((e) => e.scopeName)];
  (quota.spec?.scopes ?? []).forEach((scope, i) => {
    if (!(QUOTA_SCOPES as readonly string[]).includes(scope)) errs.push(invalid(spec.child("scopes").index(i), scope, "unsupported scope"));
  });
  (quota.spec?.scopeSelector?.matchExpressions ?? []).forEach((e, i) => {
    const p = spec.child("scopeSelector", "matchExpressions").index(i);
    if (!(QUOTA_SCOPES as readonly string[]).includes(e.scopeName)) errs.push(invalid(p.child("scopeName"), e.scopeName, "unsupported scope"));
    if (!["In", "NotIn", "Exists", "DoesNotExist"].includes(e.operator)) errs.push(notSupported(p.child("operator"), e.operator, ["In", "NotIn", "Exists", "DoesNotExist"]));
  });
  if (scopes.includes("BestEffort") || scopes.includes("NotBestEffort")) {
    for (const name of Object.keys(quota.spec?.hard ?? {})) {
      if (!BEST_EFFORT_RESOURCES.has(name) && scopes.includes("BestEffort")) {
        errs.push(invalid(spec.child("hard").key(name), name, "unsupported resource for BestEffort scope"));
      }
    }
  }
  if (scopes.includes("Terminating") && scopes.includes("NotTerminating")) {
    errs.push(invalid(spec.child("scopes"), goStringSlice(quota.spec?.scopes, "[]core.ResourceQuotaScope"), "conflicting scopes"));
  }
  return errs;
}

const LIMIT_TYPES = ["Pod", "Container", "PersistentVolumeClaim"];

/** ValidateLimitRange: the constraints of each item must be consistent (min ≤ defaultRequest ≤ default ≤ max). */
export function validateLimitRange(lr: LimitRange, old?: LimitRange): Errors {
  const errs = old ? validateObjectMetaUpdate(lr.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(lr.metadata, nameIsDNSSubdomain, meta));
  const limitsPath = Path.root("spec", "limits");
  const seenTypes = new Set<string>();
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const p = limitsPath.index(i);
    if (!LIMIT_TYPES.includes(item.type)) errs.push(notSupported(p.child("type"), item.type, LIMIT_TYPES));
    else if (seenTypes.has(item.type)) errs.push({ reason: "FieldValueDuplicate", field: p.child("type").toString(), message: `Duplicate value: "${item.type}"` });
    seenTypes.add(item.type);
    const parsed: Record<"max" | "min" | "default" | "defaultRequest" | "maxLimitRequestRatio", Map<string, Quantity>> = {
      max: new Map(), min: new Map(), default: new Map(), defaultRequest: new Map(), maxLimitRequestRatio: new Map(),
    };
    for (const field of ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"] as const) {
      const list = item[field];
      if (item.type === "Pod" && (field === "default" || field === "defaultRequest")) {
        if (list && Object.keys(list).length) errs.push(forbidden(p.child(field), "may not be specified when `type` is 'Pod'"));
        continue;
      }
      for (const [name, value] of Object.entries(list ?? {})) {
        const q = quantityAt(value, p.child(field).key(name), errs);
        errs.push(...validateResourceName(name, p.child(field).key(name)));
        if (q) parsed[field].set(name, q);
      }
    }
    if (item.type === "PersistentVolumeClaim" && !parsed.min.has("storage") && !parsed.max.has("storage")) {
      errs.push(required(p.child("limits"), "either minimum or maximum storage value is required, but neither was provided"));
    }
    const names = new Set(Object.values(parsed).flatMap((m) => [...m.keys()]));
    for (const name of names) {
      const [min, max, def, defReq, ratio] = [parsed.min, parsed.max, parsed.default, parsed.defaultRequest, parsed.maxLimitRequestRatio].map((m) => m.get(name));
      const s = (q: Quantity) => formatQuantity(q);
      if (min && max && compareQuantities(min, max) > 0) {
        errs.push(invalid(p.child("min").key(name), s(min), `min value ${s(min)} is greater than max value ${s(max)}`));
      }
      if (defReq && min && compareQuantities(min, defReq) > 0) {
        errs.push(invalid(p.child("defaultRequest").key(name), s(defReq), `min value ${s(min)} is greater than default request value ${s(defReq)}`));
      }
      if (defReq && max && compareQuantities(defReq, max) > 0) {
        errs.push(invalid(p.child("defaultRequest").key(name), s(defReq), `default request value ${s(defReq)} is greater than max value ${s(max)}`));
      }
      if (defReq && def && compareQuantities(defReq, def) > 0) {
        errs.push(invalid(p.child("defaultRequest").key(name), s(defReq), `default request value ${s(defReq)} is greater than default limit value ${s(def)}`));
      }
      if (def && min && compareQuantities(min, def) > 0) {
        errs.push(invalid(p.child("default").key(name), s(min), `min value ${s(min)} is greater than default value ${s(def)}`));
      }
      if (def && max && compareQuantities(def, max) > 0) {
        errs.push(invalid(p.child("default").key(name), s(max), `default value ${s(def)} is greater than max value ${s(max)}`));
      }
      if (ratio && compareQuantities(ratio, parseQuantity("1")!) < 0) {
        errs.push(invalid(p.child("maxLimitRequestRatio").key(name), s(ratio), `ratio ${s(ratio)} is less than 1`));
      }
      if (ratio && min && max) {
        const limit = Number(formatMilli(max)) / Number(formatMilli(min));
        if (Number(formatMilli(ratio)) / 1000 > limit) {
          errs.push(invalid(p.child("maxLimitRequestRatio").key(name), s(ratio), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
        }
      }
    }
  });
  return errs;
}

/** MilliValue as a decimal string (exact for the magnitudes quotas use). */
function formatMilli(q: Quantity): string {
  const e = q.exponent + 3;
  if (e >= 0) return String(q.mantissa * 10n ** BigInt(e));
  const d = 10n ** BigInt(-e);
  const whole = q.mantissa / d;
  return String(q.mantissa % d === 0n ? whole : whole + 1n);
}

/** ValidatePodTemplate / ValidatePodTemplateUpdate. */
export function validatePodTemplate(pt: PodTemplate, old?: PodTemplate): Errors {
  const errs = old ? validateObjectMetaUpdate(pt.metadata, old.metadata, meta) : [];
  errs.push(...validateObjectMeta(pt.metadata, nameIsDNSSubdomain, meta));
  errs.push(...validatePodTemplateSpec(pt.template, Path.root("template")));
  return errs;
}

/** The built-in classes: the only names allowed the `system-` prefix, with their fixed values. */
export const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, number>> = {
  "system-node-critical": 2000001000,
  "system-cluster-critical": 2000000000,
};
/** scheduling.HighestUserDefinablePriority. */
export const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;

/** IsKnownSystemPriorityClass: the error text, or "" when it is one. */
function knownSystemPriorityClassError(pc: PriorityClass): string {
  if (!(pc.metadata?.name! in SYSTEM_PRIORITY_CLASSES)) return `${pc.metadata?.name} is not a known system priority class`;
  const value = SYSTEM_PRIORITY_CLASSES[pc.metadata!.name!];
  if (pc.value !== value) return `value of ${pc.metadata!.name} PriorityClass must be ${value}`;
  if (pc.globalDefault) return `globalDefault of ${pc.metadata!.name} PriorityClass must be false`;
  return "";
}

/** ValidatePriorityClass / ValidatePriorityClassUpdate. */
export function validatePriorityClass(pc: PriorityClass, old?: PriorityClass): Errors {
  const errs: Errors = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(pc.metadata, old.metadata, meta));
    if (pc.value !== old.value) errs.push(forbidden(Path.root("value"), "may not be changed in an update."));
    if (pc.preemptionPolicy !== old.preemptionPolicy) errs.push(invalid(Path.root("preemptionPolicy"), pc.preemptionPolicy ?? "", "field is immutable"));
  }
  errs.push(...validateObjectMeta(pc.metadata, nameIsDNSSubdomain, meta));
  if (typeof pc.value !== "number") errs.push(required(Path.root("value")));
  else if (pc.metadata?.name?.startsWith("system-")) {
    const error = knownSystemPriorityClassError(pc);
    if (error) errs.push(forbidden(meta.child("name"), `priority class names with 'system-' prefix are reserved for system use only. error: ${error}`));
  } else if (pc.value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(forbidden(Path.root("value"), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (pc.preemptionPolicy !== undefined && !["PreemptLowerPriority", "Never"].includes(pc.preemptionPolicy)) {
    errs.push(notSupported(Path.root("preemptionPolicy"), pc.preemptionPolicy, ["Never", "PreemptLowerPriority"]));
  }
  return errs;
}
