/**
 * The LimitRanger admission plugin (plugin/pkg/admission/limitranger): on pod create, containers get
 * the namespace's LimitRange defaults for what they leave unset (and the pod says so in the
 * kubernetes.io/limit-ranger annotation), then every container, the pod as a whole and each claim
 * must fit the ranges' min, max and maxLimitRequestRatio. Pure: the caller lists the LimitRanges.
 */
import type { Container, LimitRange, LimitRangeItem, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import { podResourceList } from "./podResources";
import { formatQuantity, type ResourceList, toQuantity } from "./resourceLists";
import type { Quantity } from "../validation/quantity";

export const LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger";

/** defaultContainerResourceRequirements: the Container items' default (limits) and defaultRequest (requests). */
function containerDefaults(lr: LimitRange): { requests: ResourceList; limits: ResourceList } {
  const requests: ResourceList = {};
  const limits: ResourceList = {};
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== "Container") continue;
    Object.assign(requests, item.defaultRequest ?? {});
    Object.assign(limits, item.default ?? {});
  }
  return { requests, limits };
}

/** mergeContainerResources: fills what the container lacks; returns the annotation's phrases for it. */
function mergeContainer(c: Container, defaults: { requests: ResourceList; limits: ResourceList }, prefix: string): string[] {
  const resources = (c.resources ??= {});
  const limits = (resources.limits ??= {}) as ResourceList;
  const requests = (resources.requests ??= {}) as ResourceList;
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [name, value] of Object.entries(defaults.limits)) {
    if (name in limits) continue;
    limits[name] = value;
    setLimits.push(name);
  }
  for (const [name, value] of Object.entries(defaults.requests)) {
    if (name in requests) continue;
    requests[name] = value;
    setRequests.push(name);
  }
  // Empty maps are omitted when the pod is serialized.
  if (Object.keys(limits).length === 0) delete resources.limits;
  if (Object.keys(requests).length === 0) delete resources.requests;
  const phrases: string[] = [];
  if (setRequests.length) phrases.push(`${setRequests.sort().join(", ")} request for ${prefix} ${c.name}`);
  if (setLimits.length) phrases.push(`${setLimits.sort().join(", ")} limit for ${prefix} ${c.name}`);
  return phrases;
}

/**
 * PodMutateLimitFunc for one LimitRange, in place.
 *   default {memory: 512Mi}, defaultRequest {memory: 256Mi}, a container without resources
 *   → requests.memory 256Mi, limits.memory 512Mi,
 *     annotation "LimitRanger plugin set: memory request for container c; memory limit for container c"
 */
export function applyLimitRangeDefaults(pod: Pod, lr: LimitRange): void {
  const defaults = containerDefaults(lr);
  const phrases: string[] = [];
  for (const c of pod.spec?.containers ?? []) phrases.push(...mergeContainer(c, defaults, "container"));
  for (const c of pod.spec?.initContainers ?? []) phrases.push(...mergeContainer(c, defaults, "init container"));
  if (phrases.length === 0) return;
  const meta = (pod.metadata ??= {});
  (meta.annotations ??= {})[LIMIT_RANGER_ANNOTATION] = `LimitRanger plugin set: ${phrases.join("; ")}`;
}

/**
 * requestLimitEnforcedValues: all three at milli precision (cpu 0.1 = 100), or whole units when a
 * value is too large for that; BigInt keeps memory byte counts exact either way.
 */
function milli(q: Quantity): bigint {
  const e = q.exponent + 3;
  if (e >= 0) return q.mantissa * 10n ** BigInt(e);
  const d = 10n ** BigInt(-e);
  return q.mantissa / d + (q.mantissa % d > 0n ? 1n : 0n);
}

const text = (value: string) => formatQuantity(toQuantity(value));

/** minConstraint. */
function minConstraint(limitType: string, name: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  if (!(name in requests)) return `minimum ${name} usage per ${limitType} is ${text(enforced)}.  No request is specified`;
  const min = milli(toQuantity(enforced));
  if (milli(toQuantity(requests[name])) < min) return `minimum ${name} usage per ${limitType} is ${text(enforced)}, but request is ${text(requests[name])}`;
  if (name in limits && milli(toQuantity(limits[name])) < min) return `minimum ${name} usage per ${limitType} is ${text(enforced)}, but limit is ${text(limits[name])}`;
  return undefined;
}

/** maxConstraint. */
function maxConstraint(limitType: string, name: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  if (!(name in limits)) return `maximum ${name} usage per ${limitType} is ${text(enforced)}.  No limit is specified`;
  const max = milli(toQuantity(enforced));
  if (milli(toQuantity(limits[name])) > max) return `maximum ${name} usage per ${limitType} is ${text(enforced)}, but limit is ${text(limits[name])}`;
  if (name in requests && milli(toQuantity(requests[name])) > max) return `maximum ${name} usage per ${limitType} is ${text(enforced)}, but request is ${text(requests[name])}`;
  return undefined;
}

/** maxRequestConstraint: claims have only requests. */
function maxRequestConstraint(limitType: string, name: string, enforced: string, requests: ResourceList): string | undefined {
  if (!(name in requests)) return `maximum ${name} usage per ${limitType} is ${text(enforced)}.  No request is specified`;
  if (milli(toQuantity(requests[name])) > milli(toQuantity(enforced))) return `maximum ${name} usage per ${limitType} is ${text(enforced)}, but request is ${text(requests[name])}`;
  return undefined;
}

/** limitRequestRatioConstraint: limit / request at most the ratio ("provided ratio is 4.000000"). */
function ratioConstraint(limitType: string, name: string, enforced: string, requests: ResourceList, limits: ResourceList): string | undefined {
  const request = name in requests ? milli(toQuantity(requests[name])) : 0n;
  const limit = name in limits ? milli(toQuantity(limits[name])) : 0n;
  if (request === 0n) return `${name} max limit to request ratio per ${limitType} is ${text(enforced)}, but no request is specified or request is 0`;
  if (limit === 0n) return `${name} max limit to request ratio per ${limitType} is ${text(enforced)}, but no limit is specified or limit is 0`;
  const observed = Number(limit) / Number(request);
  if (observed * 1000 > Number(milli(toQuantity(enforced)))) {
    return `${name} max limit to request ratio per ${limitType} is ${text(enforced)}, but provided ratio is ${observed.toFixed(6)}`;
  }
  return undefined;
}

function checkItem(item: LimitRangeItem, requests: ResourceList, limits: ResourceList, errs: string[]): void {
  const push = (e: string | undefined) => e && errs.push(e);
  for (const [name, value] of Object.entries(item.min ?? {})) push(minConstraint(item.type, name, value, requests, limits));
  for (const [name, value] of Object.entries(item.max ?? {})) push(maxConstraint(item.type, name, value, requests, limits));
  for (const [name, value] of Object.entries(item.maxLimitRequestRatio ?? {})) push(ratioConstraint(item.type, name, value, requests, limits));
}

/** utilerrors.NewAggregate(errs).Error(): one message alone, several as "[a, b]" without repeats. */
export function aggregate(errs: string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? unique[0] : `[${unique.join(", ")}]`;
}

/** PodValidateLimitFunc for one LimitRange: the aggregated message, or "" when the pod fits. */
export function podLimitViolations(pod: Pod, lr: LimitRange): string {
  const errs: string[] = [];
  for (const item of lr.spec?.limits ?? []) {
    if (item.type === "Container") {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        checkItem(item, (c.resources?.requests ?? {}) as ResourceList, (c.resources?.limits ?? {}) as ResourceList, errs);
      }
    } else if (item.type === "Pod") {
      checkItem(item, podResourceList(pod, "requests"), podResourceList(pod, "limits"), errs);
    }
  }
  return errs.length ? aggregate(errs) : "";
}

/** PersistentVolumeClaimValidateLimitFunc: storage requests against min and max. */
export function claimLimitViolations(pvc: PersistentVolumeClaim, lr: LimitRange): string {
  const errs: string[] = [];
  const requests = (pvc.spec?.resources?.requests ?? {}) as ResourceList;
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== "PersistentVolumeClaim") continue;
    for (const [name, value] of Object.entries(item.min ?? {})) {
      const e = minConstraint(item.type, name, value, requests, {});
      if (e) errs.push(e);
    }
    for (const [name, value] of Object.entries(item.max ?? {})) {
      const e = maxRequestConstraint(item.type, name, value, requests);
      if (e) errs.push(e);
    }
  }
  return errs.length ? aggregate(errs) : "";
}
