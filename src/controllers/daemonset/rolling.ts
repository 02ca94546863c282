/**
 * The DaemonSet rolling update, after upstream's rollingUpdate, findUpdatedPodsOnNode and
 * updatedDesiredNodeCounts (update.go). Without surge, old pods are deleted — never more than
 * maxUnavailable nodes without an available pod — and manage() recreates them from the new
 * template once they are gone. With surge, a new pod starts beside an old one (up to maxSurge at a
 * time) and the old one goes once the new one is available.
 *
 * Nodes are visited in name order (upstream ranges over a map, in no order).
 */
import type { KObject } from "../../api/types";
import { isPodAvailable } from "../replicaset/activePods";
import type { Plan } from "./manage";
import { isPodUpdated, isTerminating, nodeShouldRunDaemonPod, surgeCount, templateGeneration, unavailableCount, type DaemonSet, type Node } from "./util";

/**
 * findUpdatedPodsOnNode: the node's one new and one old live pod; ok false when it has two of a kind
 * (manage() is still cleaning up).
 */
export function findUpdatedPodsOnNode(ds: DaemonSet, pods: readonly KObject[], hash: string): { newPod?: KObject; oldPod?: KObject; ok: boolean } {
  let newPod: KObject | undefined;
  let oldPod: KObject | undefined;
  const generation = templateGeneration(ds);
  for (const pod of pods) {
    if (isTerminating(pod)) continue;
    if (isPodUpdated(pod, hash, generation)) {
      if (newPod) return { ok: false };
      newPod = pod;
    } else {
      if (oldPod) return { ok: false };
      oldPod = pod;
    }
  }
  return { newPod, oldPod, ok: true };
}

/**
 * updatedDesiredNodeCounts: maxSurge and maxUnavailable of the nodes that should run the pod (each
 * such node gets an entry, possibly empty); both 0 would stall, so unavailability 1 is allowed then.
 *   3 nodes, maxUnavailable 0, maxSurge 0 → unavailable 1
 */
export function updatedDesiredNodeCounts(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, KObject[]>): { maxSurge: number; maxUnavailable: number; desired: number } {
  let desired = 0;
  for (const node of nodes) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(node.metadata.name!)) byNode.set(node.metadata.name!, []);
  }
  let maxUnavailable = unavailableCount(ds, desired);
  const maxSurge = surgeCount(ds, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, desired };
}

/** rollingUpdate: the deletes (no surge) or the creates and deletes (surge) of one pass. */
export function rollingUpdate(ds: DaemonSet, nodes: readonly Node[], podsByNode: Map<string, KObject[]>, hash: string, now: number): Plan {
  const byNode = new Map(podsByNode);
  const { maxSurge, maxUnavailable, desired } = updatedDesiredNodeCounts(ds, nodes, byNode);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const available = (pod: KObject) => isPodAvailable(pod, minReady, now);
  const entries = [...byNode.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const plan: Plan = { create: [], remove: [], events: [] };

  if (maxSurge === 0) {
    // Deleted pods do not count as unavailable, so an update makes progress past down nodes.
    let unavailable = 0;
    const replacements: KObject[] = [];
    const candidates: KObject[] = [];
    for (const [, pods] of entries) {
      const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, pods, hash);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) {
        unavailable++;
      } else if (newPod) {
        if (!available(newPod)) unavailable++;
      } else if (!available(oldPod!)) {
        replacements.push(oldPod!);
        unavailable++;
      } else if (unavailable < maxUnavailable) {
        candidates.push(oldPod!);
      }
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    plan.remove.push(...replacements, ...candidates.slice(0, room));
    return plan;
  }

  const nodeByName = new Map(nodes.map((n) => [n.metadata.name!, n]));
  const shouldRun = (name: string) => {
    const node = nodeByName.get(name);
    return !!node && nodeShouldRunDaemonPod(node, ds).shouldRun;
  };
  let surging = 0;
  let availableCount = 0;
  const allowedNew: string[] = [];
  const candidateNew: string[] = [];
  const shouldNotRun: KObject[] = [];
  for (const [name, pods] of entries) {
    const { newPod, oldPod, ok } = findUpdatedPodsOnNode(ds, pods, hash);
    if (!ok) {
      surging++;
      continue;
    }
    if (oldPod ? available(oldPod) : newPod && available(newPod)) availableCount++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(oldPod)) {
        if (!shouldRun(name)) plan.remove.push(oldPod);
        else allowedNew.push(name);
      } else if (!shouldRun(name)) {
        shouldNotRun.push(oldPod);
      } else if (surging < maxSurge) {
        candidateNew.push(name);
      }
      continue;
    }
    if (!available(newPod)) {
      surging++;
      continue;
    }
    plan.remove.push(oldPod);
  }
  // With surge the owner expects full availability: a pod on a node the set no longer wants goes
  // only once enough pods elsewhere are available.
  const deletable = Math.min(Math.max(0, availableCount - desired), shouldNotRun.length);
  plan.remove.push(...shouldNotRun.slice(0, deletable));
  const room = Math.min(Math.max(0, maxSurge - surging), candidateNew.length);
  plan.create.push(...allowedNew, ...candidateNew.slice(0, room));
  return plan;
}
