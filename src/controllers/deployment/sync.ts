/**
 * Scaling and cleanup (upstream sync.go): a scaling event or a paused deployment resizes its
 * ReplicaSets — all of it to the only active one, or proportionally to all active ones mid-rollout —
 * and old ReplicaSets beyond revisionHistoryLimit are deleted once they hold no pods.
 */
import type { ReconcileResult, Write } from "../types";
import { getAllReplicaSetsAndSyncRevision, isResult } from "./newReplicaSet";
import { syncDeploymentStatus } from "./progress";
import { getDesiredReplicasAnnotation, getProportion, isSaturated, maxSurge } from "./replicas";
import { replicasAnnotationsNeedUpdate, setReplicasAnnotations } from "./revision";
import { getRollbackTo } from "./rollback";
import {
  COMPONENT,
  REPLICA_SETS,
  byCreationTimestamp,
  byRevision,
  bySizeNewer,
  bySizeOlder,
  clone,
  deploymentReplicas,
  filterActiveReplicaSets,
  getReplicaCountForReplicaSets,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  rsReplicas,
  type Ctx,
  type Deployment,
  type ReplicaSet,
} from "./util";

/**
 * The ReplicaSet resizes one pass decides (scaleReplicaSet / scaleReplicaSetAndRecordEvent). A
 * ReplicaSet resized twice in a pass (unhealthy cleanup, then scale-down) is written once, at its
 * final size, with both ScalingReplicaSet events; every write carries the desired/max-replicas
 * annotations for the deployment's current size.
 */
export class ScalePlan {
  private readonly copies = new Map<string, ReplicaSet>();
  private readonly events: Write[] = [];

  constructor(private readonly d: Deployment) {}

  /** The size this pass has given the ReplicaSet so far. */
  replicas(rs: ReplicaSet): number {
    return rsReplicas(this.copies.get(rs.metadata.name!) ?? rs);
  }

  /** The planned sizes by ReplicaSet name (for tests and logs). */
  sizes(): Record<string, number> {
    return Object.fromEntries([...this.copies].map(([name, rs]) => [name, rsReplicas(rs)]));
  }

  /** scaleReplicaSetAndRecordEvent: nothing when the size is already right. */
  scaleAndRecordEvent(rs: ReplicaSet, newScale: number): boolean {
    const current = this.replicas(rs);
    if (current === newScale) return false;
    return this.scaleReplicaSet(rs, newScale, current < newScale ? "up" : "down");
  }

  /**
   * scaleReplicaSet: resize and refresh the replica annotations; an event "Scaled up replica set
   * web-5d4f8c7b9 from 1 to 3" when the size changes. True if it did.
   */
  scaleReplicaSet(rs: ReplicaSet, newScale: number, operation: string): boolean {
    const name = rs.metadata.name!;
    const planned = this.copies.get(name);
    const oldScale = rsReplicas(planned ?? rs);
    const desired = deploymentReplicas(this.d);
    const max = desired + maxSurge(this.d);
    const sizeNeedsUpdate = oldScale !== newScale;
    if (!sizeNeedsUpdate && !replicasAnnotationsNeedUpdate(planned ?? rs, desired, max)) return false;
    const copy = planned ?? clone(rs);
    copy.spec.replicas = newScale;
    setReplicasAnnotations(copy, desired, max);
    this.copies.set(name, copy);
    if (sizeNeedsUpdate) {
      const message = `Scaled ${operation} replica set ${name} from ${oldScale} to ${newScale}`;
      this.events.push({ op: "event", involved: this.d, type: "Normal", reason: "ScalingReplicaSet", message, component: COMPONENT });
    }
    return sizeNeedsUpdate;
  }

  /** One update per resized ReplicaSet, then the events. */
  writes(): Write[] {
    return [...[...this.copies.values()].map((object): Write => ({ op: "update", resource: REPLICA_SETS, object })), ...this.events];
  }
}

/**
 * FindActiveOrLatest: the only ReplicaSet with replicas; with none, the new one or else the newest
 * old one; undefined when several are active (then scaling is proportional).
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b, a));
  const active = filterActiveReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/**
 * scale: a scaling event (or a paused deployment) resizes without advancing the rollout. One active
 * ReplicaSet takes spec.replicas; a saturated new one lets the old ones go to 0; otherwise, for
 * RollingUpdate, replicas + maxSurge minus what all ask for is shared out by getProportion, largest
 * ReplicaSet first (newer first among equals when growing, older first when shrinking), and the
 * rounding leftover goes to the first (largest). 5 → 10 with old 3, new 2 (sized for 5): old 6, new 4.
 */
export function scale(plan: ScalePlan, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): void {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (rsReplicas(activeOrLatest) !== deploymentReplicas(d)) plan.scaleAndRecordEvent(activeOrLatest, deploymentReplicas(d));
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of filterActiveReplicaSets(oldRSs)) plan.scaleAndRecordEvent(old, 0);
    return;
  }
  if (!isRollingUpdate(d)) return;

  const allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allowedSize = deploymentReplicas(d) > 0 ? deploymentReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowedSize - getReplicaCountForReplicaSets(allRSs);
  let operation = "";
  if (toAdd > 0) {
    allRSs.sort(bySizeNewer);
    operation = "up";
  } else if (toAdd < 0) {
    allRSs.sort(bySizeOlder);
    operation = "down";
  }
  let added = 0;
  const sizes = allRSs.map((rs) => {
    if (toAdd === 0) return rsReplicas(rs);
    const proportion = getProportion(rs, d, toAdd, added);
    added += proportion;
    return rsReplicas(rs) + proportion;
  });
  if (toAdd !== 0 && sizes.length) sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  allRSs.forEach((rs, i) => plan.scaleReplicaSet(rs, sizes[i], operation));
}

/**
 * cleanupDeployment: keep revisionHistoryLimit old ReplicaSets; delete the lowest revisions beyond
 * that, but only those with no replicas wanted or running, whose spec their controller has seen,
 * and not already being deleted. Limit 1 with three empty old ones → the two lowest go.
 */
export function cleanupDeployment(oldRSs: readonly ReplicaSet[], d: Deployment): Write[] {
  if (!hasRevisionHistoryLimit(d)) return [];
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - d.spec.revisionHistoryLimit!;
  if (diff <= 0) return [];
  const writes: Write[] = [];
  for (const rs of [...cleanable].sort(byRevision).slice(0, diff)) {
    const status = rs.status ?? {};
    if ((status.replicas ?? 0) !== 0 || rsReplicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (status.observedGeneration ?? 0)) continue;
    writes.push({ op: "delete", resource: REPLICA_SETS, namespace: rs.metadata.namespace!, name: rs.metadata.name!, uid: rs.metadata.uid });
  }
  return writes;
}

/**
 * isScalingEvent: an active ReplicaSet was sized for another spec.replicas (its desired-replicas
 * annotation), so the user scaled the deployment. May instead end the pass with a revision sync.
 */
export function isScalingEvent(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[]): boolean | ReconcileResult {
  const found = getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  if (isResult(found)) return found;
  return filterActiveReplicaSets([...found.oldRSs, found.newRS]).some((rs) => {
    const desired = getDesiredReplicasAnnotation(rs);
    return desired !== undefined && desired !== deploymentReplicas(d);
  });
}

/** sync: scaling events and paused deployments — resize, clean up if paused, record status. */
export function sync(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[]): ReconcileResult {
  const found = getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  if (isResult(found)) return found;
  const plan = new ScalePlan(d);
  scale(plan, d, found.newRS, found.oldRSs);
  const deletes = d.spec.paused && getRollbackTo(d) === undefined ? cleanupDeployment(found.oldRSs, d) : [];
  return syncDeploymentStatus(ctx, [...found.oldRSs, found.newRS], found.newRS, d, [...plan.writes(), ...deletes]);
}

/** syncStatusOnly: a deployment being deleted only reports. */
export function syncStatusOnly(ctx: Ctx, d: Deployment, rsList: readonly ReplicaSet[]): ReconcileResult {
  const found = getAllReplicaSetsAndSyncRevision(ctx, d, rsList, false);
  if (isResult(found)) return found;
  return syncDeploymentStatus(ctx, [...found.oldRSs, found.newRS], found.newRS, d);
}
