/**
 * The StatefulSet controller's vocabulary, after upstream's stateful_set_utils.go: ordinals and the
 * names derived from them, the pod states the ordered policies wait on, and the identity a pod
 * carries (labels, hostname, subdomain, claim volumes).
 */
import type { StatefulSetSpec, StatefulSetStatus } from "kubernetes-types/apps/v1";
import type { Pod, PodTemplateSpec, Volume } from "kubernetes-types/core/v1";
import type { KObject } from "../../api/types";
import { CONTROLLER_REVISION_HASH_LABEL } from "../history";
import { podFromTemplate } from "../podControl";
import { isPodAvailable, isPodReady } from "../replicaset/activePods";

export const STATEFUL_SETS = "statefulsets.apps";
export const PODS = "pods";
export const PVCS = "persistentvolumeclaims";
/** The event source of everything this controller records. */
export const COMPONENT = "statefulset-controller";

/** apps.StatefulSetPodNameLabel and apps.PodIndexLabel (GA in 1.32). */
export const POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";

export type StatefulSet = KObject & { spec: StatefulSetSpec; status?: Partial<StatefulSetStatus> };

const asPod = (obj: KObject) => obj as unknown as Pod;

/** *(set.Spec.Replicas); the apiserver defaults it to 1. */
export const replicasOf = (set: StatefulSet): number => set.spec.replicas ?? 1;
export const minReadySecondsOf = (set: StatefulSet): number => set.spec.minReadySeconds ?? 0;

/** allowsBurst: Parallel pod management lifts the ordering constraints. */
export const allowsBurst = (set: StatefulSet): boolean => set.spec.podManagementPolicy === "Parallel";

/** getStartOrdinal: spec.ordinals.start, else 0. */
export const startOrdinal = (set: StatefulSet): number => set.spec.ordinals?.start ?? 0;
/** getEndOrdinal: the last ordinal in range (inclusive). */
export const endOrdinal = (set: StatefulSet): number => startOrdinal(set) + replicasOf(set) - 1;

const STATEFUL_POD = /^(.*)-([0-9]+)$/;

/**
 * getParentNameAndOrdinal: "web-12" → { parent: "web", ordinal: 12 }; a name without a numeric
 * suffix (or one past int32) has ordinal −1.
 */
export function parentAndOrdinal(name: string | undefined): { parent: string; ordinal: number } {
  const m = STATEFUL_POD.exec(name ?? "");
  if (!m) return { parent: "", ordinal: -1 };
  const n = Number(m[2]);
  return { parent: m[1], ordinal: n <= 2147483647 ? n : -1 };
}

export const ordinalOf = (pod: KObject): number => parentAndOrdinal(pod.metadata.name).ordinal;

/** isMemberOf: the pod's name says it belongs to this set. */
export const isMemberOf = (set: StatefulSet, pod: KObject): boolean => parentAndOrdinal(pod.metadata.name).parent === set.metadata.name;

/** podInOrdinalRange: start ≤ ordinal ≤ end. */
export function podInOrdinalRange(pod: KObject, set: StatefulSet): boolean {
  const ordinal = ordinalOf(pod);
  return ordinal >= startOrdinal(set) && ordinal <= endOrdinal(set);
}

/** getPodName: "web", 2 → "web-2". */
export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata.name}-${ordinal}`;

/** getPersistentVolumeClaimName: template "www", set "web", 0 → "www-web-0". */
export const claimName = (set: StatefulSet, template: string, ordinal: number): string => `${template}-${set.metadata.name}-${ordinal}`;

// ---------------------------------------------------------------------------------------------
// Pod states
// ---------------------------------------------------------------------------------------------

const phase = (pod: KObject) => asPod(pod).status?.phase ?? "";

export const isFailed = (pod: KObject) => phase(pod) === "Failed";
export const isSucceeded = (pod: KObject) => phase(pod) === "Succeeded";
export const isPending = (pod: KObject) => phase(pod) === "Pending";
export const isTerminating = (pod: KObject) => !!pod.metadata.deletionTimestamp;

/** isRunningAndReady: phase Running and the Ready condition True. */
export const isRunningAndReady = (pod: KObject) => phase(pod) === "Running" && isPodReady(pod);

/** isRunningAndAvailable: IsPodAvailable — ready for longer than minReadySeconds. */
export const isRunningAndAvailable = (pod: KObject, minReadySeconds: number, now: number) => isPodAvailable(pod, minReadySeconds, now);

/** isHealthy: running, ready and not being deleted. */
export const isHealthy = (pod: KObject) => isRunningAndReady(pod) && !isTerminating(pod);

/** isUnavailable: missing, not available, or being deleted. */
export const isUnavailable = (pod: KObject | undefined, minReadySeconds: number, now: number) =>
  !pod || !isRunningAndAvailable(pod, minReadySeconds, now) || isTerminating(pod);

/** getPodRevision: the controller-revision-hash label (the revision's name), "" when absent. */
export const podRevision = (pod: KObject): string => pod.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? "";

// ---------------------------------------------------------------------------------------------
// Identity
// ---------------------------------------------------------------------------------------------

/** identityMatches: the pod's name, namespace and pod-name label fit this set. */
export function identityMatches(set: StatefulSet, pod: KObject): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name);
  return ordinal >= 0 && parent === set.metadata.name && pod.metadata.name === podName(set, ordinal) &&
    (pod.metadata.namespace ?? "") === (set.metadata.namespace ?? "") && pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name;
}

/** storageMatches: every claim template has a volume of its name using this ordinal's claim. */
export function storageMatches(set: StatefulSet, pod: KObject): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((asPod(pod).spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every((t) => volumes.get(t.metadata?.name ?? "")?.persistentVolumeClaim?.claimName === claimName(set, t.metadata?.name ?? "", ordinal));
}

/** updateIdentity: the pod-name and pod-index labels (name and namespace are the pod's already). */
export function updateIdentity(set: StatefulSet, pod: KObject): void {
  const ordinal = ordinalOf(pod);
  pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [POD_NAME_LABEL]: pod.metadata.name!, [POD_INDEX_LABEL]: String(ordinal) };
}

/**
 * updateStorage: a volume per claim template pointing at this ordinal's claim, then the pod's other
 * volumes (a template volume of the same name as a claim template is replaced). Upstream ranges over
 * a map here; template order keeps the result stable.
 */
export function updateStorage(set: StatefulSet, pod: KObject): void {
  const ordinal = ordinalOf(pod);
  const spec = (pod.spec ??= {}) as NonNullable<Pod["spec"]>;
  const templates = (set.spec.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? "");
  const claimVolumes: Volume[] = templates.map((name) => ({ name, persistentVolumeClaim: { claimName: claimName(set, name, ordinal) } }));
  const others = (spec.volumes ?? []).filter((v) => !templates.includes(v.name));
  const volumes = [...claimVolumes, ...others];
  if (volumes.length) spec.volumes = volumes;
}

/**
 * newStatefulSetPod: the template's pod named `<set>-<ordinal>` with the set as controller, its
 * identity (initIdentity: labels, hostname = pod name, subdomain = serviceName) and claim volumes,
 * labelled with the revision it was made from.
 */
export function newStatefulSetPod(set: StatefulSet, template: PodTemplateSpec, ordinal: number, revision: string): KObject {
  const pod = podFromTemplate(template, set, podName(set, ordinal));
  updateIdentity(set, pod);
  pod.metadata.labels![CONTROLLER_REVISION_HASH_LABEL] = revision;
  const spec = (pod.spec ??= { containers: [] }) as NonNullable<Pod["spec"]>;
  spec.hostname = pod.metadata.name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  updateStorage(set, pod);
  return pod;
}

export interface Versions {
  currentTemplate: PodTemplateSpec;
  updateTemplate: PodTemplateSpec;
  currentRevision: string;
  updateRevision: string;
}

/**
 * newVersionedStatefulSetPod: below the partition a (re)created pod gets the current revision,
 * from the partition up (and under OnDelete) the update revision.
 *   replicas 5, partition 3, web-2 deleted → web-2 comes back at the current revision; web-4 at the update one
 */
export function newVersionedStatefulSetPod(set: StatefulSet, v: Versions, ordinal: number): KObject {
  const strategy = set.spec.updateStrategy;
  const rolling = (strategy?.type ?? "RollingUpdate") === "RollingUpdate";
  const ru = strategy?.rollingUpdate;
  const start = startOrdinal(set);
  const current = (rolling && !ru && ordinal < start + (set.status?.currentReplicas ?? 0)) || (!!ru && ordinal < start + (ru.partition ?? 0));
  return current
    ? newStatefulSetPod(set, v.currentTemplate, ordinal, v.currentRevision)
    : newStatefulSetPod(set, v.updateTemplate, ordinal, v.updateRevision);
}
