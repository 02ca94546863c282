/**
 * What one cluster's Durable Object has done since this instance started: alarms run, wakes from the
 * scheduled event, and controller passes by controller. Memory only and a few integer increments,
 * so counting costs nothing measurable and writes no storage; an evicted or restarted instance
 * starts again from zero (`since` says when). The cluster summary reports it, so the benchmark can
 * show what HPAs and CronJobs cost (issues 6 and 7) without guessing from the outside.
 */
import type { ReconcileCounter } from "../controllers/runner";

export interface ActivityReport {
  /** When this instance started counting (RFC 3339). */
  since: string;
  /** Alarm invocations. */
  alarms: number;
  /** `wake()` calls from the scheduled event (a summary or any other request is not a wake). */
  wakes: number;
  /** Reconcile passes by controller name. */
  reconciles: Record<string, number>;
}

export class Activity implements ReconcileCounter {
  private alarms = 0;
  private wakes = 0;
  private readonly reconciles = new Map<string, number>();

  constructor(private readonly since: number) {}

  alarmed(): void {
    this.alarms++;
  }

  woken(): void {
    this.wakes++;
  }

  reconciled(controller: string): void {
    this.reconciles.set(controller, (this.reconciles.get(controller) ?? 0) + 1);
  }

  report(): ActivityReport {
    return {
      since: new Date(this.since).toISOString(),
      alarms: this.alarms,
      wakes: this.wakes,
      reconciles: Object.fromEntries([...this.reconciles].sort(([a], [b]) => a.localeCompare(b))),
    };
  }
}
