/**
 * The DaemonSet controller ("daemonset", upstream pkg/controller/daemon): one pod on every node that
 * should run it — nodeSelector, required node affinity, taints against the template's tolerations
 * plus the daemon ones — pinned there by node affinity and placed by the default scheduler; rolled
 * to a new template node by node (RollingUpdate with maxUnavailable / maxSurge) or left for the user
 * to delete (OnDelete); a ControllerRevision per template for `kubectl rollout history|undo ds/…`.
 * A pass, as upstream's syncDaemonSet:
 *
 *   revisions (current, old) → adopt/release pods → manage (create/delete per node) →
 *   nothing to do there: rolling update → truncate history → status
 *
 * Node changes wake every DaemonSet; pod and revision changes wake their owner.
 */
import { deepEqual } from "../../api/deepEqual";
import { labelSelectorFromSpec, matchesLabels, type LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../../sim/settings";
import { CONTROLLER_REVISIONS } from "../history";
import { claimPods, failedCreateEvent, failedDeleteEvent } from "../podControl";
import { nextAvailableIn } from "../replicaset/activePods";
import { controllerOf, done, keyOf, splitKey, type Controller, type ObjectChange, type ReconcileResult, type Rng, type Snapshot, type Write } from "../types";
import { manage, nodesToDaemonPods, syncNodes } from "./manage";
import { cleanupHistory, constructHistory } from "./revisions";
import { rollingUpdate } from "./rolling";
import { computeStatus, statusChanged } from "./status";
import { COMPONENT, DAEMON_SETS, isTerminating, NODES, PODS, type DaemonSet, type Node } from "./util";

export { findUpdatedPodsOnNode, updatedDesiredNodeCounts } from "./rolling";
export { newDaemonSetRevision } from "./revisions";
export * from "./util";

export const CONTROLLER_NAME = "daemonset";

function selectorOf(ds: DaemonSet): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(ds.spec.selector);
  } catch {
    return undefined;
  }
}

const selectsEverything = (ds: DaemonSet) => !!ds.spec.selector && !ds.spec.selector.matchLabels && !ds.spec.selector.matchExpressions?.length;

/** syncDaemonSet: one pass for one set key. */
export function syncDaemonSet(key: string, snapshot: Snapshot, now: number, rng: Rng, settings: SimulationSettings): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const ds = snapshot.get(DAEMON_SETS, namespace, name) as DaemonSet | undefined;
  if (!ds) return done();
  if (selectsEverything(ds)) {
    return done([{ op: "event", involved: ds, type: "Warning", reason: "SelectingAll", message: "This daemon set is selecting all pods. A non-empty selector is required.", component: COMPONENT }]);
  }
  const selector = selectorOf(ds);
  // Being deleted: its revisions may already be gone, so upstream leaves even the status alone.
  if (!selector || ds.metadata.deletionTimestamp) return done();

  const nodes = snapshot.list(NODES) as Node[];
  const history = constructHistory(ds, selector, snapshot);
  const { claimed, writes: claims } = claimPods(ds, selector, snapshot.list(PODS, namespace));
  const byNode = nodesToDaemonPods(claimed);
  const writes: Write[] = [...history.writes, ...claims];

  const plan = manage(ds, nodes, byNode, { ds, hash: history.hash, now, timeScale: settings.timeScale });
  writes.push(...plan.events, ...syncNodes(ds, plan.remove, plan.create, history.hash, snapshot, rng));
  // Upstream's expectations: the update waits for the pass that has nothing left to create or delete.
  if (!plan.create.length && !plan.remove.length && ds.spec.updateStrategy?.type !== "OnDelete") {
    const roll = rollingUpdate(ds, nodes, byNode, history.hash, now);
    writes.push(...syncNodes(ds, roll.remove, roll.create, history.hash, snapshot, rng));
  }
  writes.push(...cleanupHistory(ds, history.old, claimed));

  const status = computeStatus(ds, nodes, byNode, history.hash, now, history.collisionCount);
  if (statusChanged(ds, status)) writes.push({ op: "status", resource: DAEMON_SETS, object: { ...structuredClone(ds), status } });
  const live = claimed.filter((p) => !isTerminating(p));
  const waits = [plan.requeueAfter, nextAvailableIn(live, ds.spec.minReadySeconds ?? 0, now)].filter((t): t is number => t !== undefined);
  return done(writes, waits.length ? Math.max(1, Math.min(...waits)) : undefined);
}

const isDaemonSetRef = (ref: { apiVersion: string; kind: string } | undefined) => !!ref && ref.kind === "DaemonSet" && ref.apiVersion.startsWith("apps/");

/** A node change that can change where daemons belong: labels, taints, cordoning, name. */
function nodeEligibilityChanged(prev: KObject, next: KObject): boolean {
  const spec = (o: KObject) => o.spec as { taints?: unknown; unschedulable?: boolean } | undefined;
  return !deepEqual(prev.metadata.labels, next.metadata.labels) || !deepEqual(spec(prev)?.taints, spec(next)?.taints) || !!spec(prev)?.unschedulable !== !!spec(next)?.unschedulable;
}

/**
 * The keys a change wakes: the set itself; every set for a node that came, went or changed its
 * labels or taints; the owner (old and new) of a pod or revision; for an orphan pod or revision,
 * every set in its namespace whose selector matches it (adoption).
 */
export function keysFor(change: ObjectChange, snapshot: Snapshot): string[] {
  const { object, previous } = change;
  if (change.resource === DAEMON_SETS) return [keyOf(object)];
  if (change.resource === NODES) {
    if (change.type === "MODIFIED" && previous && !nodeEligibilityChanged(previous, object)) return [];
    return snapshot.list(DAEMON_SETS).map(keyOf);
  }
  if (change.resource !== PODS && change.resource !== CONTROLLER_REVISIONS) return [];
  const namespace = object.metadata.namespace ?? "";
  const keys = new Set<string>();
  for (const o of [object, previous]) {
    const ref = o ? controllerOf(o) : undefined;
    if (isDaemonSetRef(ref)) keys.add(`${namespace}/${ref!.name}`);
  }
  if (!controllerOf(object) && change.type !== "DELETED") {
    for (const ds of snapshot.list(DAEMON_SETS, namespace) as DaemonSet[]) {
      const selector = selectorOf(ds);
      if (selector && matchesLabels(selector, object.metadata.labels)) keys.add(keyOf(ds));
    }
  }
  return [...keys];
}

/** A refused pod create or delete: upstream's FailedCreate / FailedDelete warnings. */
export function writeFailed(key: string, write: Write, message: string, snapshot: Snapshot): Write[] {
  const { namespace, name } = splitKey(key);
  const ds = snapshot.get(DAEMON_SETS, namespace, name);
  if (!ds) return [];
  if (write.op === "create" && write.resource === PODS) return [failedCreateEvent(ds, message, COMPONENT)];
  if (write.op === "delete" && write.resource === PODS) return [failedDeleteEvent(ds, message, COMPONENT)];
  return [];
}

/** The DaemonSet controller; the simulation's timeScale shrinks the failed-pod back-off. */
export function createDaemonSetController(settings: SimulationSettings = DEFAULT_SETTINGS): Controller & Required<Pick<Controller, "writeFailed">> {
  return {
    name: CONTROLLER_NAME,
    keysFor,
    reconcile: (key, snapshot, now, rng) => syncDaemonSet(key, snapshot, now, rng, settings),
    writeFailed: (key, write, message, snapshot) => writeFailed(key, write, message, snapshot),
  };
}
