/**
 * syncJob (upstream pkg/controller/job/job_controller.go), one pass for one unfinished Job: count its
 * pods, decide whether it has failed (backoffLimit, activeDeadlineSeconds, podFailurePolicy, failed
 * indexes) or succeeded (completions, successPolicy), then either delete its active pods or create
 * and delete pods towards the wanted number, keep the Suspended condition, and account for finished
 * pods (tracking.ts). The status is computed whole and written once, only when it changed.
 */
import type { Job, JobCondition, JobStatus } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import { deepEqual } from "../../api/deepEqual";
import { rfc3339 } from "../../api/rest";
import type { KObject } from "../../api/types";
import { done, type ReconcileResult, type Rng, type Snapshot } from "../types";
import { backoffRecord } from "./backoff";
import {
  ensureCondition, findCondition, MESSAGE_BACKOFF_LIMIT_EXCEEDED, MESSAGE_COMPLETIONS_REACHED, MESSAGE_DEADLINE_EXCEEDED,
  MESSAGE_FAILED_INDEXES, MESSAGE_MAX_FAILED_INDEXES_EXCEEDED, newCondition, REASON_BACKOFF_LIMIT_EXCEEDED, REASON_COMPLETIONS_REACHED,
  REASON_DEADLINE_EXCEEDED, REASON_FAILED_INDEXES, REASON_MAX_FAILED_INDEXES_EXCEEDED, REASON_POD_FAILURE_POLICY, REASON_SUCCESS_POLICY,
} from "./conditions";
import { PassWrites, PODS, JOBS, type JobTiming, type SyncContext } from "./context";
import { countIndexes, hasIndex, parseIndexes, withIndexes } from "./indexes";
import { deleteActivePods, manageJob } from "./manage";
import { matchPodFailurePolicy } from "./podFailurePolicy";
import {
  annotationCount, asJob, asPod, completionIndex, finishedTime, hasBackoffLimitPerIndex, hasTrackingFinalizer, INDEX_FAILURE_COUNT_ANNOTATION,
  INDEX_IGNORED_FAILURE_COUNT_ANNOTATION, isActive, isIndexedJob, isPodFailed, isReady, isTerminating, jobSuspended, restartCount, UNKNOWN_INDEX,
} from "./pods";
import { matchSuccessPolicy } from "./successPolicy";
import { trackJobStatusAndRemoveFinalizers } from "./tracking";

/** spec.managedBy that means "this controller". */
export const JOB_CONTROLLER_NAME = "kubernetes.io/job-controller";

export function syncJob(jobObject: KObject, snapshot: Snapshot, now: number, rng: Rng, timing: JobTiming): ReconcileResult {
  const job = asJob(jobObject);
  const out = new PassWrites(jobObject);
  if (job.spec?.managedBy != null && job.spec.managedBy !== JOB_CONTROLLER_NAME) return done();
  const mode = job.spec?.completionMode;
  if (mode != null && mode !== "NonIndexed" && mode !== "Indexed") {
    out.event("Warning", "UnknownCompletionMode", "Skipped Job sync because completion mode is unknown");
    return done(out.writes());
  }
  const ctx = newContext(job, jobObject, snapshot, now, rng, timing, out);
  decideOutcome(ctx);
  let active = ctx.activePods.length;
  if (ctx.finished) {
    active -= deleteActivePods(ctx);
  } else {
    let managed = false;
    if (!job.metadata?.deletionTimestamp) {
      active = manageJob(ctx);
      managed = true;
    }
    const completions = job.spec!.completions;
    const complete = completions == null ? ctx.succeeded > 0 && active === 0 : ctx.succeeded >= completions && active === 0;
    if (complete) ctx.finished = newCondition("SuccessCriteriaMet", "True", REASON_COMPLETIONS_REACHED, MESSAGE_COMPLETIONS_REACHED, now);
    else if (managed) updateSuspendedCondition(ctx);
  }
  ctx.status.active = active;
  ctx.status.ready = ctx.ready;
  ctx.status.terminating = ctx.terminating;
  const { finishedNow } = trackJobStatusAndRemoveFinalizers(ctx);
  if (finishedNow) recordJobFinished(ctx, finishedNow);
  const status = normalizeStatus(ctx.status);
  const statusWrite = deepEqual(status, job.status ?? {})
    ? undefined
    : { op: "status" as const, resource: JOBS, object: { ...structuredClone(jobObject), status } };
  return done(out.writes(statusWrite), out.requeueAfter);
}

function newContext(job: Job, jobObject: KObject, snapshot: Snapshot, now: number, rng: Rng, timing: JobTiming, out: PassWrites): SyncContext {
  const status: JobStatus = structuredClone(job.status ?? {});
  const stored = status.uncountedTerminatedPods ?? {};
  status.uncountedTerminatedPods = { succeeded: [...(stored.succeeded ?? [])], failed: [...(stored.failed ?? [])] };
  const uncounted = { succeeded: new Set(stored.succeeded ?? []), failed: new Set(stored.failed ?? []) };
  const pods = snapshot.ownedBy(PODS, job.metadata!.uid!).map(asPod);
  const activePods = pods.filter(isActive);
  const indexed = isIndexedJob(job);
  const completions = job.spec!.completions ?? 0;
  // getValidPodsWithFilter: not yet counted, and for an Indexed Job with an index in range.
  const uncountedYet = (p: Pod, recorded: ReadonlySet<string>) => {
    if (!hasTrackingFinalizer(p) || recorded.has(p.metadata!.uid!)) return false;
    const ix = completionIndex(p);
    return !indexed || (ix !== UNKNOWN_INDEX && ix < completions);
  };
  const newSucceeded = pods.filter((p) => uncountedYet(p, uncounted.succeeded) && p.status?.phase === "Succeeded");
  const newFailed = pods.filter((p) => uncountedYet(p, uncounted.failed) && isPodFailed(p, job));
  const counted = newFailed.filter((p) => matchPodFailurePolicy(job.spec!.podFailurePolicy, p).countFailed).length;
  if (!status.startTime && !jobSuspended(job)) status.startTime = rfc3339(new Date(now));
  return {
    job,
    jobObject,
    now,
    rng,
    timing,
    status,
    pods,
    activePods,
    uncounted,
    succeeded: (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size,
    failed: (status.failed ?? 0) + counted + uncounted.failed.size,
    ready: activePods.filter(isReady).length,
    terminating: pods.filter(isTerminating).length,
    prevSucceededIndexes: [],
    succeededIndexes: [],
    delayedPerIndex: new Map(),
    backoff: backoffRecord(job, pods),
    out,
  };
}

/**
 * The failure checks in upstream's order — a stored SuccessCriteriaMet or FailureTarget stands; then a
 * FailJob rule; backoffLimit (failed pods, or container restarts under OnFailure);
 * activeDeadlineSeconds; then, for Indexed Jobs, failed indexes and the successPolicy.
 */
function decideOutcome(ctx: SyncContext): void {
  const { job, status, now } = ctx;
  const interim = (reason: string, message: string) => newCondition("FailureTarget", "True", reason, message, now);
  const met = findCondition(status.conditions, "SuccessCriteriaMet");
  if (met?.status === "True") ctx.finished = structuredClone(met);
  if (!ctx.finished) {
    const target = findCondition(status.conditions, "FailureTarget");
    if (target?.status === "True") ctx.finished = newCondition("Failed", "True", target.reason ?? "", target.message ?? "", now);
    else {
      const message = failJobMessage(ctx);
      if (message) ctx.finished = interim(REASON_POD_FAILURE_POLICY, message);
    }
  }
  if (!ctx.finished) {
    const activeDeadline = job.spec!.activeDeadlineSeconds;
    if (ctx.failed > (job.spec!.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, ctx.pods)) {
      ctx.finished = interim(REASON_BACKOFF_LIMIT_EXCEEDED, MESSAGE_BACKOFF_LIMIT_EXCEEDED);
    } else if (activeDeadline != null && status.startTime && !jobSuspended(job)) {
      const deadline = Date.parse(status.startTime) + activeDeadline * 1000 * ctx.timing.scale;
      if (now >= deadline) ctx.finished = interim(REASON_DEADLINE_EXCEEDED, MESSAGE_DEADLINE_EXCEEDED);
      else ctx.out.after(deadline - now);
    }
  }
  if (!isIndexedJob(job)) return;
  const completions = job.spec!.completions ?? 0;
  ctx.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
  const newlySucceeded = ctx.pods.filter((p) => p.status?.phase === "Succeeded" && hasTrackingFinalizer(p)).map(completionIndex)
    .filter((ix) => ix !== UNKNOWN_INDEX && ix < completions);
  ctx.succeededIndexes = withIndexes(ctx.prevSucceededIndexes, new Set(newlySucceeded));
  ctx.succeeded = countIndexes(ctx.succeededIndexes);
  if (hasBackoffLimitPerIndex(job)) {
    ctx.failedIndexes = calculateFailedIndexes(ctx);
    const failedCount = countIndexes(ctx.failedIndexes);
    if (!ctx.finished) {
      const maxFailed = job.spec!.maxFailedIndexes;
      if (maxFailed != null && failedCount > maxFailed) ctx.finished = interim(REASON_MAX_FAILED_INDEXES_EXCEEDED, MESSAGE_MAX_FAILED_INDEXES_EXCEEDED);
      else if (failedCount > 0 && failedCount + ctx.succeeded >= completions) ctx.finished = interim(REASON_FAILED_INDEXES, MESSAGE_FAILED_INDEXES);
    }
    ctx.delayedPerIndex = podsWithDelayedDeletionPerIndex(ctx);
  }
  if (!ctx.finished) {
    const message = matchSuccessPolicy(job.spec!.successPolicy, completions, ctx.succeededIndexes);
    if (message) ctx.finished = newCondition("SuccessCriteriaMet", "True", REASON_SUCCESS_POLICY, message, now);
  }
}

/** getFailJobMessage: the message of the first failed pod that matches a FailJob rule. */
function failJobMessage(ctx: SyncContext): string | undefined {
  const policy = ctx.job.spec!.podFailurePolicy;
  if (!policy) return undefined;
  for (const pod of ctx.pods) {
    if (!isPodFailed(pod, ctx.job)) continue;
    const message = matchPodFailurePolicy(policy, pod).failJobMessage;
    if (message) return message;
  }
  return undefined;
}

/**
 * pastBackoffLimitOnFailure: under restartPolicy OnFailure the kubelet restarts containers in place,
 * so restarts of the running and pending pods count: backoffLimit 4 → the 4th restart fails the Job
 * (backoffLimit 0 → the first).
 */
export function pastBackoffLimitOnFailure(job: Job, pods: Pod[]): boolean {
  if (job.spec?.template?.spec?.restartPolicy !== "OnFailure") return false;
  const restarts = pods
    .filter((p) => p.status?.phase === "Running" || p.status?.phase === "Pending")
    .reduce((n, p) => n + restartCount(p), 0);
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/**
 * isIndexFailed: a counted failure (or a FailIndex rule) of a pod whose index already failed
 * backoffLimitPerIndex times before it.
 */
function isIndexFailed(ctx: SyncContext, pod: Pod): boolean {
  if (!isPodFailed(pod, ctx.job)) return false;
  const match = matchPodFailurePolicy(ctx.job.spec!.podFailurePolicy, pod);
  if (match.action === "FailIndex") return true;
  return match.countFailed && annotationCount(pod, INDEX_FAILURE_COUNT_ANNOTATION) >= (ctx.job.spec!.backoffLimitPerIndex ?? 0);
}

/** calculateFailedIndexes: the stored failedIndexes plus the indexes of pods that failed for good since. */
function calculateFailedIndexes(ctx: SyncContext) {
  const completions = ctx.job.spec!.completions ?? 0;
  const previous = parseIndexes(ctx.status.failedIndexes, completions);
  const failed = ctx.pods
    .filter((p) => hasTrackingFinalizer(p) && isIndexFailed(ctx, p))
    .map(completionIndex)
    .filter((ix) => ix !== UNKNOWN_INDEX && ix < completions);
  return withIndexes(previous, new Set(failed));
}

/**
 * getPodsWithDelayedDeletionPerIndex: for each index that is neither done, failed nor running, its
 * latest failed pod (most failures, then latest finish) keeps its finalizer until the replacement
 * pod — which inherits its failure count — has been created.
 */
function podsWithDelayedDeletionPerIndex(ctx: SyncContext): Map<number, Pod> {
  const completions = ctx.job.spec!.completions ?? 0;
  const activeIndexes = new Set(ctx.activePods.map(completionIndex));
  const absolute = (p: Pod) => annotationCount(p, INDEX_FAILURE_COUNT_ANNOTATION) + annotationCount(p, INDEX_IGNORED_FAILURE_COUNT_ANNOTATION);
  const result = new Map<number, Pod>();
  for (const pod of ctx.pods) {
    if (!hasTrackingFinalizer(pod) || !isPodFailed(pod, ctx.job)) continue;
    const ix = completionIndex(pod);
    if (ix === UNKNOWN_INDEX || ix >= completions) continue;
    if (hasIndex(ctx.succeededIndexes, ix) || hasIndex(ctx.failedIndexes, ix) || activeIndexes.has(ix)) continue;
    const last = result.get(ix);
    if (!last || (absolute(last) <= absolute(pod) && finishedTime(pod) >= finishedTime(last))) result.set(ix, pod);
  }
  return result;
}

/**
 * The Suspended condition, kept only while manageJob ran this pass: True "JobSuspended" with the
 * Suspended event; back to False "JobResumed" with the Resumed event and a fresh startTime, so
 * activeDeadlineSeconds counts continuous activity.
 */
function updateSuspendedCondition(ctx: SyncContext): void {
  const conditions = (ctx.status.conditions ??= []);
  if (jobSuspended(ctx.job)) {
    if (ensureCondition(conditions, "Suspended", "True", "JobSuspended", "Job suspended", ctx.now)) ctx.out.event("Normal", "Suspended", "Job suspended");
  } else if (ensureCondition(conditions, "Suspended", "False", "JobResumed", "Job resumed", ctx.now)) {
    ctx.out.event("Normal", "Resumed", "Job resumed");
    ctx.status.startTime = rfc3339(new Date(ctx.now));
  }
}

/** recordJobFinished: Completed (and TooManySucceededPods), or a Warning with the failure's reason and message. */
function recordJobFinished(ctx: SyncContext, condition: JobCondition): void {
  if (condition.type === "Complete") {
    const completions = ctx.job.spec!.completions;
    if (completions != null && (ctx.status.succeeded ?? 0) > completions) {
      ctx.out.event("Warning", "TooManySucceededPods", "Too many succeeded pods running after completion count reached");
    }
    ctx.out.event("Normal", "Completed", "Job completed");
  } else {
    ctx.out.event("Warning", condition.reason ?? "", condition.message ?? "");
  }
}

/** The status as upstream serializes it: zero counters and empty lists omitted, ready/terminating/uncountedTerminatedPods always present. */
function normalizeStatus(status: JobStatus): JobStatus {
  const out: JobStatus = { ...status };
  if (!out.conditions?.length) delete out.conditions;
  for (const key of ["active", "succeeded", "failed"] as const) if (!out[key]) delete out[key];
  if (!out.completedIndexes) delete out.completedIndexes;
  const un = out.uncountedTerminatedPods ?? {};
  out.uncountedTerminatedPods = {
    ...(un.succeeded?.length ? { succeeded: un.succeeded } : {}),
    ...(un.failed?.length ? { failed: un.failed } : {}),
  };
  return out;
}
