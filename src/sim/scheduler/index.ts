/**
 * The default scheduler as a controller: one key per pending pod ("namespace/name") that names no
 * node, asks for `default-scheduler` and is not being deleted. A pass runs one scheduling cycle
 * (schedule.ts) and either binds the pod (plus the Scheduled event) or records why it cannot run
 * (PodScheduled=False/Unschedulable plus a FailedScheduling event).
 *
 * Like upstream's unschedulable queue, a pod that fits nowhere is not retried on a timer: `keysFor`
 * requeues the unschedulable pods when something that could make room happens — a node appears or
 * changes its allocatable, labels, taints or schedulability, or a bound pod goes away or finishes.
 * The one exception is a pod waiting for the pods its affinity needs (they may be scheduled a moment
 * later); it retries with a back-off.
 */
import type { Pod, PodCondition } from "kubernetes-types/core/v1";
import { deepEqual } from "../../api/deepEqual";
import type { KObject } from "../../api/types";
import { done, keyOf, splitKey, type Controller, type ObjectChange, type Snapshot, type Write } from "../../controllers/types";
import type { SimulationSettings } from "../settings";
import { clusterView } from "./cluster";
import { isTerminal } from "./resources";
import { PREEMPTION_REASON } from "./preemption";
import { schedulePod } from "./schedule";
import { rfc3339 } from "../../api/time";

export { podRequests, podNonZeroRequests, nodeAllocatable, insufficientResources } from "./resources";
export { toleratesTaint, tolerationToleratesTaint, findUntoleratedTaint, matchingTolerations } from "./taints";
export { nodeMatchesSelectorAndAffinity, nodeSelectorTermMatches } from "./nodeAffinity";
export { schedulePod } from "./schedule";
export { fitErrorMessage } from "./messages";
export { podPriority, PREEMPTION_REASON } from "./preemption";
export { clusterView, nodeInfo } from "./cluster";

export const SCHEDULER_NAME = "default-scheduler";
const GATED_MESSAGE = "Scheduling is blocked due to non-empty scheduling gates";

/** A pod this scheduler should place: unbound, ours, alive and not finished. */
export function isPendingForUs(pod: KObject): boolean {
  const spec = (pod as Pod).spec;
  return !spec?.nodeName && (spec?.schedulerName || SCHEDULER_NAME) === SCHEDULER_NAME && !pod.metadata.deletionTimestamp && !isTerminal(pod);
}

function podScheduledCondition(pod: KObject): PodCondition | undefined {
  return (pod as Pod).status?.conditions?.find((c) => c.type === "PodScheduled");
}

/**
 * Pods marked unschedulable by an earlier attempt: the ones a freed resource or new node may help.
 * The unbound pods are read from the node index under "" (no node), which both stores serve without
 * reading every pod: this runs on every pod deletion, so listing all pods would make scaling a big
 * Deployment down quadratic.
 */
function unschedulablePodKeys(snapshot: Snapshot): string[] {
  const keys: string[] = [];
  for (const pod of snapshot.podsOnNode("")) {
    if (!isPendingForUs(pod)) continue;
    const c = podScheduledCondition(pod);
    if (c?.status === "False" && c.reason === "Unschedulable") keys.push(keyOf(pod));
  }
  return keys;
}

/** A node change the scheduler cares about (upstream's NodeAllocatable/Label/Taint/Spec update events). */
function nodeSchedulingChanged(prev: KObject, next: KObject): boolean {
  const p = prev as { spec?: { taints?: unknown; unschedulable?: boolean }; status?: { allocatable?: unknown } };
  const n = next as typeof p;
  return (
    !deepEqual(prev.metadata.labels, next.metadata.labels) ||
    !deepEqual(p.spec?.taints, n.spec?.taints) ||
    !!p.spec?.unschedulable !== !!n.spec?.unschedulable ||
    !deepEqual(p.status?.allocatable, n.status?.allocatable)
  );
}

function keysFor(change: ObjectChange, snapshot: Snapshot): string[] {
  const { object, previous } = change;
  if (change.resource === "nodes") {
    if (change.type === "ADDED" || (change.type === "MODIFIED" && (!previous || nodeSchedulingChanged(previous, object)))) return unschedulablePodKeys(snapshot);
    return [];
  }
  if (change.resource !== "pods") return [];
  const bound = !!(object as Pod).spec?.nodeName;
  if (change.type === "DELETED") return bound && !isTerminal(object) ? unschedulablePodKeys(snapshot) : [];
  if (!bound) {
    if (!isPendingForUs(object)) return [];
    // Our own status writes come back as MODIFIED: only a changed spec or labels is a new attempt
    // (upstream requeues an unschedulable pod on such updates too, not on status ones).
    const statusOnly = change.type === "MODIFIED" && previous && deepEqual((previous as Pod).spec, (object as Pod).spec) && deepEqual(previous.metadata.labels, object.metadata.labels);
    return statusOnly ? [] : [keyOf(object)];
  }
  // A bound pod that just finished frees its resources.
  if (change.type === "MODIFIED" && previous && !isTerminal(previous) && isTerminal(object)) return unschedulablePodKeys(snapshot);
  return [];
}


/**
 * UpdatePodCondition: set PodScheduled (and status.nominatedNodeName when preempting), keeping
 * lastTransitionTime when the status is unchanged. undefined when nothing would change.
 */
function withPodScheduled(pod: KObject, reason: string, message: string, now: number, nominatedNodeName?: string): KObject | undefined {
  const status = ((pod as Pod).status ?? {}) as NonNullable<Pod["status"]>;
  const old = status.conditions?.find((c) => c.type === "PodScheduled");
  const nominationChanges = nominatedNodeName !== undefined && status.nominatedNodeName !== nominatedNodeName;
  if (old && old.status === "False" && old.reason === reason && old.message === message && !nominationChanges) return undefined;
  const next = {
    type: "PodScheduled",
    status: "False",
    lastProbeTime: null,
    lastTransitionTime: old?.status === "False" && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(now),
    reason,
    message,
  } as unknown as PodCondition;
  const conditions = old ? status.conditions!.map((c) => (c === old ? next : c)) : [...(status.conditions ?? []), next];
  const nominated = nominatedNodeName !== undefined ? { nominatedNodeName } : {};
  return { ...pod, status: { ...status, phase: status.phase ?? "Pending", conditions, ...nominated } };
}

/**
 * prepareCandidate: each victim is marked as a disruption target, deleted, and told who preempted it.
 */
function evictVictims(preemptor: KObject, node: string, victims: readonly KObject[], now: number): Write[] {
  const writes: Write[] = [];
  const scheduler = (preemptor as Pod).spec?.schedulerName || SCHEDULER_NAME;
  for (const v of victims) {
    const status = ((v as Pod).status ?? {}) as NonNullable<Pod["status"]>;
    const condition = {
      type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: rfc3339(now),
      reason: PREEMPTION_REASON, message: `${scheduler}: preempting to accommodate a higher priority pod`,
    } as unknown as PodCondition;
    const conditions = [...(status.conditions ?? []).filter((c) => c.type !== "DisruptionTarget"), condition];
    writes.push({ op: "status", resource: "pods", object: { ...v, status: { ...status, conditions } } });
    writes.push({ op: "delete", resource: "pods", namespace: v.metadata.namespace!, name: v.metadata.name!, uid: v.metadata.uid });
    writes.push({ op: "event", involved: v, type: "Normal", reason: "Preempted", message: `Preempted by pod ${preemptor.metadata.uid} on node ${node}`, component: SCHEDULER_NAME });
  }
  return writes;
}

/** podMaxInUnschedulablePodsDuration: the longest a waiting pod goes without another attempt. */
const MAX_RETRY_MS = 5 * 60_000;

/**
 * Back-off for a pod waiting on pod affinity: about half its age, between 1 s and 5 min (scaled),
 * so it is retried quickly while its partners are being scheduled and rarely once it is clearly stuck.
 */
export function affinityRetryDelay(pod: KObject, now: number, timeScale: number): number {
  const created = Date.parse(pod.metadata.creationTimestamp ?? "");
  const age = Number.isNaN(created) ? 0 : Math.max(0, now - created);
  return Math.max(1000 * timeScale, Math.min(MAX_RETRY_MS * timeScale, age / 2));
}

export function createScheduler(settings: SimulationSettings): Controller {
  return {
    name: "scheduler",
    keysFor,
    reconcile(key, snapshot, now, rng) {
      const { namespace, name } = splitKey(key);
      const pod = snapshot.get("pods", namespace, name);
      if (!pod || !isPendingForUs(pod)) return done();

      if ((pod as Pod).spec?.schedulingGates?.length) {
        const gated = withPodScheduled(pod, "SchedulingGated", GATED_MESSAGE, now);
        return done(gated ? [{ op: "status", resource: "pods", object: gated }] : []);
      }

      const result = schedulePod(pod, clusterView(snapshot), rng);
      if (result.node !== undefined) {
        return done([
          { op: "bind", namespace, name, uid: pod.metadata.uid!, node: result.node },
          { op: "event", involved: pod, type: "Normal", reason: "Scheduled", message: `Successfully assigned ${namespace}/${name} to ${result.node}`, component: SCHEDULER_NAME },
        ]);
      }
      const writes: Write[] = [];
      const updated = withPodScheduled(pod, "Unschedulable", result.message, now, result.preemption?.node);
      if (updated) writes.push({ op: "status", resource: "pods", object: updated });
      writes.push({ op: "event", involved: pod, type: "Warning", reason: "FailedScheduling", message: result.message, component: SCHEDULER_NAME });
      // After the pod is marked unschedulable, so that its victims' deletion requeues it.
      if (result.preemption) writes.push(...evictVictims(pod, result.preemption.node, result.preemption.victims, now));
      return done(writes, result.waitingForPodAffinity ? affinityRetryDelay(pod, now, settings.timeScale) : undefined);
    },
  };
}
