/**
 * Job conditions as upstream 1.31+ writes them: a terminal outcome is first recorded as an interim
 * condition (FailureTarget or SuccessCriteriaMet) while pods are still being accounted for, and the
 * terminal one (Failed or Complete, same reason and message) follows once they are.
 */
import type { Job, JobCondition } from "kubernetes-types/batch/v1";
import { rfc3339 } from "../../api/rest";

export const REASON_BACKOFF_LIMIT_EXCEEDED = "BackoffLimitExceeded";
export const REASON_DEADLINE_EXCEEDED = "DeadlineExceeded";
export const REASON_POD_FAILURE_POLICY = "PodFailurePolicy";
export const REASON_MAX_FAILED_INDEXES_EXCEEDED = "MaxFailedIndexesExceeded";
export const REASON_FAILED_INDEXES = "FailedIndexes";
export const REASON_SUCCESS_POLICY = "SuccessPolicy";
export const REASON_COMPLETIONS_REACHED = "CompletionsReached";

export const MESSAGE_BACKOFF_LIMIT_EXCEEDED = "Job has reached the specified backoff limit";
export const MESSAGE_DEADLINE_EXCEEDED = "Job was active longer than specified deadline";
export const MESSAGE_MAX_FAILED_INDEXES_EXCEEDED = "Job has exceeded the specified maximal number of failed indexes";
export const MESSAGE_FAILED_INDEXES = "Job has failed indexes";
export const MESSAGE_COMPLETIONS_REACHED = "Reached expected number of succeeded pods";

export type Condition = JobCondition;

export function newCondition(type: string, status: "True" | "False", reason: string, message: string, now: number): JobCondition {
  const at = rfc3339(new Date(now));
  return { type, status, lastProbeTime: at, lastTransitionTime: at, reason, message };
}

export function findCondition(conditions: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return conditions?.find((c) => c.type === type);
}

const isTrue = (conditions: readonly JobCondition[] | undefined, type: string) => findCondition(conditions, type)?.status === "True";

/** util.IsJobFinished: Complete or Failed is True. */
export function finishedConditionType(job: Job): "Complete" | "Failed" | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === "Complete" || x.type === "Failed") && x.status === "True");
  return c?.type as "Complete" | "Failed" | undefined;
}

export const isJobFinished = (job: Job) => finishedConditionType(job) !== undefined;

export const hasSuccessCriteriaMet = (job: Job) => isTrue(job.status?.conditions, "SuccessCriteriaMet");

/**
 * ensureJobConditionStatus: replace a condition of that type whose status, reason or message differ
 * (fresh timestamps), or append one — except that a False condition is never appended.
 */
export function ensureCondition(list: JobCondition[], type: string, status: "True" | "False", reason: string, message: string, now: number): boolean {
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i];
    if (c.status === status && (c.reason ?? "") === reason && (c.message ?? "") === message) return false;
    list[i] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === "False") return false;
  list.push(newCondition(type, status, reason, message, now));
  return true;
}
