/**
 * A whole simulated cluster in plain Node for scenario tests: the real API machinery and runner over
 * a MemoryStore, a virtual clock, and `settle()` that runs controllers to quiescence, jumping the clock
 * to the next due work and checking invariants after every step. It also plays the platform's cron
 * trigger: at each minute boundary where the D1 index (kept here from the outbox's own entries) has a
 * CronJob due, it wakes the cluster as the Durable Object's `wake()` does.
 */
import { create, patch, remove, type ApiContext, type Target } from "../../../src/api/rest";
import { RESOURCE_TYPES } from "../../../src/api/resources";
import type { KObject } from "../../../src/api/types";
import { outboxEntriesFor, scheduleEntry, type OutboxEntry } from "../../../src/cluster/outbox";
import { seedCluster } from "../../../src/cluster/seed";
import { wakeCronJobs } from "../../../src/controllers/cronjob/wake";
import { Runner, type ReconcileCounter } from "../../../src/controllers/runner";
import type { Controller } from "../../../src/controllers/types";
import { MemoryStore } from "../../../src/store/memory";
import type { Change } from "../../../src/store/types";

const MINUTE = 60_000;

export type Invariant = (cluster: SimCluster) => void;

export class SimCluster {
  readonly store = new MemoryStore();
  now = Date.parse("2026-11-25T00:00:00Z");
  readonly ctx: ApiContext;
  readonly runner: Runner;
  private uids = 0;
  steps = 0;
  /** The D1 index of CronJob next runs ("namespace/name" → ms), as the outbox would leave it. */
  readonly cronIndex = new Map<string, number>();
  /** How long after each minute boundary the simulated cron trigger reaches the cluster. */
  cronTriggerDelayMs: number;
  /** The last minute boundary the cron trigger fired for. */
  private lastTrigger = -Infinity;
  /** Wakes by the simulated cron trigger, as the Durable Object's activity counts them. */
  wakes = 0;

  constructor(controllers: Controller[], opts: { nodes?: number; seed?: number; counter?: ReconcileCounter; cronTriggerDelayMs?: number } = {}) {
    this.cronTriggerDelayMs = opts.cronTriggerDelayMs ?? 0;
    let seed = opts.seed ?? 1;
    const rng = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    this.ctx = {
      store: this.store,
      now: () => new Date(this.now),
      uid: () => `00000000-0000-4000-8000-${String(++this.uids).padStart(12, "0")}`,
      nameSuffix: () => Array.from({ length: 5 }, () => "bcdfghjklmnpqrstvwxz2456789"[Math.floor(rng() * 27)]).join(""),
    };
    this.runner = new Runner(this.ctx, controllers, rng, opts.counter);
    this.write(() => seedCluster(this.ctx, opts.nodes ?? 3));
  }

  /** Runs an API-level write and enqueues the work it causes, as the Durable Object's commit does. */
  write<T>(fn: () => T): T {
    const result = fn();
    this.observe(this.store.takeChanges());
    return result;
  }

  /** What the Durable Object's commit does with changes: enqueue their work, update the D1 index. */
  private observe(changes: Change[]): void {
    this.runner.observe(changes, this.now);
    this.index(outboxEntriesFor(changes, this.now));
  }

  private index(entries: OutboxEntry[]): void {
    for (const e of entries) {
      if (e.kind === "schedule") this.cronIndex.set(`${e.namespace}/${e.name}`, e.nextRun);
      else if (e.kind === "unschedule") this.cronIndex.delete(`${e.namespace}/${e.name}`);
    }
  }

  /** The Durable Object's `wake()`, at the current virtual time (which may be late or early). */
  wake(): void {
    this.wakes++;
    const { work, nextRuns } = wakeCronJobs(this.list("cronjobs.batch"), this.now);
    for (const item of work) this.store.enqueue(item);
    this.index(nextRuns.map((r) => scheduleEntry(r.namespace, r.name, r.nextRun)));
  }

  /**
   * The next minute boundary at which the cron trigger finds a CronJob due in the index (none when
   * none is indexed). Boundaries the clock jumped over (`now += …`: the cluster was down) are skipped.
   */
  private nextCronTrigger(): number | undefined {
    if (this.cronIndex.size === 0) return undefined;
    const earliest = Math.min(...this.cronIndex.values(), Infinity);
    const from = Math.max(earliest, this.lastTrigger + 1, this.now - this.cronTriggerDelayMs);
    return Math.ceil(from / MINUTE) * MINUTE;
  }

  target(kind: string, namespace = "default"): Target {
    const type = RESOURCE_TYPES.find((t) => t.kind === kind && (t.group !== "events.k8s.io"))!;
    return { type, version: type.versions[0], namespace: type.namespaced ? namespace : "" };
  }

  apply(obj: KObject): KObject {
    const kind = obj.kind!;
    return this.write(() => create(this.ctx, this.target(kind, obj.metadata.namespace ?? "default"), obj));
  }

  patch(kind: string, name: string, body: unknown, namespace = "default"): KObject {
    return this.write(() => patch(this.ctx, this.target(kind, namespace), name, "merge", body).object);
  }

  delete(kind: string, name: string, namespace = "default"): void {
    this.write(() => remove(this.ctx, this.target(kind, namespace), name));
  }

  get(resource: string, name: string, namespace = "default"): KObject | undefined {
    return this.store.get(resource, namespace, name);
  }

  list(resource: string, namespace?: string): KObject[] {
    return this.store.list(resource, namespace).items;
  }

  /**
   * Runs due work, and the cron trigger, until nothing is due within `horizonMs` of virtual time,
   * checking `invariants` after every step. Returns the virtual milliseconds that passed. While a
   * CronJob is scheduled the trigger always has a next minute, so such a cluster runs to the horizon.
   */
  settle(opts: { horizonMs?: number; maxSteps?: number; invariants?: Invariant[]; until?: (c: SimCluster) => boolean } = {}): number {
    const start = this.now;
    const horizon = start + (opts.horizonMs ?? 10 * 60_000);
    const maxSteps = opts.maxSteps ?? 200_000;
    for (;;) {
      if (opts.until?.(this)) return this.now - start;
      if (this.runner.step(this.now)) {
        this.observe(this.store.takeChanges());
        if (++this.steps > maxSteps) throw new Error(`no quiescence after ${maxSteps} steps`);
        for (const check of opts.invariants ?? []) check(this);
        continue;
      }
      const boundary = this.nextCronTrigger();
      const trigger = boundary === undefined ? undefined : boundary + this.cronTriggerDelayMs;
      const work = this.store.nextDue();
      const due = Math.min(work ?? Infinity, trigger ?? Infinity);
      if (due === Infinity || due > horizon) return this.now - start;
      this.now = Math.max(this.now, due);
      if (trigger !== undefined && trigger <= this.now) {
        this.lastTrigger = boundary!;
        this.wake();
      }
    }
  }

  /** Advances virtual time by `ms`, running everything that falls due on the way. */
  advance(ms: number, invariants?: Invariant[]): void {
    const end = this.now + ms;
    this.settle({ horizonMs: ms, invariants });
    this.now = Math.max(this.now, end);
  }
}

export function podPhase(pod: KObject | undefined): string | undefined {
  return (pod?.status as { phase?: string } | undefined)?.phase;
}
