/**
 * What the Worker's scheduled event does to a cluster it wakes, the only thing that fires CronJobs on
 * time (the controller keeps no timer). The Durable Object's `wake()` and the unit harness's simulated
 * cron trigger both call this, so the two cannot drift.
 */
import type { KObject } from "../../api/types";
import type { WorkItem } from "../../store/types";
import { keyOf } from "../types";
import { CRONJOB_CONTROLLER, nextScheduleTime, scheduleDue } from "./index";

export interface CronJobWake {
  /** A controller pass, due at the wake, for each CronJob with a schedule time due. */
  work: WorkItem[];
  /** Their next runs for the D1 index, as of the wake; undefined: nothing scheduled. */
  nextRuns: { namespace: string; name: string; nextRun: number | undefined }[];
}

/**
 * Each CronJob with a schedule time due at `at` gets a pass then, and the index moves it on to the
 * schedule time after the one that pass acts on, as upstream requeues for it. The index otherwise
 * changes only when a CronJob is written, and a pass that starts nothing writes nothing (Forbid while
 * the Job runs, a missed startingDeadlineSeconds, more than 100 missed schedules): without this such
 * a CronJob would stay due and wake its cluster every minute instead of at its next schedule time.
 * Hourly, Forbid, the 10:00 Job still running at 11:00:02 → pass (JobAlreadyActive), next run 12:00;
 * the running Job's completion brings the pass that starts the 11:00 run.
 * CronJobs with nothing due are left alone: their index row already holds their first pending time.
 */
export function wakeCronJobs(cronJobs: readonly KObject[], at: number): CronJobWake {
  const due = cronJobs.filter((cj) => scheduleDue(cj, at));
  return {
    work: due.map((cj) => ({ controller: CRONJOB_CONTROLLER, key: keyOf(cj), due: at })),
    nextRuns: due.map((cj) => ({ namespace: cj.metadata.namespace ?? "", name: cj.metadata.name ?? "", nextRun: nextScheduleTime(cj, at) })),
  };
}
