/**
 * The resource quota controller (pkg/controller/resourcequota): keeps every ResourceQuota's
 * status.hard equal to its spec and status.used equal to what the namespace's objects use now, so
 * `kubectl describe quota` and `get quota -o yaml` show the figures the docs do. Admission charges
 * new objects itself (api/policy/quotaAdmission.ts); this controller follows every change after,
 * releasing what deleted and finished objects held. A quota is recomputed when anything it can
 * count changes in its namespace, and once more when a terminating pod's grace period ends (it stops
 * counting then, as upstream's QuotaV1Pod says).
 */
import type { Pod, ResourceQuota } from "kubernetes-types/core/v1";
import { deepEqual } from "../api/deepEqual";
import { evaluatorFor, quotaUsage } from "../api/policy/quota";
import type { KObject } from "../api/types";
import { done, keyOf, splitKey, type Controller, type ObjectChange, type Snapshot } from "./types";

export const RESOURCE_QUOTAS = "resourcequotas";

/** The quotas a change can move: the quota itself, or every quota of the namespace of something countable. */
function keysForChange(change: ObjectChange, snapshot: Snapshot): string[] {
  if (change.resource === RESOURCE_QUOTAS) return [keyOf(change.object)];
  const namespace = change.object.metadata.namespace;
  if (!namespace || !evaluatorFor(change.resource)) return [];
  return snapshot.list(RESOURCE_QUOTAS, namespace).map(keyOf);
}

/** When the next terminating pod of the namespace stops counting (deletionTimestamp + grace), if any. */
function nextRelease(pods: readonly KObject[], now: number): number | undefined {
  let next: number | undefined;
  for (const pod of pods as readonly Pod[]) {
    const deletion = pod.metadata?.deletionTimestamp;
    const grace = pod.metadata?.deletionGracePeriodSeconds;
    if (!deletion || grace === undefined || grace === null) continue;
    const at = Date.parse(deletion) + grace * 1000 + 1;
    if (at > now && (next === undefined || at < next)) next = at;
  }
  return next;
}

/**
 * syncResourceQuota: status {hard: spec.hard, used: usage of each hard resource}, written only
 * when it changed.
 *   hard {pods: "2"}, two running pods → status {hard: {pods: "2"}, used: {pods: "2"}}
 */
export function reconcileQuota(key: string, snapshot: Snapshot, now: number) {
  const { namespace, name } = splitKey(key);
  const quota = snapshot.get(RESOURCE_QUOTAS, namespace, name) as (KObject & ResourceQuota) | undefined;
  if (!quota || quota.metadata.deletionTimestamp) return done();
  const list = (resource: string, ns: string) => snapshot.list(resource, ns);
  const hard = { ...(quota.spec?.hard ?? {}) };
  const used = quotaUsage(quota, list, now);
  // Empty maps are omitted, as upstream's omitempty fields are.
  const status = { ...(Object.keys(hard).length ? { hard } : {}), ...(Object.keys(used).length ? { used } : {}) };
  const release = nextRelease(snapshot.list("pods", namespace), now);
  const requeue = release === undefined ? undefined : release - now;
  if (deepEqual(quota.status ?? {}, status)) return done([], requeue);
  return done([{ op: "status", resource: RESOURCE_QUOTAS, object: { ...structuredClone(quota), status } as KObject }], requeue);
}

export function createResourceQuotaController(): Controller {
  return {
    name: "resourcequota",
    keysFor: keysForChange,
    reconcile: (key, snapshot, now) => reconcileQuota(key, snapshot, now),
  };
}
