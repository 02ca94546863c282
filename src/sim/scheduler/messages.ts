/** The texts a scheduling failure reports (FitError.Error and the plugins' reasons). */

export const ERR_UNSCHEDULABLE = "node(s) were unschedulable";
export const ERR_NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector";
export const ERR_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";
export const ERR_NO_NODES = "no nodes available to schedule pods";
export const ERR_AFFINITY_CONFLICT = "pod affinity terms conflict";
export const ERR_PREFILTER_NODE_AFFINITY = "node(s) didn't satisfy plugin(s) [NodeAffinity]";
export const PREEMPTION_NOT_HELPFUL = "Preemption is not helpful for scheduling";
export const NO_VICTIMS = "No preemption victims found for incoming pod";

/** Why one node was rejected: the failing plugin's reasons, and whether preemption could help. */
export interface NodeStatus {
  reasons: string[];
  /** Unschedulable (true) vs UnschedulableAndUnresolvable (false). */
  resolvable: boolean;
}

/**
 * FitError.Error(): "0/3 nodes are available: 1 node(s) had untolerated taint {k: v}, 2 Insufficient cpu."
 * Each node contributes its reasons; entries are "<count> <reason>" sorted as strings (so "10 …"
 * sorts before "2 …", as in upstream). Nodes without a status (left out by PreFilter) count under
 * `absent`.
 */
export function fitErrorMessage(numNodes: number, statuses: Map<string, NodeStatus>, absent?: string, preFilterMessage?: string): string {
  let msg = `0/${numNodes} nodes are available:`;
  if (preFilterMessage) return `${msg} ${preFilterMessage}.`;
  const histogram = new Map<string, number>();
  for (const s of statuses.values()) for (const r of s.reasons) histogram.set(r, (histogram.get(r) ?? 0) + 1);
  if (absent && statuses.size < numNodes) histogram.set(absent, (histogram.get(absent) ?? 0) + numNodes - statuses.size);
  const entries = [...histogram].map(([reason, n]) => `${n} ${reason}`).sort();
  if (entries.length) msg += ` ${entries.join(", ")}.`;
  return msg;
}
