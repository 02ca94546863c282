/**
 * A tiny in-memory cluster for scenario tests of the scheduler and the node lifecycle controller:
 * objects in Maps, writes applied as the runner would (resourceVersion preconditions, bind, events),
 * a work queue fed by `keysFor`, and a virtual clock advanced to the next requeue until nothing is
 * left to do. Invariants are checked after every reconcile:
 *   - no node holds more requested cpu, memory or pods than it has allocatable;
 *   - a pod is bound at most once and never moves to another node.
 */
import { mulberry32 } from "../../../src/controllers/rng";
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../../src/api/types";
import { keyOf, type Controller, type ObjectChange, type Snapshot, type Write } from "../../../src/controllers/types";
import { newNode } from "../../../src/sim/nodes";
import { isTerminal, podRequests, nodeAllocatable } from "../../../src/sim/scheduler/resources";

export const T0 = Date.parse("2026-01-01T12:00:00Z");
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** A seeded PRNG (mulberry32): the only randomness a reconcile sees. */
export const seeded = mulberry32;

export interface RecordedEvent {
  object: string;
  kind: string;
  type: string;
  reason: string;
  message: string;
  component: string;
  at: number;
}

const RESOURCE_OF: Record<string, string> = { Pod: "pods", Node: "nodes", Service: "services", ReplicaSet: "replicasets.apps", Namespace: "namespaces", StatefulSet: "statefulsets.apps" };

export class Cluster {
  now = T0;
  readonly events: RecordedEvent[] = [];
  readonly bindings: { pod: string; node: string; at: number }[] = [];
  readonly deleted: { pod: string; at: number }[] = [];
  steps = 0;
  private store = new Map<string, Map<string, KObject>>();
  private rv = 1;
  private uid = 1;
  private queue = new Map<string, number>();
  private boundTo = new Map<string, string>();
  private podsByNode = new Map<string, readonly KObject[]>();
  private rng: () => number;

  constructor(readonly controllers: Controller[], seed = 1) {
    this.rng = seeded(seed);
  }

  // ---- objects -------------------------------------------------------------------------------

  private bucket(resource: string): Map<string, KObject> {
    let b = this.store.get(resource);
    if (!b) this.store.set(resource, (b = new Map()));
    return b;
  }

  get(resource: string, namespace: string, name: string): KObject | undefined {
    return this.bucket(resource).get(namespace ? `${namespace}/${name}` : name);
  }

  pod(name: string, namespace = "default"): KObject | undefined {
    return this.get("pods", namespace, name);
  }

  node(name: string): KObject {
    return this.get("nodes", "", name)!;
  }

  list(resource: string, namespace?: string): KObject[] {
    return [...this.bucket(resource).values()]
      .filter((o) => namespace === undefined || o.metadata.namespace === namespace)
      .sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  }

  pods(): KObject[] {
    return this.list("pods");
  }

  /** Where each pod is bound ("" when pending), by name. */
  placement(): Record<string, string> {
    return Object.fromEntries(this.pods().map((p) => [p.metadata.name!, (p as Pod).spec?.nodeName ?? ""]));
  }

  podsPerNode(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const n of this.list("nodes")) out[n.metadata.name!] = 0;
    for (const p of this.pods()) {
      const node = (p as Pod).spec?.nodeName;
      if (node) out[node] = (out[node] ?? 0) + 1;
    }
    return out;
  }

  snapshot(): Snapshot {
    return {
      get: (r, ns, name) => this.get(r, ns, name),
      list: (r, ns) => this.list(r, ns),
      ownedBy: (r, uid) => this.list(r).filter((o) => o.metadata.ownerReferences?.some((ref) => ref.controller && ref.uid === uid)),
      podsOnNode: (node) => {
        // Hand out one frozen array per node until its pods change, as an index would.
        let pods = this.podsByNode.get(node);
        if (!pods) {
          // "" is the index entry of unbound pods, as in both stores.
          pods = Object.freeze(this.list("pods").filter((p) => ((p as Pod).spec?.nodeName ?? "") === node));
          this.podsByNode.set(node, pods);
        }
        return pods as KObject[];
      },
    };
  }

  private put(resource: string, obj: KObject, type: ObjectChange["type"], previous?: KObject): KObject {
    const stored = deepFreeze(structuredClone({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } }));
    const key = keyOf(stored);
    if (type === "DELETED") this.bucket(resource).delete(key);
    else this.bucket(resource).set(key, stored);
    if (resource === "pods") this.podsByNode.clear();
    this.notify({ type, resource, object: type === "DELETED" ? previous! : stored, previous });
    return stored;
  }

  /** Create an object as a client would (uid, creationTimestamp, resourceVersion filled in). */
  create(obj: KObject): KObject {
    const resource = RESOURCE_OF[obj.kind!];
    if (!resource) throw new Error(`unknown kind ${obj.kind}`);
    const metadata = { uid: `uid-${this.uid++}`, creationTimestamp: iso(this.now), ...obj.metadata };
    if (resource === "pods" && (obj as Pod).spec?.nodeName) this.boundTo.set(metadata.uid, (obj as Pod).spec!.nodeName!);
    return this.put(resource, { ...obj, metadata }, "ADDED");
  }

  /** Change an object as a client would (kubectl edit / label / taint / cordon). */
  edit(resource: string, namespace: string, name: string, change: (copy: any) => void): KObject {
    const old = this.get(resource, namespace, name);
    if (!old) throw new Error(`no ${resource} ${namespace}/${name}`);
    const copy = structuredClone(old);
    change(copy);
    return this.put(resource, copy, "MODIFIED", old);
  }

  remove(resource: string, namespace: string, name: string): void {
    const old = this.get(resource, namespace, name);
    if (old) this.put(resource, old, "DELETED", old);
  }

  // ---- the runner ----------------------------------------------------------------------------

  private notify(change: ObjectChange): void {
    const snapshot = this.snapshot();
    for (const c of this.controllers) for (const key of c.keysFor(change, snapshot)) this.enqueue(c.name, key, this.now);
  }

  enqueue(controller: string, key: string, at: number): void {
    const id = `${controller}\u0000${key}`;
    const cur = this.queue.get(id);
    if (cur === undefined || at < cur) this.queue.set(id, at);
  }

  /** Apply one reconcile's writes; a failed precondition (Conflict) requeues the key at once. */
  private apply(controller: string, key: string, writes: Write[]): void {
    for (const w of writes) {
      switch (w.op) {
        case "event": {
          const ns = w.involved.metadata.namespace;
          this.events.push({ object: ns ? `${ns}/${w.involved.metadata.name}` : w.involved.metadata.name!, kind: w.involved.kind ?? "", type: w.type, reason: w.reason, message: w.message, component: w.component, at: this.now });
          break;
        }
        case "bind": {
          const pod = this.get("pods", w.namespace, w.name);
          if (!pod || pod.metadata.uid !== w.uid) continue;
          if ((pod as Pod).spec?.nodeName) throw new Error(`invariant: ${w.namespace}/${w.name} bound twice`);
          if (this.boundTo.has(w.uid)) throw new Error(`invariant: ${w.namespace}/${w.name} rebound`);
          if (!this.get("nodes", "", w.node)) throw new Error(`bind to missing node ${w.node}`);
          this.boundTo.set(w.uid, w.node);
          this.bindings.push({ pod: `${w.namespace}/${w.name}`, node: w.node, at: this.now });
          const status = (pod as Pod).status ?? {};
          const conditions = (status.conditions ?? []).filter((c) => c.type !== "PodScheduled");
          conditions.push({ type: "PodScheduled", status: "True", lastTransitionTime: iso(this.now) } as never);
          this.put("pods", { ...pod, spec: { ...(pod as Pod).spec, nodeName: w.node }, status: { ...status, conditions } } as KObject, "MODIFIED", pod);
          break;
        }
        case "create":
          if (!this.get(w.resource, w.object.metadata.namespace ?? "", w.object.metadata.name!)) this.create(w.object);
          break;
        case "update":
        case "status": {
          const o = w.object;
          const old = this.get(w.resource, o.metadata.namespace ?? "", o.metadata.name!);
          if (!old || old.metadata.resourceVersion !== o.metadata.resourceVersion) {
            this.enqueue(controller, key, this.now);
            continue;
          }
          const merged = w.op === "status" ? { ...old, status: o.status } : { ...o, status: old.status };
          if (w.resource === "pods" && w.op === "update" && (old as Pod).spec?.nodeName !== (merged as Pod).spec?.nodeName) throw new Error("invariant: nodeName changed by update");
          this.put(w.resource, merged as KObject, "MODIFIED", old);
          break;
        }
        case "delete": {
          const old = this.get(w.resource, w.namespace, w.name);
          if (!old || (w.uid && old.metadata.uid !== w.uid)) continue;
          if (w.resource === "pods") this.deleted.push({ pod: `${w.namespace}/${w.name}`, at: this.now });
          this.put(w.resource, old, "DELETED", old);
          break;
        }
        case "log":
          break;
      }
    }
  }

  /** Every node's requests fit its allocatable. */
  checkInvariants(): void {
    for (const node of this.list("nodes")) {
      const alloc = nodeAllocatable(node);
      const pods = this.pods().filter((p) => (p as Pod).spec?.nodeName === node.metadata.name && !isTerminal(p));
      if (pods.length > (alloc.pods ?? 0)) throw new Error(`invariant: ${node.metadata.name} holds ${pods.length} pods`);
      for (const r of ["cpu", "memory"]) {
        const used = pods.reduce((sum, p) => sum + (podRequests(p)[r] ?? 0), 0);
        if (used > (alloc[r] ?? 0)) throw new Error(`invariant: ${node.metadata.name} over allocatable ${r}: ${used} > ${alloc[r]}`);
      }
    }
    for (const p of this.pods()) {
      const first = this.boundTo.get(p.metadata.uid!);
      const now = (p as Pod).spec?.nodeName;
      if (now && first !== now) throw new Error(`invariant: ${p.metadata.name} moved from ${first} to ${now}`);
    }
  }

  /** Run everything due up to `until`, advancing the clock to each requeue; the clock stays at the last step. */
  run(until = this.now + 3_600_000, maxSteps = 100_000): this {
    for (;;) {
      let next: [string, number] | undefined;
      for (const entry of this.queue) if (!next || entry[1] < next[1]) next = entry;
      if (!next || next[1] > until) break;
      if (++this.steps > maxSteps) throw new Error("no quiescence");
      const [id, at] = next;
      this.queue.delete(id);
      if (at > this.now) this.now = at;
      const [name, key] = id.split("\u0000");
      const controller = this.controllers.find((c) => c.name === name)!;
      const result = controller.reconcile(key, this.snapshot(), this.now, this.rng);
      this.apply(name, key, result.writes);
      if (result.requeueAfter !== undefined) this.enqueue(name, key, this.now + Math.max(1, result.requeueAfter));
      this.checkInvariants();
    }
    return this;
  }

  /** Move the clock forward by `ms`, running whatever comes due on the way. */
  advance(ms: number): this {
    const until = this.now + ms;
    this.run(until);
    this.now = until;
    return this;
  }

  /** Put the clock at `at` (running what comes due before). */
  at(at: number): this {
    return this.advance(Math.max(0, at - this.now));
  }

  eventsFor(object: string, reason?: string): RecordedEvent[] {
    return this.events.filter((e) => e.object === object && (!reason || e.reason === reason));
  }

  pending(): boolean {
    return this.queue.size > 0;
  }
}

// ---- fixtures ----------------------------------------------------------------------------------

/** `count` Ready nodes node-1…node-N as the cluster seeds them, with optional changes to each. */
export function nodes(count: number, change?: (node: any, index: number) => void): KObject[] {
  return Array.from({ length: count }, (_, i) => {
    const node = structuredClone(newNode(i + 1, iso(T0))) as any;
    change?.(node, i + 1);
    return node as KObject;
  });
}

export interface PodOptions {
  cpu?: string;
  memory?: string;
  labels?: Record<string, string>;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  affinity?: unknown;
  owner?: { kind: string; name: string; uid: string; apiVersion?: string };
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  namespace?: string;
}

/** A pod as the API would store it after defaulting: one nginx container, default tolerations. */
export function pod(name: string, o: PodOptions = {}): KObject {
  const requests: Record<string, string> = {};
  if (o.cpu) requests.cpu = o.cpu;
  if (o.memory) requests.memory = o.memory;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      labels: o.labels ?? { app: name },
      ...(o.owner ? { ownerReferences: [{ apiVersion: o.owner.apiVersion ?? "apps/v1", kind: o.owner.kind, name: o.owner.name, uid: o.owner.uid, controller: true, blockOwnerDeletion: true }] } : {}),
    },
    spec: {
      containers: [{ name: "app", image: "nginx", resources: Object.keys(requests).length ? { requests } : {} }],
      schedulerName: "default-scheduler",
      priority: 0,
      preemptionPolicy: "PreemptLowerPriority",
      tolerations: o.tolerations ?? [
        { key: "node.kubernetes.io/not-ready", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
        { key: "node.kubernetes.io/unreachable", operator: "Exists", effect: "NoExecute", tolerationSeconds: 300 },
      ],
      ...(o.nodeName ? { nodeName: o.nodeName } : {}),
      ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
      ...(o.affinity ? { affinity: o.affinity } : {}),
      ...o.spec,
    },
    status: { phase: "Pending", ...o.status },
  } as KObject;
}

/** A ReplicaSet `name` and its `replicas` pods (name-0…), all pending, selected by app=name. */
export function replicaSet(name: string, replicas: number, o: PodOptions = {}): KObject[] {
  const uid = `uid-rs-${name}`;
  const rs = {
    apiVersion: "apps/v1",
    kind: "ReplicaSet",
    metadata: { name, namespace: "default", uid },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: {} },
  } as KObject;
  const pods = Array.from({ length: replicas }, (_, i) => pod(`${name}-${i}`, { labels: { app: name }, ...o, owner: { kind: "ReplicaSet", name, uid } }));
  return [rs, ...pods];
}

/** A running, Ready pod already on `node` (as the kubelet would leave it). */
export function runningPod(name: string, node: string, o: PodOptions = {}): KObject {
  const at = iso(T0);
  return pod(name, {
    ...o,
    nodeName: node,
    status: {
      phase: "Running",
      conditions: [
        { type: "PodReadyToStartContainers", status: "True", lastProbeTime: null, lastTransitionTime: at },
        { type: "Initialized", status: "True", lastProbeTime: null, lastTransitionTime: at },
        { type: "Ready", status: "True", lastProbeTime: null, lastTransitionTime: at },
        { type: "ContainersReady", status: "True", lastProbeTime: null, lastTransitionTime: at },
        { type: "PodScheduled", status: "True", lastProbeTime: null, lastTransitionTime: at },
      ],
      ...o.status,
    },
  });
}

export function condition(obj: KObject | undefined, type: string): any {
  return (obj?.status as { conditions?: { type: string }[] } | undefined)?.conditions?.find((c) => c.type === type);
}
