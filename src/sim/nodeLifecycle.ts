/**
 * The node lifecycle controller (pkg/controller/nodelifecycle) with the taint eviction controller
 * (pkg/controller/tainteviction), plus the one piece of kubelet behaviour they react to: whether the
 * kubelet is posting node status.
 *
 * A node is failed through the management API, which sets the annotation `kubeflare.dev/failed:
 * "true"` (and removes it to recover). A failed node's kubelet stops posting status: after the node
 * monitor grace period (50 s, scaled) the node's conditions become Unknown, it gets the unreachable
 * NoSchedule and NoExecute taints, its pods are marked not Ready, and pods that do not tolerate the
 * NoExecute taint are evicted at once; pods tolerating it for tolerationSeconds (300 s by default,
 * from admission) are evicted when that runs out. On recovery the kubelet posts Ready again, the
 * taints go, and pending evictions are cancelled.
 *
 * Independently of failures, taints follow conditions and spec.unschedulable (TaintNodesByCondition:
 * a cordoned node gets node.kubernetes.io/unschedulable:NoSchedule), and any NoExecute taint evicts
 * the pods that do not tolerate it.
 *
 * One key per node; a pass does one phase — node status, then taints, then pods — and returns.
 */
import type { Node, NodeCondition, Pod, PodCondition, Taint } from "kubernetes-types/core/v1";
import { deepEqual } from "../api/deepEqual";
import type { KObject } from "../api/types";
import { done, type Controller, type ObjectChange, type ReconcileResult, type Snapshot, type Write } from "../controllers/types";
import { NODE_CAPACITY } from "./nodes";
import {
  matchingTolerations,
  TAINT_DISK_PRESSURE,
  TAINT_MEMORY_PRESSURE,
  TAINT_NETWORK_UNAVAILABLE,
  TAINT_NOT_READY,
  TAINT_PID_PRESSURE,
  TAINT_UNREACHABLE,
  TAINT_UNSCHEDULABLE,
} from "./scheduler/taints";
import type { SimulationSettings } from "./settings";
import { rfc3339 } from "../api/time";

/** Set by the management API on a failed node; removed to recover it. */
export const FAILED_ANNOTATION = "kubeflare.dev/failed";
/** When this controller first saw the failure: the kubelet's last status post, the start of the grace period. */
export const FAILED_AT_ANNOTATION = "kubeflare.dev/failed-at";

/** nodeMonitorGracePeriod (50 s since v1.32; scaled by timeScale). */
export const NODE_MONITOR_GRACE_SECONDS = 50;

const NODE_CONTROLLER = "node-controller";
const KUBELET = "kubelet";
const TAINT_EVICTION_CONTROLLER = "taint-eviction-controller";


type Status = NonNullable<Node["status"]>;

function conditionsOf(node: KObject): NodeCondition[] {
  return (node as Node).status?.conditions ?? [];
}

export function readyCondition(node: KObject): NodeCondition | undefined {
  return conditionsOf(node).find((c) => c.type === "Ready");
}

export function isFailed(node: KObject): boolean {
  return node.metadata.annotations?.[FAILED_ANNOTATION] === "true";
}

/** The conditions a healthy kubelet reports (setters.go), in its order. */
const KUBELET_CONDITIONS: [type: string, status: string, reason: string, message: string][] = [
  ["MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"],
  ["DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"],
  ["PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"],
  ["Ready", "True", "KubeletReady", "kubelet is posting ready status"],
];

/** The kubelet posts a healthy status: its conditions, keeping lastTransitionTime where the status holds. */
export function kubeletReadyStatus(node: KObject, now: number): Status {
  const status: Status = { ...((node as Node).status ?? {}) };
  const at = rfc3339(now);
  const conditions = [...(status.conditions ?? [])];
  for (const [type, s, reason, message] of KUBELET_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    const old = i >= 0 ? conditions[i] : undefined;
    const next: NodeCondition = { type, status: s, lastHeartbeatTime: at, lastTransitionTime: old?.status === s && old.lastTransitionTime ? old.lastTransitionTime : at, reason, message };
    if (i >= 0) conditions[i] = next;
    else conditions.push(next);
  }
  status.conditions = conditions;
  // A Node created by hand gets what a kubelet would register with.
  status.capacity ??= { ...NODE_CAPACITY };
  status.allocatable ??= { ...NODE_CAPACITY };
  return status;
}

/**
 * tryUpdateNodeHealth once the grace period has passed: Ready and the pressure conditions become
 * Unknown ("Kubelet stopped posting node status."), or are added as never updated.
 */
export function unknownNodeStatus(node: KObject, now: number): Status {
  const status: Status = { ...((node as Node).status ?? {}) };
  const at = rfc3339(now);
  const conditions = [...(status.conditions ?? [])];
  for (const type of ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"]) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({ type, status: "Unknown", lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: at, reason: "NodeStatusNeverUpdated", message: "Kubelet never posted node status." });
    } else if (conditions[i].status !== "Unknown") {
      conditions[i] = { ...conditions[i], status: "Unknown", reason: "NodeStatusUnknown", message: "Kubelet stopped posting node status.", lastTransitionTime: at };
    }
  }
  status.conditions = conditions;
  return status;
}

/** The taints this controller owns, by condition (nodeConditionToTaintKeyStatusMap) and cordon. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: TAINT_MEMORY_PRESSURE },
  DiskPressure: { True: TAINT_DISK_PRESSURE },
  PIDPressure: { True: TAINT_PID_PRESSURE },
  NetworkUnavailable: { True: TAINT_NETWORK_UNAVAILABLE },
};
const MANAGED_KEYS = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE, TAINT_MEMORY_PRESSURE, TAINT_DISK_PRESSURE, TAINT_PID_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_UNSCHEDULABLE]);

const taintId = (t: Pick<Taint, "key" | "effect">) => `${t.key}:${t.effect}`;

/**
 * The controller-managed taints a node should carry: NoSchedule for each bad condition
 * (doNoScheduleTaintingPass), NoExecute for a not-ready or unreachable node (taint-based eviction),
 * and unschedulable:NoSchedule for a cordoned node.
 *
 *   Ready=Unknown            → unreachable:NoSchedule, unreachable:NoExecute
 *   Ready=True, cordoned     → unschedulable:NoSchedule
 */
export function desiredControllerTaints(node: KObject): Pick<Taint, "key" | "effect">[] {
  const out: Pick<Taint, "key" | "effect">[] = [];
  for (const c of conditionsOf(node)) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) out.push({ key, effect: "NoSchedule" });
  }
  if ((node as Node).spec?.unschedulable) out.push({ key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" });
  const ready = readyCondition(node);
  if (ready?.status === "False") out.push({ key: TAINT_NOT_READY, effect: "NoExecute" });
  if (ready?.status === "Unknown") out.push({ key: TAINT_UNREACHABLE, effect: "NoExecute" });
  return out;
}

/**
 * The node's taints after SwapNodeControllerTaint: managed taints that no longer apply removed,
 * missing ones appended with timeAdded now, everything else kept in order. NoExecute taints without
 * timeAdded (kubectl taint does not set it) are stamped now, since eviction deadlines count from it.
 */
export function reconcileTaints(node: KObject, now: number): Taint[] {
  const current = (node as Node).spec?.taints ?? [];
  const desired = desiredControllerTaints(node);
  const wanted = new Set(desired.map(taintId));
  const at = rfc3339(now);
  const kept = current
    .filter((t) => !MANAGED_KEYS.has(t.key) || wanted.has(taintId(t)))
    .map((t) => (t.effect === "NoExecute" && !t.timeAdded ? { ...t, timeAdded: at } : t));
  const have = new Set(kept.map(taintId));
  for (const d of desired) if (!have.has(taintId(d))) kept.push({ key: d.key, effect: d.effect, timeAdded: at });
  return kept;
}

function taintsEqual(a: readonly Taint[], b: readonly Taint[]): boolean {
  return a.length === b.length && a.every((t, i) => t.key === b[i].key && t.effect === b[i].effect && (t.value ?? "") === (b[i].value ?? "") && t.timeAdded === b[i].timeAdded);
}

/**
 * When the taint manager deletes a pod on a node with these NoExecute taints: now if a taint is not
 * tolerated (or a matching toleration has tolerationSeconds ≤ 0), never (undefined) if the
 * tolerations have no tolerationSeconds, otherwise the shortest tolerationSeconds (scaled) after the
 * eviction was scheduled — the earliest taint's timeAdded, or the pod's arrival if later.
 *
 *   unreachable:NoExecute added at t, default toleration 300 s → evicted at t + 300 s
 */
export function evictionTime(pod: KObject, noExecute: readonly Taint[], now: number, timeScale: number): number | undefined {
  if (!noExecute.length) return undefined;
  const { allTolerated, used } = matchingTolerations(noExecute, (pod as Pod).spec?.tolerations);
  if (!allTolerated) return now;
  let min = Infinity;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    min = Math.min(min, Math.max(0, t.tolerationSeconds));
  }
  if (min === Infinity) return undefined;
  if (min === 0) return now;
  let start = Math.min(...noExecute.map((t) => (t.timeAdded ? Date.parse(t.timeAdded) : now)));
  const scheduled = (pod as Pod).status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "True")?.lastTransitionTime;
  if (scheduled && Date.parse(scheduled) > start) start = Date.parse(scheduled);
  return start + min * 1000 * timeScale;
}

function podCondition(pod: KObject, type: string): PodCondition | undefined {
  return (pod as Pod).status?.conditions?.find((c) => c.type === type);
}

/** UpdatePodCondition on a copy of the conditions: replace by type (keeping lastTransitionTime if the status holds) or append. */
function setPodCondition(conditions: PodCondition[], next: PodCondition): PodCondition[] {
  const i = conditions.findIndex((c) => c.type === next.type);
  if (i < 0) return [...conditions, next];
  const old = conditions[i];
  const merged = { ...old, ...next, lastTransitionTime: old.status === next.status ? old.lastTransitionTime : next.lastTransitionTime };
  return conditions.map((c, j) => (j === i ? merged : c));
}

/** Readiness as the kubelet would report it on a healthy node: containers ready and every readiness gate True. */
function kubeletWouldReportReady(pod: KObject): boolean {
  if (podCondition(pod, "ContainersReady")?.status !== "True") return false;
  for (const gate of (pod as Pod).spec?.readinessGates ?? []) if (podCondition(pod, gate.conditionType)?.status !== "True") return false;
  return (pod as Pod).status?.phase === "Running";
}

/** Phase 3: the pods on the node — not Ready while the node is not, evicted per NoExecute taints. */
function podPass(node: KObject, snapshot: Snapshot, now: number, timeScale: number): ReconcileResult {
  const name = node.metadata.name!;
  const nodeReady = readyCondition(node)?.status === "True";
  const noExecute = ((node as Node).spec?.taints ?? []).filter((t) => t.effect === "NoExecute");
  // A healthy node without NoExecute taints leaves its pods alone: no need to read them.
  if (nodeReady && noExecute.length === 0) return done();
  const at = rfc3339(now);
  const writes: Write[] = [];
  let next: number | undefined;
  for (const pod of snapshot.podsOnNode(name)) {
    if (pod.metadata.deletionTimestamp) continue;
    let conditions = (pod as Pod).status?.conditions ?? [];
    let changed = false;
    const events: Write[] = [];
    const ready = podCondition(pod, "Ready");
    if (!nodeReady && ready?.status === "True") {
      // MarkPodsNotReady: only Ready flips; reason and message stay as the kubelet left them.
      conditions = setPodCondition(conditions, { ...ready, status: "False", lastTransitionTime: at });
      changed = true;
      events.push({ op: "event", involved: pod, type: "Warning", reason: "NodeNotReady", message: "Node is not ready", component: NODE_CONTROLLER });
    }
    const due = evictionTime(pod, noExecute, now, timeScale);
    const evict = due !== undefined && due <= now;
    if (evict) {
      conditions = setPodCondition(conditions, {
        type: "DisruptionTarget", status: "True", lastProbeTime: null, lastTransitionTime: at,
        reason: "DeletionByTaintManager", message: "Taint manager: deleting due to NoExecute taint",
      } as unknown as PodCondition);
      changed = true;
    } else if (due !== undefined) {
      next = next === undefined ? due - now : Math.min(next, due - now);
    }
    if (changed) writes.push({ op: "status", resource: "pods", object: { ...pod, status: { ...((pod as Pod).status ?? {}), conditions } } });
    writes.push(...events);
    if (evict) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      writes.push({ op: "event", involved: pod, type: "Normal", reason: "TaintManagerEviction", message: `Marking for deletion Pod ${key}`, component: TAINT_EVICTION_CONTROLLER });
      writes.push({ op: "delete", resource: "pods", namespace: pod.metadata.namespace!, name: pod.metadata.name!, uid: pod.metadata.uid });
    }
  }
  return done(writes, next);
}

/**
 * The kubelet of a node that is back syncs its pods' status: those the node controller marked not
 * Ready while the node was away are Ready again if their containers still are.
 */
function podsReadyAgain(node: KObject, snapshot: Snapshot, now: number): Write[] {
  const writes: Write[] = [];
  for (const pod of snapshot.podsOnNode(node.metadata.name!)) {
    const ready = podCondition(pod, "Ready");
    if (pod.metadata.deletionTimestamp || ready?.status !== "False" || !kubeletWouldReportReady(pod)) continue;
    const conditions = setPodCondition((pod as Pod).status?.conditions ?? [], { ...ready, status: "True", lastTransitionTime: rfc3339(now) });
    writes.push({ op: "status", resource: "pods", object: { ...pod, status: { ...((pod as Pod).status ?? {}), conditions } } });
  }
  return writes;
}

/** Node events as RecordNodeStatusChange words them: "Node node-2 status is now: NodeNotReady". */
function nodeEvent(node: KObject, status: string, component: string): Write {
  const name = node.metadata.name!;
  return { op: "event", involved: node, type: "Normal", reason: status, message: `Node ${name} status is now: ${status}`, component, ...(component === KUBELET ? { host: name } : {}) };
}

/** Phase 1: node status — the kubelet posts Ready, or stops, and the controller notices after the grace period. */
function statusPass(node: KObject, snapshot: Snapshot, now: number, settings: SimulationSettings): ReconcileResult | undefined {
  const ready = readyCondition(node);
  if (!isFailed(node)) {
    if (ready?.status === "True" && (node as Node).status?.allocatable) return undefined;
    const writes: Write[] = [{ op: "status", resource: "nodes", object: { ...node, status: kubeletReadyStatus(node, now) } }];
    if (ready?.status !== "True") {
      writes.push(nodeEvent(node, "NodeReady", KUBELET));
      writes.push(...podsReadyAgain(node, snapshot, now));
    }
    return done(writes);
  }
  const failedAt = Date.parse(node.metadata.annotations?.[FAILED_AT_ANNOTATION] ?? "");
  if (Number.isNaN(failedAt)) {
    const annotations = { ...node.metadata.annotations, [FAILED_AT_ANNOTATION]: rfc3339(now) };
    return done([{ op: "update", resource: "nodes", object: { ...node, metadata: { ...node.metadata, annotations } } }]);
  }
  const unknown = ["Ready", "MemoryPressure", "DiskPressure", "PIDPressure"].every((t) => conditionsOf(node).find((c) => c.type === t)?.status === "Unknown");
  if (unknown) return undefined;
  const due = failedAt + NODE_MONITOR_GRACE_SECONDS * 1000 * settings.timeScale;
  if (now < due) return { writes: [], requeueAfter: due - now };
  const writes: Write[] = [{ op: "status", resource: "nodes", object: { ...node, status: unknownNodeStatus(node, now) } }];
  if (ready?.status === "True") writes.push(nodeEvent(node, "NodeNotReady", NODE_CONTROLLER));
  return done(writes);
}

/** Phase 2: taints follow conditions and cordon; the failure bookkeeping goes once the node is back. */
function taintPass(node: KObject, snapshot: Snapshot, now: number, timeScale: number): ReconcileResult | undefined {
  const current = (node as Node).spec?.taints ?? [];
  const next = reconcileTaints(node, now);
  const staleMarker = !isFailed(node) && node.metadata.annotations?.[FAILED_AT_ANNOTATION] !== undefined;
  if (taintsEqual(current, next) && !staleMarker) return undefined;
  let metadata = node.metadata;
  if (staleMarker) {
    const { [FAILED_AT_ANNOTATION]: _, ...annotations } = node.metadata.annotations!;
    metadata = { ...metadata, annotations };
  }
  const { taints: _old, ...rest } = (node as Node).spec ?? {};
  const spec = next.length ? { ...rest, taints: next } : rest;
  const writes: Write[] = [{ op: "update", resource: "nodes", object: { ...node, metadata, spec } }];
  const had = (key: string, list: readonly Taint[]) => list.some((t) => t.key === key && t.effect === "NoSchedule");
  if (!had(TAINT_UNSCHEDULABLE, current) && had(TAINT_UNSCHEDULABLE, next)) writes.push(nodeEvent(node, "NodeNotSchedulable", KUBELET));
  if (had(TAINT_UNSCHEDULABLE, current) && !had(TAINT_UNSCHEDULABLE, next)) writes.push(nodeEvent(node, "NodeSchedulable", KUBELET));
  // Evictions scheduled under NoExecute taints that are now gone are cancelled (cancelWorkWithEvent).
  const before = current.filter((t) => t.effect === "NoExecute");
  const after = next.filter((t) => t.effect === "NoExecute");
  if (before.length > after.length) {
    for (const pod of snapshot.podsOnNode(node.metadata.name!)) {
      if (pod.metadata.deletionTimestamp) continue;
      const was = evictionTime(pod, before, now, timeScale);
      const is = evictionTime(pod, after, now, timeScale);
      if (was !== undefined && was > now && is === undefined) {
        const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
        writes.push({ op: "event", involved: pod, type: "Normal", reason: "TaintManagerEviction", message: `Cancelling deletion of Pod ${key}`, component: TAINT_EVICTION_CONTROLLER });
      }
    }
  }
  return done(writes);
}

/**
 * A pod change that may need this controller: a pod arriving on a node, its tolerations changing,
 * or it turning Ready (on a node that is not). Other pod updates (the kubelet's many status writes on
 * healthy nodes) are skipped without reading the node.
 */
function podChangeMatters(change: ObjectChange): boolean {
  const pod = change.object as Pod;
  const prev = change.previous as Pod | undefined;
  if (!prev || prev.spec?.nodeName !== pod.spec?.nodeName) return true;
  if (!deepEqual(prev.spec?.tolerations, pod.spec?.tolerations)) return true;
  const ready = (p: Pod) => p.status?.conditions?.find((c) => c.type === "Ready")?.status === "True";
  return ready(pod) && !ready(prev);
}

function keysFor(change: ObjectChange, snapshot: Snapshot): string[] {
  if (change.resource === "nodes") return change.type === "DELETED" ? [] : [change.object.metadata.name!];
  if (change.resource !== "pods" || change.type === "DELETED") return [];
  const nodeName = (change.object as Pod).spec?.nodeName;
  if (!nodeName || !podChangeMatters(change)) return [];
  const node = snapshot.get("nodes", "", nodeName);
  if (!node) return [];
  const tainted = (node as Node).spec?.taints?.some((t) => t.effect === "NoExecute");
  return tainted || readyCondition(node)?.status !== "True" ? [nodeName] : [];
}

export function createNodeLifecycle(settings: SimulationSettings): Controller {
  return {
    name: "node-lifecycle",
    keysFor,
    reconcile(key, snapshot, now) {
      const node = snapshot.get("nodes", "", key);
      if (!node) return done();
      const status = statusPass(node, snapshot, now, settings);
      if (status && status.writes.length) return status;
      const taints = taintPass(node, snapshot, now, settings.timeScale);
      if (taints) return taints;
      const pods = podPass(node, snapshot, now, settings.timeScale);
      const waits = [status?.requeueAfter, pods.requeueAfter].filter((n): n is number => n !== undefined);
      return done(pods.writes, waits.length ? Math.min(...waits) : undefined);
    },
  };
}
