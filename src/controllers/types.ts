/**
 * The contract between the reconcile runtime and every controller and simulation part.
 *
 * A reconcile is pure: `(key, snapshot, now, rng) → { writes, requeueAfter }`. It never touches
 * storage, Date.now() or Math.random(). The runner applies the writes through the API machinery (so
 * defaulting, validation, resourceVersions and watches behave as for any client) in one transaction,
 * and re-runs the key after `requeueAfter` milliseconds if given. Alarms are delivered at least once,
 * so a reconcile must be idempotent: creates use deterministic names (AlreadyExists on our own name
 * is success), updates carry the resourceVersion they were computed from (a Conflict just requeues).
 */
import type { KObject } from "../api/types";

/** Storage resource names as the store uses them: "pods", "deployments.apps", "jobs.batch"… */
export type Resource = string;

/** Read-only view of the cluster at the start of a reconcile. Returned objects are frozen. */
export interface Snapshot {
  get(resource: Resource, namespace: string, name: string): KObject | undefined;
  /** Every object of a resource, optionally in one namespace, in (namespace, name) order. */
  list(resource: Resource, namespace?: string): KObject[];
  /** Objects whose controller ownerReference (controller: true) has this uid. */
  ownedBy(resource: Resource, ownerUid: string): KObject[];
  /** Pods bound to a node (spec.nodeName); "" gives the pods not bound yet. Served from an index. */
  podsOnNode(nodeName: string): KObject[];
}

/** A seeded random source in [0, 1): the only randomness a reconcile may use. */
export type Rng = () => number;

export type Write =
  /** Create; AlreadyExists is treated as success (idempotent creates with deterministic names). */
  | { op: "create"; resource: Resource; object: KObject }
  /** Replace spec/metadata (status is kept); object.metadata.resourceVersion is the precondition. */
  | { op: "update"; resource: Resource; object: KObject }
  /** Replace status only; object.metadata.resourceVersion is the precondition. */
  | { op: "status"; resource: Resource; object: KObject }
  /** Delete; `uid` (when given) must still match. `gracePeriodSeconds` as in DeleteOptions. */
  | { op: "delete"; resource: Resource; namespace: string; name: string; uid?: string; propagationPolicy?: "Background" | "Foreground" | "Orphan"; gracePeriodSeconds?: number }
  /** Bind a pending pod to a node (the pods/binding subresource): sets spec.nodeName and PodScheduled=True. */
  | { op: "bind"; namespace: string; name: string; uid: string; node: string }
  /** Record an Event about `involved` (the runner names, aggregates and counts them as the event recorder does). */
  | { op: "event"; involved: KObject; type: "Normal" | "Warning"; reason: string; message: string; component: string; host?: string; fieldPath?: string }
  /** Append lines a simulated container printed (kubectl logs). */
  | { op: "log"; namespace: string; pod: string; container: string; restart: number; lines: { time: string; text: string }[] };

export interface ReconcileResult {
  writes: Write[];
  /** Run this key again after this many milliseconds (timed work: kubelet stages, back-offs, deadlines). */
  requeueAfter?: number;
}

export const done = (writes: Write[] = [], requeueAfter?: number): ReconcileResult => ({ writes, requeueAfter });

/** What changed, as the runner hands it to `keysFor`. */
export interface ObjectChange {
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: Resource;
  object: KObject;
  previous?: KObject;
}

export interface Controller {
  /** Unique; the work queue is keyed by (controller, key). */
  name: string;
  /** The keys of this controller a change affects (level-triggered: they are reconciled soon). */
  keysFor(change: ObjectChange, snapshot: Snapshot): string[];
  /** Brings the world one phase closer to what `key` asks for. `now` is milliseconds since the epoch. */
  reconcile(key: string, snapshot: Snapshot, now: number, rng: Rng): ReconcileResult;
  /**
   * One of this controller's writes was refused (not NotFound or Conflict): the writes to record it,
   * e.g. a FailedCreate event and a ReplicaFailure condition, as upstream's controllers do.
   */
  writeFailed?(key: string, write: Write, message: string, snapshot: Snapshot, now: number): Write[];
}

/** "namespace/name" (or "name" for cluster-scoped objects), the usual work-queue key. */
export function keyOf(obj: KObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name!;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The controller ownerReference of an object, if any. */
export function controllerOf(obj: KObject): { apiVersion: string; kind: string; name: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller);
}
