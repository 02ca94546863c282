/**
 * batch/v1 defaulting: SetDefaults_Job and SetDefaults_CronJob, plus the Job strategy's selector
 * generation (PrepareForCreate's generateSelector), which needs metadata.uid set by the caller.
 * A Job's labels default to its template's labels after generation, which is what a real cluster
 * shows (defaulting runs again each time the stored Job is read).
 */
import type { CronJob, Job, JobSpec } from "kubernetes-types/batch/v1";
import { defaultPodTemplate } from "./podspec";

const MAX_INT32 = 2147483647;

/** PodFailurePolicyOnPodConditionsPattern: status defaults to True. */
function defaultPodFailurePolicy(spec: JobSpec): void {
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const pattern of rule.onPodConditions ?? []) pattern.status ||= "True";
}

/**
 * generateSelector (PrepareForCreate only): unless manualSelector, the template gets `controller-uid`/`job-name` (and their
 * batch.kubernetes.io/ forms) and the selector matches `batch.kubernetes.io/controller-uid`. Labels
 * the user already set are kept, so a conflict is rejected by validation.
 */
function generateSelector(job: Job, spec: JobSpec): void {
  const uid = job.metadata?.uid;
  if (spec.manualSelector || !uid) return;
  const template = (spec.template ??= {} as JobSpec["template"]);
  const labels = ((template.metadata ??= {}).labels ??= {});
  for (const key of ["job-name", "batch.kubernetes.io/job-name"]) if (!(key in labels)) labels[key] = job.metadata?.name ?? "";
  for (const key of ["controller-uid", "batch.kubernetes.io/controller-uid"]) if (!(key in labels)) labels[key] = uid;
  const matchLabels = ((spec.selector ??= {}).matchLabels ??= {});
  if (!("batch.kubernetes.io/controller-uid" in matchLabels)) matchLabels["batch.kubernetes.io/controller-uid"] = uid;
}

/**
 * Job: completions and parallelism 1 when both are unset (parallelism 1 when only it is unset),
 * backoffLimit 6 (MaxInt32 with backoffLimitPerIndex), NonIndexed, not suspended, pods replaced when
 * TerminatingOrFailed (Failed with a podFailurePolicy), manualSelector false.
 */
export function defaultJob(job: Job, creating: boolean): void {
  const spec = (job.spec ??= {} as JobSpec);
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  spec.backoffLimit ??= spec.backoffLimitPerIndex == null ? 6 : MAX_INT32;
  spec.completionMode ??= "NonIndexed";
  spec.suspend ??= false;
  defaultPodFailurePolicy(spec);
  spec.podReplacementPolicy ??= spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  spec.manualSelector ??= false;
  if (creating) generateSelector(job, spec);
  const labels = spec.template?.metadata?.labels;
  const meta = (job.metadata ??= {});
  if (labels && Object.keys(meta.labels ?? {}).length === 0) meta.labels = { ...labels };
  spec.template = defaultPodTemplate(spec.template);
}

/** CronJob: Allow, not suspended, keep 3 successful and 1 failed Job; the job template's pod defaults. */
export function defaultCronJob(cj: CronJob): void {
  const spec = (cj.spec ??= {} as NonNullable<CronJob["spec"]>);
  spec.concurrencyPolicy ||= "Allow";
  spec.suspend ??= false;
  spec.successfulJobsHistoryLimit ??= 3;
  spec.failedJobsHistoryLimit ??= 1;
  const jobSpec = ((spec.jobTemplate ??= {}).spec ??= {} as JobSpec);
  defaultPodFailurePolicy(jobSpec);
  jobSpec.template = defaultPodTemplate(jobSpec.template);
}
