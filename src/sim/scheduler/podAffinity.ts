/**
 * The InterPodAffinity plugin: required pod affinity and anti-affinity of the incoming pod, the
 * required anti-affinity of pods already running (symmetry), and the preferred terms for scoring.
 *
 * A topology domain is a (topologyKey, node label value) pair: with `kubernetes.io/hostname` each
 * node is its own domain, with `topology.kubernetes.io/zone` all nodes of a zone share one.
 */
import type { Pod, PodAffinityTerm, WeightedPodAffinityTerm } from "kubernetes-types/core/v1";
import { labelSelectorFromSpec, matchesLabels, type LabelSelector } from "../../api/selectors";
import type { KObject } from "../../api/types";

/** Labels of a namespace, for namespaceSelector (undefined when the namespace is unknown). */
export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

/** A parsed PodAffinityTerm (AffinityTerm in the scheduler framework). */
export interface AffinityTerm {
  namespaces: Set<string>;
  /** undefined: no namespaceSelector; otherwise namespaces whose labels match are included too. */
  namespaceSelector?: LabelSelector;
  selector: LabelSelector;
  topologyKey: string;
  weight: number;
}

function parseSelector(spec: PodAffinityTerm["labelSelector"]): LabelSelector | undefined {
  try {
    return labelSelectorFromSpec(spec ?? null);
  } catch {
    // Upstream ignores terms it cannot parse ("apiserver doesn't properly validate affinity terms").
    return undefined;
  }
}

/** getNamespacesFromPodAffinityTerm + the term's selectors; an unparsable term is dropped. */
export function affinityTerm(pod: KObject, term: PodAffinityTerm, weight = 1): AffinityTerm | undefined {
  const selector = parseSelector(term.labelSelector);
  if (!selector) return undefined;
  const namespaces = new Set(term.namespaces ?? []);
  let namespaceSelector: LabelSelector | undefined;
  if (term.namespaceSelector) {
    namespaceSelector = parseSelector(term.namespaceSelector);
    if (!namespaceSelector) return undefined;
  } else if (namespaces.size === 0) {
    namespaces.add(pod.metadata.namespace ?? "default");
  }
  return { namespaces, namespaceSelector, selector, topologyKey: term.topologyKey, weight };
}

/** AffinityTerm.Matches: the pod is in one of the term's namespaces and its labels match. */
export function termMatchesPod(term: AffinityTerm, pod: KObject, nsLabels: NamespaceLabels): boolean {
  const ns = pod.metadata.namespace ?? "default";
  const inNamespace = term.namespaces.has(ns) || (term.namespaceSelector !== undefined && matchesNamespace(term.namespaceSelector, ns, nsLabels));
  return inNamespace && matchesLabels(term.selector, pod.metadata.labels);
}

function matchesNamespace(selector: LabelSelector, ns: string, nsLabels: NamespaceLabels): boolean {
  // An empty namespaceSelector ({}) selects every namespace, known labels or not.
  if (selector.length === 0) return true;
  return matchesLabels(selector, nsLabels(ns) ?? { "kubernetes.io/metadata.name": ns });
}

const requiredTermsCache = new WeakMap<object, { affinity: AffinityTerm[]; anti: AffinityTerm[] }>();

/** The pod's required affinity and anti-affinity terms, parsed (memoised per frozen pod). */
export function requiredTerms(pod: KObject): { affinity: AffinityTerm[]; anti: AffinityTerm[] } {
  const hit = requiredTermsCache.get(pod);
  if (hit) return hit;
  const a = (pod as Pod).spec?.affinity;
  const parse = (terms: PodAffinityTerm[] | undefined) =>
    (terms ?? []).map((t) => affinityTerm(pod, t)).filter((t): t is AffinityTerm => t !== undefined);
  const result = {
    affinity: parse(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
    anti: parse(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution),
  };
  if (Object.isFrozen(pod)) requiredTermsCache.set(pod, result);
  return result;
}

/** Whether a pod carries any pod affinity or anti-affinity at all (NodeInfo.PodsWithAffinity). */
export function hasPodAffinity(pod: KObject): boolean {
  const a = (pod as Pod).spec?.affinity;
  return !!(a?.podAffinity || a?.podAntiAffinity);
}

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

/** A pod bound to a node, with that node's labels (the domains it belongs to). */
export interface PlacedPod {
  pod: KObject;
  nodeLabels: Record<string, string>;
}

/**
 * InterPodAffinity PreFilter state: per topology domain, how many existing pods match the incoming
 * pod's affinity terms (all of them), its anti-affinity terms (each), and how many existing pods'
 * anti-affinity terms match the incoming pod.
 */
export interface PodAffinityState {
  affinityTerms: AffinityTerm[];
  antiTerms: AffinityTerm[];
  affinityCounts: Map<string, number>;
  antiCounts: Map<string, number>;
  existingAntiCounts: Map<string, number>;
  /** No pod in the cluster matches the affinity terms and the pod matches its own: let it be first. */
  selfAffinityAllowed: boolean;
}

export function podAffinityState(pod: KObject, placed: Iterable<PlacedPod>, nsLabels: NamespaceLabels): PodAffinityState {
  const { affinity: affinityTerms, anti: antiTerms } = requiredTerms(pod);
  const affinityCounts = new Map<string, number>();
  const antiCounts = new Map<string, number>();
  const existingAntiCounts = new Map<string, number>();
  const bump = (m: Map<string, number>, key: string, labels: Record<string, string>) => {
    if (Object.hasOwn(labels, key)) {
      const k = pairKey(key, labels[key]);
      m.set(k, (m.get(k) ?? 0) + 1);
    }
  };
  for (const { pod: existing, nodeLabels } of placed) {
    if (affinityTerms.length && affinityTerms.every((t) => termMatchesPod(t, existing, nsLabels))) {
      for (const t of affinityTerms) bump(affinityCounts, t.topologyKey, nodeLabels);
    }
    for (const t of antiTerms) if (termMatchesPod(t, existing, nsLabels)) bump(antiCounts, t.topologyKey, nodeLabels);
    if (hasPodAffinity(existing)) {
      for (const t of requiredTerms(existing).anti) if (termMatchesPod(t, pod, nsLabels)) bump(existingAntiCounts, t.topologyKey, nodeLabels);
    }
  }
  const selfAffinityAllowed = affinityCounts.size === 0 && affinityTerms.every((t) => termMatchesPod(t, pod, nsLabels));
  return { affinityTerms, antiTerms, affinityCounts, antiCounts, existingAntiCounts, selfAffinityAllowed };
}

export const ERR_AFFINITY_RULES = "node(s) didn't match pod affinity rules";
export const ERR_ANTI_AFFINITY_RULES = "node(s) didn't match pod anti-affinity rules";
export const ERR_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";

/**
 * InterPodAffinity Filter: the reason the node is rejected, or undefined. Affinity failures cannot
 * be solved by preemption (UnschedulableAndUnresolvable); anti-affinity ones can (Unschedulable).
 */
export function podAffinityFilter(state: PodAffinityState, nodeLabels: Record<string, string>): { reason: string; resolvable: boolean } | undefined {
  if (state.affinityTerms.length) {
    const all = state.affinityTerms.every(
      (t) => Object.hasOwn(nodeLabels, t.topologyKey) && (state.affinityCounts.get(pairKey(t.topologyKey, nodeLabels[t.topologyKey])) ?? 0) > 0,
    );
    if (!all && !state.selfAffinityAllowed) return { reason: ERR_AFFINITY_RULES, resolvable: false };
  }
  for (const t of state.antiTerms) {
    if (Object.hasOwn(nodeLabels, t.topologyKey) && (state.antiCounts.get(pairKey(t.topologyKey, nodeLabels[t.topologyKey])) ?? 0) > 0) {
      return { reason: ERR_ANTI_AFFINITY_RULES, resolvable: true };
    }
  }
  if (state.existingAntiCounts.size) {
    for (const key in nodeLabels) {
      if ((state.existingAntiCounts.get(pairKey(key, nodeLabels[key])) ?? 0) > 0) return { reason: ERR_EXISTING_ANTI_AFFINITY, resolvable: true };
    }
  }
  return undefined;
}

/** hardPodAffinityWeight: how much an existing pod's required affinity to the incoming pod counts when scoring. */
const HARD_POD_AFFINITY_WEIGHT = 1;

function weightedTerms(pod: KObject, terms: WeightedPodAffinityTerm[] | undefined): AffinityTerm[] {
  return (terms ?? []).map((t) => affinityTerm(pod, t.podAffinityTerm, t.weight)).filter((t): t is AffinityTerm => t !== undefined);
}

/**
 * InterPodAffinity PreScore: a score per topology domain from the incoming pod's preferred terms
 * (+weight per matching existing pod for affinity, −weight for anti-affinity) and, symmetrically,
 * from existing pods' terms that match the incoming pod. undefined when nothing applies (every
 * node then scores 0).
 */
export function podAffinityScores(pod: KObject, placed: Iterable<PlacedPod>, nsLabels: NamespaceLabels): Map<string, number> | undefined {
  const a = (pod as Pod).spec?.affinity;
  const preferred = weightedTerms(pod, a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  const preferredAnti = weightedTerms(pod, a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution);
  const scores = new Map<string, number>();
  let any = false;
  const add = (t: AffinityTerm, labels: Record<string, string>, sign: number) => {
    if (!Object.hasOwn(labels, t.topologyKey)) return;
    const k = pairKey(t.topologyKey, labels[t.topologyKey]);
    scores.set(k, (scores.get(k) ?? 0) + sign * t.weight);
    any = true;
  };
  for (const { pod: existing, nodeLabels } of placed) {
    for (const t of preferred) if (termMatchesPod(t, existing, nsLabels)) add(t, nodeLabels, 1);
    for (const t of preferredAnti) if (termMatchesPod(t, existing, nsLabels)) add(t, nodeLabels, -1);
    if (!hasPodAffinity(existing)) continue;
    const ea = (existing as Pod).spec?.affinity;
    for (const t of requiredTerms(existing).affinity) {
      if (termMatchesPod(t, pod, nsLabels)) add({ ...t, weight: HARD_POD_AFFINITY_WEIGHT }, nodeLabels, 1);
    }
    for (const t of weightedTerms(existing, ea?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution)) {
      if (termMatchesPod(t, pod, nsLabels)) add(t, nodeLabels, 1);
    }
    for (const t of weightedTerms(existing, ea?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution)) {
      if (termMatchesPod(t, pod, nsLabels)) add(t, nodeLabels, -1);
    }
  }
  return any ? scores : undefined;
}

/** A node's raw InterPodAffinity score: the sum over its labels' domains. */
export function nodePodAffinityScore(scores: Map<string, number>, nodeLabels: Record<string, string>): number {
  let total = 0;
  for (const key in nodeLabels) total += scores.get(pairKey(key, nodeLabels[key])) ?? 0;
  return total;
}
