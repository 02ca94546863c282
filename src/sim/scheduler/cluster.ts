/**
 * The scheduler's view of the cluster for one decision (its cache snapshot): every node with the
 * pods bound to it and what they use.
 *
 * Reading it costs O(bound pods) in the worst case, once per decision. Because a scheduler cycle
 * runs per pending pod, what is derived from a node's pods (usage, pods with affinity, how many pods
 * match a spreading selector) is memoised per node pod list: by the array itself when the runtime
 * hands out the same frozen array for an unchanged node, or by its contents when it hands out a new
 * array of the same frozen pod objects (a pointer comparison per pod). Unfrozen objects are never
 * memoised, so the results are the same with or without the memo.
 */
import type { Node, Taint } from "kubernetes-types/core/v1";
import { matchesLabels, type LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../../controllers/types";
import { hasPodAffinity } from "./podAffinity";
import { isTerminal, nodeAllocatable, nodeUsage, type NodeUsage, type Resources } from "./resources";

/** What the scheduler derives from the pods bound to one node. */
export interface NodePods {
  /** Pods that are not Succeeded or Failed (terminating ones included). */
  pods: readonly KObject[];
  usage: NodeUsage;
  /** The subset of `pods` with pod affinity or anti-affinity (NodeInfo.PodsWithAffinity). */
  withAffinity: readonly KObject[];
  /** countPodsMatchSelector memo: namespace + selector → count. */
  counts: Map<string, number>;
}

export interface NodeInfo extends NodePods {
  node: KObject;
  name: string;
  labels: Record<string, string>;
  taints: readonly Taint[] | undefined;
  unschedulable: boolean;
  allocatable: Resources;
}

const byArray = new WeakMap<readonly KObject[], NodePods>();
const byFirstPod = new WeakMap<KObject, { items: readonly KObject[]; summary: NodePods }>();

function sameItems(a: readonly KObject[], b: readonly KObject[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function summarize(all: readonly KObject[]): NodePods {
  const pods = all.some(isTerminal) ? all.filter((p) => !isTerminal(p)) : all;
  return { pods, usage: nodeUsage(pods), withAffinity: pods.filter(hasPodAffinity), counts: new Map() };
}

/** The memoised summary of a node's bound pods. */
export function nodePods(all: readonly KObject[]): NodePods {
  const hit = byArray.get(all);
  if (hit) return hit;
  if (all.length === 0) return summarize(all);
  const entry = byFirstPod.get(all[0]);
  if (entry && sameItems(entry.items, all)) return entry.summary;
  const summary = summarize(all);
  if (all.every((p) => Object.isFrozen(p))) {
    if (Object.isFrozen(all)) byArray.set(all, summary);
    byFirstPod.set(all[0], { items: [...all], summary });
  }
  return summary;
}

const selectorKeys = new WeakMap<LabelSelector, string>();

/** countPodsMatchSelector on a node: pods of the namespace matching the selector, terminating ones left out. */
export function countMatching(n: NodePods, selector: LabelSelector, namespace: string): number {
  let sk = selectorKeys.get(selector);
  if (sk === undefined) selectorKeys.set(selector, (sk = JSON.stringify(selector)));
  const key = `${namespace}\u0000${sk}`;
  const hit = n.counts.get(key);
  if (hit !== undefined) return hit;
  let count = 0;
  for (const p of n.pods) {
    if (p.metadata.deletionTimestamp || (p.metadata.namespace ?? "default") !== namespace) continue;
    if (matchesLabels(selector, p.metadata.labels)) count++;
  }
  n.counts.set(key, count);
  return count;
}

export interface ClusterView {
  nodes: NodeInfo[];
  /** Namespace labels for namespaceSelector in affinity terms. */
  namespaceLabels(namespace: string): Record<string, string> | undefined;
  /** Services of a namespace, for the default spreading selector. */
  services(namespace: string): readonly KObject[];
  get(resource: string, namespace: string, name: string): KObject | undefined;
}

const infoCache = new WeakMap<KObject, { summary: NodePods; info: NodeInfo }>();

/** A node with its pods' summary; reused while neither the (frozen) node nor its pods change. */
export function nodeInfo(node: KObject, boundPods: readonly KObject[]): NodeInfo {
  const summary = nodePods(boundPods);
  const hit = infoCache.get(node);
  if (hit && hit.summary === summary) return hit.info;
  const spec = (node as Node).spec;
  const info: NodeInfo = {
    node,
    name: node.metadata.name!,
    labels: node.metadata.labels ?? {},
    taints: spec?.taints,
    unschedulable: spec?.unschedulable === true,
    allocatable: nodeAllocatable(node),
    pods: summary.pods,
    usage: summary.usage,
    withAffinity: summary.withAffinity,
    counts: summary.counts,
  };
  if (Object.isFrozen(node)) infoCache.set(node, { summary, info });
  return info;
}

/** A node as it would be with only `pods` on it (for preemption's what-ifs); never memoised. */
export function hypotheticalNodeInfo(base: NodeInfo, pods: readonly KObject[]): NodeInfo {
  const summary = summarize(pods);
  return { ...base, pods: summary.pods, usage: summary.usage, withAffinity: summary.withAffinity, counts: summary.counts };
}

/** The view of the cluster a snapshot gives, with per-namespace lookups memoised for this decision. */
export function clusterView(snapshot: Snapshot): ClusterView {
  const nodes = snapshot.list("nodes").map((n) => nodeInfo(n, snapshot.podsOnNode(n.metadata.name!)));
  const services = new Map<string, readonly KObject[]>();
  return {
    nodes,
    namespaceLabels: (ns) => snapshot.get("namespaces", "", ns)?.metadata.labels,
    services(ns) {
      let s = services.get(ns);
      if (!s) services.set(ns, (s = snapshot.list("services", ns)));
      return s;
    },
    get: (resource, ns, name) => snapshot.get(resource, ns, name),
  };
}
