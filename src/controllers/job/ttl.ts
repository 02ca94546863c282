/**
 * The TTL-after-finished controller (upstream pkg/controller/ttlafterfinished) for Jobs: a finished
 * Job with spec.ttlSecondsAfterFinished is deleted that long after its Complete or Failed condition
 * turned True. Deletion is Background (the brief's choice; upstream asks for Foreground), guarded by
 * the Job's uid so a newer Job of the same name is never hit.
 */
import type { Job } from "kubernetes-types/batch/v1";
import type { Write } from "../types";
import { JOBS } from "./context";

/** jobFinishTime: when Complete or Failed became True. */
export function jobFinishTime(job: Job): number | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === "Complete" || x.type === "Failed") && x.status === "True");
  const at = c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : NaN;
  return Number.isNaN(at) ? undefined : at;
}

/**
 * processTTL: a delete when the TTL has expired, else how long until it does. Finished at 10:00:00,
 * ttl 100 s (scale 1), now 10:01:00 → wait 40 s.
 */
export function processTTL(job: Job, now: number, scale: number): { write?: Write; wait?: number } {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (ttl == null || job.metadata?.deletionTimestamp) return {};
  const finishedAt = jobFinishTime(job);
  if (finishedAt === undefined) return {};
  const expireAt = finishedAt + ttl * 1000 * scale;
  if (now < expireAt) return { wait: expireAt - now };
  const m = job.metadata!;
  return { write: { op: "delete", resource: JOBS, namespace: m.namespace!, name: m.name!, uid: m.uid, propagationPolicy: "Background" } };
}
