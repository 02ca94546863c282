/**
 * The Deployment controller (upstream pkg/controller/deployment): a deployment owns ReplicaSets, one
 * per pod template, and moves pods from the old ones to the new one by resizing them — never by
 * touching pods. Each pass does one phase of upstream's syncDeployment and returns:
 *
 *   adopt/release ReplicaSets → (being deleted: status only) → paused/resumed condition →
 *   paused: scale only → deprecated rollbackTo → scaling event: proportional scale →
 *   Recreate or RollingUpdate rollout → status
 *
 * ReplicaSet and pod changes lead back to the owning deployment; the progress deadline is checked
 * again by "requeue after". Names, annotations, conditions and events are upstream's, so kubectl's
 * rollout status/history/undo read this cluster as they read a real one.
 */
import { deepEqual } from "../../api/deepEqual";
import { matchesLabels } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../../sim/settings";
import { controllerOf, done, keyOf, splitKey, type Controller, type ObjectChange, type ReconcileResult, type Snapshot } from "../types";
import { claimReplicaSets, deploymentSelector } from "./claim";
import { failedReplicaSetCreate } from "./newReplicaSet";
import { checkPausedConditions } from "./progress";
import { rolloutRecreate } from "./recreate";
import { getRollbackTo, rollback } from "./rollback";
import { rolloutRolling } from "./rolling";
import { isScalingEvent, sync, syncStatusOnly } from "./sync";
import { DEPLOYMENTS, PODS, REPLICA_SETS, type Ctx, type Deployment } from "./util";

export { computeHash, fnv32a, safeEncodeString } from "./hash";
export {
  getProportion, getReplicaSetFraction, getScaledValueFromIntOrPercent, isSaturated, maxSurge, maxUnavailable, minAvailable,
  newRSNewReplicas, resolveFenceposts, roundToInt32,
} from "./replicas";
export { calculateStatus, deploymentComplete, deploymentProgressing, deploymentTimedOut, rolloutStatus } from "./progress";
export { cleanupDeployment, findActiveOrLatest, scale, ScalePlan } from "./sync";
export * from "./util";

export const CONTROLLER_NAME = "deployment";

/** One pass for one deployment key. */
export function syncDeployment(ctx: Ctx, key: string): ReconcileResult {
  const { namespace, name } = splitKey(key);
  const d = ctx.snapshot.get(DEPLOYMENTS, namespace, name) as Deployment | undefined;
  if (!d) return done();
  const claimed = claimReplicaSets(d, ctx.snapshot);
  if (claimed.writes.length) return done(claimed.writes);
  const rsList = claimed.rsList;
  if (d.metadata.deletionTimestamp) return syncStatusOnly(ctx, d, rsList);
  const pausedCondition = checkPausedConditions(ctx, d);
  if (pausedCondition) return pausedCondition;
  if (d.spec.paused) return sync(ctx, d, rsList);
  if (getRollbackTo(d) !== undefined) return rollback(ctx, d, rsList);
  const scaling = isScalingEvent(ctx, d, rsList);
  if (scaling === true) return sync(ctx, d, rsList);
  if (scaling !== false) return scaling;
  return d.spec.strategy?.type === "Recreate" ? rolloutRecreate(ctx, d, rsList) : rolloutRolling(ctx, d, rsList);
}

/** The deployment controlling this object through a controller ownerReference, if it still exists. */
function owningDeploymentKey(obj: KObject, snapshot: Snapshot): string | undefined {
  const ref = controllerOf(obj);
  if (!ref || ref.kind !== "Deployment" || !ref.apiVersion.startsWith("apps/")) return undefined;
  const d = snapshot.get(DEPLOYMENTS, obj.metadata.namespace ?? "", ref.name);
  return d && d.metadata.uid === ref.uid ? keyOf(d) : undefined;
}

/**
 * A ReplicaSet change wakes its controlling deployment (before and after the change, in case the
 * owner changed); an orphan, when added or relabelled, wakes every deployment whose selector
 * matches it, one of which may adopt it.
 */
function keysForReplicaSet(change: ObjectChange, snapshot: Snapshot): string[] {
  const keys = new Set<string>();
  for (const obj of [change.object, change.previous]) {
    const key = obj && owningDeploymentKey(obj, snapshot);
    if (key) keys.add(key);
  }
  const rs = change.object;
  const relabelled = change.previous && !deepEqual(change.previous.metadata.labels, rs.metadata.labels);
  const orphaned = change.previous && controllerOf(change.previous) && !controllerOf(rs);
  if (!controllerOf(rs) && change.type !== "DELETED" && (change.type === "ADDED" || relabelled || orphaned)) {
    for (const obj of snapshot.list(DEPLOYMENTS, rs.metadata.namespace)) {
      const selector = deploymentSelector(obj as Deployment);
      if (selector && matchesLabels(selector, rs.metadata.labels)) keys.add(keyOf(obj));
    }
  }
  return [...keys];
}

const podPhase = (pod: KObject | undefined) => (pod?.status as { phase?: string } | undefined)?.phase;

/**
 * A pod gone, or one changing phase, wakes the deployment of its ReplicaSet (two lookups: pod →
 * ReplicaSet → deployment): Recreate waits for old pods to be gone or finished, which no ReplicaSet
 * status says (upstream's deletePod handler). Readiness and availability are not taken from pods:
 * they reach the deployment through its ReplicaSets' status, which the ReplicaSet controller
 * rewrites on every such pod change (and after minReadySeconds), so a pod-triggered pass would
 * only read the same stale counts.
 */
function keysForPod(change: ObjectChange, snapshot: Snapshot): string[] {
  if (change.type === "ADDED") return [];
  if (change.type === "MODIFIED" && podPhase(change.object) === podPhase(change.previous)) return [];
  const ref = controllerOf(change.object);
  if (!ref || ref.kind !== "ReplicaSet") return [];
  const rs = snapshot.get(REPLICA_SETS, change.object.metadata.namespace ?? "", ref.name);
  if (!rs || rs.metadata.uid !== ref.uid) return [];
  const key = owningDeploymentKey(rs, snapshot);
  return key ? [key] : [];
}

export function createDeploymentController(settings: SimulationSettings = DEFAULT_SETTINGS): Controller {
  return {
    name: CONTROLLER_NAME,
    keysFor(change, snapshot) {
      switch (change.resource) {
        case DEPLOYMENTS:
          return [keyOf(change.object)];
        case REPLICA_SETS:
          return keysForReplicaSet(change, snapshot);
        case PODS:
          return keysForPod(change, snapshot);
        default:
          return [];
      }
    },
    reconcile(key, snapshot, now) {
      return syncDeployment({ snapshot, now, timeScale: settings.timeScale }, key);
    },
    writeFailed(key, write, message, snapshot, now) {
      if (write.op !== "create" || write.resource !== REPLICA_SETS) return [];
      const { namespace, name } = splitKey(key);
      const d = snapshot.get(DEPLOYMENTS, namespace, name) as Deployment | undefined;
      return d ? failedReplicaSetCreate({ snapshot, now, timeScale: settings.timeScale }, d, write.object.metadata.name!, message) : [];
    },
  };
}
