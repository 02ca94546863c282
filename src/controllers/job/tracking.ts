/**
 * trackJobStatusAndRemoveFinalizers (upstream job_controller.go): a finished pod is counted exactly
 * once. Its outcome is first recorded in the Job's status — its uid in uncountedTerminatedPods, or
 * for an Indexed Job its index in completedIndexes — and only then is its tracking finalizer removed;
 * once the finalizer is gone the uid moves into the succeeded/failed counters. Upstream does the three
 * steps in one sync with two status writes; a pass here writes the status once, so a pod's finalizer
 * is removed only when its outcome was already in the stored status, and the counters move on the
 * pass after. A crash or a lost write anywhere in between neither loses nor double-counts a pod.
 */
import type { JobCondition, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { ensureCondition, hasSuccessCriteriaMet, newCondition } from "./conditions";
import type { SyncContext } from "./context";
import { countIndexes, formatIndexes, hasIndex, withIndexes } from "./indexes";
import { matchPodFailurePolicy } from "./podFailurePolicy";
import { completionIndex, hasBackoffLimitPerIndex, hasTrackingFinalizer, isIndexedJob, isPodFailed, UNKNOWN_INDEX } from "./pods";

/** MaxUncountedPods: keeps uncountedTerminatedPods near 20 KB; the rest wait for the next pass. */
export const MAX_UNCOUNTED_PODS = 500;

/**
 * cleanUncountedPodsWithoutFinalizers: uids whose pod no longer has the finalizer (or is gone) move
 * into the counters. Uncounted succeeded [a, b], only a still has a finalizer → succeeded += 1.
 */
export function cleanUncounted(status: JobStatus, withFinalizer: ReadonlySet<string>): void {
  const un = status.uncountedTerminatedPods!;
  const keepSucceeded = (un.succeeded ?? []).filter((uid) => withFinalizer.has(uid));
  status.succeeded = (status.succeeded ?? 0) + (un.succeeded?.length ?? 0) - keepSucceeded.length;
  un.succeeded = keepSucceeded;
  const keepFailed = (un.failed ?? []).filter((uid) => withFinalizer.has(uid));
  status.failed = (status.failed ?? 0) + (un.failed?.length ?? 0) - keepFailed.length;
  un.failed = keepFailed;
}

/**
 * canRemoveFinalizer: when the Job is being deleted or has an outcome, when the pod succeeded, or when
 * it failed — unless, with backoffLimitPerIndex, it must stay until its replacement exists.
 */
function canRemoveFinalizer(ctx: SyncContext, pod: Pod, considerFailed: boolean): boolean {
  if (ctx.job.metadata?.deletionTimestamp || ctx.finished || pod.status?.phase === "Succeeded") return true;
  if (!considerFailed) return false;
  if (hasBackoffLimitPerIndex(ctx.job)) {
    const ix = completionIndex(pod);
    if (ix !== UNKNOWN_INDEX && ctx.delayedPerIndex.get(ix)?.metadata?.uid === pod.metadata?.uid) return false;
  }
  return true;
}

export function trackJobStatusAndRemoveFinalizers(ctx: SyncContext): { finishedNow?: JobCondition } {
  const { job, status } = ctx;
  const indexed = isIndexedJob(job);
  const completions = job.spec!.completions ?? 0;
  const withFinalizer = new Set(ctx.pods.filter(hasTrackingFinalizer).map((p) => p.metadata!.uid!));
  cleanUncounted(status, withFinalizer);
  const un = status.uncountedTerminatedPods!;
  const newSucceededIndexes: number[] = [];
  let reachedMaxUncounted = false;
  const pods = indexed ? [...ctx.pods].sort((a, b) => completionIndex(a) - completionIndex(b)) : ctx.pods;
  const failedOutcome = !!ctx.finished && ctx.finished.type !== "SuccessCriteriaMet";
  for (const pod of pods) {
    const uid = pod.metadata!.uid!;
    if (!hasTrackingFinalizer(pod) || ctx.out.released.has(uid)) continue;
    const considerFailed = isPodFailed(pod, job);
    if (!canRemoveFinalizer(ctx, pod, considerFailed)) continue;
    let recorded = true;
    if (pod.status?.phase === "Succeeded" && !ctx.uncounted.failed.has(uid)) {
      if (indexed) {
        const ix = completionIndex(pod);
        if (ix !== UNKNOWN_INDEX && ix < completions && !hasIndex(ctx.prevSucceededIndexes, ix)) {
          newSucceededIndexes.push(ix);
          recorded = false;
        }
      } else if (!ctx.uncounted.succeeded.has(uid)) {
        un.succeeded!.push(uid);
        recorded = false;
      }
    } else if (considerFailed || failedOutcome) {
      // Once the Job has failed, every pod that has not succeeded counts as failed.
      const ix = completionIndex(pod);
      const validIndex = !indexed || (ix !== UNKNOWN_INDEX && ix < completions);
      if (!ctx.uncounted.failed.has(uid) && validIndex && matchPodFailurePolicy(job.spec!.podFailurePolicy, pod).countFailed) {
        un.failed!.push(uid);
        recorded = false;
      }
    }
    if (recorded) ctx.out.releaseFinalizer(pod);
    if (newSucceededIndexes.length + un.succeeded!.length + un.failed!.length >= MAX_UNCOUNTED_PODS) {
      reachedMaxUncounted = true;
      break;
    }
  }
  if (indexed) {
    ctx.succeededIndexes = withIndexes(ctx.succeededIndexes, newSucceededIndexes);
    status.completedIndexes = formatIndexes(ctx.succeededIndexes);
    status.succeeded = countIndexes(ctx.succeededIndexes);
    if (ctx.failedIndexes) status.failedIndexes = formatIndexes(ctx.failedIndexes);
    else delete status.failedIndexes;
  }
  const conditions = (status.conditions ??= []);
  let finished = ctx.finished;
  if (finished?.type === "FailureTarget") {
    conditions.push(finished);
    finished = newCondition("Failed", "True", finished.reason ?? "", finished.message ?? "", ctx.now);
  } else if (finished?.type === "SuccessCriteriaMet") {
    if (!hasSuccessCriteriaMet({ status })) conditions.push(finished);
    finished = newCondition("Complete", "True", finished.reason ?? "", finished.message ?? "", ctx.now);
  }
  if (!finished || reachedMaxUncounted) return {};
  return enactJobFinished(ctx, finished) ? { finishedNow: finished } : {};
}

/**
 * enactJobFinished: the terminal condition, once every pod is counted and none is still terminating;
 * a Complete Job also gets its completionTime.
 */
function enactJobFinished(ctx: SyncContext, finished: JobCondition): boolean {
  const un = ctx.status.uncountedTerminatedPods!;
  if ((un.succeeded?.length ?? 0) + (un.failed?.length ?? 0) > 0) return false;
  if (ctx.terminating > 0) return false;
  ensureCondition(ctx.status.conditions!, finished.type, "True", finished.reason ?? "", finished.message ?? "", ctx.now);
  if (finished.type === "Complete") ctx.status.completionTime = finished.lastTransitionTime;
  return true;
}
