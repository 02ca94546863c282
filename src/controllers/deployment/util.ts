/**
 * The Deployment controller's vocabulary (upstream pkg/controller/deployment/util and the ReplicaSet
 * helpers of pkg/controller): typed views of stored JSON, the annotation and condition names kubectl
 * reads, ReplicaSet orderings, replica counts, and "which ReplicaSet is the new one".
 */
import type { DeploymentSpec, DeploymentStatus, ReplicaSetSpec, ReplicaSetStatus } from "kubernetes-types/apps/v1";
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { deepEqual } from "../../api/deepEqual";
import type { KObject } from "../../api/types";
import type { Snapshot } from "../types";

export const DEPLOYMENTS = "deployments.apps";
export const REPLICA_SETS = "replicasets.apps";
export const PODS = "pods";
/** The event source and the `reportingComponent` of everything this controller records. */
export const COMPONENT = "deployment-controller";

/** apps.DefaultDeploymentUniqueLabelKey: added to each new RS's selector, labels and template labels. */
export const POD_TEMPLATE_HASH_LABEL = "pod-template-hash";

// Annotations (deployment_util.go). kubectl's `rollout history/undo` read the first four.
export const REVISION_ANNOTATION = "deployment.kubernetes.io/revision";
export const REVISION_HISTORY_ANNOTATION = "deployment.kubernetes.io/revision-history";
export const DESIRED_REPLICAS_ANNOTATION = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS_ANNOTATION = "deployment.kubernetes.io/max-replicas";
export const CHANGE_CAUSE_ANNOTATION = "kubernetes.io/change-cause";
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";
/** apps.DeprecatedRollbackTo: how extensions/v1beta1's spec.rollbackTo round-trips through apps/v1. */
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = "deprecated.deployment.rollback.to";

// Condition types and reasons, exactly as upstream spells them.
export const AVAILABLE = "Available";
export const PROGRESSING = "Progressing";
export const REPLICA_FAILURE = "ReplicaFailure";
export const REASON = {
  replicaSetUpdated: "ReplicaSetUpdated",
  failedRSCreate: "ReplicaSetCreateError",
  newReplicaSet: "NewReplicaSetCreated",
  foundNewRS: "FoundNewReplicaSet",
  newRSAvailable: "NewReplicaSetAvailable",
  timedOut: "ProgressDeadlineExceeded",
  paused: "DeploymentPaused",
  resumed: "DeploymentResumed",
  minimumReplicasAvailable: "MinimumReplicasAvailable",
  minimumReplicasUnavailable: "MinimumReplicasUnavailable",
  // Event reasons of the deprecated rollbackTo path.
  rollbackRevisionNotFound: "DeploymentRollbackRevisionNotFound",
  rollbackTemplateUnchanged: "DeploymentRollbackTemplateUnchanged",
  rollbackDone: "DeploymentRollback",
} as const;

/** The stored JSON seen through the apps/v1 types (a KObject is the same JSON as upstream's type). */
export type Deployment = KObject & { spec: DeploymentSpec; status?: DeploymentStatus };
export type ReplicaSet = KObject & { spec: ReplicaSetSpec; status?: Partial<ReplicaSetStatus> };

/** What a reconcile pass reads besides the deployment: the world, the clock, the simulation speed. */
export interface Ctx {
  snapshot: Snapshot;
  now: number;
  /** SimulationSettings.timeScale: shrinks progressDeadlineSeconds in the "fast" profile. */
  timeScale: number;
}

/** Snapshot objects are frozen; every change starts from a copy. */
export const clone = <T>(value: T): T => structuredClone(value);

/** *(d.Spec.Replicas): the apiserver defaults it to 1. */
export const deploymentReplicas = (d: Deployment): number => d.spec.replicas ?? 1;
/** *(rs.Spec.Replicas); a nil ReplicaSet counts as 0, as the Get*Count helpers skip nils. */
export const rsReplicas = (rs: ReplicaSet | undefined): number => (rs ? (rs.spec.replicas ?? 1) : 0);

export const isRollingUpdate = (d: Deployment): boolean => (d.spec.strategy?.type ?? "RollingUpdate") === "RollingUpdate";

const MAX_INT32 = 2147483647;
/** HasProgressDeadline: set, and not math.MaxInt32 (which means "never time out"). */
export const hasProgressDeadline = (d: Deployment): boolean =>
  typeof d.spec.progressDeadlineSeconds === "number" && d.spec.progressDeadlineSeconds !== MAX_INT32;
/** HasRevisionHistoryLimit: set, and not math.MaxInt32 (which keeps everything). */
export const hasRevisionHistoryLimit = (d: Deployment): boolean =>
  typeof d.spec.revisionHistoryLimit === "number" && d.spec.revisionHistoryLimit !== MAX_INT32;

// ---------------------------------------------------------------------------------------------
// Orderings (controller.ReplicaSetsByCreationTimestamp, ReplicaSetsBySizeNewer/Older, ByRevision)
// ---------------------------------------------------------------------------------------------

const createdMs = (o: KObject) => Date.parse(o.metadata.creationTimestamp ?? "") || 0;
const byName = (a: KObject, b: KObject) => ((a.metadata.name ?? "") < (b.metadata.name ?? "") ? -1 : (a.metadata.name ?? "") > (b.metadata.name ?? "") ? 1 : 0);

/** Oldest first; equal timestamps (one-second resolution) fall back to the name. */
export function byCreationTimestamp(a: KObject, b: KObject): number {
  return createdMs(a) - createdMs(b) || byName(a, b);
}

/** Largest first; among equals the newer first (scaling up favours the newest). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(b) - rsReplicas(a) || byCreationTimestamp(b, a);
}

/** Largest first; among equals the older first (scaling down removes from the oldest). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  return rsReplicas(b) - rsReplicas(a) || byCreationTimestamp(a, b);
}

/** ReplicaSetsByRevision: lowest revision first; unparsable or equal revisions by creation time. */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const [ra, rb] = [revision(a), revision(b)];
  if (ra === undefined || rb === undefined || ra === rb) return byCreationTimestamp(a, b);
  return ra - rb;
}

// ---------------------------------------------------------------------------------------------
// Revisions
// ---------------------------------------------------------------------------------------------

/** Revision: the revision annotation as a number, 0 when absent, undefined when not an integer. */
export function revision(obj: KObject): number | undefined {
  const value = obj.metadata.annotations?.[REVISION_ANNOTATION];
  if (value === undefined) return 0;
  return /^[+-]?\d+$/.test(value) ? Number(value) : undefined;
}

/** MaxRevision: the highest revision among the ReplicaSets (unparsable ones skipped), 0 if none. */
export function maxRevision(rss: readonly ReplicaSet[]): number {
  return rss.reduce((max, rs) => Math.max(max, revision(rs) ?? 0), 0);
}

/** LastRevision: the second-highest revision, i.e. what `rollout undo` goes back to. */
export function lastRevision(rss: readonly ReplicaSet[]): number {
  let [max, second] = [0, 0];
  for (const rs of rss) {
    const v = revision(rs);
    if (v === undefined) continue;
    if (v >= max) [second, max] = [max, v];
    else if (v > second) second = v;
  }
  return second;
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

/**
 * A template as Go's apiequality.Semantic.DeepEqual sees it after decoding: nulls are absent
 * (`"creationTimestamp": null` from `kubectl rollout undo`), and an empty map or list equals a
 * missing one. Object keys come out sorted, so the result also serves as the hash input.
 */
export function normalizeTemplate(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalizeTemplate);
    return items.length ? items : undefined;
  }
  if (value === null || value === undefined) return undefined;
  if (typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = normalizeTemplate((value as Record<string, unknown>)[key]);
    if (v !== undefined) out[key] = v;
  }
  return Object.keys(out).length ? out : undefined;
}

function withoutHashLabel(template: PodTemplateSpec | undefined): unknown {
  const t = clone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return normalizeTemplate(t);
}

/**
 * EqualIgnoreHash: two pod templates are the same but for the pod-template-hash label. This is how
 * both the controller and kubectl find a deployment's new ReplicaSet, and how a rollback reuses one.
 */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  return deepEqual(withoutHashLabel(a), withoutHashLabel(b));
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the deployment's (issue #40415). */
export function findNewReplicaSet(d: Deployment, rsList: readonly ReplicaSet[]): ReplicaSet | undefined {
  const wanted = withoutHashLabel(d.spec.template);
  return [...rsList].sort(byCreationTimestamp).find((rs) => deepEqual(withoutHashLabel(rs.spec.template), wanted));
}

/** FindOldReplicaSets: every ReplicaSet but the new one (`all`), and those of them with replicas (`required`). */
export function findOldReplicaSets(d: Deployment, rsList: readonly ReplicaSet[]): { required: ReplicaSet[]; all: ReplicaSet[] } {
  const newRS = findNewReplicaSet(d, rsList);
  const all = rsList.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
  return { required: all.filter((rs) => rsReplicas(rs) !== 0), all };
}

/** controller.FilterActiveReplicaSets: those that want pods. */
export const filterActiveReplicaSets = (rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] =>
  rss.filter((rs): rs is ReplicaSet => !!rs && rsReplicas(rs) > 0);

// ---------------------------------------------------------------------------------------------
// Counts (Get*ReplicaCountForReplicaSets)
// ---------------------------------------------------------------------------------------------

type MaybeRS = ReplicaSet | undefined;
const sum = (rss: readonly MaybeRS[], f: (rs: ReplicaSet) => number) => rss.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);

/** Σ spec.replicas: what the ReplicaSets ask for. */
export const getReplicaCountForReplicaSets = (rss: readonly MaybeRS[]) => sum(rss, rsReplicas);
/** Σ status.replicas: the pods they have. */
export const getActualReplicaCountForReplicaSets = (rss: readonly MaybeRS[]) => sum(rss, (rs) => rs.status?.replicas ?? 0);
export const getReadyReplicaCountForReplicaSets = (rss: readonly MaybeRS[]) => sum(rss, (rs) => rs.status?.readyReplicas ?? 0);
export const getAvailableReplicaCountForReplicaSets = (rss: readonly MaybeRS[]) => sum(rss, (rs) => rs.status?.availableReplicas ?? 0);

// ---------------------------------------------------------------------------------------------
// Ownership
// ---------------------------------------------------------------------------------------------

/** metav1.NewControllerRef(d, apps/v1 Deployment). */
export function controllerRef(d: Deployment) {
  return { apiVersion: "apps/v1", kind: "Deployment", name: d.metadata.name!, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true };
}
