/**
 * The resource types this API server serves: the single source for discovery, routing, OpenAPI,
 * storage keys and kubectl's short names and categories. Mirrors what `kubectl api-resources` shows on
 * a real cluster for these kinds.
 */

export type Subresource = "status" | "scale" | "log" | "eviction" | "binding" | "token" | "exec" | "attach" | "portforward";

export interface ResourceType {
  group: string; // "" for the core group
  /** Served versions, preferred first; objects are stored in the first. */
  versions: string[];
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  subresources?: Subresource[];
  /** Read-only aggregated APIs (metrics) list no write verbs. */
  readOnly?: boolean;
  /** Storage is shared with another resource type (events.k8s.io Events are core Events). */
  storedAs?: string;
  /** Reviews (SelfSubjectAccessReview...): only `create`, answered at once and never stored. */
  createOnly?: boolean;
}

const ALL = ["all"];

export const RESOURCE_TYPES: ResourceType[] = [
  { group: "", versions: ["v1"], kind: "Namespace", plural: "namespaces", singular: "namespace", namespaced: false, shortNames: ["ns"], subresources: ["status"] },
  { group: "", versions: ["v1"], kind: "Node", plural: "nodes", singular: "node", namespaced: false, shortNames: ["no"], subresources: ["status"] },
  { group: "", versions: ["v1"], kind: "Pod", plural: "pods", singular: "pod", namespaced: true, shortNames: ["po"], categories: ALL, subresources: ["status", "log", "eviction", "binding", "exec", "attach", "portforward"] },
  { group: "", versions: ["v1"], kind: "Service", plural: "services", singular: "service", namespaced: true, shortNames: ["svc"], categories: ALL, subresources: ["status"] },
  { group: "", versions: ["v1"], kind: "Endpoints", plural: "endpoints", singular: "endpoints", namespaced: true, shortNames: ["ep"] },
  { group: "", versions: ["v1"], kind: "Event", plural: "events", singular: "event", namespaced: true, shortNames: ["ev"] },
  { group: "", versions: ["v1"], kind: "ConfigMap", plural: "configmaps", singular: "configmap", namespaced: true, shortNames: ["cm"] },
  { group: "", versions: ["v1"], kind: "Secret", plural: "secrets", singular: "secret", namespaced: true },
  { group: "", versions: ["v1"], kind: "ServiceAccount", plural: "serviceaccounts", singular: "serviceaccount", namespaced: true, shortNames: ["sa"], subresources: ["token"] },
  { group: "", versions: ["v1"], kind: "PersistentVolume", plural: "persistentvolumes", singular: "persistentvolume", namespaced: false, shortNames: ["pv"], subresources: ["status"] },
  { group: "", versions: ["v1"], kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", singular: "persistentvolumeclaim", namespaced: true, shortNames: ["pvc"], subresources: ["status"] },
  { group: "", versions: ["v1"], kind: "ResourceQuota", plural: "resourcequotas", singular: "resourcequota", namespaced: true, shortNames: ["quota"], subresources: ["status"] },
  { group: "", versions: ["v1"], kind: "LimitRange", plural: "limitranges", singular: "limitrange", namespaced: true, shortNames: ["limits"] },
  { group: "", versions: ["v1"], kind: "PodTemplate", plural: "podtemplates", singular: "podtemplate", namespaced: true },
  { group: "", versions: ["v1"], kind: "ReplicationController", plural: "replicationcontrollers", singular: "replicationcontroller", namespaced: true, shortNames: ["rc"], categories: ALL, subresources: ["status", "scale"] },
  { group: "apps", versions: ["v1"], kind: "ControllerRevision", plural: "controllerrevisions", singular: "controllerrevision", namespaced: true },
  { group: "apps", versions: ["v1"], kind: "DaemonSet", plural: "daemonsets", singular: "daemonset", namespaced: true, shortNames: ["ds"], categories: ALL, subresources: ["status"] },
  { group: "apps", versions: ["v1"], kind: "Deployment", plural: "deployments", singular: "deployment", namespaced: true, shortNames: ["deploy"], categories: ALL, subresources: ["status", "scale"] },
  { group: "apps", versions: ["v1"], kind: "ReplicaSet", plural: "replicasets", singular: "replicaset", namespaced: true, shortNames: ["rs"], categories: ALL, subresources: ["status", "scale"] },
  { group: "apps", versions: ["v1"], kind: "StatefulSet", plural: "statefulsets", singular: "statefulset", namespaced: true, shortNames: ["sts"], categories: ALL, subresources: ["status", "scale"] },
  { group: "authentication.k8s.io", versions: ["v1"], kind: "SelfSubjectReview", plural: "selfsubjectreviews", singular: "selfsubjectreview", namespaced: false, createOnly: true },
  { group: "authorization.k8s.io", versions: ["v1"], kind: "SelfSubjectAccessReview", plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview", namespaced: false, createOnly: true },
  { group: "authorization.k8s.io", versions: ["v1"], kind: "SelfSubjectRulesReview", plural: "selfsubjectrulesreviews", singular: "selfsubjectrulesreview", namespaced: false, createOnly: true },
  { group: "autoscaling", versions: ["v2", "v1"], kind: "HorizontalPodAutoscaler", plural: "horizontalpodautoscalers", singular: "horizontalpodautoscaler", namespaced: true, shortNames: ["hpa"], categories: ALL, subresources: ["status"] },
  { group: "batch", versions: ["v1"], kind: "CronJob", plural: "cronjobs", singular: "cronjob", namespaced: true, shortNames: ["cj"], categories: ALL, subresources: ["status"] },
  { group: "batch", versions: ["v1"], kind: "Job", plural: "jobs", singular: "job", namespaced: true, categories: ALL, subresources: ["status"] },
  { group: "coordination.k8s.io", versions: ["v1"], kind: "Lease", plural: "leases", singular: "lease", namespaced: true },
  { group: "discovery.k8s.io", versions: ["v1"], kind: "EndpointSlice", plural: "endpointslices", singular: "endpointslice", namespaced: true },
  { group: "events.k8s.io", versions: ["v1"], kind: "Event", plural: "events", singular: "event", namespaced: true, shortNames: ["ev"], storedAs: "events" },
  { group: "networking.k8s.io", versions: ["v1"], kind: "IngressClass", plural: "ingressclasses", singular: "ingressclass", namespaced: false },
  { group: "networking.k8s.io", versions: ["v1"], kind: "Ingress", plural: "ingresses", singular: "ingress", namespaced: true, shortNames: ["ing"], subresources: ["status"] },
  { group: "networking.k8s.io", versions: ["v1"], kind: "NetworkPolicy", plural: "networkpolicies", singular: "networkpolicy", namespaced: true, shortNames: ["netpol"] },
  { group: "policy", versions: ["v1"], kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", singular: "poddisruptionbudget", namespaced: true, shortNames: ["pdb"], subresources: ["status"] },
  { group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "ClusterRoleBinding", plural: "clusterrolebindings", singular: "clusterrolebinding", namespaced: false },
  { group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "ClusterRole", plural: "clusterroles", singular: "clusterrole", namespaced: false },
  { group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "RoleBinding", plural: "rolebindings", singular: "rolebinding", namespaced: true },
  { group: "rbac.authorization.k8s.io", versions: ["v1"], kind: "Role", plural: "roles", singular: "role", namespaced: true },
  { group: "scheduling.k8s.io", versions: ["v1"], kind: "PriorityClass", plural: "priorityclasses", singular: "priorityclass", namespaced: false, shortNames: ["pc"] },
  { group: "storage.k8s.io", versions: ["v1"], kind: "StorageClass", plural: "storageclasses", singular: "storageclass", namespaced: false, shortNames: ["sc"] },
];

/** API groups in the order `/apis` lists them (upstream lists by priority; alphabetical is fine for kubectl). */
export function apiGroups(): { name: string; versions: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const type of RESOURCE_TYPES) {
    if (!type.group) continue;
    const versions = groups.get(type.group) ?? [];
    for (const version of type.versions) if (!versions.includes(version)) versions.push(version);
    groups.set(type.group, versions);
  }
  return [...groups].map(([name, versions]) => ({ name, versions }));
}

/** The storage key of a resource type: `pods`, `deployments.apps`; events.k8s.io shares core events. */
export function storageResource(type: ResourceType): string {
  if (type.storedAs) return type.storedAs;
  return type.group ? `${type.plural}.${type.group}` : type.plural;
}

export function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find((t) => t.group === group && t.plural === plural && t.versions.includes(version));
}

export function findKind(apiVersion: string, kind: string): ResourceType | undefined {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  return RESOURCE_TYPES.find((t) => t.group === group && t.kind === kind && t.versions.includes(version));
}

/** The type that owns a storage key (the first: core Events rather than events.k8s.io). */
export function typeOfStorage(resource: string): ResourceType {
  const type = RESOURCE_TYPES.find((t) => storageResource(t) === resource);
  if (!type) throw new Error(`unknown storage resource ${resource}`);
  return type;
}
