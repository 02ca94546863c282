/**
 * A tiny in-memory cluster for scenario tests of pure controllers: objects in Maps, writes applied
 * with the API machinery's rules (defaulting and validation, resourceVersion preconditions, the
 * status subresource, finalizers and deletionTimestamp, no-op writes), changes fanned out through
 * each controller's keysFor, and a virtual clock for requeueAfter. Invariants run after every step;
 * `converged()` checks that a fresh reconcile of every key wants nothing more.
 */
import { expect } from "vitest";
import { deepEqual } from "../../../src/api/deepEqual";
import { applyDefaults } from "../../../src/api/defaults";
import { typeOfStorage } from "../../../src/api/resources";
import { hasStatusSubresource, initialStatus } from "../../../src/api/strategy";
import type { KObject } from "../../../src/api/types";
import { validate } from "../../../src/api/validation";
import { keyOf, type Controller, type ObjectChange, type Snapshot, type Write } from "../../../src/controllers/types";

export const T0 = Date.parse("2026-01-01T12:00:00Z");
export const rfc3339 = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

export interface RecordedEvent {
  kind: string;
  namespace?: string;
  name: string;
  type: string;
  reason: string;
  message: string;
  component: string;
  at: number;
}

/** What one reconcile did, as invariants see it. */
export interface Step {
  controller: string;
  key: string;
  writes: Write[];
  removed: { resource: string; object: KObject }[];
}

export type Invariant = (cluster: Cluster, step: Step) => void;

const storeKey = (namespace: string | undefined, name: string) => (namespace ? `${namespace}/${name}` : name);

export class Cluster {
  now = T0;
  steps = 0;
  readonly events: RecordedEvent[] = [];
  private readonly store = new Map<string, Map<string, KObject>>();
  private readonly queue: { controller: Controller; key: string }[] = [];
  private timers: { at: number; controller: Controller; key: string }[] = [];
  private rv = 100;
  private uids = 0;
  private removedThisStep: { resource: string; object: KObject }[] = [];

  constructor(readonly controllers: Controller[], readonly invariants: Invariant[] = [], readonly maxSteps = 5000) {}

  // -------------------------------------------------------------------------------------------
  // Reading
  // -------------------------------------------------------------------------------------------

  private table(resource: string): Map<string, KObject> {
    let t = this.store.get(resource);
    if (!t) this.store.set(resource, (t = new Map()));
    return t;
  }

  get(resource: string, namespace: string, name: string): KObject | undefined {
    return this.table(resource).get(storeKey(namespace, name));
  }

  list(resource: string, namespace?: string): KObject[] {
    return [...this.table(resource).values()]
      .filter((o) => namespace === undefined || (o.metadata.namespace ?? "") === namespace)
      .sort((a, b) => storeKey(a.metadata.namespace, a.metadata.name!).localeCompare(storeKey(b.metadata.namespace, b.metadata.name!)));
  }

  snapshot(): Snapshot {
    const frozen = (o: KObject) => deepFreeze(structuredClone(o));
    return {
      get: (resource, namespace, name) => {
        const o = this.get(resource, namespace, name);
        return o && frozen(o);
      },
      list: (resource, namespace) => this.list(resource, namespace).map(frozen),
      ownedBy: (resource, uid) => this.list(resource).filter((o) => o.metadata.ownerReferences?.some((r) => r.controller && r.uid === uid)).map(frozen),
      podsOnNode: (node) => this.list("pods").filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === node).map(frozen),
    };
  }

  eventsFor(name: string, reason?: string): RecordedEvent[] {
    return this.events.filter((e) => e.name === name && (!reason || e.reason === reason));
  }

  // -------------------------------------------------------------------------------------------
  // Writing, with the apiserver's rules
  // -------------------------------------------------------------------------------------------

  private uid(): string {
    this.uids++;
    return `00000000-0000-4000-8000-${this.uids.toString(16).padStart(12, "0")}`;
  }

  private emit(change: ObjectChange): void {
    const snapshot = this.snapshot();
    for (const controller of this.controllers) {
      for (const key of controller.keysFor(change, snapshot)) this.enqueue(controller, key);
    }
  }

  private enqueue(controller: Controller, key: string): void {
    if (!this.queue.some((q) => q.controller === controller && q.key === key)) this.queue.push({ controller, key });
  }

  private checkValid(resource: string, obj: KObject, old?: KObject): void {
    const causes = validate(typeOfStorage(resource), obj, old);
    if (causes.length) throw new Error(`invalid ${resource} ${obj.metadata.name}: ${JSON.stringify(causes)}`);
  }

  private put(resource: string, obj: KObject, previous?: KObject): KObject {
    obj.metadata.resourceVersion = String(++this.rv);
    this.table(resource).set(storeKey(obj.metadata.namespace, obj.metadata.name!), obj);
    this.emit({ type: previous ? "MODIFIED" : "ADDED", resource, object: obj, previous });
    return obj;
  }

  private removeNow(resource: string, obj: KObject): void {
    this.table(resource).delete(storeKey(obj.metadata.namespace, obj.metadata.name!));
    this.removedThisStep.push({ resource, object: obj });
    this.emit({ type: "DELETED", resource, object: obj });
  }

  /** POST: a new object (status kept when given, as if its kubelet or controller had written it). AlreadyExists → the stored one. */
  create(resource: string, body: KObject): KObject {
    const existing = this.get(resource, body.metadata.namespace ?? "", body.metadata.name!);
    if (existing) return existing;
    const type = typeOfStorage(resource);
    const obj = structuredClone(body);
    obj.metadata.uid = this.uid();
    obj.metadata.creationTimestamp = rfc3339(this.now);
    delete obj.metadata.resourceVersion;
    if (hasStatusSubresource(type) && body.status === undefined) obj.status = initialStatus(type, obj);
    applyDefaults(type, obj);
    this.checkValid(resource, obj);
    return this.put(resource, obj);
  }

  /** PUT of the whole object (spec, metadata and status), with `mutate` applied to a copy. */
  update(resource: string, namespace: string, name: string, mutate: (obj: KObject) => void): KObject {
    const old = this.get(resource, namespace, name);
    if (!old) throw new Error(`${resource} ${namespace}/${name} not found`);
    const obj = structuredClone(old);
    mutate(obj);
    return this.commitUpdate(resource, old, obj) ?? old;
  }

  private commitUpdate(resource: string, old: KObject, obj: KObject): KObject | undefined {
    const type = typeOfStorage(resource);
    obj.metadata = { ...obj.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: old.metadata.resourceVersion };
    if (old.metadata.deletionTimestamp) obj.metadata.deletionTimestamp = old.metadata.deletionTimestamp;
    applyDefaults(type, obj);
    this.checkValid(resource, obj, old);
    if (deepEqual(obj, old)) return undefined;
    if (obj.metadata.deletionTimestamp && !obj.metadata.finalizers?.length) {
      this.removeNow(resource, obj);
      return obj;
    }
    return this.put(resource, obj, old);
  }

  /** POST pods/binding: the scheduler's way of setting spec.nodeName (PodScheduled=True). */
  bindPod(namespace: string, name: string, node: string): KObject {
    const old = this.get("pods", namespace, name);
    if (!old) throw new Error(`pod ${namespace}/${name} not found`);
    const obj = structuredClone(old) as KObject & { spec: { nodeName?: string }; status: { conditions?: { type: string }[] } };
    obj.spec.nodeName = node;
    const conditions = (obj.status.conditions ?? []).filter((c) => c.type !== "PodScheduled");
    obj.status.conditions = [{ type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(this.now) } as never, ...conditions];
    return this.put("pods", obj, old);
  }

  /** DELETE: finalizers (or `graceful` for a pod) leave a deletionTimestamp; otherwise it is gone. */
  delete(resource: string, namespace: string, name: string, opts: { graceful?: boolean } = {}): void {
    const old = this.get(resource, namespace, name);
    if (!old) return;
    if (!old.metadata.finalizers?.length && !opts.graceful) {
      this.removeNow(resource, old);
      return;
    }
    if (old.metadata.deletionTimestamp) return;
    const obj = structuredClone(old);
    obj.metadata.deletionTimestamp = rfc3339(this.now);
    if (opts.graceful) obj.metadata.deletionGracePeriodSeconds = 30;
    this.put(resource, obj, old);
  }

  /** Applies one controller write; false on a failed precondition (a Conflict: the key is retried). */
  private apply(write: Write): boolean {
    switch (write.op) {
      case "create": {
        const { namespace = "", name } = write.object.metadata;
        if (this.get(write.resource, namespace, name!)) return true; // AlreadyExists on our own name
        this.create(write.resource, write.object);
        return true;
      }
      case "update":
      case "status": {
        const { namespace = "", name, resourceVersion } = write.object.metadata;
        const old = this.get(write.resource, namespace, name!);
        if (!old || (resourceVersion && resourceVersion !== old.metadata.resourceVersion)) return false;
        let next = structuredClone(write.object);
        if (hasStatusSubresource(typeOfStorage(write.resource))) {
          next = write.op === "update" ? { ...next, status: structuredClone(old.status) } : { ...structuredClone(old), metadata: next.metadata, status: next.status };
        }
        this.commitUpdate(write.resource, old, next);
        return true;
      }
      case "delete": {
        const old = this.get(write.resource, write.namespace, write.name);
        if (!old) return true;
        if (write.uid && write.uid !== old.metadata.uid) return false;
        this.delete(write.resource, write.namespace, write.name);
        return true;
      }
      case "event": {
        const m = write.involved.metadata;
        this.events.push({
          kind: write.involved.kind ?? "", namespace: m.namespace, name: m.name!, type: write.type, reason: write.reason,
          message: write.message, component: write.component, at: this.now,
        });
        return true;
      }
      default:
        throw new Error(`unexpected write ${write.op}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Running
  // -------------------------------------------------------------------------------------------

  /** Reconciles queued keys until none is left (timers stay armed). */
  settle(): this {
    while (this.queue.length) {
      if (++this.steps > this.maxSteps) throw new Error(`no quiescence after ${this.maxSteps} steps; queue: ${this.queue.map((q) => `${q.controller.name}:${q.key}`).join(", ")}`);
      const { controller, key } = this.queue.shift()!;
      const result = controller.reconcile(key, this.snapshot(), this.now, () => 0.5);
      this.removedThisStep = [];
      let conflict = false;
      for (const write of result.writes) if (!this.apply(write)) conflict = true;
      if (conflict) this.enqueue(controller, key);
      if (result.requeueAfter !== undefined) this.timers.push({ at: this.now + result.requeueAfter, controller, key });
      const step: Step = { controller: controller.name, key, writes: result.writes, removed: this.removedThisStep };
      for (const invariant of this.invariants) invariant(this, step);
    }
    return this;
  }

  /** Moves the clock on by `ms`, firing due timers. */
  advance(ms: number): this {
    const until = this.now + ms;
    for (;;) {
      this.settle();
      const next = this.timers.filter((t) => t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.now = Math.max(this.now, next.at);
      const due = this.timers.filter((t) => t.at <= this.now);
      this.timers = this.timers.filter((t) => t.at > this.now);
      for (const t of due) this.enqueue(t.controller, t.key);
    }
    this.now = until;
    return this.settle();
  }

  /** Settles, then follows timers until none is armed (bounded by `limitMs` of virtual time). */
  run(limitMs = 10 * 60_000): this {
    const start = this.now;
    this.settle();
    while (this.timers.length) {
      const next = Math.min(...this.timers.map((t) => t.at));
      if (next - start > limitMs) throw new Error("timers still armed after the time limit");
      this.advance(Math.max(0, next - this.now));
    }
    return this;
  }

  get armed(): number {
    return this.timers.length;
  }

  /**
   * The fixpoint check: every key any object maps to, reconciled afresh, asks for no writes other
   * than events and no requeue.
   */
  converged(): void {
    const snapshot = this.snapshot();
    for (const controller of this.controllers) {
      const keys = new Set<string>();
      for (const [resource, table] of this.store) {
        for (const object of table.values()) for (const key of controller.keysFor({ type: "ADDED", resource, object }, snapshot)) keys.add(key);
      }
      for (const key of keys) {
        const result = controller.reconcile(key, snapshot, this.now, () => 0.5);
        const writes = result.writes.filter((w) => w.op !== "event");
        expect(writes, `${controller.name} ${key} still wants writes`).toEqual([]);
        expect(result.requeueAfter, `${controller.name} ${key} still requeues`).toBeUndefined();
      }
    }
  }
}

export { keyOf };
