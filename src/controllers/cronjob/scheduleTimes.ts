/**
 * When a CronJob should start a Job (upstream pkg/controller/cronjob/utils.go): the most recent
 * schedule time it has not acted on, how many it missed, and when to look again. Everything is a pure
 * function of the CronJob, its parsed schedule and `now`, so an early or repeated wake-up finds
 * nothing new to do.
 */
import type { CronJob } from "kubernetes-types/batch/v1";
import type { Schedule } from "./schedule";

/** More missed schedule times than this and the CronJob starts nothing (the docs' "> 100"). */
export const MAX_MISSED_SCHEDULES = 100;

export const INVALID_SCHEDULE_MESSAGE = "time difference between two schedules is less than 1 second";

export interface MostRecent {
  /** lastScheduleTime, else the creation time (moved up to now − startingDeadlineSeconds when asked). */
  earliest: number;
  /** The latest schedule time in (earliest, now], if any. */
  mostRecent?: number;
  /** How many schedule times fell in (earliest, now] (upstream's rough count). */
  missed: number;
  /** An impossible schedule ("0 0 30 2 *"). */
  error?: string;
}

const timeOf = (t: string | undefined | null) => (t ? Date.parse(t) : NaN);

/**
 * mostRecentScheduleTime. Every minute, last scheduled 10:00, now 10:03:30 → most recent 10:03,
 * 3 missed; now 10:00:40 → none yet. Past two schedule times it estimates the count from the gap
 * between the first two, then walks from just before the estimated last one.
 */
export function mostRecentScheduleTime(cj: CronJob, now: number, schedule: Schedule, includeStartingDeadline: boolean): MostRecent {
  let earliest = timeOf(cj.metadata?.creationTimestamp);
  const last = timeOf(cj.status?.lastScheduleTime);
  if (!Number.isNaN(last)) earliest = last;
  const deadline = cj.spec?.startingDeadlineSeconds;
  if (includeStartingDeadline && deadline != null) earliest = Math.max(earliest, now - deadline * 1000);
  const t1 = schedule.next(earliest);
  if (t1 === undefined) return { earliest, missed: 0, error: INVALID_SCHEDULE_MESSAGE };
  if (now < t1) return { earliest, missed: 0 };
  const t2 = schedule.next(t1);
  if (t2 === undefined) return { earliest, missed: 0, error: INVALID_SCHEDULE_MESSAGE };
  if (now < t2) return { earliest, mostRecent: t1, missed: 1 };
  const between = Math.round((t2 - t1) / 1000);
  if (between < 1) return { earliest, missed: 0, error: INVALID_SCHEDULE_MESSAGE };
  const elapsed = Math.trunc((now - t1) / 1000);
  const missed = Math.trunc(elapsed / between) + 1;
  let mostRecent: number | undefined;
  const potentialEarliest = t1 + (missed - 2) * between * 1000;
  for (let t = schedule.next(potentialEarliest); t !== undefined && t <= now; t = schedule.next(t)) mostRecent = t;
  return { earliest, mostRecent, missed };
}

/**
 * The time of the next schedule after the most recent one due (upstream nextScheduleTimeDuration,
 * as an instant): every minute, now 10:03:30 → 10:04.
 */
export function nextScheduleAfter(cj: CronJob, now: number, schedule: Schedule): number | undefined {
  const r = mostRecentScheduleTime(cj, now, schedule, false);
  let from: number;
  if (r.error) from = now;
  else if (r.mostRecent !== undefined) from = r.mostRecent;
  else from = r.missed === 0 ? r.earliest : now;
  return schedule.next(from);
}

/** getTimeHashInMinutes → the deterministic Job name `<cronjob>-<minutes since the epoch>`. */
export function getJobName(cronJobName: string, scheduledTime: number): string {
  return `${cronJobName}-${Math.floor(scheduledTime / 60_000)}`;
}
