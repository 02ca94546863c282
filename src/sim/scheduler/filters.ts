/**
 * PreFilter and Filter of the default profile: state computed once per cycle, then the filter
 * plugins in the profile's order — NodeUnschedulable, TaintToleration, NodeAffinity, NodePorts,
 * NodeResourcesFit, PodTopologySpread, InterPodAffinity — where the first rejection decides a node's
 * status. (NodeName never rejects: a pod naming its node is bound already.)
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import type { ClusterView, NodeInfo } from "./cluster";
import { ERR_NODE_AFFINITY, ERR_NODE_PORTS, ERR_UNSCHEDULABLE, type NodeStatus } from "./messages";
import { nodeMatchesSelectorAndAffinity } from "./nodeAffinity";
import { podAffinityFilter, podAffinityState, requiredTerms, type PlacedPod, type PodAffinityState } from "./podAffinity";
import { hostPortConflict, insufficientResources, podHostPorts, podRequests, type Resources } from "./resources";
import { spreadConstraints, spreadFilter, spreadFilterState, type SpreadNode } from "./spread";
import { findUntoleratedTaint, TAINT_UNSCHEDULABLE, toleratesTaint } from "./taints";

export function placedPods(nodes: readonly NodeInfo[], onlyWithAffinity: boolean): PlacedPod[] {
  const out: PlacedPod[] = [];
  for (const n of nodes) for (const pod of onlyWithAffinity ? n.withAffinity : n.pods) out.push({ pod, nodeLabels: n.labels });
  return out;
}

export interface CycleState {
  pod: KObject;
  request: Resources;
  hostPorts: string[];
  affinity?: PodAffinityState;
  spread: ReturnType<typeof spreadConstraints>;
  spreadFilter?: ReturnType<typeof spreadFilterState>;
  spreadNodes?: SpreadNode[];
}

export function toSpreadNodes(pod: KObject, nodes: readonly NodeInfo[]): SpreadNode[] {
  return nodes.map((n) => ({ name: n.name, labels: n.labels, taints: n.taints, pods: n, matchesNodeAffinity: nodeMatchesSelectorAndAffinity(pod, n.node) }));
}

/** PreFilter: everything computed once per cycle rather than per node. */
export function preFilter(pod: KObject, view: ClusterView): CycleState {
  const spread = spreadConstraints(pod, view);
  const state: CycleState = { pod, request: podRequests(pod), hostPorts: podHostPorts(pod), spread };
  const terms = requiredTerms(pod);
  const incoming = terms.affinity.length > 0 || terms.anti.length > 0;
  const existing = view.nodes.some((n) => n.withAffinity.length > 0);
  if (incoming || existing) state.affinity = podAffinityState(pod, placedPods(view.nodes, !incoming), view.namespaceLabels);
  if (spread.hard.length) {
    state.spreadNodes = toSpreadNodes(pod, view.nodes);
    state.spreadFilter = spreadFilterState(pod, spread.hard, state.spreadNodes);
  }
  return state;
}

/** The Filter plugins in the default profile's order; the first rejection decides the node's status. */
export function filter(state: CycleState, n: NodeInfo): NodeStatus | undefined {
  const pod = state.pod;
  const tolerations = (pod as Pod).spec?.tolerations;
  // NodeUnschedulable: a cordoned node, unless the pod tolerates the unschedulable taint.
  if (n.unschedulable && !toleratesTaint(tolerations, { key: TAINT_UNSCHEDULABLE, effect: "NoSchedule" })) {
    return { reasons: [ERR_UNSCHEDULABLE], resolvable: false };
  }
  const taint = findUntoleratedTaint(n.taints, tolerations);
  if (taint) return { reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ""}}`], resolvable: false };
  if (!nodeMatchesSelectorAndAffinity(pod, n.node)) return { reasons: [ERR_NODE_AFFINITY], resolvable: false };
  if (hostPortConflict(state.hostPorts, n.usage.hostPorts)) return { reasons: [ERR_NODE_PORTS], resolvable: true };
  const insufficient = insufficientResources(state.request, n.usage, n.allocatable);
  if (insufficient.length) return { reasons: insufficient, resolvable: true };
  if (state.spreadFilter) {
    const r = spreadFilter(state.spreadFilter, pod, n.labels);
    if (r) return { reasons: [r.reason], resolvable: r.resolvable };
  }
  if (state.affinity) {
    const r = podAffinityFilter(state.affinity, n.labels);
    if (r) return { reasons: [r.reason], resolvable: r.resolvable };
  }
  return undefined;
}
