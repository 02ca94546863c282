/**
 * StatefulSet status, after upstream's computeReplicaStatus, updateStatus, completeRollingUpdate
 * and inconsistentStatus: counts over the set's pods, the two revision names, and the collision
 * count; written only when it differs.
 */
import type { StatefulSetStatus } from "kubernetes-types/apps/v1";
import { deepEqual } from "../../api/deepEqual";
import type { KObject } from "../../api/types";
import { isRunningAndAvailable, isRunningAndReady, isTerminating, podRevision, type StatefulSet } from "./util";

export interface StatusInputs {
  /** Every pod of the set with a valid ordinal (in range or condemned). */
  pods: readonly KObject[];
  minReadySeconds: number;
  now: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
  /** Pods deleted this pass for the update: no longer counted as current (status.CurrentReplicas--). */
  deletedForUpdate: number;
}

/**
 * computeReplicaStatus + completeRollingUpdate.
 *   3 pods at r1, ready, update r2 → { replicas 3, ready 3, available 3, current 3, updated 0 }
 *   RollingUpdate and all 3 at r2 and ready → currentRevision becomes r2, currentReplicas 3
 */
export function computeStatus(set: StatefulSet, inputs: StatusInputs): StatefulSetStatus {
  let replicas = 0;
  let ready = 0;
  let available = 0;
  let current = 0;
  let updated = 0;
  for (const pod of inputs.pods) {
    replicas++;
    if (isRunningAndReady(pod)) {
      ready++;
      if (isRunningAndAvailable(pod, inputs.minReadySeconds, inputs.now)) available++;
    }
    if (!isTerminating(pod)) {
      if (podRevision(pod) === inputs.currentRevision) current++;
      if (podRevision(pod) === inputs.updateRevision) updated++;
    }
  }
  current -= inputs.deletedForUpdate;
  let currentRevision = inputs.currentRevision;
  if ((set.spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate" && updated === replicas && ready === replicas) {
    current = updated;
    currentRevision = inputs.updateRevision;
  }
  // Go's omitempty: zero counts and empty names vanish, but replicas, availableReplicas and a set collisionCount stay.
  const status: StatefulSetStatus = { replicas, availableReplicas: available, collisionCount: inputs.collisionCount };
  if (set.metadata.generation) status.observedGeneration = set.metadata.generation;
  if (ready) status.readyReplicas = ready;
  if (current) status.currentReplicas = current;
  if (updated) status.updatedReplicas = updated;
  if (currentRevision) status.currentRevision = currentRevision;
  if (inputs.updateRevision) status.updateRevision = inputs.updateRevision;
  const conditions = set.status?.conditions;
  if (conditions?.length) status.conditions = conditions;
  return status;
}

/** The status write, when anything differs. */
export function statusChanged(set: StatefulSet, next: StatefulSetStatus): boolean {
  return !deepEqual(set.status ?? {}, next);
}
