/**
 * The PodTopologySpread plugin: a pod's own topologySpreadConstraints (DoNotSchedule ones filter,
 * ScheduleAnyway ones score) or, when it has none, the cluster's default constraints — spread the
 * pods of the same Service / ReplicaSet / StatefulSet over nodes (maxSkew 3) and zones (maxSkew 5),
 * as a preference only. That default is what puts a 3-replica Deployment one pod per node.
 */
import type { Pod, Taint, TopologySpreadConstraint } from "kubernetes-types/core/v1";
import { labelSelectorFromSpec, matchesLabels, type LabelSelector, type Requirement } from "../../api/selectors";
import type { KObject } from "../../api/types";
import { countMatching, type NodePods } from "./cluster";
import { findUntoleratedTaint } from "./taints";

export const LABEL_HOSTNAME = "kubernetes.io/hostname";
export const LABEL_ZONE = "topology.kubernetes.io/zone";

export const ERR_SPREAD_CONSTRAINTS = "node(s) didn't match pod topology spread constraints";
export const ERR_SPREAD_MISSING_LABEL = "node(s) didn't match pod topology spread constraints (missing required label)";

export interface SpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

/** What the spread computations need to know about a node. */
export interface SpreadNode {
  name: string;
  labels: Record<string, string>;
  taints: readonly Taint[] | undefined;
  /** The node's bound pods (their matching counts are memoised). */
  pods: NodePods;
  /** Whether the incoming pod's nodeSelector / required node affinity accept this node. */
  matchesNodeAffinity: boolean;
}

/** Where the default selector comes from: the pod's Services and its controller (as DefaultSelector reads them). */
export interface SelectorSources {
  services(namespace: string): readonly KObject[];
  get(resource: string, namespace: string, name: string): KObject | undefined;
}

const eq = (key: string, value: string): Requirement => ({ key, operator: "=", values: [value] });

/**
 * helper.DefaultSelector: the labels of every Service selecting the pod, ANDed with the selector of
 * its controlling ReplicationController, ReplicaSet or StatefulSet. Empty when there is none of them.
 */
export function defaultSelector(pod: KObject, sources: SelectorSources): LabelSelector {
  const ns = pod.metadata.namespace ?? "default";
  const labels = pod.metadata.labels ?? {};
  const set: Record<string, string> = {};
  for (const svc of sources.services(ns)) {
    const sel = (svc.spec as { selector?: Record<string, string> | null } | undefined)?.selector;
    if (!sel) continue;
    if (Object.entries(sel).every(([k, v]) => labels[k] === v)) Object.assign(set, sel);
  }
  let requirements: Requirement[] = Object.entries(set).map(([k, v]) => eq(k, v));
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (owner) {
    const group = owner.apiVersion.includes("/") ? owner.apiVersion.split("/")[0] : "";
    if (group === "" && owner.kind === "ReplicationController") {
      const rc = sources.get("replicationcontrollers", ns, owner.name);
      const sel = (rc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (sel) {
        Object.assign(set, sel);
        requirements = Object.entries(set).map(([k, v]) => eq(k, v));
      }
    } else if (group === "apps" && (owner.kind === "ReplicaSet" || owner.kind === "StatefulSet")) {
      const resource = owner.kind === "ReplicaSet" ? "replicasets.apps" : "statefulsets.apps";
      const sel = (sources.get(resource, ns, owner.name)?.spec as { selector?: unknown } | undefined)?.selector;
      if (sel) {
        try {
          requirements = [...requirements, ...labelSelectorFromSpec(sel as never)];
        } catch {
          // An invalid controller selector adds nothing, as upstream ignores the parse error.
        }
      }
    }
  }
  return requirements;
}

/** The system default constraints (PodTopologySpreadArgs defaultingType System). */
function systemDefaultConstraints(selector: LabelSelector): SpreadConstraint[] {
  if (selector.length === 0) return [];
  const base = { selector, minDomains: 1, honorNodeAffinity: true, honorTaints: false };
  return [
    { ...base, maxSkew: 3, topologyKey: LABEL_HOSTNAME },
    { ...base, maxSkew: 5, topologyKey: LABEL_ZONE },
  ];
}

/** A pod's constraint, with matchLabelKeys folded into its selector as `key=value` of the incoming pod. */
function ownConstraint(pod: KObject, c: TopologySpreadConstraint): SpreadConstraint | undefined {
  let selector: LabelSelector;
  try {
    selector = labelSelectorFromSpec(c.labelSelector ?? null);
  } catch {
    return undefined;
  }
  const labels = pod.metadata.labels ?? {};
  const extra = (c.matchLabelKeys ?? []).filter((k) => Object.hasOwn(labels, k)).map((k) => eq(k, labels[k]));
  return {
    maxSkew: c.maxSkew,
    topologyKey: c.topologyKey,
    selector: [...selector, ...extra],
    minDomains: c.minDomains ?? 1,
    honorNodeAffinity: (c.nodeAffinityPolicy ?? "Honor") === "Honor",
    honorTaints: c.nodeTaintsPolicy === "Honor",
  };
}

/** The constraints that filter (DoNotSchedule) and those that score (ScheduleAnyway or system defaults). */
export function spreadConstraints(pod: KObject, sources: SelectorSources): { hard: SpreadConstraint[]; soft: SpreadConstraint[]; systemDefaulted: boolean } {
  const own = (pod as Pod).spec?.topologySpreadConstraints;
  if (own?.length) {
    const hard: SpreadConstraint[] = [];
    const soft: SpreadConstraint[] = [];
    for (const c of own) {
      const parsed = ownConstraint(pod, c);
      if (!parsed) continue;
      (c.whenUnsatisfiable === "ScheduleAnyway" ? soft : hard).push(parsed);
    }
    return { hard, soft, systemDefaulted: false };
  }
  return { hard: [], soft: systemDefaultConstraints(defaultSelector(pod, sources)), systemDefaulted: true };
}

function includesNode(c: SpreadConstraint, node: SpreadNode, pod: KObject): boolean {
  if (c.honorNodeAffinity && !node.matchesNodeAffinity) return false;
  if (c.honorTaints && findUntoleratedTaint(node.taints, (pod as Pod).spec?.tolerations)) return false;
  return true;
}

const hasAllKeys = (labels: Record<string, string>, constraints: readonly SpreadConstraint[]) =>
  constraints.every((c) => Object.hasOwn(labels, c.topologyKey));

/** PodTopologySpread PreFilter state: matching pods per domain of each hard constraint. */
export interface SpreadFilterState {
  constraints: SpreadConstraint[];
  counts: Map<string, number>[];
}

export function spreadFilterState(pod: KObject, constraints: SpreadConstraint[], nodes: readonly SpreadNode[]): SpreadFilterState {
  const ns = pod.metadata.namespace ?? "default";
  const counts = constraints.map(() => new Map<string, number>());
  for (const node of nodes) {
    if (!hasAllKeys(node.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!includesNode(c, node, pod)) return;
      const value = node.labels[c.topologyKey];
      counts[i].set(value, (counts[i].get(value) ?? 0) + countMatching(node.pods, c.selector, ns));
    });
  }
  return { constraints, counts };
}

/**
 * PodTopologySpread Filter: placing the pod here must keep, for every hard constraint,
 * (matching pods in this node's domain + 1 if the pod matches itself) − (fewest in any domain) ≤ maxSkew.
 * With fewer domains than minDomains the minimum counts as 0.
 *
 *   maxSkew 1, zones a:2 b:1, pod matches itself → a: 2+1−1 = 2 > 1 rejected; b: 1+1−1 = 1 ok
 */
export function spreadFilter(state: SpreadFilterState, pod: KObject, nodeLabels: Record<string, string>): { reason: string; resolvable: boolean } | undefined {
  const podLabels = pod.metadata.labels;
  for (let i = 0; i < state.constraints.length; i++) {
    const c = state.constraints[i];
    if (!Object.hasOwn(nodeLabels, c.topologyKey)) return { reason: ERR_SPREAD_MISSING_LABEL, resolvable: false };
    const domainCounts = state.counts[i];
    let min = domainCounts.size < c.minDomains ? 0 : Infinity;
    if (min !== 0) for (const v of domainCounts.values()) min = Math.min(min, v);
    if (min === Infinity) min = 0;
    const self = matchesLabels(c.selector, podLabels) ? 1 : 0;
    const skew = (domainCounts.get(nodeLabels[c.topologyKey]) ?? 0) + self - min;
    if (skew > c.maxSkew) return { reason: ERR_SPREAD_CONSTRAINTS, resolvable: true };
  }
  return undefined;
}

/**
 * PodTopologySpread Score + NormalizeScore for the scoring constraints over the feasible nodes:
 * each node scores Σ (matching pods in its domain × log(domains + 2) + maxSkew − 1), then fewer is
 * better: 100 × (max + min − score) / max. Nodes lacking a required topology label score 0.
 *
 *   default constraints, 3 nodes holding 1, 0, 0 pods of the ReplicaSet
 *   → raw round(1×log 5 + 2) = 4, 2, 2 → normalized 100×(4+2−4)/4 = 50, 100, 100
 */
export function spreadScores(pod: KObject, constraints: readonly SpreadConstraint[], systemDefaulted: boolean, feasible: readonly SpreadNode[], all: readonly SpreadNode[]): Map<string, number> {
  const result = new Map<string, number>();
  if (!constraints.length || !feasible.length) {
    for (const n of feasible) result.set(n.name, 0);
    return result;
  }
  const ns = pod.metadata.namespace ?? "default";
  const requireAll = !systemDefaulted;
  const ignored = new Set<string>();
  const pairCounts = constraints.map(() => new Map<string, number>());
  const domains = constraints.map(() => 0);
  for (const node of feasible) {
    if (requireAll && !hasAllKeys(node.labels, constraints)) {
      ignored.add(node.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === LABEL_HOSTNAME || !Object.hasOwn(node.labels, c.topologyKey)) return;
      const v = node.labels[c.topologyKey];
      if (!pairCounts[i].has(v)) {
        pairCounts[i].set(v, 0);
        domains[i]++;
      }
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? feasible.length - ignored.size : domains[i]) + 2));
  // Domain-wide counts (zones...) include pods on every node the constraint covers, feasible or not.
  if (constraints.some((c, i) => c.topologyKey !== LABEL_HOSTNAME && pairCounts[i].size > 0)) {
    for (const node of all) {
      if (requireAll && !hasAllKeys(node.labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (c.topologyKey === LABEL_HOSTNAME || !includesNode(c, node, pod)) return;
        const v = node.labels[c.topologyKey];
        if (v === undefined || !pairCounts[i].has(v)) return;
        pairCounts[i].set(v, pairCounts[i].get(v)! + countMatching(node.pods, c.selector, ns));
      });
    }
  }
  let min = Infinity;
  let max = 0;
  const raw = new Map<string, number>();
  for (const node of feasible) {
    if (ignored.has(node.name)) continue;
    let score = 0;
    constraints.forEach((c, i) => {
      if (!Object.hasOwn(node.labels, c.topologyKey)) return;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? countMatching(node.pods, c.selector, ns) : (pairCounts[i].get(node.labels[c.topologyKey]) ?? 0);
      score += cnt * weights[i] + (c.maxSkew - 1);
    });
    const s = Math.round(score);
    raw.set(node.name, s);
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  for (const node of feasible) {
    const s = raw.get(node.name);
    if (s === undefined) result.set(node.name, 0);
    else if (max === 0) result.set(node.name, 100);
    else result.set(node.name, Math.trunc((100 * (max + min - s)) / max));
  }
  return result;
}
