/**
 * Daemon pods per node, after upstream's getNodesToDaemonPods, manage, podsShouldBeOnNode and
 * syncNodes (daemon_controller.go): a pod on every node that should run one, none elsewhere, at most
 * one per node (two while surging, one old and one new), failed pods replaced.
 */
import type { KObject } from "../../api/types";
import { generateName, podFromTemplate, podsPrefix } from "../podControl";
import { isPodAvailable, isPodReady } from "../replicaset/activePods";
import { CONTROLLER_REVISION_HASH_LABEL } from "../history";
import type { Rng, Snapshot, Write } from "../types";
import {
  allowsSurge, byCreationTimestampAndPhase, COMPONENT, daemonPodTemplate, isFailed, isSucceeded, isTerminal, isTerminating,
  nodeShouldRunDaemonPod, PODS, targetNodeName, type DaemonSet, type Node,
} from "./util";

/** The controller manager's burst: at most this many creates (and deletes) a pass. */
export const BURST_REPLICAS = 250;
/** The first wait before a failed daemon pod is replaced (upstream's failedPodsBackoff starts at 1 s). */
const FAILED_POD_BACKOFF_MS = 1000;

/**
 * getNodesToDaemonPods: the set's pods by the node they run on or are pinned to. Finished pods
 * already being deleted are nobody's business any more.
 */
export function nodesToDaemonPods(pods: readonly KObject[]): Map<string, KObject[]> {
  const byNode = new Map<string, KObject[]>();
  for (const pod of pods) {
    if (isTerminal(pod) && isTerminating(pod)) continue;
    const node = targetNodeName(pod);
    if (node === undefined) continue;
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  return byNode;
}

export interface Plan {
  /** Nodes that get a new pod. */
  create: string[];
  /** Pods to delete. */
  remove: KObject[];
  /** FailedDaemonPod warnings. */
  events: Write[];
  /** A failed pod waits out its back-off: look again then. */
  requeueAfter?: number;
}

/** When a pod's last condition changed: the moment it failed, for a Failed pod. */
function lastTransition(pod: KObject): number {
  const conditions = (pod.status as { conditions?: { lastTransitionTime?: string }[] } | undefined)?.conditions ?? [];
  const times = conditions.map((c) => Date.parse(c.lastTransitionTime ?? "")).filter((t) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : Date.parse(pod.metadata.creationTimestamp ?? "") || 0;
}

interface NodeContext {
  ds: DaemonSet;
  hash: string;
  now: number;
  timeScale: number;
}

/**
 * podsShouldBeOnNode for one node:
 * - should run, no pod → create;
 * - may continue: Failed pods are replaced (after a back-off), Succeeded ones removed; without surge
 *   only the oldest of several pods stays; with surge an old and a new pod may stay side by side
 *   until the new one is available (or the old one is not ready);
 * - must not continue → delete every pod there.
 *   surge, old ready + new not yet available → keep both;  new available → delete the old
 */
export function podsShouldBeOnNode(node: Node, pods: readonly KObject[] | undefined, c: NodeContext, plan: Plan): void {
  const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, c.ds);
  const exists = pods !== undefined && pods.length > 0;
  if (shouldRun && !exists) {
    plan.create.push(node.metadata.name!);
    return;
  }
  if (!shouldContinueRunning) {
    if (exists) plan.remove.push(...pods!.filter((p) => !isTerminating(p)));
    return;
  }
  const running: KObject[] = [];
  for (const pod of pods ?? []) {
    if (isTerminating(pod)) continue;
    if (isFailed(pod)) {
      // Upstream backs off per node (1 s doubling); here each failed pod waits 1 s (scaled) before it goes.
      const due = lastTransition(pod) + FAILED_POD_BACKOFF_MS * c.timeScale;
      if (c.now < due) {
        plan.requeueAfter = Math.min(plan.requeueAfter ?? Infinity, due - c.now);
        continue;
      }
      const message = `Found failed daemon pod ${pod.metadata.namespace}/${pod.metadata.name} on node ${node.metadata.name}, will try to kill it`;
      plan.events.push({ op: "event", involved: c.ds, type: "Warning", reason: "FailedDaemonPod", message, component: COMPONENT });
      plan.remove.push(pod);
    } else if (isSucceeded(pod)) {
      plan.remove.push(pod);
    } else {
      running.push(pod);
    }
  }
  running.sort(byCreationTimestampAndPhase);
  if (!allowsSurge(c.ds)) {
    plan.remove.push(...running.slice(1));
    return;
  }
  if (running.length <= 1) {
    if (running.length === 0 && shouldRun) plan.create.push(node.metadata.name!);
    return;
  }
  let oldestNew: KObject | undefined;
  let oldestOld: KObject | undefined;
  for (const pod of running) {
    const isNew = pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === c.hash;
    if (isNew && !oldestNew) oldestNew = pod;
    else if (!isNew && !oldestOld) oldestOld = pod;
    else plan.remove.push(pod);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, c.ds.spec.minReadySeconds ?? 0, c.now)) plan.remove.push(oldestOld);
  }
}

/**
 * manage: the plan for every node, plus pods pinned to nodes that no longer exist and never got
 * bound (the pod garbage collector only removes bound ones).
 */
export function manage(ds: DaemonSet, nodes: readonly Node[], byNode: Map<string, KObject[]>, c: NodeContext): Plan {
  const plan: Plan = { create: [], remove: [], events: [] };
  for (const node of nodes) podsShouldBeOnNode(node, byNode.get(node.metadata.name!), c, plan);
  const names = new Set(nodes.map((n) => n.metadata.name));
  for (const [node, pods] of byNode) {
    if (names.has(node)) continue;
    plan.remove.push(...pods.filter((p) => !(p.spec as { nodeName?: string } | undefined)?.nodeName && !isTerminating(p)));
  }
  return plan;
}

/**
 * syncNodes: up to BURST_REPLICAS creates — each a pod named `<ds>-<5 random>` from the template
 * pinned to its node, with `Created pod: …` — and as many deletes with `Deleted pod: …`.
 */
export function syncNodes(ds: DaemonSet, remove: readonly KObject[], create: readonly string[], hash: string, snapshot: Snapshot, rng: Rng): Write[] {
  const writes: Write[] = [];
  const namespace = ds.metadata.namespace ?? "";
  const taken = new Set<string>();
  for (const node of create.slice(0, BURST_REPLICAS)) {
    let name = generateName(podsPrefix(ds.metadata.name!), rng);
    while (taken.has(name) || snapshot.get(PODS, namespace, name)) name = generateName(podsPrefix(ds.metadata.name!), rng);
    taken.add(name);
    writes.push({ op: "create", resource: PODS, object: podFromTemplate(daemonPodTemplate(ds, hash, node), ds, name) });
    writes.push({ op: "event", involved: ds, type: "Normal", reason: "SuccessfulCreate", message: `Created pod: ${name}`, component: COMPONENT });
  }
  const seen = new Set<string>();
  for (const pod of remove.slice(0, BURST_REPLICAS)) {
    if (seen.has(pod.metadata.uid!)) continue;
    seen.add(pod.metadata.uid!);
    writes.push({ op: "delete", resource: PODS, namespace, name: pod.metadata.name!, uid: pod.metadata.uid });
    writes.push({ op: "event", involved: ds, type: "Normal", reason: "SuccessfulDelete", message: `Deleted pod: ${pod.metadata.name}`, component: COMPONENT });
  }
  return writes;
}
