/**
 * What a ResourceQuota counts, after upstream's quota evaluators (pkg/quota/v1/evaluator/core:
 * pods, services, persistentvolumeclaims, and the generic object-count evaluator for every other
 * kind). Pure: the objects come from a lister, so the admission plugin (the API server's store) and
 * the quota controller (a snapshot) compute the same usage.
 */
import type { Pod, PersistentVolumeClaim, ResourceQuota, ScopedResourceSelectorRequirement, Service } from "kubernetes-types/core/v1";
import { RESOURCE_TYPES, storageResource, type ResourceType } from "../resources";
import { qosClass } from "../strategy";
import type { KObject } from "../types";
import { podResourceList } from "./podResources";
import { addLists, maskList, type ResourceList, zeros } from "./resourceLists";

/** Objects of a storage resource in one namespace. */
export type Lister = (resource: string, namespace: string) => readonly KObject[];

export interface Evaluator {
  /** The storage resource it counts: "pods", "deployments.apps". */
  resource: string;
  /** MatchingResources: which of these quota resource names it tracks. */
  matching(names: readonly string[]): string[];
  /** Usage of one object: what it charges against a quota. */
  usage(obj: KObject, now: number): ResourceList;
  /** Whether the object is in the quota's scopes (only pods have scopes; other kinds never match a scoped quota). */
  matchesScopes(selectors: readonly ScopedResourceSelectorRequirement[], obj: KObject): boolean;
  /** Constraints: what the object must declare for these tracked names; the message, or "" when fine. */
  constraints?(names: readonly string[], obj: KObject): string;
}

/** The ResourceQuotaScope names and selectors of a quota, as one list of selector requirements. */
export function scopeSelectors(quota: ResourceQuota): ScopedResourceSelectorRequirement[] {
  const fromScopes = (quota.spec?.scopes ?? []).map((scopeName) => ({ scopeName, operator: "Exists" }));
  return [...fromScopes, ...(quota.spec?.scopeSelector?.matchExpressions ?? [])];
}

// ---- pods ----

const POD_RESOURCES = new Set([
  "count/pods", "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
  "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods",
]);
/** The quota names a pod must declare when a quota tracks them (upstream's backward-compatible mistake). */
const VALIDATION_SET = new Set(["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"]);

/**
 * podComputeUsageHelper: a pod's (or container's) requests and limits as quota names.
 *   requests {cpu: 400m, memory: 600Mi}, limits {cpu: 800m}
 *   → pods 1, cpu 400m, requests.cpu 400m, limits.cpu 800m, memory 600Mi, requests.memory 600Mi
 */
export function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = { pods: "1" };
  for (const name of ["cpu", "memory", "ephemeral-storage"]) {
    if (name in requests) out[name] = out[`requests.${name}`] = requests[name];
    if (name in limits) out[`limits.${name}`] = limits[name];
  }
  for (const [name, value] of Object.entries(requests)) {
    if (name.startsWith("hugepages-")) out[name] = out[`requests.${name}`] = value;
  }
  return out;
}

/** QuotaV1Pod: terminal pods, and pods past their deletion grace period, no longer count. */
export function podCountsForQuota(pod: Pod, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return false;
  const deletion = pod.metadata?.deletionTimestamp;
  const grace = pod.metadata?.deletionGracePeriodSeconds;
  if (deletion && grace !== undefined && grace !== null && now > Date.parse(deletion) + grace * 1000) return false;
  return true;
}

function podMatchesScope(selector: ScopedResourceSelectorRequirement, pod: Pod): boolean {
  const deadline = pod.spec?.activeDeadlineSeconds;
  const terminating = deadline !== undefined && deadline !== null && deadline >= 0;
  switch (selector.scopeName) {
    case "Terminating":
      return terminating;
    case "NotTerminating":
      return !terminating;
    case "BestEffort":
      return qosClass(pod as KObject) === "BestEffort";
    case "NotBestEffort":
      return qosClass(pod as KObject) !== "BestEffort";
    case "PriorityClass": {
      const name = pod.spec?.priorityClassName ?? "";
      const values = selector.values ?? [];
      switch (selector.operator) {
        case "Exists":
          return name !== "";
        case "DoesNotExist":
          return name === "";
        case "In":
          return name !== "" && values.includes(name);
        case "NotIn":
          return name === "" || !values.includes(name);
      }
      return false;
    }
    case "CrossNamespacePodAffinity": {
      const affinity = pod.spec?.affinity;
      const terms = [
        ...(affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
        ...(affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w) => w.podAffinityTerm),
      ];
      return terms.some((t) => (t.namespaces?.length ?? 0) > 0 || t.namespaceSelector !== undefined);
    }
  }
  return false;
}

/**
 * podEvaluator.Constraints: with a compute quota in place every container must declare what it
 * tracks. "must specify limits.cpu for: app,sidecar; requests.memory for: app"
 */
function podConstraints(names: readonly string[], obj: KObject): string {
  const required = names.filter((n) => VALIDATION_SET.has(n));
  if (required.length === 0) return "";
  const spec = (obj as Pod).spec;
  const missing = new Map<string, Set<string>>();
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    const usage = computeUsage((c.resources?.requests ?? {}) as ResourceList, (c.resources?.limits ?? {}) as ResourceList);
    for (const name of required) {
      if (name in usage) continue;
      if (!missing.has(name)) missing.set(name, new Set());
      missing.get(name)!.add(c.name);
    }
  }
  if (missing.size === 0) return "";
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...missing.get(name)!].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}

export const podEvaluator: Evaluator = {
  resource: "pods",
  matching: (names) => names.filter((n) => POD_RESOURCES.has(n) || n.startsWith("hugepages-") || n.startsWith("requests.hugepages-")),
  usage(obj, now) {
    const pod = obj as Pod;
    const result: ResourceList = { "count/pods": "1" };
    if (!podCountsForQuota(pod, now)) return result;
    return addLists(result, computeUsage(podResourceList(pod, "requests"), podResourceList(pod, "limits")));
  },
  matchesScopes: (selectors, obj) => selectors.every((s) => podMatchesScope(s, obj as Pod)),
  constraints: podConstraints,
};

// ---- services and claims ----

export const serviceEvaluator: Evaluator = {
  resource: "services",
  matching: (names) => names.filter((n) => ["count/services", "services", "services.loadbalancers", "services.nodeports"].includes(n)),
  usage(obj) {
    const spec = (obj as Service).spec;
    const usage: ResourceList = { "count/services": "1", services: "1" };
    const type = spec?.type ?? "ClusterIP";
    if (type === "LoadBalancer") usage["services.loadbalancers"] = "1";
    const nodePorts = new Set((spec?.ports ?? []).map((p) => p.nodePort).filter((p) => p)).size;
    if ((type === "NodePort" || type === "LoadBalancer") && nodePorts) usage["services.nodeports"] = String(nodePorts);
    return usage;
  },
  matchesScopes: (selectors) => selectors.length === 0,
};

const STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/";

export const claimEvaluator: Evaluator = {
  resource: "persistentvolumeclaims",
  matching: (names) =>
    names.filter((n) => ["count/persistentvolumeclaims", "persistentvolumeclaims", "requests.storage"].includes(n) || n.includes(STORAGE_CLASS_SUFFIX)),
  usage(obj) {
    const pvc = obj as PersistentVolumeClaim;
    const usage: ResourceList = { "count/persistentvolumeclaims": "1", persistentvolumeclaims: "1" };
    const storage = pvc.spec?.resources?.requests?.storage as string | undefined;
    if (storage) usage["requests.storage"] = storage;
    const cls = pvc.spec?.storageClassName;
    if (cls) {
      usage[`${cls}${STORAGE_CLASS_SUFFIX}persistentvolumeclaims`] = "1";
      if (storage) usage[`${cls}${STORAGE_CLASS_SUFFIX}requests.storage`] = storage;
    }
    return usage;
  },
  matchesScopes: (selectors) => selectors.length === 0,
};

// ---- every other kind: object counts ----

/** The pre-`count/` quota names of a few core kinds. */
const LEGACY_COUNT_NAMES: Record<string, string> = {
  configmaps: "configmaps",
  secrets: "secrets",
  resourcequotas: "resourcequotas",
  replicationcontrollers: "replicationcontrollers",
};

/** ObjectCountQuotaResourceNameFor: "count/deployments.apps", "count/configmaps". */
export function countName(type: ResourceType): string {
  return `count/${type.group ? `${type.plural}.${type.group}` : type.plural}`;
}

function objectCountEvaluator(type: ResourceType): Evaluator {
  const names = [countName(type), ...(type.group === "" && LEGACY_COUNT_NAMES[type.plural] ? [LEGACY_COUNT_NAMES[type.plural]] : [])];
  return {
    resource: storageResource(type),
    matching: (wanted) => wanted.filter((n) => names.includes(n)),
    usage: () => Object.fromEntries(names.map((n) => [n, "1"])),
    matchesScopes: (selectors) => selectors.length === 0,
  };
}

let evaluatorCache: Evaluator[] | undefined;

/** One evaluator per stored namespaced kind (events.k8s.io Events share core Events' storage). */
export function evaluators(): Evaluator[] {
  if (evaluatorCache) return evaluatorCache;
  const special: Record<string, Evaluator> = { pods: podEvaluator, services: serviceEvaluator, persistentvolumeclaims: claimEvaluator };
  const seen = new Set<string>();
  evaluatorCache = [];
  for (const type of RESOURCE_TYPES) {
    const resource = storageResource(type);
    if (!type.namespaced || type.createOnly || type.readOnly || seen.has(resource)) continue;
    seen.add(resource);
    evaluatorCache.push(special[resource] ?? objectCountEvaluator(type));
  }
  return evaluatorCache;
}

export function evaluatorFor(resource: string): Evaluator | undefined {
  return evaluators().find((e) => e.resource === resource);
}

/**
 * CalculateUsage: the quota's status.used, every hard name an evaluator tracks summed over the
 * namespace's objects in scope, zero when nothing uses it; names no evaluator knows are left out.
 *   hard {pods: 2, requests.memory: 1Gi}, one running pod asking 600Mi → used {pods: 1, requests.memory: 600Mi}
 */
export function quotaUsage(quota: ResourceQuota, list: Lister, now: number): ResourceList {
  const hardNames = Object.keys(quota.spec?.hard ?? {});
  const namespace = quota.metadata?.namespace ?? "";
  const selectors = scopeSelectors(quota);
  let used: ResourceList = {};
  for (const evaluator of evaluators()) {
    const names = evaluator.matching(hardNames);
    if (names.length === 0) continue;
    let stats = zeros(names);
    for (const obj of list(evaluator.resource, namespace)) {
      if (!evaluator.matchesScopes(selectors, obj)) continue;
      stats = addLists(stats, maskList(evaluator.usage(obj, now), names));
    }
    used = addLists(used, stats);
  }
  return used;
}
