/**
 * Deployment status and its conditions (upstream sync.go calculateStatus, progress.go and the
 * condition helpers of deployment_util.go): the counts `kubectl rollout status` compares, the
 * Available and Progressing conditions with upstream's reasons, messages and timestamp rules, and
 * the progress deadline — checked again by a "requeue after" rather than a timer.
 */
import type { DeploymentCondition, DeploymentStatus } from "kubernetes-types/apps/v1";
import { deepEqual } from "../../api/deepEqual";
import { rfc3339 } from "../../api/rest";
import { done, type ReconcileResult, type Write } from "../types";
import { maxUnavailable } from "./replicas";
import {
  AVAILABLE,
  DEPLOYMENTS,
  PROGRESSING,
  REASON,
  REPLICA_FAILURE,
  clone,
  deploymentReplicas,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  hasProgressDeadline,
  type Ctx,
  type Deployment,
  type ReplicaSet,
} from "./util";

type MaybeRS = ReplicaSet | undefined;

// ---------------------------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------------------------

/** NewDeploymentCondition: both timestamps now (the JSON key order is Go's). */
export function newDeploymentCondition(type: string, status: "True" | "False" | "Unknown", reason: string, message: string, now: number): DeploymentCondition {
  const at = rfc3339(new Date(now));
  return { type, status, lastUpdateTime: at, lastTransitionTime: at, reason, message };
}

export function getDeploymentCondition(status: DeploymentStatus | undefined, type: string): DeploymentCondition | undefined {
  return status?.conditions?.find((c) => c.type === type);
}

/**
 * SetDeploymentCondition: same status and reason → nothing changes (not even the message or
 * lastUpdateTime); same status, new reason → lastTransitionTime kept. The condition moves to the end.
 */
export function setDeploymentCondition(status: DeploymentStatus, condition: DeploymentCondition): void {
  const current = getDeploymentCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeDeploymentCondition(status: DeploymentStatus, type: string): void {
  const rest = (status.conditions ?? []).filter((c) => c.type !== type);
  if (rest.length) status.conditions = rest;
  else delete status.conditions;
}

// ---------------------------------------------------------------------------------------------
// Status
// ---------------------------------------------------------------------------------------------

/**
 * The status as the apiserver serializes it: Go's omitempty drops zero counts (a fresh deployment
 * has no `unavailableReplicas: 0`); collisionCount is a pointer and stays when set.
 */
export function wireStatus(s: DeploymentStatus): DeploymentStatus {
  const out: DeploymentStatus = {};
  for (const key of ["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas"] as const) {
    if (s[key]) out[key] = s[key];
  }
  if (s.conditions?.length) out.conditions = s.conditions;
  if (s.collisionCount !== undefined && s.collisionCount !== null) out.collisionCount = s.collisionCount;
  return out;
}

/**
 * calculateStatus: counts from the ReplicaSets (replicas and updatedReplicas are pods that exist;
 * unavailableReplicas is what they ask for minus what is available, floored at 0), the conditions
 * carried over, and Available set by minimum availability (replicas − maxUnavailable; for Recreate
 * that is all of them).
 */
export function calculateStatus(allRSs: readonly MaybeRS[], newRS: MaybeRS, d: Deployment, now: number): DeploymentStatus {
  const available = getAvailableReplicaCountForReplicaSets(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation,
    replicas: getActualReplicaCountForReplicaSets(allRSs),
    updatedReplicas: getActualReplicaCountForReplicaSets([newRS]),
    readyReplicas: getReadyReplicaCountForReplicaSets(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, getReplicaCountForReplicaSets(allRSs) - available),
    conditions: clone(d.status?.conditions ?? []),
    collisionCount: d.status?.collisionCount,
  };
  if (available >= deploymentReplicas(d) - maxUnavailable(d)) {
    setDeploymentCondition(status, newDeploymentCondition(AVAILABLE, "True", REASON.minimumReplicasAvailable, "Deployment has minimum availability.", now));
  } else {
    setDeploymentCondition(status, newDeploymentCondition(AVAILABLE, "False", REASON.minimumReplicasUnavailable, "Deployment does not have minimum availability.", now));
  }
  return status;
}

/** DeploymentComplete: every desired replica updated and available, no old pods, spec observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus | undefined): boolean {
  const replicas = deploymentReplicas(d);
  return (s?.updatedReplicas ?? 0) === replicas && (s?.replicas ?? 0) === replicas && (s?.availableReplicas ?? 0) === replicas &&
    (s?.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/**
 * DeploymentProgressing: compared with the recorded status, more updated, ready or available pods,
 * or fewer old ones. 10 pods, 4 updated → 6 updated: progressing; 7 updated → 6: not.
 */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (s.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) || newOld < oldOld ||
    (s.readyReplicas ?? 0) > (old.readyReplicas ?? 0) || (s.availableReplicas ?? 0) > (old.availableReplicas ?? 0);
}

/** progressDeadlineSeconds in milliseconds of simulated time. */
export const progressDeadlineMs = (d: Deployment, timeScale: number): number => (d.spec.progressDeadlineSeconds ?? 0) * 1000 * timeScale;

/**
 * DeploymentTimedOut: the Progressing condition was last updated more than progressDeadlineSeconds
 * ago (lastUpdateTime + deadline before now), or already says ProgressDeadlineExceeded. A completed
 * rollout (NewReplicaSetAvailable) never times out.
 */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, now: number, timeScale = 1): boolean {
  if (!hasProgressDeadline(d)) return false;
  const condition = getDeploymentCondition(s, PROGRESSING);
  if (!condition) return false;
  if (condition.reason === REASON.newRSAvailable) return false;
  if (condition.reason === REASON.timedOut) return true;
  const from = Date.parse(condition.lastUpdateTime ?? "");
  return Number.isFinite(from) && from + progressDeadlineMs(d, timeScale) < now;
}

const rsOrDeployment = (d: Deployment, newRS: MaybeRS, what: string) =>
  newRS ? `ReplicaSet "${newRS.metadata.name}" ${what}` : `Deployment "${d.metadata.name}" ${what}`;

/**
 * The status a rollout pass ends with (syncRolloutStatus minus the write): calculateStatus plus the
 * Progressing condition — NewReplicaSetAvailable once complete; ReplicaSetUpdated with a fresh
 * lastUpdateTime whenever progress shows (lastTransitionTime kept while it stays True);
 * ProgressDeadlineExceeded once the deadline passes without progress — and ReplicaFailure promoted
 * from the ReplicaSets (the new one's first).
 */
export function rolloutStatus(ctx: Ctx, allRSs: readonly MaybeRS[], newRS: MaybeRS, d: Deployment): DeploymentStatus {
  const status = calculateStatus(allRSs, newRS, d, ctx.now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(status, PROGRESSING);
  const current = getDeploymentCondition(d.status, PROGRESSING);
  const isCompleteDeployment = status.replicas === status.updatedReplicas && current?.reason === REASON.newRSAvailable;
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    if (deploymentComplete(d, status)) {
      setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, "True", REASON.newRSAvailable, rsOrDeployment(d, newRS, "has successfully progressed."), ctx.now));
    } else if (deploymentProgressing(d, status)) {
      const condition = newDeploymentCondition(PROGRESSING, "True", REASON.replicaSetUpdated, rsOrDeployment(d, newRS, "is progressing."), ctx.now);
      // Unlike setDeploymentCondition, progress refreshes lastUpdateTime even with the same reason.
      if (current) {
        if (current.status === "True") condition.lastTransitionTime = current.lastTransitionTime;
        removeDeploymentCondition(status, PROGRESSING);
      }
      setDeploymentCondition(status, condition);
    } else if (deploymentTimedOut(d, status, ctx.now, ctx.timeScale)) {
      setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, "False", REASON.timedOut, rsOrDeployment(d, newRS, "has timed out progressing."), ctx.now));
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setDeploymentCondition(status, failure);
  else removeDeploymentCondition(status, REPLICA_FAILURE);
  return status;
}

/** getReplicaFailures + ReplicaSetToDeploymentCondition: the new RS's failure first, else any RS's. */
function replicaFailure(allRSs: readonly MaybeRS[], newRS: MaybeRS): DeploymentCondition | undefined {
  for (const rs of [newRS, ...allRSs]) {
    const c = rs?.status?.conditions?.find((x) => x.type === REPLICA_FAILURE);
    if (c) return { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  }
  return undefined;
}

/**
 * requeueStuckDeployment: while a rollout is neither complete nor timed out, look again when its
 * deadline passes — lastUpdateTime + progressDeadlineSeconds − now, plus a second so the strict
 * "before" comparison holds (3 min since the last progress, 10 min deadline → in 7 min 1 s).
 */
export function requeueStuckDeployment(ctx: Ctx, d: Deployment, status: DeploymentStatus): number | undefined {
  const current = getDeploymentCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !current) return undefined;
  if (deploymentComplete(d, status) || current.reason === REASON.timedOut) return undefined;
  const from = Date.parse(current.lastUpdateTime ?? "");
  if (!Number.isFinite(from)) return undefined;
  const after = from + progressDeadlineMs(d, ctx.timeScale) - ctx.now;
  // Upstream requeues "now, rate limited" under a second; a second on our clock does the same job.
  return Math.max(after, 0) + 1000;
}

/** A status-subresource write of `d` with this status (and, when given, these annotations). */
export function statusWrite(d: Deployment, status: DeploymentStatus, annotations?: Record<string, string>): Write {
  const object = clone(d) as Deployment;
  object.status = wireStatus(status);
  if (annotations) object.metadata.annotations = annotations;
  return { op: "status", resource: DEPLOYMENTS, object };
}

const statusChanged = (d: Deployment, status: DeploymentStatus) => !deepEqual(wireStatus(status), d.status ?? {});

/** syncRolloutStatus: write the rollout status if it changed, else maybe come back at the deadline. */
export function syncRolloutStatus(ctx: Ctx, allRSs: readonly MaybeRS[], newRS: MaybeRS, d: Deployment, writes: Write[] = []): ReconcileResult {
  const status = rolloutStatus(ctx, allRSs, newRS, d);
  if (statusChanged(d, status)) return done([...writes, statusWrite(d, status)]);
  return done(writes, requeueStuckDeployment(ctx, d, status));
}

/** syncDeploymentStatus: the plain status (no Progressing estimate), written only if it changed. */
export function syncDeploymentStatus(ctx: Ctx, allRSs: readonly MaybeRS[], newRS: MaybeRS, d: Deployment, writes: Write[] = []): ReconcileResult {
  const status = calculateStatus(allRSs, newRS, d, ctx.now);
  return done(statusChanged(d, status) ? [...writes, statusWrite(d, status)] : writes);
}

/**
 * checkPausedConditions: Progressing goes Unknown/DeploymentPaused "Deployment is paused" when
 * paused, Unknown/DeploymentResumed "Deployment is resumed" when resumed, so time spent paused
 * never counts against the deadline. A timed-out deployment keeps saying so.
 */
export function checkPausedConditions(ctx: Ctx, d: Deployment): ReconcileResult | undefined {
  if (!hasProgressDeadline(d)) return undefined;
  const current = getDeploymentCondition(d.status, PROGRESSING);
  if (current?.reason === REASON.timedOut) return undefined;
  const pausedCondExists = current?.reason === REASON.paused;
  const status = clone(d.status ?? {});
  if (d.spec.paused && !pausedCondExists) {
    setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, "Unknown", REASON.paused, "Deployment is paused", ctx.now));
  } else if (!d.spec.paused && pausedCondExists) {
    setDeploymentCondition(status, newDeploymentCondition(PROGRESSING, "Unknown", REASON.resumed, "Deployment is resumed", ctx.now));
  } else {
    return undefined;
  }
  return done([statusWrite(d, status)]);
}
