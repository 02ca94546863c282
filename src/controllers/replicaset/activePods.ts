/**
 * Which pods count and which go first, after upstream's controller_utils.go (IsPodActive,
 * ActivePodsWithRanks with the PodDeletionCost and LogarithmicScaleDown gates on, as since 1.22) and
 * pkg/api/v1/pod (IsPodReady, IsPodAvailable).
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";

const asPod = (obj: KObject) => obj as unknown as Pod;

/** core.PodDeletionCost: lower goes first on scale-down. */
export const POD_DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

/** IsPodActive: not Succeeded, not Failed, not being deleted. Inactive pods are neither counted nor replaced-by-deletion. */
export function isPodActive(pod: KObject): boolean {
  const phase = asPod(pod).status?.phase;
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

/** IsPodReady: the Ready condition is True. */
export function isPodReady(pod: KObject): boolean {
  return asPod(pod).status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

const parseTime = (t: string | undefined): number | undefined => (t ? Date.parse(t) : undefined);

/** podReadyTime: when a ready pod's Ready condition last turned True (undefined: not ready, or no time). */
export function podReadyTime(pod: KObject): number | undefined {
  if (!isPodReady(pod)) return undefined;
  const ready = asPod(pod).status?.conditions?.find((c) => c.type === "Ready" && c.status === "True");
  return parseTime(ready?.lastTransitionTime);
}

/**
 * IsPodAvailable: ready, and ready for longer than minReadySeconds (strictly, as upstream's Before).
 *   minReadySeconds 10, ready since 12:00:00 → unavailable at 12:00:10.000, available at 12:00:10.001
 */
export function isPodAvailable(pod: KObject, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since + minReadySeconds * 1000 < now;
}

/**
 * Milliseconds until the first ready-but-not-yet-available pod becomes available, for the requeue
 * that notices it (the pod itself does not change at that moment). Undefined when none is waiting.
 */
export function nextAvailableIn(pods: readonly KObject[], minReadySeconds: number, now: number): number | undefined {
  if (minReadySeconds <= 0) return undefined;
  let next: number | undefined;
  for (const pod of pods) {
    const since = podReadyTime(pod);
    if (since === undefined || isPodAvailable(pod, minReadySeconds, now)) continue;
    const wait = since + minReadySeconds * 1000 - now + 1;
    next = next === undefined ? wait : Math.min(next, wait);
  }
  return next;
}

/** maxContainerRestarts: the highest restartCount among the pod's containers. */
export function maxContainerRestarts(pod: KObject): number {
  return Math.max(0, ...(asPod(pod).status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

/**
 * helper.GetDeletionCostFromPodAnnotations: a base-10 int32 that starts with "-", a non-zero digit
 * or is "0" ("+10" and "008" are invalid, "-007" is −7); absent or invalid counts as 0.
 */
export function podDeletionCost(pod: KObject): number {
  const value = pod.metadata.annotations?.[POD_DELETION_COST];
  if (value === undefined) return 0;
  if (!/^(-[0-9]+|0|[1-9][0-9]*)$/.test(value)) return 0;
  const n = Number(value);
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseOrdinal = (pod: KObject) => PHASE_ORDINAL[asPod(pod).status?.phase ?? ""] ?? 0;

/**
 * logarithmicRankDiff: compares how long ago two times were on a log2 scale of nanoseconds, so pods
 * created (or ready) within the same power-of-two window count as equally old.
 *   now − t1 = 2 h (log2 ≈ 42.7 → 42), now − t2 = 5 h (≈ 44.0 → 44): −2, t1 is younger
 */
export function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const d = (now - t) * 1e6;
    return d > 0 ? Math.floor(Math.log2(d)) : -1;
  };
  return rank(t1) - rank(t2);
}

/** afterOrZero: t1 is later than t2, a missing time counting as the latest of all. */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1 > t2;
}

/** The younger-first test of rules 6 and 8 on the log scale; ties go by uid for a pseudo-random order. */
function youngerFirst(t1: number | undefined, t2: number | undefined, a: KObject, b: KObject, now: number): boolean {
  if (t1 === undefined || t2 === undefined) return afterOrZero(t1, t2);
  const diff = logarithmicRankDiff(t1, t2, now);
  if (diff === 0) return (a.metadata.uid ?? "") < (b.metadata.uid ?? "");
  return diff < 0;
}

export interface RankedPod {
  pod: KObject;
  /** Active related pods on the same node (getPodsRankedByRelatedPodsOnSameNode). */
  rank: number;
}

/**
 * ActivePodsWithRanks.Less: true when `a` should be deleted before `b`. In turn:
 * 1. unassigned < assigned; 2. Pending < Unknown < Running; 3. not ready < ready;
 * 4. lower pod-deletion-cost < higher; 5. more colocated related pods < fewer;
 * 6. ready for less time < longer (log scale); 7. more restarts < fewer;
 * 8. created later < earlier (log scale). Otherwise equal.
 */
export function deletesBefore(a: RankedPod, b: RankedPod, now: number): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const nodeA = asPod(pa).spec?.nodeName ?? "";
  const nodeB = asPod(pb).spec?.nodeName ?? "";
  if (nodeA !== nodeB && (nodeA === "" || nodeB === "")) return nodeA === "";
  if (phaseOrdinal(pa) !== phaseOrdinal(pb)) return phaseOrdinal(pa) < phaseOrdinal(pb);
  if (isPodReady(pa) !== isPodReady(pb)) return !isPodReady(pa);
  if (podDeletionCost(pa) !== podDeletionCost(pb)) return podDeletionCost(pa) < podDeletionCost(pb);
  if (a.rank !== b.rank) return a.rank > b.rank;
  if (isPodReady(pa) && isPodReady(pb)) {
    const [ra, rb] = [podReadyTime(pa), podReadyTime(pb)];
    if (ra !== rb) return youngerFirst(ra, rb, pa, pb, now);
  }
  if (maxContainerRestarts(pa) !== maxContainerRestarts(pb)) return maxContainerRestarts(pa) > maxContainerRestarts(pb);
  const [ca, cb] = [parseTime(pa.metadata.creationTimestamp), parseTime(pb.metadata.creationTimestamp)];
  if (ca !== cb) return youngerFirst(ca, cb, pa, pb, now);
  return false;
}

/**
 * getPodsToDelete: the `count` pods to delete first, each ranked by how many active `related` pods
 * (the pods of every ReplicaSet sharing this one's controller) sit on its node.
 *   3 pods, one unscheduled, count 1 → the unscheduled one
 */
export function podsToDelete(pods: readonly KObject[], related: readonly KObject[], count: number, now: number): KObject[] {
  if (count >= pods.length) return [...pods];
  const onNode = new Map<string, number>();
  for (const pod of related) {
    if (!isPodActive(pod)) continue;
    const node = asPod(pod).spec?.nodeName ?? "";
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  const ranked: RankedPod[] = pods.map((pod) => ({ pod, rank: onNode.get(asPod(pod).spec?.nodeName ?? "") ?? 0 }));
  ranked.sort((a, b) => (deletesBefore(a, b, now) ? -1 : deletesBefore(b, a, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}
