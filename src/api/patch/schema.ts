/**
 * Patch metadata: the `patchStrategy` / `patchMergeKey` struct tags of k8s.io/api (v0.33), as a small
 * graph from each kind down to the nested types that carry them. Strategic merge patch and
 * server-side apply both read it. Anything not listed merges as a plain map (key by key) or, for a
 * list, is replaced atomically: `args`, `command`, `tolerations`, `taints`, `envFrom`,
 * `matchExpressions`, `accessModes`, Endpoints `subsets`, HPA `metrics`, ...
 *
 * The `retainKeys` strategy (PodSpec.volumes, DeploymentSpec.strategy) is not listed: it only tells
 * the client to put `$retainKeys` into the patches it generates, and the server honours that
 * directive wherever it appears.
 */

export type FieldMeta =
  /** A nested struct with its own entry in TYPES. */
  | { kind: "struct"; type: string }
  /** `patchStrategy:"merge" patchMergeKey:<key>`: a list of maps merged element by element. */
  | { kind: "keyed"; key: string; type?: string }
  /** `patchStrategy:"merge"` on a list of scalars: merged as a set union. */
  | { kind: "set" }
  /** `patchStrategy:"replace"` on a map: the patch value replaces it whole. */
  | { kind: "replace" };

/** The fields of one struct that need more than the default treatment. */
export type StructMeta = Readonly<Record<string, FieldMeta>>;

const struct = (type: string): FieldMeta => ({ kind: "struct", type });
const keyed = (key: string, type?: string): FieldMeta => ({ kind: "keyed", key, type });
const SET: FieldMeta = { kind: "set" };
const REPLACE: FieldMeta = { kind: "replace" };

const TYPES: Readonly<Record<string, StructMeta>> = {
  ObjectMeta: { ownerReferences: keyed("uid"), finalizers: SET },
  PodTemplateSpec: { metadata: struct("ObjectMeta"), spec: struct("PodSpec") },
  PodSpec: {
    containers: keyed("name", "Container"),
    initContainers: keyed("name", "Container"),
    ephemeralContainers: keyed("name", "Container"),
    volumes: keyed("name"),
    imagePullSecrets: keyed("name"),
    hostAliases: keyed("ip"),
    topologySpreadConstraints: keyed("topologyKey"),
    schedulingGates: keyed("name"),
    resourceClaims: keyed("name"),
  },
  // Upstream's SMP key for ports is containerPort alone, so 80/TCP and 80/UDP are the same element.
  Container: { env: keyed("name"), ports: keyed("containerPort"), volumeMounts: keyed("mountPath"), volumeDevices: keyed("devicePath") },
  PodStatus: { conditions: keyed("type"), podIPs: keyed("ip"), hostIPs: keyed("ip"), resourceClaimStatuses: keyed("name") },
  /** Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet and Job specs. */
  WorkloadSpec: { template: struct("PodTemplateSpec") },
  JobTemplateSpec: { metadata: struct("ObjectMeta"), spec: struct("WorkloadSpec") },
  CronJobSpec: { jobTemplate: struct("JobTemplateSpec") },
  /** Every status whose only tagged field is `conditions`. */
  ConditionsStatus: { conditions: keyed("type") },
  NodeSpec: { podCIDRs: SET },
  NodeStatus: { conditions: keyed("type"), addresses: keyed("type") },
  ServiceSpec: { ports: keyed("port") },
  PodDisruptionBudgetSpec: { selector: REPLACE },
};

const workload: StructMeta = { spec: struct("WorkloadSpec"), status: struct("ConditionsStatus") };
const withConditions: StructMeta = { status: struct("ConditionsStatus") };

/** Top-level fields per "group/Kind" (core group: "/Kind"); `metadata` is added for every kind. */
const KINDS: Readonly<Record<string, StructMeta>> = {
  "/Pod": { spec: struct("PodSpec"), status: struct("PodStatus") },
  "/PodTemplate": { template: struct("PodTemplateSpec") },
  "/ReplicationController": workload,
  "apps/Deployment": workload,
  "apps/ReplicaSet": workload,
  "apps/StatefulSet": workload,
  "apps/DaemonSet": workload,
  "batch/Job": workload,
  "batch/CronJob": { spec: struct("CronJobSpec") },
  "/Service": { spec: struct("ServiceSpec"), status: struct("ConditionsStatus") },
  "/Node": { spec: struct("NodeSpec"), status: struct("NodeStatus") },
  "/Namespace": withConditions,
  "/PersistentVolumeClaim": withConditions,
  "autoscaling/HorizontalPodAutoscaler": withConditions,
  "policy/PodDisruptionBudget": { spec: struct("PodDisruptionBudgetSpec"), status: struct("ConditionsStatus") },
  "/ServiceAccount": { secrets: keyed("name") },
};

/**
 * The patch metadata of a kind's top level. Kinds not in the table (ConfigMap, Secret, Endpoints,
 * custom resources, ...) get only ObjectMeta's, so all their other lists are atomic.
 */
export function rootMeta(gvk: { apiVersion?: string; kind?: string }): StructMeta {
  const apiVersion = gvk.apiVersion ?? "";
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  return { metadata: struct("ObjectMeta"), ...KINDS[`${group}/${gvk.kind ?? ""}`] };
}

/** The struct metadata that applies inside a field (inside each element, for a keyed list). */
export function innerMeta(field: FieldMeta | undefined): StructMeta | undefined {
  if (field?.kind === "struct") return TYPES[field.type];
  if (field?.kind === "keyed" && field.type) return TYPES[field.type];
  return undefined;
}
