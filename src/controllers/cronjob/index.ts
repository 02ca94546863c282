/**
 * The CronJob controller (upstream pkg/controller/cronjob, controller v2). One pass: delete finished
 * Jobs beyond the history limits, reconcile status.active with the Jobs that exist, and — unless the
 * CronJob is being deleted, suspended, or its time zone or schedule is bad — start the Job for the most
 * recent schedule time not yet acted on, honouring startingDeadlineSeconds and concurrencyPolicy.
 * Unlike upstream it keeps no timer: the Worker's scheduled event wakes the cluster when a CronJob is
 * due (./wake.ts), and CronJob and Job changes bring every other pass. A pass that comes early, late
 * or twice is harmless: the Job name is a function of the schedule time and lastScheduleTime records it.
 */
import type { CronJob, CronJobStatus, Job } from "kubernetes-types/batch/v1";
import { deepEqual } from "../../api/deepEqual";
import { rfc3339 } from "../../api/rest";
import type { KObject } from "../../api/types";
import type { SimulationSettings } from "../../sim/settings";
import { controllerOf, done, keyOf, splitKey, type Controller, type ObjectChange, type Snapshot, type Write } from "../types";
import { asCronJob, asJob, byJobStartTime, finishedCondition, jobFromTemplate, jobReference, SCHEDULED_TIMESTAMP_ANNOTATION } from "./jobs";
import { parseStandard, type Schedule } from "./schedule";
import { getJobName, MAX_MISSED_SCHEDULES, mostRecentScheduleTime, nextScheduleAfter } from "./scheduleTimes";
import { formatRFC1123Z, loadLocation } from "./zone";

export const CRONJOBS = "cronjobs.batch";
export const JOBS = "jobs.batch";
const COMPONENT = "cronjob-controller";
/** The controller's name in the work queue. */
export const CRONJOB_CONTROLLER = "cronjob";

export { getJobName, mostRecentScheduleTime } from "./scheduleTimes";
export { parseStandard } from "./schedule";

/**
 * formatSchedule + cron.ParseStandard: the schedule in the CronJob's zone. A TZ=/CRON_TZ= prefix
 * (only possible on CronJobs created before validation forbade it) wins over spec.timeZone.
 */
function scheduleOf(cj: CronJob): { schedule?: Schedule; error?: string; zone: string; legacyTZ: boolean } {
  const text = cj.spec?.schedule ?? "";
  const legacyTZ = text.includes("TZ");
  let zone = "UTC";
  let formatted = text;
  if (!legacyTZ && cj.spec?.timeZone != null) {
    zone = loadLocation(cj.spec.timeZone);
    formatted = `TZ=${cj.spec.timeZone} ${text}`;
  }
  try {
    return { schedule: parseStandard(formatted), zone, legacyTZ };
  } catch (e) {
    return { error: (e as Error).message, zone, legacyTZ };
  }
}

function timeZoneError(cj: CronJob): string | undefined {
  if (cj.spec?.timeZone == null) return undefined;
  try {
    loadLocation(cj.spec.timeZone);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * When this CronJob next needs a controller pass (ms since the epoch), for the D1 index the scheduled
 * event reads: the first schedule time after the most recent one due at `now` (upstream's requeue
 * after nextScheduleTimeDuration) — or undefined when nothing is scheduled (suspended, being deleted,
 * an unknown time zone, an unparseable or impossible schedule). A due run the pass cannot start yet
 * (Forbid) is not in it: the running Job's completion brings that pass.
 */
export function nextScheduleTime(cronJob: KObject | CronJob, now: number): number | undefined {
  const cj = cronJob as CronJob;
  if (cj.metadata?.deletionTimestamp || cj.spec?.suspend || timeZoneError(cj)) return undefined;
  const { schedule } = scheduleOf(cj);
  if (!schedule) return undefined;
  if (mostRecentScheduleTime(cj, now, schedule, false).error) return undefined;
  return nextScheduleAfter(cj, now, schedule);
}

/**
 * Whether a schedule time at or before `now` is waiting for a pass: one after lastScheduleTime (else
 * the creation time), on a CronJob that schedules at all. Every minute, last scheduled 10:02 → due at
 * 10:03:05, not at 10:02:59. Whatever the index says, a CronJob that is not due has nothing to start.
 */
export function scheduleDue(cronJob: KObject | CronJob, now: number): boolean {
  const cj = cronJob as CronJob;
  if (cj.metadata?.deletionTimestamp || cj.spec?.suspend || timeZoneError(cj)) return false;
  const { schedule } = scheduleOf(cj);
  return !!schedule && mostRecentScheduleTime(cj, now, schedule, false).mostRecent !== undefined;
}

export function cronJobKeysFor(change: ObjectChange): string[] {
  if (change.resource === CRONJOBS) return [keyOf(change.object)];
  if (change.resource !== JOBS) return [];
  const keys = new Set<string>();
  for (const job of [change.object, change.previous]) {
    const ref = job && controllerOf(job);
    if (ref?.kind === "CronJob") keys.add(`${job!.metadata.namespace}/${ref.name}`);
  }
  return [...keys];
}

class Pass {
  readonly deletes: Write[] = [];
  readonly creates: Write[] = [];
  readonly events: Write[] = [];
  constructor(private readonly cronJob: KObject) {}
  event(type: "Normal" | "Warning", reason: string, message: string): void {
    this.events.push({ op: "event", involved: this.cronJob, type, reason, message, component: COMPONENT });
  }
  deleteJob(job: Job): void {
    const m = job.metadata!;
    this.deletes.push({ op: "delete", resource: JOBS, namespace: m.namespace!, name: m.name!, uid: m.uid, propagationPolicy: "Background" });
    this.event("Normal", "SuccessfulDelete", `Deleted job ${m.name}`);
  }
}

const removeFromActive = (status: CronJobStatus, uid: string | undefined) => {
  status.active = (status.active ?? []).filter((r) => r.uid !== uid);
};

/**
 * cleanupFinishedJobs / removeOldestJobs: keep the newest `limit` of each kind of finished Job.
 * The Jobs deleted here stay in the list the rest of the pass sees, as upstream's sync passes the
 * same list on: a successful Job deleted at once (successfulJobsHistoryLimit 0) still counts for
 * lastSuccessfulTime.
 */
function cleanupFinishedJobs(cj: CronJob, jobs: Job[], status: CronJobStatus, pass: Pass): void {
  const prune = (finished: Job[], limit: number | null | undefined) => {
    if (limit == null || finished.length <= limit) return;
    for (const job of [...finished].sort(byJobStartTime).slice(0, finished.length - limit)) {
      pass.deleteJob(job);
      removeFromActive(status, job.metadata!.uid);
    }
  };
  prune(jobs.filter((j) => finishedCondition(j) === "Complete"), cj.spec!.successfulJobsHistoryLimit);
  prune(jobs.filter((j) => finishedCondition(j) === "Failed"), cj.spec!.failedJobsHistoryLimit);
}

/**
 * The first half of syncCronJob: finished Jobs leave status.active (SawCompletedJob), the latest
 * completion becomes lastSuccessfulTime, active references to Jobs that are gone are dropped
 * (MissingJob). A running Job this controller made but has not listed yet (its create and the status
 * write are separate passes here) joins status.active; any other running Job of ours is reported.
 */
function reconcileChildren(cj: CronJob, jobs: Job[], status: CronJobStatus, snapshot: Snapshot, pass: Pass): void {
  const inActive = (uid?: string) => (status.active ?? []).some((r) => r.uid === uid);
  for (const job of jobs) {
    const finished = finishedCondition(job);
    const uid = job.metadata!.uid;
    if (!finished) {
      if (inActive(uid)) continue;
      if (job.metadata?.deletionTimestamp) continue;
      if (job.metadata?.annotations?.[SCHEDULED_TIMESTAMP_ANNOTATION]) status.active = [...(status.active ?? []), jobReference(job as KObject)];
      else pass.event("Warning", "UnexpectedJob", `Saw a job that the controller did not create or forgot: ${job.metadata!.name}`);
      continue;
    }
    if (inActive(uid)) {
      removeFromActive(status, uid);
      pass.event("Normal", "SawCompletedJob", `Saw completed job: ${job.metadata!.name}, condition: ${finished}`);
    }
    const completionTime = job.status?.completionTime;
    if (finished === "Complete" && completionTime) {
      const last = status.lastSuccessfulTime;
      if (!last || Date.parse(completionTime) > Date.parse(last)) status.lastSuccessfulTime = completionTime;
    }
  }
  const children = new Set(jobs.map((j) => j.metadata!.uid));
  for (const ref of [...(status.active ?? [])]) {
    if (children.has(ref.uid)) continue;
    const job = snapshot.get(JOBS, ref.namespace ?? cj.metadata!.namespace!, ref.name ?? "");
    if (job && job.metadata.uid === ref.uid) continue;
    pass.event("Normal", "MissingJob", `Active job went missing: ${ref.name}`);
    removeFromActive(status, ref.uid);
  }
}

/**
 * The second half of syncCronJob: whether to start a Job now. Upstream then requeues for the next
 * schedule time; here the scheduled event wakes the cluster then (see nextScheduleTime), so a pass
 * asks for no timer.
 */
function startDueJob(cj: CronJob, status: CronJobStatus, snapshot: Snapshot, now: number, pass: Pass): void {
  if (cj.metadata?.deletionTimestamp) return;
  const tzError = timeZoneError(cj);
  if (tzError) {
    pass.event("Warning", "UnknownTimeZone", `invalid timeZone: ${JSON.stringify(cj.spec!.timeZone)}: ${tzError}`);
    return;
  }
  if (cj.spec?.suspend) return;
  const { schedule, error, zone, legacyTZ } = scheduleOf(cj);
  if (legacyTZ) {
    pass.event("Warning", "UnsupportedSchedule", `CRON_TZ or TZ used in schedule ${JSON.stringify(cj.spec!.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
  }
  if (!schedule) {
    pass.event("Warning", "UnparseableSchedule", `unparseable schedule: ${JSON.stringify(cj.spec!.schedule)} : ${error}`);
    return;
  }
  // The status as this pass leaves it decides: a Job just started here counts as scheduled.
  const view: CronJob = { ...cj, status };
  const due = mostRecentScheduleTime(view, now, schedule, true);
  if (due.error) {
    pass.event("Warning", "InvalidSchedule", `invalid schedule: ${cj.spec!.schedule} : ${due.error}`);
    return;
  }
  const scheduledTime = due.mostRecent;
  if (scheduledTime === undefined || scheduledTime > now) return;
  if (due.missed > MAX_MISSED_SCHEDULES) {
    // The docs: more than 100 missed schedules and the CronJob does not start a Job.
    pass.event("Warning", "TooManyMissedTimes", `too many missed start times: ${due.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    return;
  }
  const deadline = cj.spec!.startingDeadlineSeconds;
  if (deadline != null && scheduledTime + deadline * 1000 < now) {
    pass.event("Warning", "MissSchedule", `Missed scheduled time to start a job: ${formatRFC1123Z(scheduledTime)}`);
    return;
  }
  const name = getJobName(cj.metadata!.name!, scheduledTime);
  const lastScheduled = status.lastScheduleTime ? Date.parse(status.lastScheduleTime) : NaN;
  if ((status.active ?? []).some((r) => r.name === name) || lastScheduled === scheduledTime) return;
  if (cj.spec!.concurrencyPolicy === "Forbid" && (status.active?.length ?? 0) > 0) {
    pass.event("Normal", "JobAlreadyActive", "Not starting job because prior execution is running and concurrency policy is Forbid");
    return;
  }
  if (cj.spec!.concurrencyPolicy === "Replace") {
    for (const ref of [...(status.active ?? [])]) {
      const job = snapshot.get(JOBS, ref.namespace ?? cj.metadata!.namespace!, ref.name ?? "");
      if (!job) continue;
      pass.deleteJob(asJob(job));
      removeFromActive(status, ref.uid);
    }
  }
  const existing = snapshot.get(JOBS, cj.metadata!.namespace!, name);
  if (existing) {
    // AlreadyExists: ours but not listed (a status write was lost) → list it; someone else's → leave it.
    const ref = controllerOf(existing);
    if (ref?.uid !== cj.metadata!.uid || (status.active ?? []).some((r) => r.uid === existing.metadata.uid)) return;
    if (!finishedCondition(asJob(existing))) status.active = [...(status.active ?? []), jobReference(existing)];
  } else {
    pass.creates.push({ op: "create", resource: JOBS, object: jobFromTemplate(cj, scheduledTime, zone) });
    pass.event("Normal", "SuccessfulCreate", `Created job ${name}`);
  }
  status.lastScheduleTime = rfc3339(new Date(scheduledTime));
}

export function syncCronJob(cronJob: KObject, snapshot: Snapshot, now: number) {
  const cj = asCronJob(cronJob);
  const pass = new Pass(cronJob);
  const status: CronJobStatus = structuredClone(cj.status ?? {});
  const jobs = snapshot.ownedBy(JOBS, cj.metadata!.uid!).map(asJob);
  cleanupFinishedJobs(cj, jobs, status, pass);
  reconcileChildren(cj, jobs, status, snapshot, pass);
  startDueJob(cj, status, snapshot, now, pass);
  if (!status.active?.length) delete status.active;
  const statusWrite: Write[] = deepEqual(status, cj.status ?? {})
    ? []
    : [{ op: "status", resource: CRONJOBS, object: { ...structuredClone(cronJob), status } }];
  return done([...pass.deletes, ...pass.creates, ...statusWrite, ...pass.events]);
}

export function createCronJobController(_settings: SimulationSettings): Controller {
  return {
    name: CRONJOB_CONTROLLER,
    keysFor: (change) => cronJobKeysFor(change),
    reconcile(key, snapshot, now) {
      const { namespace, name } = splitKey(key);
      const cronJob = snapshot.get(CRONJOBS, namespace, name);
      return cronJob ? syncCronJob(cronJob, snapshot, now) : done();
    },
  };
}
