/**
 * The Job controller's view of its pods (upstream pkg/controller/job and controller_utils.go): which
 * are active, ready, terminating or failed, their completion index and finish time, which to remove
 * first, and the pod a Job's template makes (GetPodFromTemplate plus the indexed-job additions).
 */
import type { Job } from "kubernetes-types/batch/v1";
import type { Container, Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import type { Rng } from "../types";

export const JOB_TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking";
export const COMPLETION_INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index";
export const INDEX_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-failure-count";
export const INDEX_IGNORED_FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-ignored-failure-count";
export const COMPLETION_INDEX_ENV = "JOB_COMPLETION_INDEX";
export const UNKNOWN_INDEX = -1;

/** names.MaxGeneratedNameLength: 63 minus the 5 random characters. */
const MAX_GENERATED_NAME_LENGTH = 58;
/** utilrand's alphabet: no vowels, no confusable digits. */
const RANDOM_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export const asPod = (obj: KObject) => obj as unknown as Pod;
export const asJob = (obj: KObject) => obj as unknown as Job;

export const isIndexedJob = (job: Job) => job.spec?.completionMode === "Indexed";
export const hasBackoffLimitPerIndex = (job: Job) => job.spec?.backoffLimitPerIndex != null;
export const jobSuspended = (job: Job) => job.spec?.suspend === true;

export function hasTrackingFinalizer(pod: Pod): boolean {
  return pod.metadata?.finalizers?.includes(JOB_TRACKING_FINALIZER) ?? false;
}

const phaseOf = (pod: Pod) => pod.status?.phase;
const isTerminal = (pod: Pod) => phaseOf(pod) === "Succeeded" || phaseOf(pod) === "Failed";

/** controller.FilterActivePods: not finished and not being deleted. */
export const isActive = (pod: Pod) => !isTerminal(pod) && !pod.metadata?.deletionTimestamp;

/** controller.CountTerminatingPods: being deleted but not finished yet. */
export const isTerminating = (pod: Pod) => !!pod.metadata?.deletionTimestamp && !isTerminal(pod);

/** podutil.IsPodReady. */
export const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/**
 * onlyReplaceFailedPods: with podReplacementPolicy Failed (the default under a podFailurePolicy) a
 * terminating pod is neither failed nor replaced until it reaches the Failed phase.
 */
export function onlyReplaceFailedPods(job: Job): boolean {
  return job.spec?.podReplacementPolicy === "Failed" || !!job.spec?.podFailurePolicy;
}

/** isPodFailed: Failed, or (unless only failed pods are replaced) deleted before it succeeded. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (phaseOf(pod) === "Failed") return true;
  if (onlyReplaceFailedPods(job)) return false;
  return !!pod.metadata?.deletionTimestamp && phaseOf(pod) !== "Succeeded";
}

/** getCompletionIndex: the annotation as a non-negative integer, or -1. */
export function completionIndex(pod: Pod): number {
  const value = pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return UNKNOWN_INDEX;
  const n = Number(value);
  return n < 0 ? UNKNOWN_INDEX : n;
}

/** parseIndexFailureCountAnnotation (and the ignored-failure one): 0 when absent or not an int32. */
export function annotationCount(pod: Pod, key: string): number {
  const value = pod.metadata?.annotations?.[key];
  if (value === undefined || !/^[+-]?\d+$/.test(value)) return 0;
  const n = Number(value);
  return n < 0 || n > 2147483647 ? 0 : n;
}

const timeOf = (t: string | undefined) => (t ? Date.parse(t) : NaN);

/**
 * getFinishedTime: the last container's finishedAt when all have terminated, else when Ready turned
 * False, else deletionTimestamp minus the grace period, else the creation time.
 */
export function finishedTime(pod: Pod): number {
  const statuses = pod.status?.containerStatuses ?? [];
  let latest: number | undefined;
  for (const s of statuses) {
    const at = timeOf(s.state?.terminated?.finishedAt);
    if (Number.isNaN(at)) {
      latest = undefined;
      break;
    }
    latest = latest === undefined ? at : Math.max(latest, at);
  }
  if (latest !== undefined) return latest;
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "False" && !Number.isNaN(timeOf(ready.lastTransitionTime))) return timeOf(ready.lastTransitionTime);
  if (pod.metadata?.deletionTimestamp) return timeOf(pod.metadata.deletionTimestamp) - (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return timeOf(pod.metadata?.creationTimestamp);
}

/** Sum of container (and init container) restarts, for restartPolicy OnFailure's backoffLimit. */
export function restartCount(pod: Pod): number {
  const all = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  return all.reduce((n, s) => n + (s.restartCount ?? 0), 0);
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * controller.ActivePods ordering, the pods to delete first: unscheduled before scheduled, Pending
 * before Unknown before Running, not ready before ready, ready for less time first, more restarts
 * first, newer first.
 */
export function compareForRemoval(a: Pod, b: Pod): number {
  const unassigned = (p: Pod) => (p.spec?.nodeName ? 1 : 0);
  if (unassigned(a) !== unassigned(b)) return unassigned(a) - unassigned(b);
  const rank = (p: Pod) => PHASE_RANK[phaseOf(p) ?? "Pending"] ?? 0;
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (isReady(a) !== isReady(b)) return isReady(a) ? 1 : -1;
  if (isReady(a)) {
    const since = (p: Pod) => timeOf(p.status?.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime) || 0;
    if (since(a) !== since(b)) return since(b) - since(a);
  }
  if (restartCount(a) !== restartCount(b)) return restartCount(b) - restartCount(a);
  return (timeOf(b.metadata?.creationTimestamp) || 0) - (timeOf(a.metadata?.creationTimestamp) || 0);
}

/**
 * activePodsForRemoval: for an indexed job first the pods with no, an out-of-range or a repeated
 * index (keeping the most advanced pod of each index), then the least advanced of the rest until
 * `atLeast` are chosen.
 */
export function activePodsForRemoval(job: Job, pods: Pod[], atLeast: number): Pod[] {
  const remove: Pod[] = [];
  let left = pods;
  if (isIndexedJob(job)) {
    const completions = job.spec?.completions ?? 0;
    const byIndex = new Map<number, Pod[]>();
    left = [];
    for (const pod of pods) {
      const ix = completionIndex(pod);
      if (ix === UNKNOWN_INDEX || ix >= completions) remove.push(pod);
      else byIndex.set(ix, [...(byIndex.get(ix) ?? []), pod]);
    }
    for (const ix of [...byIndex.keys()].sort((a, b) => a - b)) {
      const same = byIndex.get(ix)!.sort(compareForRemoval);
      remove.push(...same.slice(0, -1));
      left.push(same[same.length - 1]);
    }
  }
  if (remove.length < atLeast) remove.push(...[...left].sort(compareForRemoval).slice(0, atLeast - remove.length));
  return remove;
}

/** utilrand.String(5) from the reconcile's seeded source. */
export function randomSuffix(rng: Rng): string {
  let s = "";
  for (let i = 0; i < 5; i++) s += RANDOM_ALPHABET[Math.floor(rng() * RANDOM_ALPHABET.length)];
  return s;
}

/** GetPodsPrefix: "<job>-", cut to leave room for the random suffix. */
export function podNamePrefix(jobName: string): string {
  const prefix = `${jobName}-`;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? prefix.slice(0, MAX_GENERATED_NAME_LENGTH) : prefix;
}

/** podGenerateNameWithIndex: "<job>-<index>-", the job name cut when it would not fit. */
export function indexedPodNamePrefix(jobName: string, index: number): string {
  const suffix = `-${index}-`;
  const prefix = jobName + suffix;
  return prefix.length > MAX_GENERATED_NAME_LENGTH ? prefix.slice(0, MAX_GENERATED_NAME_LENGTH - suffix.length) + suffix : prefix;
}

/**
 * addCompletionIndexEnvVariable: JOB_COMPLETION_INDEX from the pod's index label (PodIndexLabel,
 * GA in 1.32), unless the container already defines it.
 */
function withCompletionIndexEnv(container: Container): Container {
  if (container.env?.some((e) => e.name === COMPLETION_INDEX_ENV)) return container;
  const fieldRef = { apiVersion: "v1", fieldPath: `metadata.labels['${COMPLETION_INDEX_ANNOTATION}']` };
  return { ...container, env: [...(container.env ?? []), { name: COMPLETION_INDEX_ENV, valueFrom: { fieldRef } }] };
}

export interface PodIdentity {
  /** The completion index of an Indexed job's pod. */
  index?: number;
  /** Failure counts carried over from the pod this one replaces (backoffLimitPerIndex). */
  failureCount?: number;
  ignoredFailureCount?: number;
}

/**
 * GetPodFromTemplate plus manageJob's additions: the template's labels, annotations and spec, the
 * job as controller owner, the tracking finalizer; for an Indexed job the index annotation and label,
 * JOB_COMPLETION_INDEX in every container, and hostname `<job>-<index>`.
 */
export function podFromTemplate(job: Job, identity: PodIdentity, rng: Rng): KObject {
  const template = structuredClone(job.spec!.template) as PodTemplateSpec;
  const jobName = job.metadata!.name!;
  const labels: Record<string, string> = { ...(template.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(template.metadata?.annotations ?? {}) };
  const spec = { ...template.spec! };
  let prefix = podNamePrefix(jobName);
  if (identity.index !== undefined) {
    const ix = String(identity.index);
    annotations[COMPLETION_INDEX_ANNOTATION] = ix;
    labels[COMPLETION_INDEX_ANNOTATION] = ix;
    if (identity.failureCount !== undefined) annotations[INDEX_FAILURE_COUNT_ANNOTATION] = String(identity.failureCount);
    if (identity.ignoredFailureCount) annotations[INDEX_IGNORED_FAILURE_COUNT_ANNOTATION] = String(identity.ignoredFailureCount);
    spec.initContainers = spec.initContainers?.map(withCompletionIndexEnv);
    spec.containers = spec.containers.map(withCompletionIndexEnv);
    spec.hostname = `${jobName}-${identity.index}`;
    prefix = indexedPodNamePrefix(jobName, identity.index);
  }
  if (spec.initContainers === undefined) delete spec.initContainers;
  const finalizers = [...(template.metadata?.finalizers ?? [])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: prefix + randomSuffix(rng),
      generateName: prefix,
      namespace: job.metadata!.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers,
      ownerReferences: [{ apiVersion: "batch/v1", kind: "Job", name: jobName, uid: job.metadata!.uid!, controller: true, blockOwnerDeletion: true }],
    },
    spec,
  };
}

/** The pod without the tracking finalizer (removeTrackingFinalizerPatch), for an "update" write. */
export function withoutTrackingFinalizer(pod: Pod): KObject {
  const copy = structuredClone(pod) as unknown as KObject;
  const finalizers = (pod.metadata?.finalizers ?? []).filter((f) => f !== JOB_TRACKING_FINALIZER);
  if (finalizers.length) copy.metadata.finalizers = finalizers;
  else delete copy.metadata.finalizers;
  return copy;
}
