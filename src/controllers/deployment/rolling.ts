/**
 * The RollingUpdate strategy (upstream rolling.go). Each pass does the first of: grow the new
 * ReplicaSet within replicas + maxSurge; shrink old ReplicaSets within replicas − maxUnavailable
 * available; and once the rollout is complete, delete old ReplicaSets beyond revisionHistoryLimit.
 * Each ends by recording the rollout status.
 */
import type { ReconcileResult } from "../types";
import { getAllReplicaSetsAndSyncRevision, isResult } from "./newReplicaSet";
import { deploymentComplete, syncRolloutStatus } from "./progress";
import { maxUnavailable, newRSNewReplicas } from "./replicas";
import { ScalePlan, cleanupDeployment } from "./sync";
import {
  byCreationTimestamp,
  deploymentReplicas,
  filterActiveReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  rsReplicas,
  type Ctx,
  type Deployment,
  type ReplicaSet,
} from "./util";

export function rolloutRolling(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[]): ReconcileResult {
  const found = getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
  if (isResult(found)) return found;
  const { oldRSs } = found;
  const newRS = found.newRS!; // created above when missing
  const allRSs = [...oldRSs, newRS];
  const plan = new ScalePlan(d);

  if (reconcileNewReplicaSet(plan, allRSs, newRS, d) || reconcileOldReplicaSets(plan, allRSs, filterActiveReplicaSets(oldRSs), newRS, d)) {
    return syncRolloutStatus(ctx, allRSs, newRS, d, plan.writes());
  }
  // An aborted unhealthy cleanup may still have resized some ReplicaSets (upstream's calls went out).
  const deletes = deploymentComplete(d, d.status) ? cleanupDeployment(oldRSs, d) : [];
  return syncRolloutStatus(ctx, allRSs, newRS, d, [...plan.writes(), ...deletes]);
}

/**
 * reconcileNewReplicaSet: shrink a new ReplicaSet above spec.replicas back to it, else grow it as
 * far as newRSNewReplicas allows. 3 replicas, surge 1, old RS 3 → new RS 0 → 1.
 */
export function reconcileNewReplicaSet(plan: ScalePlan, allRSs: readonly ReplicaSet[], newRS: ReplicaSet, d: Deployment): boolean {
  const replicas = deploymentReplicas(d);
  if (rsReplicas(newRS) === replicas) return false;
  if (rsReplicas(newRS) > replicas) return plan.scaleAndRecordEvent(newRS, replicas);
  return plan.scaleAndRecordEvent(newRS, newRSNewReplicas(d, allRSs, newRS));
}

/**
 * reconcileOldReplicaSets: how far old ReplicaSets may shrink is
 *   maxScaledDown = all pods wanted − minAvailable − new RS pods not yet available,
 * so pods of a broken new ReplicaSet never let healthy old ones go. Within that, first the old
 * ReplicaSets' unavailable pods (they cost nothing), then available ones down to minAvailable.
 *
 * Upstream's example: 10 replicas, maxUnavailable 2, maxSurge 3; the new RS grew to 5 and crashloops
 * with old RSs at 8: 13 − 8 − 5 = 0, nothing more goes. After an undo to the good RS only 1 new pod
 * is unavailable: 13 − 8 − 1 = 4 crashlooping pods may go.
 */
export function reconcileOldReplicaSets(plan: ScalePlan, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], newRS: ReplicaSet, d: Deployment): boolean {
  if (getReplicaCountForReplicaSets(oldRSs) === 0) return false;
  const allPodsCount = getReplicaCountForReplicaSets(allRSs);
  const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
  const newRSUnavailablePodCount = rsReplicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailablePodCount;
  if (maxScaledDown <= 0) return false;
  const cleaned = cleanupUnhealthyReplicas(plan, oldRSs, maxScaledDown);
  if (cleaned === undefined) return false;
  const scaledDown = scaleDownOldReplicaSetsForRollingUpdate(plan, allRSs, oldRSs, d);
  return cleaned + scaledDown > 0;
}

/**
 * cleanupUnhealthyReplicas: oldest first, drop each old ReplicaSet's unavailable pods, at most
 * `maxCleanupCount` in all (issue #16737: otherwise they block the rollout until it times out).
 * An old ReplicaSet reporting more available pods than it wants (its status lags a scale-down) is
 * upstream's "invalid request to scale down" error: undefined, and no scale-down this pass.
 */
export function cleanupUnhealthyReplicas(plan: ScalePlan, oldRSs: readonly ReplicaSet[], maxCleanupCount: number): number | undefined {
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= maxCleanupCount) break;
    const replicas = plan.replicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanupCount - total, replicas - available);
    if (count < 0) return undefined;
    plan.scaleAndRecordEvent(rs, replicas - count);
    total += count;
  }
  return total;
}

/**
 * scaleDownOldReplicaSetsForRollingUpdate: oldest first, remove available old pods while more than
 * minAvailable are available. 3 replicas, maxUnavailable 0, 4 available (3 old + 1 new) → old −1.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(plan: ScalePlan, allRSs: readonly ReplicaSet[], oldRSs: readonly ReplicaSet[], d: Deployment): number {
  const minAvailable = deploymentReplicas(d) - maxUnavailable(d);
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  if (available <= minAvailable) return 0;
  const totalScaleDownCount = available - minAvailable;
  let total = 0;
  for (const rs of [...oldRSs].sort(byCreationTimestamp)) {
    if (total >= totalScaleDownCount) break;
    const replicas = plan.replicas(rs);
    if (replicas === 0) continue;
    const count = Math.min(replicas, totalScaleDownCount - total);
    plan.scaleAndRecordEvent(rs, replicas - count);
    total += count;
  }
  return total;
}
