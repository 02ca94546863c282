/**
 * The NodeAffinity plugin: spec.nodeSelector plus required and preferred node affinity
 * (component-helpers scheduling/corev1/nodeaffinity). Terms are ORed; within a term, matchExpressions
 * (on labels) and matchFields (only metadata.name) are ANDed; a term with neither matches nothing.
 */
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";

const INT64 = /^[+-]?\d+$/;

/** One matchExpressions requirement against a node's labels; a malformed one never matches. */
export function labelRequirementMatches(req: NodeSelectorRequirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.hasOwn(labels, req.key);
  const v = has ? labels![req.key] : undefined;
  const values = req.values ?? [];
  switch (req.operator) {
    case "In":
      return has && values.includes(v!);
    case "NotIn":
      return !has || !values.includes(v!);
    case "Exists":
      return has;
    case "DoesNotExist":
      return !has;
    case "Gt":
    case "Lt": {
      if (!has || values.length !== 1 || !INT64.test(values[0]) || !INT64.test(v!)) return false;
      const [actual, bound] = [BigInt(v!), BigInt(values[0])];
      return req.operator === "Gt" ? actual > bound : actual < bound;
    }
    default:
      return false;
  }
}

/** One matchFields requirement: only metadata.name with In or NotIn is valid. */
function fieldRequirementMatches(req: NodeSelectorRequirement, nodeName: string): boolean {
  if (req.key !== "metadata.name") return false;
  const values = req.values ?? [];
  if (req.operator === "In") return values.includes(nodeName);
  if (req.operator === "NotIn") return !values.includes(nodeName);
  return false;
}

/** A NodeSelectorTerm matches when all its expressions and fields do; an empty term matches nothing. */
export function nodeSelectorTermMatches(term: NodeSelectorTerm | undefined | null, node: KObject): boolean {
  if (!term) return false;
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata.labels;
  for (const r of exprs) if (!labelRequirementMatches(r, labels)) return false;
  for (const r of fields) if (!fieldRequirementMatches(r, node.metadata.name ?? "")) return false;
  return true;
}

/** spec.nodeSelector: every key must be on the node with exactly that value. */
export function nodeSelectorMatches(selector: Record<string, string> | undefined, node: KObject): boolean {
  if (!selector) return true;
  const labels = node.metadata.labels ?? {};
  for (const key in selector) if (!Object.hasOwn(labels, key) || labels[key] !== selector[key]) return false;
  return true;
}

/**
 * GetRequiredNodeAffinity(pod).Match(node): the node satisfies the pod's nodeSelector and at least
 * one of its required node affinity terms. The DaemonSet controller asks the same question.
 */
export function nodeMatchesSelectorAndAffinity(pod: KObject | Pod, node: KObject): boolean {
  const spec = (pod as Pod).spec;
  if (!nodeSelectorMatches(spec?.nodeSelector, node)) return false;
  const required = spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  for (const term of required.nodeSelectorTerms ?? []) if (nodeSelectorTermMatches(term, node)) return true;
  return false;
}

/**
 * NodeAffinity PreFilter: when every required term names nodes with `metadata.name In [...]` (the
 * DaemonSet pattern), only those nodes are candidates. undefined means every node is; an empty set
 * means the terms contradict each other.
 */
export function nodeNamesFromAffinity(pod: KObject | Pod): Set<string> | undefined {
  const terms = (pod as Pod).spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms?.length) return undefined;
  let names: Set<string> | undefined;
  for (const term of terms) {
    let termNames: Set<string> | undefined;
    for (const r of term.matchFields ?? []) {
      if (r.key !== "metadata.name" || r.operator !== "In") continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    // A term without a node-name field lets every node through, since terms are ORed.
    if (!termNames) return undefined;
    names = names ? new Set([...names, ...termNames]) : termNames;
  }
  return names;
}

/** The sum of the weights of the preferred node affinity terms this node matches (the NodeAffinity score). */
export function preferredNodeAffinityScore(pod: KObject | Pod, node: KObject): number {
  const preferred: PreferredSchedulingTerm[] | undefined = (pod as Pod).spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution;
  if (!preferred) return 0;
  let score = 0;
  for (const p of preferred) if (p.weight && nodeSelectorTermMatches(p.preference, node)) score += p.weight;
  return score;
}
