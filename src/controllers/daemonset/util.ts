/**
 * The DaemonSet controller's vocabulary, after upstream's pkg/controller/daemon/util and the
 * predicates of daemon_controller.go: which nodes should run a daemon pod (NodeShouldRunDaemonPod),
 * the tolerations every daemon pod gets, the node affinity that pins a pod to its node, and which
 * pods count as updated.
 */
import type { DaemonSetSpec, DaemonSetStatus } from "kubernetes-types/apps/v1";
import type { Affinity, Pod, PodSpec, PodTemplateSpec, Taint, Toleration } from "kubernetes-types/core/v1";
import { deepEqual } from "../../api/deepEqual";
import type { KObject } from "../../api/types";
import { findUntoleratedTaint, nodeMatchesSelectorAndAffinity } from "../../sim/scheduler";
import {
  TAINT_DISK_PRESSURE, TAINT_MEMORY_PRESSURE, TAINT_NETWORK_UNAVAILABLE, TAINT_NOT_READY, TAINT_PID_PRESSURE, TAINT_UNREACHABLE, TAINT_UNSCHEDULABLE,
} from "../../sim/scheduler/taints";
import { getScaledValueFromIntOrPercent } from "../deployment/replicas";
import { CONTROLLER_REVISION_HASH_LABEL } from "../history";

export const DAEMON_SETS = "daemonsets.apps";
export const PODS = "pods";
export const NODES = "nodes";
/** The event source of everything this controller records. */
export const COMPONENT = "daemonset-controller";

/** extensions.DaemonSetTemplateGenerationKey: the template generation a pod was made from. */
export const TEMPLATE_GENERATION_LABEL = "pod-template-generation";
/** Where the apiserver keeps apps/v1's dropped spec.templateGeneration. */
export const TEMPLATE_GENERATION_ANNOTATION = "deprecated.daemonset.template.generation";

export type DaemonSet = KObject & { spec: DaemonSetSpec; status?: Partial<DaemonSetStatus> };
export type Node = KObject & { spec?: { taints?: Taint[]; unschedulable?: boolean } };

const asPod = (obj: KObject) => obj as unknown as Pod;
const specOf = (pod: KObject) => asPod(pod).spec ?? ({} as PodSpec);

/**
 * GetTemplateGeneration: the annotation the apiserver keeps (bumped on every template change).
 * Without it the object's generation stands in: it also moves with every template change, so
 * "pod-template-generation matches" still means "made from this template or an equal one".
 */
export function templateGeneration(ds: DaemonSet): string | undefined {
  const annotated = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (annotated !== undefined) return /^\d+$/.test(annotated) ? annotated : undefined;
  return ds.metadata.generation !== undefined ? String(ds.metadata.generation) : undefined;
}

/**
 * IsPodUpdated: the pod carries the current revision's hash, or the current template generation.
 *   hash "6d9f", pod labelled 6d9f → true;  pod labelled 5c8b and generation 2 of 3 → false
 */
export function isPodUpdated(pod: KObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  return (hash !== "" && labels[CONTROLLER_REVISION_HASH_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** The tolerations AddOrUpdateDaemonPodTolerations adds, in its order. */
export function daemonPodTolerations(hostNetwork: boolean): Toleration[] {
  const tolerations: Toleration[] = [
    // Node problems must not evict daemons: not-ready and unreachable forever.
    { key: TAINT_NOT_READY, operator: "Exists", effect: "NoExecute" },
    { key: TAINT_UNREACHABLE, operator: "Exists", effect: "NoExecute" },
    // TaintNodesByCondition: pressure and cordoning do not keep daemons away.
    { key: TAINT_DISK_PRESSURE, operator: "Exists", effect: "NoSchedule" },
    { key: TAINT_MEMORY_PRESSURE, operator: "Exists", effect: "NoSchedule" },
    { key: TAINT_PID_PRESSURE, operator: "Exists", effect: "NoSchedule" },
    { key: TAINT_UNSCHEDULABLE, operator: "Exists", effect: "NoSchedule" },
  ];
  if (hostNetwork) tolerations.push({ key: TAINT_NETWORK_UNAVAILABLE, operator: "Exists", effect: "NoSchedule" });
  return tolerations;
}

/** Toleration.MatchToleration: same key, operator, value and effect (tolerationSeconds aside). */
const sameToleration = (a: Toleration, b: Toleration) =>
  (a.key ?? "") === (b.key ?? "") && (a.operator || "Equal") === (b.operator || "Equal") && (a.value ?? "") === (b.value ?? "") && (a.effect ?? "") === (b.effect ?? "");

/**
 * AddOrUpdateDaemonPodTolerations: each daemon toleration replaces a matching one in the spec
 * (dropping, e.g., a user's tolerationSeconds on not-ready) or is appended.
 */
export function addDaemonPodTolerations(spec: PodSpec): void {
  let tolerations = [...(spec.tolerations ?? [])];
  for (const t of daemonPodTolerations(!!spec.hostNetwork)) {
    const i = tolerations.findIndex((existing) => sameToleration(existing, t));
    if (i < 0) tolerations.push(t);
    else if (!deepEqual(tolerations[i], t)) tolerations = tolerations.map((existing, j) => (j === i ? t : existing));
  }
  spec.tolerations = tolerations;
}

/**
 * ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes the one term
 * `matchFields metadata.name In [node]`, so the default scheduler places the pod on that node only
 * (the template's own required terms were already checked by NodeShouldRunDaemonPod).
 */
export function pinToNode(affinity: Affinity | undefined, node: string): Affinity {
  const term = { matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] };
  const next = structuredClone(affinity ?? {});
  const nodeAffinity = (next.nodeAffinity ??= {});
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  return next;
}

/** GetTargetNodeName: spec.nodeName, else the node the pinning affinity names; undefined if neither. */
export function targetNodeName(pod: KObject): string | undefined {
  const spec = specOf(pod);
  if (spec.nodeName) return spec.nodeName;
  for (const term of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const field of term.matchFields ?? []) {
      if (field.key === "metadata.name" && field.operator === "In") return field.values?.length === 1 ? field.values[0] : undefined;
    }
  }
  return undefined;
}

/** NewPod: the pod the set would run on `node` (template plus daemon tolerations), for the predicates. */
function newPodFor(ds: DaemonSet, node: string): KObject {
  const spec = structuredClone(ds.spec.template?.spec ?? ({} as PodSpec)) as PodSpec;
  spec.nodeName = node;
  addDaemonPodTolerations(spec);
  return { metadata: { namespace: ds.metadata.namespace }, spec } as KObject;
}

const schedulingTaint = (t: Taint) => t.effect === "NoSchedule" || t.effect === "NoExecute";
const evictingTaint = (t: Taint) => t.effect === "NoExecute";

/**
 * NodeShouldRunDaemonPod: shouldRun — a new daemon pod belongs there; shouldContinueRunning — an
 * existing one may stay (an untolerated NoSchedule taint keeps new pods away but does not evict).
 *   nodeSelector mismatch → false/false;  untolerated NoSchedule → false/true;  untolerated NoExecute → false/false
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const name = node.metadata.name!;
  const templateNode = ds.spec.template?.spec?.nodeName;
  if (templateNode && templateNode !== name) return { shouldRun: false, shouldContinueRunning: false };
  const pod = newPodFor(ds, name);
  if (!nodeMatchesSelectorAndAffinity(pod, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = specOf(pod).tolerations;
  if (findUntoleratedTaint(node.spec?.taints, tolerations, schedulingTaint)) {
    return { shouldRun: false, shouldContinueRunning: !findUntoleratedTaint(node.spec?.taints, tolerations, evictingTaint) };
  }
  return { shouldRun: true, shouldContinueRunning: true };
}

/**
 * CreatePodTemplate: the template with the daemon tolerations and the generation and revision-hash
 * labels, pinned to `node`.
 */
export function daemonPodTemplate(ds: DaemonSet, hash: string, node: string): PodTemplateSpec {
  const template = structuredClone(ds.spec.template ?? {}) as PodTemplateSpec;
  const spec = (template.spec ??= { containers: [] });
  addDaemonPodTolerations(spec);
  const meta = (template.metadata ??= {});
  const labels = { ...(meta.labels ?? {}) };
  const generation = templateGeneration(ds);
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
  if (hash) labels[CONTROLLER_REVISION_HASH_LABEL] = hash;
  meta.labels = labels;
  spec.affinity = pinToNode(spec.affinity, node);
  return template;
}

const createdMs = (o: KObject) => Date.parse(o.metadata.creationTimestamp ?? "") || 0;

/** podByCreationTimestampAndPhase: bound pods first, then the oldest, then by name. */
export function byCreationTimestampAndPhase(a: KObject, b: KObject): number {
  const [na, nb] = [!!specOf(a).nodeName, !!specOf(b).nodeName];
  if (na !== nb) return na ? -1 : 1;
  return createdMs(a) - createdMs(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0);
}

export const isTerminating = (pod: KObject) => !!pod.metadata.deletionTimestamp;
const phase = (pod: KObject) => asPod(pod).status?.phase;
export const isFailed = (pod: KObject) => phase(pod) === "Failed";
export const isSucceeded = (pod: KObject) => phase(pod) === "Succeeded";
/** IsPodTerminal. */
export const isTerminal = (pod: KObject) => isFailed(pod) || isSucceeded(pod);

/**
 * util.SurgeCount / util.UnavailableCount: rollingUpdate.maxSurge / maxUnavailable of the nodes
 * that should run the pod, rounded up; 0 outside RollingUpdate.
 *   3 nodes, maxUnavailable "50%" → 2;  maxSurge "10%" → 1
 */
export function surgeCount(ds: DaemonSet, numberToSchedule: number): number {
  return rollingValue(ds, "maxSurge", numberToSchedule);
}

export function unavailableCount(ds: DaemonSet, numberToSchedule: number): number {
  return rollingValue(ds, "maxUnavailable", numberToSchedule);
}

function rollingValue(ds: DaemonSet, field: "maxSurge" | "maxUnavailable", total: number): number {
  const strategy = ds.spec.updateStrategy;
  if ((strategy?.type ?? "RollingUpdate") !== "RollingUpdate") return 0;
  const value = strategy?.rollingUpdate?.[field];
  return value === undefined || value === null ? 0 : getScaledValueFromIntOrPercent(value, total, true);
}

/** util.AllowsSurge: a maxSurge that is not 0 for a single node. */
export const allowsSurge = (ds: DaemonSet): boolean => surgeCount(ds, 1) !== 0;
