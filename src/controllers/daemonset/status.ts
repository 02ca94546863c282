/**
 * DaemonSet status, after upstream's updateDaemonSetStatus and storeDaemonSetStatus: per node that
 * should run the pod, whether one is scheduled there and whether the oldest one is ready,
 * available and updated; pods on nodes that should not run one are misscheduled.
 */
import type { DaemonSetStatus } from "kubernetes-types/apps/v1";
import { deepEqual } from "../../api/deepEqual";
import type { KObject } from "../../api/types";
import { isPodAvailable, isPodReady } from "../replicaset/activePods";
import { byCreationTimestampAndPhase, isPodUpdated, nodeShouldRunDaemonPod, templateGeneration, type DaemonSet, type Node } from "./util";

/**
 * The status for these nodes and pods.
 *   3 nodes, pods on all (one not ready yet), a 4th node tainted NoSchedule with a pod still there
 *   → desired 3, current 3, ready 2, available 2, unavailable 1, misscheduled 1
 */
export function computeStatus(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, KObject[]>, hash: string, now: number, collisionCount: number | undefined): DaemonSetStatus {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let available = 0;
  const generation = templateGeneration(ds);
  const minReady = ds.spec.minReadySeconds ?? 0;
  for (const node of nodes) {
    const pods = byNode.get(node.metadata.name!) ?? [];
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) {
      if (pods.length) misscheduled++;
      continue;
    }
    desired++;
    if (!pods.length) continue;
    current++;
    const pod = [...pods].sort(byCreationTimestampAndPhase)[0];
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, now)) available++;
    }
    if (isPodUpdated(pod, hash, generation)) updated++;
  }
  // Go's omitempty: the four counts always show, the rest only when non-zero.
  const status: DaemonSetStatus = { currentNumberScheduled: current, numberMisscheduled: misscheduled, desiredNumberScheduled: desired, numberReady: ready };
  if (ds.metadata.generation) status.observedGeneration = ds.metadata.generation;
  if (updated) status.updatedNumberScheduled = updated;
  if (available) status.numberAvailable = available;
  if (desired - available) status.numberUnavailable = desired - available;
  if (collisionCount !== undefined) status.collisionCount = collisionCount;
  if (ds.status?.conditions?.length) status.conditions = ds.status.conditions;
  return status;
}

export function statusChanged(ds: DaemonSet, next: DaemonSetStatus): boolean {
  return !deepEqual(ds.status ?? {}, next);
}
