/**
 * The ReplicaSet and ReplicationController controllers: one implementation, as upstream's
 * pkg/controller/replicaset serves both (pkg/controller/replication only converts RCs). A pass
 * claims the pods (adopting matching orphans, releasing owned pods that stopped matching), creates
 * the missing pods from the template or deletes the excess ones in ActivePods order, and writes the
 * status when it changed.
 *
 * Upstream's expectations (which paper over informer lag) are not needed: a pass reads a snapshot
 * that already holds every write of the passes before it.
 */
import type { ReplicaSet } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { labelSelectorFromSpec, matchesLabels, type LabelSelector } from "../api/selectors";
import type { KObject } from "../api/types";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../sim/settings";
import { claimPods, createPods, deletePod, failedCreateEvent, failedDeleteEvent, PODS } from "./podControl";
import { isPodActive, nextAvailableIn, podsToDelete } from "./replicaset/activePods";
import { calculateStatus, statusChanged } from "./replicaset/status";
import { controllerOf, done, keyOf, splitKey, type Controller, type ObjectChange, type Snapshot, type Write } from "./types";

export const REPLICA_SETS = "replicasets.apps";
export const REPLICATION_CONTROLLERS = "replicationcontrollers";

/** The controller manager's --concurrent-rs-syncs burst: at most this many creates or deletes a pass. */
export const BURST_REPLICAS = 500;

/** What differs between the two kinds the controller serves. */
interface ReplicaKind {
  controller: string;
  resource: string;
  kind: string;
  group: string;
  /** The event source upstream's recorder uses. */
  component: string;
  /** The pod selector; throws on an invalid one (the owner is then left alone, as upstream). */
  selector(owner: KObject): LabelSelector;
}

const REPLICA_SET: ReplicaKind = {
  controller: "replicaset",
  resource: REPLICA_SETS,
  kind: "ReplicaSet",
  group: "apps",
  component: "replicaset-controller",
  selector: (rs) => labelSelectorFromSpec((rs.spec as ReplicaSet["spec"])?.selector),
};

const REPLICATION_CONTROLLER: ReplicaKind = {
  controller: "replicationcontroller",
  resource: REPLICATION_CONTROLLERS,
  kind: "ReplicationController",
  group: "",
  component: "replication-controller",
  // An RC's equality-based selector is a LabelSelector with only matchLabels.
  selector: (rc) => labelSelectorFromSpec({ matchLabels: ((rc.spec as { selector?: Record<string, string> })?.selector) ?? {} }),
};

interface ReplicaSpec {
  replicas?: number;
  minReadySeconds?: number;
  template?: PodTemplateSpec;
}

const specOf = (owner: KObject) => (owner.spec ?? {}) as ReplicaSpec;
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

function isKindRef(kind: ReplicaKind, ref: { apiVersion: string; kind: string } | undefined): boolean {
  return !!ref && ref.kind === kind.kind && groupOf(ref.apiVersion) === kind.group;
}

function selectorOrUndefined(kind: ReplicaKind, owner: KObject): LabelSelector | undefined {
  try {
    return kind.selector(owner);
  } catch {
    return undefined;
  }
}

/**
 * getIndirectlyRelatedPods: the pods of every ReplicaSet that shares this one's controller (a
 * Deployment's old and new ReplicaSets), which rank pods by how crowded their node is. A ReplicaSet
 * without a controller has none.
 */
function relatedPods(kind: ReplicaKind, owner: KObject, pods: readonly KObject[], snapshot: Snapshot): KObject[] {
  const ref = controllerOf(owner);
  if (!ref) return [];
  const seen = new Set<string>();
  const related: KObject[] = [];
  for (const sibling of snapshot.ownedBy(kind.resource, ref.uid)) {
    if (sibling.metadata.namespace !== owner.metadata.namespace) continue;
    const selector = selectorOrUndefined(kind, sibling);
    if (!selector) continue;
    for (const pod of pods) {
      if (seen.has(pod.metadata.uid!) || !matchesLabels(selector, pod.metadata.labels)) continue;
      seen.add(pod.metadata.uid!);
      related.push(pod);
    }
  }
  return related;
}

/**
 * spec.minReadySeconds as written: it is the user's own number, not one of upstream's fixed
 * durations, so no simulation profile scales it.
 */
const minReadySecondsOf = (owner: KObject) => specOf(owner).minReadySeconds ?? 0;

function namespaceTerminating(owner: KObject, snapshot: Snapshot): boolean {
  return !!snapshot.get("namespaces", "", owner.metadata.namespace ?? "")?.metadata.deletionTimestamp;
}

/**
 * manageReplicas: creates (up to the burst) when there are too few pods, deletes the first ones in
 * ActivePods order when there are too many.
 *   replicas 3, 1 pod → 2 creates; replicas 1, 3 pods (one not ready) → the not-ready one goes first
 */
function manageReplicas(kind: ReplicaKind, owner: KObject, claimed: KObject[], allPods: readonly KObject[], snapshot: Snapshot, now: number, rng: () => number): Write[] {
  const spec = specOf(owner);
  const diff = claimed.length - (spec.replicas ?? 1);
  if (diff < 0) {
    // Upstream's creates fail with NamespaceTerminatingCause there and it lets them: no pods, no condition.
    if (!spec.template || namespaceTerminating(owner, snapshot)) return [];
    return createPods({ owner, template: spec.template, count: Math.min(-diff, BURST_REPLICAS), snapshot, rng, component: kind.component });
  }
  if (diff > 0) {
    const related = relatedPods(kind, owner, allPods, snapshot);
    return podsToDelete(claimed, related, Math.min(diff, BURST_REPLICAS), now).flatMap((pod) => deletePod(owner, pod, kind.component));
  }
  return [];
}

function reconcileReplicas(kind: ReplicaKind, key: string, snapshot: Snapshot, now: number, rng: () => number) {
  const { namespace, name } = splitKey(key);
  const owner = snapshot.get(kind.resource, namespace, name);
  if (!owner) return done();
  const selector = selectorOrUndefined(kind, owner);
  if (!selector) return done();

  const allPods = snapshot.list(PODS, namespace);
  const { claimed, writes } = claimPods(owner, selector, allPods.filter(isPodActive));
  if (!owner.metadata.deletionTimestamp) writes.push(...manageReplicas(kind, owner, claimed, allPods, snapshot, now, rng));

  const minReadySeconds = minReadySecondsOf(owner);
  const settled = claimed.length === (specOf(owner).replicas ?? 1);
  const status = calculateStatus(owner, { pods: claimed, now, minReadySeconds, clearFailure: settled });
  if (statusChanged(owner, status)) writes.push({ op: "status", resource: kind.resource, object: { ...structuredClone(owner), status } });
  return done(writes, nextAvailableIn(claimed, minReadySeconds, now));
}

/**
 * The keys a change wakes: the owner itself; for a pod, its controller (old and new) when of this
 * kind; for an orphan pod, every owner in its namespace whose selector matches it now or matched it
 * before (one of them may adopt it).
 */
function keysForChange(kind: ReplicaKind, change: ObjectChange, snapshot: Snapshot): string[] {
  if (change.resource === kind.resource) return [keyOf(change.object)];
  if (change.resource !== PODS) return [];
  const pod = change.object;
  const namespace = pod.metadata.namespace ?? "";
  const keys = new Set<string>();
  const ref = controllerOf(pod);
  const previousRef = change.previous ? controllerOf(change.previous) : undefined;
  if (previousRef && previousRef.uid !== ref?.uid && isKindRef(kind, previousRef)) keys.add(`${namespace}/${previousRef.name}`);
  if (ref) {
    if (isKindRef(kind, ref)) keys.add(`${namespace}/${ref.name}`);
  } else if (change.type !== "DELETED") {
    for (const owner of snapshot.list(kind.resource, namespace)) {
      const selector = selectorOrUndefined(kind, owner);
      if (!selector) continue;
      if (matchesLabels(selector, pod.metadata.labels) || (change.previous && matchesLabels(selector, change.previous.metadata.labels))) {
        keys.add(keyOf(owner));
      }
    }
  }
  return [...keys];
}

/**
 * What the controller does when the runner reports that one of its writes failed with an API error
 * (a pod create refused by quota or admission, a delete refused): upstream's FailedCreate /
 * FailedDelete Warning event and the ReplicaFailure condition with the error's message. Needs the
 * runner to call it; until then failed writes are only retried.
 */
export type WriteFailureHandler = Required<Pick<Controller, "writeFailed">>;

function writeFailed(kind: ReplicaKind, key: string, write: Write, message: string, snapshot: Snapshot, now: number): Write[] {
  const isCreate = write.op === "create" && write.resource === PODS;
  const isDelete = write.op === "delete" && write.resource === PODS;
  if (!isCreate && !isDelete) return [];
  const { namespace, name } = splitKey(key);
  const owner = snapshot.get(kind.resource, namespace, name);
  if (!owner || namespaceTerminating(owner, snapshot)) return [];
  const selector = selectorOrUndefined(kind, owner);
  if (!selector) return [];
  const { claimed } = claimPods(owner, selector, snapshot.list(PODS, namespace).filter(isPodActive));
  const event = isCreate ? failedCreateEvent(owner, message, kind.component) : failedDeleteEvent(owner, message, kind.component);
  const failure = { reason: isCreate ? ("FailedCreate" as const) : ("FailedDelete" as const), message };
  const status = calculateStatus(owner, { pods: claimed, now, minReadySeconds: minReadySecondsOf(owner), failure });
  const writes: Write[] = [event];
  if (statusChanged(owner, status)) writes.push({ op: "status", resource: kind.resource, object: { ...structuredClone(owner), status } });
  return writes;
}

function createReplicaController(kind: ReplicaKind): Controller & WriteFailureHandler {
  return {
    name: kind.controller,
    keysFor: (change, snapshot) => keysForChange(kind, change, snapshot),
    reconcile: (key, snapshot, now, rng) => reconcileReplicas(kind, key, snapshot, now, rng),
    writeFailed: (key, write, message, snapshot, now) => writeFailed(kind, key, write, message, snapshot, now),
  };
}

/**
 * The ReplicaSet controller ("replicaset"). Takes the simulation settings like every controller;
 * nothing here is one of upstream's fixed durations, so no profile changes its behaviour.
 */
export function createReplicaSetController(_settings: SimulationSettings = DEFAULT_SETTINGS): Controller & WriteFailureHandler {
  return createReplicaController(REPLICA_SET);
}

/** The ReplicationController manager ("replicationcontroller"). */
export function createReplicationControllerController(_settings: SimulationSettings = DEFAULT_SETTINGS): Controller & WriteFailureHandler {
  return createReplicaController(REPLICATION_CONTROLLER);
}
