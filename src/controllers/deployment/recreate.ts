/**
 * The Recreate strategy (upstream recreate.go): scale every old ReplicaSet to 0, wait until none of
 * their pods is left running (terminating pods count), and only then create the new ReplicaSet at
 * full size — so old and new pods never run side by side.
 */
import type { Pod } from "kubernetes-types/core/v1";
import { labelSelectorFromSpec, matchesLabels } from "../../api/selectors";
import type { ReconcileResult } from "../types";
import { getAllReplicaSetsAndSyncRevision, isResult } from "./newReplicaSet";
import { deploymentComplete, syncRolloutStatus } from "./progress";
import { ScalePlan, cleanupDeployment } from "./sync";
import {
  PODS,
  deploymentReplicas,
  filterActiveReplicaSets,
  getActualReplicaCountForReplicaSets,
  rsReplicas,
  type Ctx,
  type Deployment,
  type ReplicaSet,
} from "./util";

export function rolloutRecreate(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[]): ReconcileResult {
  // No new ReplicaSet yet: creating it before the old pods are gone would scale up first.
  let found = getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  if (isResult(found)) return found;
  const plan = new ScalePlan(d);

  let scaledDown = false;
  for (const rs of filterActiveReplicaSets(found.oldRSs)) scaledDown = plan.scaleAndRecordEvent(rs, 0) || scaledDown;
  if (scaledDown) return syncRolloutStatus(ctx, [...found.oldRSs, found.newRS], found.newRS, d, plan.writes());

  if (oldPodsRunning(ctx, d, found.newRS, found.oldRSs)) return syncRolloutStatus(ctx, [...found.oldRSs, found.newRS], found.newRS, d);

  if (!found.newRS) {
    found = getAllReplicaSetsAndSyncRevision(ctx, d, rsList, true);
    if (isResult(found)) return found;
  }
  const { newRS, oldRSs } = found;
  if (newRS && rsReplicas(newRS) !== deploymentReplicas(d)) plan.scaleAndRecordEvent(newRS, deploymentReplicas(d));
  const deletes = deploymentComplete(d, d.status) ? cleanupDeployment(oldRSs, d) : [];
  return syncRolloutStatus(ctx, [...oldRSs, newRS], newRS, d, [...plan.writes(), ...deletes]);
}

/**
 * oldPodsRunning: an old ReplicaSet still reports pods, or a pod of one (selected by the deployment,
 * controlled by an old ReplicaSet) is not Succeeded or Failed — Unknown counts as running.
 */
export function oldPodsRunning(ctx: Ctx, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  let selector;
  try {
    selector = labelSelectorFromSpec(d.spec.selector);
  } catch {
    return false;
  }
  return oldRSs.some((rs) =>
    rs.metadata.uid !== newRS?.metadata.uid &&
    ctx.snapshot.ownedBy(PODS, rs.metadata.uid!).some((p) => {
      const phase = (p as unknown as Pod).status?.phase;
      return matchesLabels(selector, p.metadata.labels) && phase !== "Succeeded" && phase !== "Failed";
    }),
  );
}
