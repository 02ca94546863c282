/**
 * One scheduling cycle of kube-scheduler's default profile (schedule_one.go): PreFilter, Filter,
 * then, when several nodes fit, Score and a random pick among the best. A pod that fits nowhere gets
 * the FitError text; preemption (PostFilter) then either nominates a node and names the pods to
 * evict there, or appends why it could not.
 */
import type { KObject } from "../../api/types";
import type { Rng } from "../../controllers/types";
import type { ClusterView, NodeInfo } from "./cluster";
import { filter, preFilter } from "./filters";
import { ERR_AFFINITY_CONFLICT, ERR_NO_NODES, ERR_PREFILTER_NODE_AFFINITY, fitErrorMessage, type NodeStatus } from "./messages";
import { nodeNamesFromAffinity } from "./nodeAffinity";
import { ERR_AFFINITY_RULES } from "./podAffinity";
import { preempt } from "./preemption";
import { scoreNodes, selectHost } from "./score";

export type ScheduleResult =
  | { node: string; feasible: number }
  | {
      node?: undefined;
      /** The FailedScheduling text: FitError, plus the preemption half when preemption did not help. */
      message: string;
      statuses: Map<string, NodeStatus>;
      /** Some node turned the pod down for want of the pods its affinity asks for. */
      waitingForPodAffinity: boolean;
      /** Preemption succeeded: nominate this node and evict these pods. */
      preemption?: { node: string; victims: KObject[] };
    };

/** One scheduling cycle for `pod` over `view`: the chosen node, or why none fits. */
export function schedulePod(pod: KObject, view: ClusterView, rng: Rng): ScheduleResult {
  const numNodes = view.nodes.length;
  if (numNodes === 0) return { message: ERR_NO_NODES, statuses: new Map(), waitingForPodAffinity: false };
  const statuses = new Map<string, NodeStatus>();
  const state = preFilter(pod, view);

  // NodeAffinity PreFilter: a pod pinned to named nodes (matchFields metadata.name) only tries those.
  let candidates: readonly NodeInfo[] = view.nodes;
  let absent: string | undefined;
  let preFilterMessage: string | undefined;
  const names = nodeNamesFromAffinity(pod);
  if (names?.size === 0) {
    preFilterMessage = ERR_AFFINITY_CONFLICT;
    candidates = [];
  } else if (names) {
    candidates = view.nodes.filter((n) => names.has(n.name));
    absent = ERR_PREFILTER_NODE_AFFINITY;
  }

  const feasible: NodeInfo[] = [];
  for (const n of candidates) {
    const status = filter(state, n);
    if (status) statuses.set(n.name, status);
    else feasible.push(n);
  }
  if (feasible.length === 1) return { node: feasible[0].name, feasible: 1 };
  if (feasible.length > 1) return { node: selectHost(feasible, scoreNodes(state, view, feasible), rng).name, feasible: feasible.length };

  const fitError = fitErrorMessage(numNodes, statuses, absent, preFilterMessage);
  const waitingForPodAffinity = [...statuses.values()].some((s) => s.reasons.includes(ERR_AFFINITY_RULES));
  const outcome = preempt(state, view, statuses);
  if ("victims" in outcome) return { message: fitError, statuses, waitingForPodAffinity, preemption: outcome };
  return { message: `${fitError} ${outcome.message}`, statuses, waitingForPodAffinity };
}
