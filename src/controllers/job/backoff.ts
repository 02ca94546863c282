/**
 * Pod-failure back-off (upstream backoff_utils.go): replacement pods wait 10 s after the first
 * failure since the last success, doubling per further failure, capped (the docs: "10s, 20s, 40s …
 * capped at six minutes"). Upstream keeps the failure count in memory; here it is read back from the
 * Job's finished pods, which carry the same facts (their finish times), so a restarted Durable Object
 * resumes the same back-off.
 */
import type { Job } from "kubernetes-types/batch/v1";
import type { Pod } from "kubernetes-types/core/v1";
import {
  annotationCount, finishedTime, hasTrackingFinalizer, INDEX_FAILURE_COUNT_ANNOTATION, INDEX_IGNORED_FAILURE_COUNT_ANNOTATION, isPodFailed,
} from "./pods";

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;

export interface Backoff {
  baseMs: number;
  maxMs: number;
}

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/**
 * newBackoffRecord over every finished pod: the failures that finished after the last success and
 * when the latest of them finished. Pods succeeded at 5 and 9, failed at 7, 11, 12 → 2 failures, last at 12.
 * A pod deleted after its finalizer was released (suspension, surplus) was never a failure upstream
 * counts, so a deleted pod counts only while it still carries the finalizer.
 */
export function backoffRecord(job: Job, pods: Pod[]): BackoffRecord {
  let lastSuccess = -Infinity;
  for (const p of pods) if (p.status?.phase === "Succeeded") lastSuccess = Math.max(lastSuccess, finishedTime(p));
  let failures = 0;
  let lastFailureTime: number | undefined;
  for (const p of pods) {
    if (p.status?.phase === "Succeeded" || !isPodFailed(p, job)) continue;
    if (p.metadata?.deletionTimestamp && !hasTrackingFinalizer(p)) continue;
    const at = finishedTime(p);
    if (at <= lastSuccess) continue;
    failures++;
    lastFailureTime = Math.max(lastFailureTime ?? -Infinity, at);
  }
  return { failuresAfterLastSuccess: failures, lastFailureTime };
}

/**
 * getRemainingTimeForFailuresCount: base·2^(failures−1), capped, minus the time since the last
 * failure. 3 failures, base 10 s, last failure 25 s ago → 40 − 25 = 15 s.
 */
export function remainingBackoff(failures: number, lastFailureTime: number | undefined, now: number, backoff: Backoff): number {
  if (failures === 0 || lastFailureTime === undefined) return 0;
  let duration = backoff.baseMs;
  for (let i = 1; i < failures; i++) {
    duration *= 2;
    if (duration >= backoff.maxMs) {
      duration = backoff.maxMs;
      break;
    }
  }
  const elapsed = now - lastFailureTime;
  return duration < elapsed ? 0 : duration - elapsed;
}

/**
 * getRemainingTimePerIndex (backoffLimitPerIndex): the index's failures so far, read from the last
 * failed pod's annotations, plus that pod's own failure.
 */
export function remainingBackoffPerIndex(lastFailedPod: Pod | undefined, now: number, backoff: Backoff): number {
  if (!lastFailedPod) return 0;
  const failures = annotationCount(lastFailedPod, INDEX_FAILURE_COUNT_ANNOTATION) + annotationCount(lastFailedPod, INDEX_IGNORED_FAILURE_COUNT_ANNOTATION) + 1;
  return remainingBackoff(failures, finishedTime(lastFailedPod), now, backoff);
}
