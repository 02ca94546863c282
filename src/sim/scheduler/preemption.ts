/**
 * DefaultPreemption (PostFilter): when a pod fits nowhere, look for a node where evicting pods of
 * lower priority would make it fit, evict as few and as unimportant pods as possible there, and
 * nominate that node for the pod. When no node qualifies, the reasons become the "preemption: …"
 * half of the FailedScheduling message. PodDisruptionBudgets are not consulted.
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import { hypotheticalNodeInfo, type ClusterView, type NodeInfo } from "./cluster";
import { filter, preFilter, type CycleState } from "./filters";
import { fitErrorMessage, NO_VICTIMS, PREEMPTION_NOT_HELPFUL, type NodeStatus } from "./messages";

export const PREEMPTION_REASON = "PreemptionByScheduler";

/** corev1helpers.PodPriority: spec.priority, 0 when unset. */
export function podPriority(pod: KObject): number {
  return (pod as Pod).spec?.priority ?? 0;
}

function startTime(pod: KObject): number {
  const t = Date.parse((pod as Pod).status?.startTime ?? pod.metadata.creationTimestamp ?? "");
  return Number.isNaN(t) ? 0 : t;
}

/** util.MoreImportantPod as a sort order: higher priority first, then the one that started earlier. */
function byImportance(a: KObject, b: KObject): number {
  return podPriority(b) - podPriority(a) || startTime(a) - startTime(b);
}

/** A pod on its way out because the scheduler preempted it. */
function terminatingByPreemption(pod: KObject): boolean {
  return !!pod.metadata.deletionTimestamp && !!(pod as Pod).status?.conditions?.some((c) => c.type === "DisruptionTarget" && c.reason === PREEMPTION_REASON);
}

/**
 * PodEligibleToPreemptOthers: a pod that may not preempt says why. A pod already nominated to a node
 * where its victims are still terminating waits for them rather than preempting again.
 */
export function preemptionIneligibility(pod: KObject, view: ClusterView, statuses: Map<string, NodeStatus>): string | undefined {
  if ((pod as Pod).spec?.preemptionPolicy === "Never") return "not eligible due to preemptionPolicy=Never.";
  const nominated = (pod as Pod).status?.nominatedNodeName;
  if (!nominated) return undefined;
  const status = statuses.get(nominated);
  if (status && !status.resolvable) return undefined;
  const node = view.nodes.find((n) => n.name === nominated);
  const priority = podPriority(pod);
  if (node?.pods.some((p) => podPriority(p) < priority && terminatingByPreemption(p))) return "not eligible due to a terminating pod on the nominated node.";
  return undefined;
}

interface Candidate {
  node: NodeInfo;
  /** Most important first. */
  victims: KObject[];
}

/**
 * SelectVictimsOnNode: remove every lower-priority pod; if the pod then fits, put them back one by
 * one, most important first, keeping each that still leaves room. What could not be put back are
 * the victims. Without lower-priority pods, or if the pod does not fit even without them, the node
 * is no candidate and the returned status says why.
 */
function selectVictimsOnNode(state: CycleState, view: ClusterView, node: NodeInfo): Candidate | NodeStatus {
  const priority = podPriority(state.pod);
  const lower = node.pods.filter((p) => podPriority(p) < priority && !p.metadata.deletionTimestamp);
  if (lower.length === 0) return { reasons: [NO_VICTIMS], resolvable: false };
  // Affinity and spreading count pods cluster-wide: recompute their state without the removed pods.
  const global = state.affinity !== undefined || state.spreadFilter !== undefined;
  const fits = (removed: Set<KObject>) => {
    const n = hypotheticalNodeInfo(node, node.pods.filter((p) => !removed.has(p)));
    const s = global ? preFilter(state.pod, { ...view, nodes: view.nodes.map((o) => (o === node ? n : o)) }) : state;
    return filter(s, n);
  };
  const removed = new Set(lower);
  const status = fits(removed);
  if (status) return status;
  const victims: KObject[] = [];
  for (const p of [...lower].sort(byImportance)) {
    removed.delete(p);
    if (fits(removed)) {
      removed.add(p);
      victims.push(p);
    }
  }
  // Every pod could stay: nothing to evict after all (upstream treats this as an error status).
  if (victims.length === 0) return { reasons: [NO_VICTIMS], resolvable: false };
  return { node, victims };
}

const MAX_INT32 = 2 ** 31 - 1;

/** The earliest start among the victims of the highest priority (GetEarliestPodStartTime). */
function earliestStartOfTop(victims: readonly KObject[]): number {
  const top = podPriority(victims[0]);
  return Math.min(...victims.filter((v) => podPriority(v) === top).map(startTime));
}

/**
 * pickOneNodeForPreemption (without PDBs): the lowest highest-priority victim, then the smallest sum
 * of priorities, then the fewest victims, then the latest-started top victims, then the first.
 */
function pickOne(candidates: readonly Candidate[]): Candidate {
  const keys = (c: Candidate): number[] => [
    podPriority(c.victims[0]),
    c.victims.reduce((sum, v) => sum + podPriority(v) + MAX_INT32 + 1, 0),
    c.victims.length,
    -earliestStartOfTop(c.victims),
  ];
  let best = candidates[0];
  let bestKeys = keys(best);
  for (const c of candidates.slice(1)) {
    const k = keys(c);
    const i = k.findIndex((v, j) => v !== bestKeys[j]);
    if (i >= 0 && k[i] < bestKeys[i]) {
      best = c;
      bestKeys = k;
    }
  }
  return best;
}

export type PreemptionOutcome = { node: string; victims: KObject[] } | { message: string };

/**
 * Preempt: the node to nominate and the pods to evict there, or the "preemption: …" message. Only
 * nodes rejected for reasons eviction can fix are tried; the others are "not helpful".
 *
 *   3 nodes full of priority-0 pods, incoming priority 1000 asking for a node's worth of cpu
 *   → the node whose victims are fewest (all priority 0, equal sums) is nominated
 */
export function preempt(state: CycleState, view: ClusterView, statuses: Map<string, NodeStatus>): PreemptionOutcome {
  const numNodes = view.nodes.length;
  const ineligible = preemptionIneligibility(state.pod, view, statuses);
  if (ineligible) return { message: `preemption: ${ineligible}` };
  const outcome = new Map<string, NodeStatus>();
  const candidates: Candidate[] = [];
  for (const node of view.nodes) {
    if (!statuses.get(node.name)?.resolvable) continue;
    const r = selectVictimsOnNode(state, view, node);
    if ("victims" in r) candidates.push(r);
    else outcome.set(node.name, r);
  }
  if (candidates.length) {
    const chosen = pickOne(candidates);
    return { node: chosen.node.name, victims: chosen.victims };
  }
  return { message: `preemption: ${fitErrorMessage(numNodes, outcome, PREEMPTION_NOT_HELPFUL)}` };
}
