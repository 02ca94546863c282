/**
 * ReplicaSet / ReplicationController status, after upstream's replica_set_utils.go
 * (calculateStatus, updateReplicaSetStatus, the ReplicaFailure condition helpers). The status is a
 * pure function of the claimed pods; the controller writes it only when it differs.
 */
import type { ReplicaSetCondition, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import { deepEqual } from "../../api/deepEqual";
import { matchesLabels, labelSelectorFromSpec } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { isPodAvailable, isPodReady } from "./activePods";
import { rfc3339 } from "../../api/time";

export const REPLICA_FAILURE = "ReplicaFailure";


export interface StatusInputs {
  /** The owner's pods after the claim (active, matching, controlled by it). */
  pods: readonly KObject[];
  now: number;
  minReadySeconds: number;
  /** A pod create/delete of this owner failed: set ReplicaFailure (kept as it is when already set). */
  failure?: { reason: "FailedCreate" | "FailedDelete"; message: string };
  /** Nothing is left to create or delete: the failure, if any, is over. */
  clearFailure?: boolean;
}

/**
 * calculateStatus. Zero counts are left out as upstream's omitempty fields are (replicas always
 * shows). observedGeneration is the owner's generation, as updateReplicaSetStatus sets it.
 *   3 pods, all ready, one ready for 5 s of minReadySeconds 10
 *   → { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 2 }
 */
export function calculateStatus(owner: KObject, inputs: StatusInputs): ReplicaSetStatus {
  const templateLabels = (owner.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata?.labels ?? {};
  const templateSelector = labelSelectorFromSpec({ matchLabels: templateLabels });
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of inputs.pods) {
    if (matchesLabels(templateSelector, pod.metadata.labels)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, inputs.minReadySeconds, inputs.now)) available++;
    }
  }
  const current = (owner.status ?? {}) as ReplicaSetStatus;
  let conditions = [...(current.conditions ?? [])];
  const failed = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (inputs.failure && !failed) {
    conditions.push({ type: REPLICA_FAILURE, status: "True", lastTransitionTime: rfc3339(inputs.now), reason: inputs.failure.reason, message: inputs.failure.message });
  } else if (!inputs.failure && inputs.clearFailure && failed) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  const status: ReplicaSetStatus = { replicas: inputs.pods.length };
  if (fullyLabeled) status.fullyLabeledReplicas = fullyLabeled;
  if (ready) status.readyReplicas = ready;
  if (available) status.availableReplicas = available;
  const generation = owner.metadata.generation;
  if (generation) status.observedGeneration = generation;
  else if (current.observedGeneration) status.observedGeneration = current.observedGeneration;
  if (conditions.length) status.conditions = conditions as ReplicaSetCondition[];
  return status;
}

/** updateReplicaSetStatus's short cut: nothing to write when every field already says so. */
export function statusChanged(owner: KObject, next: ReplicaSetStatus): boolean {
  return !deepEqual(owner.status ?? {}, next);
}
