/**
 * The reconcile runtime: a level-triggered work queue of (controller, key) items with due times, kept
 * in the Store. Every committed change enqueues the keys controllers say it affects; `step` runs the
 * earliest due item and applies its writes through the API machinery, so controllers' writes are
 * defaulted, validated, versioned and watched like anyone's. The Durable Object arms one alarm at
 * `nextDue()` and calls `step` from it.
 */
import { ApiError } from "../api/errors";
import { bindPod } from "../api/binding";
import { create, remove, update, type ApiContext, type Target } from "../api/rest";
import { typeOfStorage } from "../api/resources";
import type { Change } from "../store/types";
import { recordEvent } from "./events";
import { storeSnapshot } from "./snapshot";
import type { Controller, Rng, Write } from "./types";

/** A reconcile that throws is retried after this long rather than hot-looping. */
const ERROR_BACKOFF_MS = 1_000;
/** A write that lost a resourceVersion race is retried this soon (the next pass reads fresh state). */
const CONFLICT_RETRY_MS = 10;
/** Refused writes back off as upstream's rate-limited work queue: 5 ms doubling to 1,000 s. */
const FAILURE_BACKOFF_BASE_MS = 5;
const FAILURE_BACKOFF_MAX_MS = 1_000_000;

/** Told of every reconcile pass the runner makes (the Durable Object's activity counters). */
export interface ReconcileCounter {
  reconciled(controller: string): void;
}

export class Runner {
  private readonly byName: Map<string, Controller>;
  /** Consecutive refused passes per work item, for the back-off (memory only: a restart forgives). */
  private readonly failures = new Map<string, number>();

  constructor(
    private readonly ctx: ApiContext,
    readonly controllers: Controller[],
    private readonly rng: Rng,
    private readonly counter?: ReconcileCounter,
  ) {
    this.byName = new Map(controllers.map((c) => [c.name, c]));
  }

  /** Enqueues, due now, every key the changes affect. Runs inside the transaction that made them. */
  observe(changes: Change[], now: number): void {
    if (changes.length === 0) return;
    const snapshot = storeSnapshot(this.ctx.store);
    for (const change of changes) {
      for (const controller of this.controllers) {
        for (const key of controller.keysFor(change, snapshot)) {
          this.ctx.store.enqueue({ controller: controller.name, key, due: now });
        }
      }
    }
  }

  /** Runs the earliest item due at `now`; false when nothing is due. Call inside one transaction. */
  step(now: number): boolean {
    const item = this.ctx.store.takeDue(now);
    if (!item) return false;
    const controller = this.byName.get(item.controller);
    if (!controller) return true;
    this.counter?.reconciled(controller.name);
    let retry: number | undefined;
    const id = `${item.controller}/${item.key}`;
    try {
      const snapshot = storeSnapshot(this.ctx.store);
      const result = controller.reconcile(item.key, snapshot, now, this.rng);
      retry = result.requeueAfter;
      let refused = false;
      for (const write of result.writes) {
        try {
          this.apply(write);
        } catch (error) {
          if (!(error instanceof ApiError)) throw error;
          if (error.code === 404 || error.code === 409) {
            // The world moved on; the next pass decides again from fresh state.
            retry = Math.min(retry ?? CONFLICT_RETRY_MS, CONFLICT_RETRY_MS);
            continue;
          }
          refused = true;
          for (const record of controller.writeFailed?.(item.key, write, error.message, snapshot, now) ?? []) this.applyQuietly(record);
        }
      }
      if (refused) {
        const n = (this.failures.get(id) ?? 0) + 1;
        this.failures.set(id, n);
        retry = Math.min(FAILURE_BACKOFF_BASE_MS * 2 ** (n - 1), FAILURE_BACKOFF_MAX_MS);
      } else {
        this.failures.delete(id);
      }
    } catch (error) {
      // A bug in a reconcile must not spin the alarm: log it and try that key again later.
      console.error(`${controller.name} ${item.key} failed`, error);
      retry = ERROR_BACKOFF_MS;
    }
    if (retry !== undefined) this.ctx.store.enqueue({ ...item, due: now + retry });
    return true;
  }

  /** Records a failure (event, condition) without letting a second failure hide the first. */
  private applyQuietly(write: Write): void {
    try {
      this.apply(write);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }

  private apply(write: Write): void {
    const ctx = this.ctx;
    switch (write.op) {
      case "create": {
        const target = targetOf(write.resource, write.object.metadata.namespace);
        try {
          create(ctx, target, write.object);
        } catch (error) {
          // Idempotent creates: our own deterministic name already there is success.
          if (!(error instanceof ApiError && error.reason === "AlreadyExists")) throw error;
        }
        return;
      }
      case "update":
      case "status":
        update(ctx, targetOf(write.resource, write.object.metadata.namespace), write.object.metadata.name!, write.object, {}, write.op === "status" ? "status" : "main");
        return;
      case "delete":
        remove(ctx, targetOf(write.resource, write.namespace), write.name, {
          preconditions: write.uid ? { uid: write.uid } : undefined,
          propagationPolicy: write.propagationPolicy,
          gracePeriodSeconds: write.gracePeriodSeconds,
        });
        return;
      case "bind":
        bindPod(ctx, targetOf("pods", write.namespace), write.name, write.node, write.uid);
        return;
      case "event":
        recordEvent(ctx, write);
        return;
      case "log":
        ctx.store.appendLogs(write.namespace, write.pod, write.container, write.restart, write.lines);
        return;
    }
  }
}

function targetOf(resource: string, namespace: string | undefined): Target {
  const type = typeOfStorage(resource);
  return { type, version: type.versions[0], namespace: type.namespaced ? (namespace ?? "") : "" };
}
