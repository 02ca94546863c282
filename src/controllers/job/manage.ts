/**
 * manageJob (upstream job_controller.go): bring the number of active pods to what the Job wants —
 * none while suspended; otherwise min(parallelism, completions − succeeded), or parallelism for a
 * work-queue Job (no completions) until its first success. One direction per pass: deleting surplus
 * pods wins over creating missing ones. Creating waits out the failure back-off.
 */
import type { Pod } from "kubernetes-types/core/v1";
import { remainingBackoff, remainingBackoffPerIndex } from "./backoff";
import type { SyncContext } from "./context";
import { firstPendingIndexes, mergeIntervals, withIndexes } from "./indexes";
import { matchPodFailurePolicy } from "./podFailurePolicy";
import {
  activePodsForRemoval, annotationCount, completionIndex, hasBackoffLimitPerIndex, hasTrackingFinalizer, INDEX_FAILURE_COUNT_ANNOTATION,
  INDEX_IGNORED_FAILURE_COUNT_ANNOTATION, isIndexedJob, isReady, isTerminating, jobSuspended, onlyReplaceFailedPods, podFromTemplate,
  UNKNOWN_INDEX, type PodIdentity,
} from "./pods";

/** MaxPodCreateDeletePerSync. */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;

/**
 * wantActive. Completions 5, parallelism 2, 4 succeeded → 1; no completions, parallelism 3 → 3
 * until a pod succeeds, then whatever is still running.
 */
export function wantActive(completions: number | null | undefined, parallelism: number, succeeded: number, active: number): number {
  if (completions == null) return succeeded > 0 ? active : parallelism;
  return Math.max(0, Math.min(completions - succeeded, parallelism));
}

/**
 * deleteJobPods: these pods are not failures (suspension, surplus), so their finalizer goes first and
 * they are never counted; then they are deleted. Returns how many (and how many were ready).
 */
export function deleteJobPods(ctx: SyncContext, pods: Pod[]): void {
  for (const pod of pods) {
    if (hasTrackingFinalizer(pod)) ctx.out.releaseFinalizer(pod);
    ctx.out.deletePod(pod);
    ctx.terminating++;
    if (isReady(pod)) ctx.ready--;
  }
}

/**
 * deleteActivePods (a Job that failed or met its success criteria): DELETE only, keeping the
 * finalizers, so a failed Job's pods are counted as failed before they go.
 */
export function deleteActivePods(ctx: SyncContext): number {
  for (const pod of ctx.activePods) {
    ctx.out.deletePod(pod);
    ctx.terminating++;
    if (isReady(pod)) ctx.ready--;
  }
  return ctx.activePods.length;
}

/** Returns the number of active pods after this pass's deletions and creations. */
export function manageJob(ctx: SyncContext): number {
  const { job } = ctx;
  const active = ctx.activePods.length;
  if (jobSuspended(job)) {
    const remove = activePodsForRemoval(job, ctx.activePods, active);
    deleteJobPods(ctx, remove);
    return active - remove.length;
  }
  const want = wantActive(job.spec!.completions, job.spec!.parallelism ?? 1, ctx.succeeded, active);
  const surplus = activePodsForRemoval(job, ctx.activePods, Math.max(0, active - want)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (surplus.length > 0) {
    deleteJobPods(ctx, surplus);
    return active - surplus.length;
  }
  // With podReplacementPolicy Failed a terminating pod still holds its place until it has failed.
  const holding = onlyReplaceFailedPods(job) ? ctx.terminating : 0;
  let diff = want - holding - active;
  if (diff <= 0) return active;
  if (!hasBackoffLimitPerIndex(job)) {
    const wait = remainingBackoff(ctx.backoff.failuresAfterLastSuccess, ctx.backoff.lastFailureTime, ctx.now, ctx.timing.backoff);
    if (wait > 0) {
      ctx.out.after(wait);
      return active;
    }
  }
  diff = Math.min(diff, MAX_POD_CREATE_DELETE_PER_SYNC);
  const identities: PodIdentity[] = [];
  if (isIndexedJob(job)) {
    let indexes = firstPendingIndexes(busyIndexes(ctx), diff, job.spec!.completions ?? 0);
    if (hasBackoffLimitPerIndex(job)) {
      const ready = indexesPastBackoff(ctx, indexes);
      if (ready.indexes.length === 0) {
        if (ready.wait > 0) ctx.out.after(ready.wait);
        return active;
      }
      indexes = ready.indexes;
    }
    for (const index of indexes) identities.push({ index, ...failureCountsFor(ctx, index) });
  } else {
    for (let i = 0; i < diff; i++) identities.push({});
  }
  for (const identity of identities) ctx.out.createPod(podFromTemplate(job, identity, ctx.rng));
  return active + identities.length;
}

/** The indexes firstPendingIndexes must skip: succeeded, active, failed, and terminating ones when they hold their place. */
function busyIndexes(ctx: SyncContext) {
  const indexesOf = (pods: Pod[]) => pods.map(completionIndex).filter((ix) => ix !== UNKNOWN_INDEX);
  let busy = withIndexes(ctx.succeededIndexes, indexesOf(ctx.activePods));
  if (onlyReplaceFailedPods(ctx.job)) busy = withIndexes(busy, indexesOf(ctx.pods.filter(isTerminating)));
  if (ctx.failedIndexes) busy = mergeIntervals(busy, ctx.failedIndexes);
  return busy;
}

/** getPodCreationInfoForIndependentIndexes: the indexes whose own back-off is over, else the shortest wait. */
function indexesPastBackoff(ctx: SyncContext, indexes: number[]): { indexes: number[]; wait: number } {
  const now: number[] = [];
  let wait = Infinity;
  for (const index of indexes) {
    const remaining = remainingBackoffPerIndex(ctx.delayedPerIndex.get(index), ctx.now, ctx.timing.backoff);
    if (remaining === 0) now.push(index);
    else wait = Math.min(wait, remaining);
  }
  return { indexes: now, wait: now.length ? 0 : wait === Infinity ? 0 : wait };
}

/** getNewIndexFailureCounts: the replaced pod's counts plus its own failure (counted or ignored). */
function failureCountsFor(ctx: SyncContext, index: number): Pick<PodIdentity, "failureCount" | "ignoredFailureCount"> {
  if (!hasBackoffLimitPerIndex(ctx.job)) return {};
  const replaced = ctx.delayedPerIndex.get(index);
  if (!replaced) return { failureCount: 0, ignoredFailureCount: 0 };
  let failureCount = annotationCount(replaced, INDEX_FAILURE_COUNT_ANNOTATION);
  let ignoredFailureCount = annotationCount(replaced, INDEX_IGNORED_FAILURE_COUNT_ANNOTATION);
  if (matchPodFailurePolicy(ctx.job.spec!.podFailurePolicy, replaced).countFailed) failureCount++;
  else ignoredFailureCount++;
  return { failureCount, ignoredFailureCount };
}
