/**
 * A tiny in-memory cluster for kubelet scenarios: objects in a Map, the kubelet's writes applied as
 * the runner would (status with its resourceVersion precondition, delete with uid, events, logs),
 * and a virtual clock that jumps to the next requeue. `run` goes to quiescence (or a time limit)
 * and checks invariants after every step.
 */
import type { ContainerStatus, Pod, PodStatus } from "kubernetes-types/core/v1";
import { expect } from "vitest";
import type { KObject } from "../../../src/api/types";
import { podSummary } from "../../../src/api/tables/pod";
import type { Controller, ObjectChange, Snapshot, Write } from "../../../src/controllers/types";
import { newNode } from "../../../src/sim/nodes";

export const START = Date.UTC(2024, 4, 1, 10, 0, 0);

type EventWrite = Extract<Write, { op: "event" }> & { at: number };
type LogWrite = Extract<Write, { op: "log" }> & { at: number };

export interface Observation {
  at: number;
  pod: string;
  phase?: string;
  /** `kubectl get pods` READY / STATUS / RESTARTS at that moment. */
  ready: string;
  status: string;
  restarts: string;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export class Cluster {
  readonly objects = new Map<string, KObject>();
  readonly events: EventWrite[] = [];
  readonly logs: LogWrite[] = [];
  readonly deletes: Extract<Write, { op: "delete" }>[] = [];
  readonly observations: Observation[] = [];
  now = START;
  private rv = 100;
  private uid = 0;
  private readonly queue = new Map<string, number>();
  steps = 0;

  constructor(
    readonly kubelet: Controller,
    nodes = 3,
  ) {
    for (let i = 1; i <= nodes; i++) this.put("nodes", newNode(i, "2024-05-01T09:00:00Z"));
  }

  private id(resource: string, namespace: string | undefined, name: string): string {
    return `${resource}/${namespace ?? ""}/${name}`;
  }

  get(resource: string, namespace: string, name: string): KObject | undefined {
    return this.objects.get(this.id(resource, namespace, name));
  }

  pod(name: string, namespace = "default"): Pod {
    return this.get("pods", namespace, name) as unknown as Pod;
  }

  /** Stores an object (filling uid and resourceVersion) and tells the kubelet, as the change feed would. */
  put(resource: string, obj: KObject): KObject {
    const previous = this.objects.get(this.id(resource, obj.metadata.namespace, obj.metadata.name!));
    const stored = clone(obj);
    stored.metadata.uid ??= previous?.metadata.uid ?? `uid-${++this.uid}`;
    stored.metadata.resourceVersion = String(++this.rv);
    stored.metadata.creationTimestamp ??= new Date(this.now).toISOString().replace(/\.\d+Z$/, "Z");
    this.objects.set(this.id(resource, stored.metadata.namespace, stored.metadata.name!), deepFreeze(stored));
    this.notify({ type: previous ? "MODIFIED" : "ADDED", resource, object: stored, previous });
    return stored;
  }

  /** Marks a pod deleted as the API server does for a graceful delete. */
  deletePod(name: string, gracePeriodSeconds = 30, namespace = "default"): void {
    const pod = clone(this.get("pods", namespace, name)!);
    pod.metadata.deletionTimestamp = new Date(this.now + gracePeriodSeconds * 1000).toISOString().replace(/\.\d+Z$/, "Z");
    pod.metadata.deletionGracePeriodSeconds = gracePeriodSeconds;
    this.put("pods", pod);
  }

  private notify(change: ObjectChange): void {
    for (const key of this.kubelet.keysFor(change, this.snapshot())) this.schedule(key, this.now);
  }

  private schedule(key: string, at: number): void {
    const existing = this.queue.get(key);
    if (existing === undefined || at < existing) this.queue.set(key, at);
  }

  private cached?: Snapshot;
  private cachedAt = -1;

  /** The objects as the kubelet sees them (rebuilt only after a change). */
  snapshot(): Snapshot {
    if (this.cached && this.cachedAt === this.rv + this.objects.size) return this.cached;
    const all = [...this.objects.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const byNode = new Map<string, KObject[]>();
    for (const [k, o] of all) {
      const node = (o.spec as { nodeName?: string } | undefined)?.nodeName;
      if (k.startsWith("pods/") && node) byNode.set(node, [...(byNode.get(node) ?? []), o]);
    }
    this.cachedAt = this.rv + this.objects.size;
    this.cached = {
      get: (resource, namespace, name) => this.objects.get(this.id(resource, namespace, name)),
      list: (resource, namespace) =>
        all.filter(([k, o]) => k.startsWith(`${resource}/`) && (namespace === undefined || o.metadata.namespace === namespace)).map(([, o]) => o),
      ownedBy: () => [],
      podsOnNode: (node) => byNode.get(node) ?? [],
    };
    return this.cached;
  }

  private apply(writes: Write[]): void {
    for (const w of writes) {
      switch (w.op) {
        case "status": {
          const current = this.get("pods", w.object.metadata.namespace!, w.object.metadata.name!);
          expect(current, "status write for a missing pod").toBeDefined();
          expect(w.object.metadata.resourceVersion, "status write precondition").toBe(current!.metadata.resourceVersion);
          // pods/status replaces status and metadata, never spec.
          const next = { ...clone(current!), metadata: clone(w.object.metadata), status: clone(w.object.status) };
          this.put("pods", next);
          this.observe(next);
          break;
        }
        case "delete": {
          const current = this.get("pods", w.namespace, w.name);
          expect(w.gracePeriodSeconds).toBe(0);
          if (current && (!w.uid || w.uid === current.metadata.uid)) {
            this.objects.delete(this.id("pods", w.namespace, w.name));
            this.deletes.push(w);
            this.notify({ type: "DELETED", resource: "pods", object: current });
          }
          break;
        }
        case "event":
          expect(w.component).toBe("kubelet");
          this.events.push({ ...w, at: this.now });
          break;
        case "log":
          this.logs.push({ ...w, at: this.now });
          break;
        default:
          throw new Error(`unexpected write ${w.op}`);
      }
    }
  }

  private observe(pod: KObject): void {
    const summary = podSummary(pod as unknown as Pod, this.now);
    this.observations.push({ at: this.now - START, pod: pod.metadata.name!, phase: (pod.status as PodStatus).phase, ...summary });
  }

  /**
   * Runs the kubelet for `seconds` of virtual time (stopping early only if nothing is queued, though
   * the clock still moves on to the end), checking invariants after each reconcile. Returns the
   * number of reconciles.
   */
  run(seconds = 3600, maxSteps = 20_000): number {
    const until = this.now + seconds * 1000;
    let steps = 0;
    for (;;) {
      let key: string | undefined;
      let due = Infinity;
      for (const [k, at] of this.queue) if (at < due || (at === due && key !== undefined && k < key)) [key, due] = [k, at];
      if (key === undefined || due > until) break;
      this.queue.delete(key);
      this.now = Math.max(this.now, due);
      const before = this.podByKey(key);
      const result = this.kubelet.reconcile(key, this.snapshot(), this.now, () => 0.5);
      this.apply(result.writes);
      if (result.requeueAfter !== undefined) {
        if (!(result.requeueAfter >= 0)) throw new Error(`negative requeueAfter ${result.requeueAfter}`);
        this.schedule(key, this.now + result.requeueAfter);
      }
      // A reconcile writes only its own pod.
      checkInvariants(key, before, this.podByKey(key));
      if (++steps > maxSteps) throw new Error(`no quiescence after ${maxSteps} reconciles (queue: ${[...this.queue.keys()].join(", ")})`);
    }
    // The time asked for passes, whether or not anything happened.
    this.now = Math.max(this.now, until);
    this.steps += steps;
    return steps;
  }

  /** Advances the clock without running anything (a user waiting). */
  advance(seconds: number): void {
    this.now += seconds * 1000;
  }

  /** Whether the kubelet has nothing scheduled. */
  get idle(): boolean {
    return this.queue.size === 0;
  }

  private podByKey(key: string): Pod | undefined {
    const [namespace, name] = key.split("/");
    return this.get("pods", namespace, name) as unknown as Pod | undefined;
  }

  eventsFor(pod: string): string[] {
    return this.events.filter((e) => e.involved.metadata.name === pod).map((e) => `${e.type} ${e.reason}: ${e.message}`);
  }

  logLines(pod: string, container?: string): string[] {
    return this.logs.filter((l) => l.pod === pod && (!container || l.container === container)).flatMap((l) => l.lines.map((x) => x.text));
  }

  statuses(pod: string): string[] {
    const seen: string[] = [];
    for (const o of this.observations) if (o.pod === pod && seen[seen.length - 1] !== o.status) seen.push(o.status);
    return seen;
  }
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Running: 1, Succeeded: 2, Failed: 2 };

function allStatuses(pod: Pod): ContainerStatus[] {
  return [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(`invariant broken: ${message}`);
}

/** Invariants that hold across every step of every scenario (plain checks: they run thousands of times). */
export function checkInvariants(key: string, old: Pod | undefined, pod: Pod | undefined): void {
  if (!pod) return;
  const status = pod.status ?? {};
  for (const c of allStatuses(pod)) {
    check(!c.ready || !!c.state?.running || c.state?.terminated?.exitCode === 0, `${key}/${c.name} ready but not running`);
    check(!c.started || !!c.state?.running, `${key}/${c.name} started but not running`);
    const prev = old && allStatuses(old).find((p) => p.name === c.name);
    if (prev) check(c.restartCount >= prev.restartCount, `${key}/${c.name} restartCount ${prev.restartCount} → ${c.restartCount}`);
  }
  if (status.conditions?.some((c) => c.type === "Ready" && c.status === "True")) check(status.phase === "Running", `${key} Ready but ${status.phase}`);
  if (!old) return;
  const oldStatus = old.status ?? {};
  if (oldStatus.podIP) check(status.podIP === oldStatus.podIP, `${key} podIP ${oldStatus.podIP} → ${status.podIP}`);
  if (oldStatus.phase && status.phase) {
    check(PHASE_RANK[status.phase] >= PHASE_RANK[oldStatus.phase], `${key} phase ${oldStatus.phase} → ${status.phase}`);
    if (PHASE_RANK[oldStatus.phase] === 2) check(status.phase === oldStatus.phase, `${key} left ${oldStatus.phase}`);
  }
}
