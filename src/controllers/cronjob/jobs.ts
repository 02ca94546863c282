/**
 * The Jobs a CronJob owns (upstream cronjob utils.go and cronjob_controllerv2.go helpers): the Job
 * made for a schedule time, whether a Job has finished and how, the oldest-first order history
 * cleanup deletes in, and the object references kept in status.active.
 */
import type { CronJob, Job } from "kubernetes-types/batch/v1";
import type { ObjectReference } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import { getJobName } from "./scheduleTimes";
import { formatRFC3339 } from "./zone";

export const SCHEDULED_TIMESTAMP_ANNOTATION = "batch.kubernetes.io/cronjob-scheduled-timestamp";

export const asCronJob = (obj: KObject) => obj as unknown as CronJob;
export const asJob = (obj: KObject) => obj as unknown as Job;

/** jobutil.FinishedCondition: Complete or Failed, whichever is True. */
export function finishedCondition(job: Job): "Complete" | "Failed" | undefined {
  return job.status?.conditions?.find((c) => (c.type === "Complete" || c.type === "Failed") && c.status === "True")?.type as
    | "Complete" | "Failed" | undefined;
}

/**
 * getJobFromTemplate2: the template's labels, annotations and spec, the scheduled time (RFC 3339 in
 * the CronJob's zone) as an annotation, the CronJob as controller owner, and the deterministic name.
 */
export function jobFromTemplate(cj: CronJob, scheduledTime: number, zone: string): KObject {
  const template = cj.spec!.jobTemplate;
  const labels = { ...(template.metadata?.labels ?? {}) };
  const annotations = { ...(template.metadata?.annotations ?? {}), [SCHEDULED_TIMESTAMP_ANNOTATION]: formatRFC3339(scheduledTime, zone) };
  const meta = cj.metadata!;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: getJobName(meta.name!, scheduledTime),
      namespace: meta.namespace,
      ...(Object.keys(labels).length ? { labels } : {}),
      annotations,
      ownerReferences: [{ apiVersion: "batch/v1", kind: "CronJob", name: meta.name!, uid: meta.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(template.spec),
  };
}

/** ref.GetReference of a Job. */
export function jobReference(job: KObject): ObjectReference {
  const m = job.metadata;
  return { kind: "Job", namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: "batch/v1", resourceVersion: m.resourceVersion };
}

/** byJobStartTime: started before not started, earlier first, then by name. */
export function byJobStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return (a.metadata?.name ?? "") < (b.metadata?.name ?? "") ? -1 : (a.metadata?.name ?? "") > (b.metadata?.name ?? "") ? 1 : 0;
}
