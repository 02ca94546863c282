/**
 * The cluster's outbox to D1: entries are appended inside the same transaction as the change that
 * caused them, and sent afterwards — a row leaves the table only once D1 has it, so a failed send is
 * retried by the next flush and nothing is sent twice out of order.
 */
import { SqlOutbox } from "../store/outbox";
import type { ClusterHistory } from "../tenancy/history";
import type { OutboxEntry } from "./outbox";

const BATCH = 100;

export class HistorySync {
  private readonly rows: SqlOutbox<OutboxEntry>;
  private flushing: Promise<void> | undefined;
  /** Rows were appended since the last flush began (the table may also hold older ones). */
  private pending = true;

  constructor(sql: SqlStorage, private readonly history: () => ClusterHistory) {
    this.rows = new SqlOutbox(sql);
  }

  /** Inside a transaction: queue entries for D1. */
  append(entries: OutboxEntry[]): void {
    if (!entries.length) return;
    this.rows.append(entries);
    this.pending = true;
  }

  /** Whether a flush has anything to do. */
  get hasPending(): boolean {
    return this.pending;
  }

  /** Sends everything queued; concurrent callers share one flush. */
  flush(): Promise<void> {
    // `.finally` runs after the assignment even when there is nothing to send.
    this.flushing ??= this.drain().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async drain(): Promise<void> {
    this.pending = false;
    try {
      for (let batch = this.rows.peek(BATCH); batch.length; batch = this.rows.peek(BATCH)) {
        await this.history().apply(batch.map((row) => row.entry));
        this.rows.ack(batch[batch.length - 1].id);
      }
    } catch (error) {
      this.pending = true;
      console.error("outbox flush failed; will retry", error);
    }
  }
}
