/**
 * The ResourceQuota admission plugin (k8s.io/apiserver admission/plugin/resourcequota): a new object
 * is charged against every quota of its namespace that tracks it; if any would go over its hard
 * limit, the create is refused with upstream's "exceeded quota" message. Usage is measured from the
 * objects themselves at admission time, which is what upstream's status.used plus its in-flight
 * accounting converge to. Pure: the caller lists quotas and objects.
 */
import type { ResourceQuota } from "kubernetes-types/core/v1";
import type { KObject } from "../types";
import { evaluatorFor, type Lister, quotaUsage, scopeSelectors } from "./quota";
import { addLists, exceededNames, maskList, prettyPrint, removeZeros } from "./resourceLists";

/**
 * checkRequest for a create: the refusal message, or "" when every matching quota has room.
 *   hard requests.memory 1Gi, used 600Mi, a pod asking 700Mi
 *   → "exceeded quota: mem-cpu-demo, requested: requests.memory=700Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi"
 */
export function quotaRefusal(resource: string, obj: KObject, quotas: readonly ResourceQuota[], list: Lister, now: number): string {
  const evaluator = evaluatorFor(resource);
  if (!evaluator || quotas.length === 0) return "";
  const interesting: { quota: ResourceQuota; names: string[] }[] = [];
  for (const quota of quotas) {
    const hard = quota.spec?.hard ?? {};
    const names = evaluator.matching(Object.keys(hard));
    if (names.length === 0 || !evaluator.matchesScopes(scopeSelectors(quota), obj)) continue;
    const constraint = evaluator.constraints?.(names, obj);
    if (constraint) return `failed quota: ${quota.metadata?.name}: ${constraint}`;
    interesting.push({ quota, names });
  }
  const delta = removeZeros(evaluator.usage(obj, now));
  if (Object.keys(delta).length === 0) return "";
  for (const { quota } of interesting) {
    const hard = (quota.spec?.hard ?? {}) as Record<string, string>;
    const requested = maskList(delta, Object.keys(hard));
    const used = maskList(quotaUsage(quota, list, now), Object.keys(hard));
    const next = maskList(addLists(used, requested), Object.keys(requested));
    const exceeded = exceededNames(next, hard);
    if (exceeded.length) {
      return `exceeded quota: ${quota.metadata?.name}, requested: ${prettyPrint(maskList(requested, exceeded))}, used: ${prettyPrint(maskList(used, exceeded))}, limited: ${prettyPrint(maskList(hard, exceeded))}`;
    }
  }
  return "";
}
