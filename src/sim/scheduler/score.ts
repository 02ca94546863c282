/**
 * The Score phase of the default profile: each plugin scores the feasible nodes 0–100 and the
 * weighted sum decides — TaintToleration ×3, NodeAffinity ×2, PodTopologySpread ×2,
 * InterPodAffinity ×2, NodeResourcesFit (LeastAllocated) ×1, NodeResourcesBalancedAllocation ×1.
 * (ImageLocality would give every node the same score here: images are not tracked per node.)
 */
import type { Pod } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import type { Rng } from "../../controllers/types";
import type { ClusterView, NodeInfo } from "./cluster";
import { placedPods, toSpreadNodes, type CycleState } from "./filters";
import { preferredNodeAffinityScore } from "./nodeAffinity";
import { nodePodAffinityScore, podAffinityScores } from "./podAffinity";
import { podNonZeroRequests, type Resources } from "./resources";
import { spreadScores } from "./spread";
import { toleratesTaint } from "./taints";

/** The plugin weights of the default profile's Score phase. */
const WEIGHTS = { taint: 3, nodeAffinity: 2, fit: 1, spread: 2, interPod: 2, balanced: 1 };

/** helper.DefaultNormalizeScore: scale to 0–100 by the maximum; `reverse` makes fewer better. */
function defaultNormalize(raw: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map(() => (reverse ? 100 : 0));
  return raw.map((s) => {
    const v = Math.trunc((100 * s) / max);
    return reverse ? 100 - v : v;
  });
}

/** leastRequestedScore: the free share of the node after placing the pod, 0–100. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * 100) / capacity);
}

/**
 * NodeResourcesFit (LeastAllocated, cpu and memory weighted equally) on the non-zero requests.
 *
 *   4 cpu node with 1000m requested, pod 500m → cpu (4000−1500)×100/4000 = 62
 */
function leastAllocatedScore(pod: KObject, n: NodeInfo): number {
  const nz = podNonZeroRequests(pod);
  const parts: number[] = [];
  const cpuCap = n.allocatable.cpu ?? 0;
  const memCap = n.allocatable.memory ?? 0;
  if (cpuCap) parts.push(leastRequested(n.usage.nonZeroCpu + nz.cpu, cpuCap));
  if (memCap) parts.push(leastRequested(n.usage.nonZeroMemory + nz.memory, memCap));
  return parts.length ? Math.trunc(parts.reduce((a, b) => a + b, 0) / parts.length) : 0;
}

/** NodeResourcesBalancedAllocation: 100 × (1 − |cpu share − memory share| / 2) on actual requests. */
function balancedAllocationScore(request: Resources, n: NodeInfo): number {
  const fractions: number[] = [];
  for (const name of ["cpu", "memory"]) {
    const cap = n.allocatable[name] ?? 0;
    if (!cap) continue;
    fractions.push(Math.min(1, ((n.usage.requested[name] ?? 0) + (request[name] ?? 0)) / cap));
  }
  const std = fractions.length === 2 ? Math.abs((fractions[0] - fractions[1]) / 2) : 0;
  return Math.trunc((1 - std) * 100);
}

/** Σ weight × normalized score for each feasible node (the Score phase). */
export function scoreNodes(state: CycleState, view: ClusterView, feasible: readonly NodeInfo[]): number[] {
  const pod = state.pod;
  const tolerations = ((pod as Pod).spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === "PreferNoSchedule");
  const taintRaw = feasible.map((n) => (n.taints ?? []).filter((t) => t.effect === "PreferNoSchedule" && !toleratesTaint(tolerations, t)).length);
  const taint = defaultNormalize(taintRaw, true);
  const nodeAffinity = defaultNormalize(feasible.map((n) => preferredNodeAffinityScore(pod, n.node)), false);

  const spreadFeasible = toSpreadNodes(pod, feasible);
  const spreadAll = state.spreadNodes ?? (state.spread.soft.some((c) => c.topologyKey !== "kubernetes.io/hostname") ? toSpreadNodes(pod, view.nodes) : spreadFeasible);
  const spreadMap = spreadScores(pod, state.spread.soft, state.spread.systemDefaulted, spreadFeasible, spreadAll);

  const a = (pod as Pod).spec?.affinity;
  const preferredTerms = !!(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length || a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length);
  const domainScores = preferredTerms || view.nodes.some((n) => n.withAffinity.length)
    ? podAffinityScores(pod, placedPods(view.nodes, !preferredTerms), view.namespaceLabels)
    : undefined;
  let interPod = feasible.map(() => 0);
  if (domainScores) {
    const raw = feasible.map((n) => nodePodAffinityScore(domainScores, n.labels));
    const min = Math.min(...raw);
    const diff = Math.max(...raw) - min;
    interPod = raw.map((s) => (diff > 0 ? Math.trunc((100 * (s - min)) / diff) : 0));
  }

  return feasible.map(
    (n, i) =>
      WEIGHTS.taint * taint[i] +
      WEIGHTS.nodeAffinity * nodeAffinity[i] +
      WEIGHTS.fit * leastAllocatedScore(pod, n) +
      WEIGHTS.spread * (spreadMap.get(n.name) ?? 0) +
      WEIGHTS.interPod * interPod[i] +
      WEIGHTS.balanced * balancedAllocationScore(state.request, n),
  );
}

/** selectHost: the highest total score, ties broken uniformly at random. */
export function selectHost(feasible: readonly NodeInfo[], scores: readonly number[], rng: Rng): NodeInfo {
  const best = Math.max(...scores);
  const top = feasible.filter((_, i) => scores[i] === best);
  return top[Math.min(top.length - 1, Math.floor(rng() * top.length))];
}
