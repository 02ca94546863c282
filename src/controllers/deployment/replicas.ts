/**
 * Replica arithmetic of a rolling update, as upstream's deployment_util.go and intstr: how many pods
 * may be added (maxSurge, rounded up) or missing (maxUnavailable, rounded down), how far the new
 * ReplicaSet may grow, and how a scaling event is shared among the ReplicaSets in proportion.
 * Pure functions of numbers and objects; the worked examples are upstream's.
 */
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION, deploymentReplicas, getReplicaCountForReplicaSets, isRollingUpdate, rsReplicas, type Deployment, type ReplicaSet } from "./util";

export type IntOrPercent = number | string | undefined;

/**
 * intstr.GetScaledValueFromIntOrPercent: an absolute number as is; "25%" of `total`, rounded up
 * (maxSurge) or down (maxUnavailable). "25%" of 10 → 2.5 → 3 up, 2 down. A string that is not a
 * percentage is an error (validation keeps those out of stored deployments).
 */
export function getScaledValueFromIntOrPercent(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === "number") return value;
  const match = /^(-?\d+)%$/.exec(value);
  if (!match) throw new Error(`invalid value for IntOrString: invalid type: string is not a percentage`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/**
 * ResolveFenceposts: maxSurge (rounded up) and maxUnavailable (rounded down) for `desired` replicas,
 * resolved together because both may not be 0: when rounding makes them so, one pod may be
 * unavailable (surge might be blocked by quota).
 *
 *   10 desired, 25%/25%  → surge 3, unavailable 2
 *    3 desired, 25%/25%  → surge 1, unavailable 0
 *    2 desired, surge 0%, unavailable 1% → 0 and 1: scale old −1, then new +1, then old −1, new +1
 *    2 desired, surge 1%, unavailable 25% → 1 and 0: scale new +1, then old −1, then new +1, old −1
 */
export function resolveFenceposts(maxSurge: IntOrPercent, maxUnavailable: IntOrPercent, desired: number): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = getScaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

function fenceposts(d: Deployment): { surge: number; unavailable: number } {
  const ru = d.spec.strategy?.rollingUpdate;
  try {
    return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, deploymentReplicas(d));
  } catch {
    return { surge: 0, unavailable: 0 }; // "Error caught by validation", as upstream says
  }
}

/** MaxSurge: how many pods above spec.replicas a rolling deployment may run; 0 for Recreate. */
export function maxSurge(d: Deployment): number {
  return isRollingUpdate(d) ? fenceposts(d).surge : 0;
}

/**
 * MaxUnavailable: how many of spec.replicas may be unavailable; 0 for Recreate and for 0 replicas,
 * and never more than spec.replicas ("100%" of 3 → 3; an absolute 5 of 3 → 3).
 */
export function maxUnavailable(d: Deployment): number {
  const replicas = deploymentReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d).unavailable, replicas);
}

/** MinAvailable: spec.replicas − maxUnavailable for a rolling deployment, 0 for Recreate. */
export function minAvailable(d: Deployment): number {
  return isRollingUpdate(d) ? deploymentReplicas(d) - maxUnavailable(d) : 0;
}

/**
 * NewRSNewReplicas: the size the new ReplicaSet may grow to now. Rolling: up to replicas + maxSurge
 * pods in all, never past spec.replicas — 6 desired, surge 10, new RS 2, others 5 → 6; 1 desired,
 * surge 1, new RS 5, others 5 → stays 5. Recreate: spec.replicas at once (old pods are gone by then).
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  if (!isRollingUpdate(d)) return deploymentReplicas(d);
  const surge = getScaledValueFromIntOrPercent(d.spec.strategy?.rollingUpdate?.maxSurge, deploymentReplicas(d), true);
  const currentPodCount = getReplicaCountForReplicaSets(allRSs);
  const maxTotalPods = deploymentReplicas(d) + surge;
  if (currentPodCount >= maxTotalPods) return rsReplicas(newRS);
  const scaleUpCount = Math.min(maxTotalPods - currentPodCount, deploymentReplicas(d) - rsReplicas(newRS));
  return rsReplicas(newRS) + scaleUpCount;
}

/** An integer annotation of a ReplicaSet (getIntFromAnnotation): undefined when absent or not a number. */
function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const value = rs.metadata.annotations?.[key];
  return value !== undefined && /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

export const getDesiredReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
export const getMaxReplicasAnnotation = (rs: ReplicaSet) => intAnnotation(rs, MAX_REPLICAS_ANNOTATION);

/** integer.RoundToInt32: halves away from zero (2.5 → 3, −2.5 → −3), unlike Math.round; never −0. */
export function roundToInt32(a: number): number {
  return Math.trunc(a < 0 ? a - 0.5 : a + 0.5) + 0;
}

/**
 * getReplicaSetFraction: this ReplicaSet's share of the deployment's new size (replicas + maxSurge),
 * in proportion to its share of the size it was last sized for (its max-replicas annotation,
 * falling back to status.replicas), minus what it has. Scaling to 0 takes all of it.
 *
 *   RS of 8 sized for 13 (10 + surge 3), deployment now 15 + 3 = 18 → round(8·18/13) − 8 = +3
 */
export function getReplicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (deploymentReplicas(d) === 0) return -rsReplicas(rs);
  const deploymentSize = deploymentReplicas(d) + maxSurge(d);
  const annotated = getMaxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  // Never scaled proportionally from zero, so annotated is not 0 here (as upstream assumes).
  return roundToInt32((rsReplicas(rs) * deploymentSize) / annotated) - rsReplicas(rs);
}

/**
 * GetProportion: what to add to (or, negative, remove from) this ReplicaSet out of `toAdd`, given
 * `added` so far; never beyond what is left. Docs example (10 → 15, surge 3, old RS 8, new RS 5,
 * both sized for 13; toAdd 18 − 13 = 5): old +3 (8·18/13 = 11.08), then new +2 (5·18/13 = 6.9).
 */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || rsReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = getReplicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * IsSaturated: the new ReplicaSet holds all spec.replicas, was sized for them (desired-replicas
 * annotation) and has them all available; old ReplicaSets can then go to 0.
 */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = getDesiredReplicasAnnotation(rs);
  const replicas = deploymentReplicas(d);
  return desired !== undefined && rsReplicas(rs) === replicas && desired === replicas && (rs.status?.availableReplicas ?? 0) === replicas;
}
