/**
 * Pod control shared by the workload controllers, after upstream's controller_utils.go
 * (RealPodControl, GetPodFromTemplate) and controller_ref_manager.go (PodControllerRefManager):
 * pods made from a template and owned by a controller ref, their deletion, and the claim that adopts
 * matching orphans and releases owned pods that stopped matching. Everything returns writes.
 *
 * Names: upstream asks the API server for generateName `<owner>-` + five random characters. A
 * reconcile builds that name itself from the seeded rng, so its create is a plain create whose
 * outcome the next pass can read.
 */
import type { Pod, PodTemplateSpec } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { matchesLabels, type LabelSelector } from "../api/selectors";
import type { KObject } from "../api/types";
import { controllerOf, type Rng, type Snapshot, type Write } from "./types";

export const PODS = "pods";

/** generateName's alphabet (k8s.io/apiserver names.SimpleNameGenerator): no vowels, no 0/1/3. */
const NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
const RANDOM_LENGTH = 5;
/** maxNameLength − randomLength: the generator keeps this much of the base. */
const MAX_GENERATED_BASE = 63 - RANDOM_LENGTH;

/** Upstream's event reasons (controller_utils.go). */
export const SUCCESSFUL_CREATE = "SuccessfulCreate";
export const FAILED_CREATE = "FailedCreate";
export const SUCCESSFUL_DELETE = "SuccessfulDelete";
export const FAILED_DELETE = "FailedDelete";

/** metav1.NewControllerRef: the ownerReference a controller puts on what it creates or adopts. */
export function newControllerRef(owner: KObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion!,
    kind: owner.kind!,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** names.SimpleNameGenerator.GenerateName: the base cut to 58 characters plus five from `rng`. */
export function generateName(base: string, rng: Rng): string {
  let suffix = "";
  for (let i = 0; i < RANDOM_LENGTH; i++) suffix += NAME_ALPHABET[Math.floor(rng() * NAME_ALPHABET.length) % NAME_ALPHABET.length];
  return base.slice(0, MAX_GENERATED_BASE) + suffix;
}

/** getPodsPrefix: the controller's name and a dash ("web" → "web-"). */
export function podsPrefix(controllerName: string): string {
  return `${controllerName}-`;
}

/**
 * GetPodFromTemplate: labels, annotations and finalizers copied from the template, the controller
 * ref as the only ownerReference, the template's spec. Status is the API server's business.
 */
export function podFromTemplate(template: PodTemplateSpec, owner: KObject, name: string): KObject {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [newControllerRef(owner)],
    },
    spec: structuredClone(template.spec) as Pod["spec"],
  };
  return pod as KObject;
}

export interface CreatePodsOptions {
  owner: KObject;
  template: PodTemplateSpec;
  count: number;
  snapshot: Snapshot;
  rng: Rng;
  /** The event source, e.g. "replicaset-controller". */
  component: string;
}

/**
 * RealPodControl.CreatePods, `count` times: a create per pod with a fresh generated name (never
 * one a pod in the namespace already has) and the SuccessfulCreate event `Created pod: web-x7k2p`.
 * A template without labels cannot be selected, so, as upstream, nothing is created.
 */
export function createPods(opts: CreatePodsOptions): Write[] {
  const { owner, template, snapshot, rng, component } = opts;
  if (!template.metadata?.labels || Object.keys(template.metadata.labels).length === 0) return [];
  const namespace = owner.metadata.namespace ?? "";
  const prefix = podsPrefix(owner.metadata.name!);
  const taken = new Set<string>();
  const writes: Write[] = [];
  for (let i = 0; i < opts.count; i++) {
    let name = generateName(prefix, rng);
    // 27^5 names: a clash is rare, and a clash with our own pod would turn the create into a no-op.
    while (taken.has(name) || snapshot.get(PODS, namespace, name)) name = generateName(prefix, rng);
    taken.add(name);
    const pod = podFromTemplate(template, owner, name);
    // Upstream creates with generateName; the pod keeps it, and admission errors name the prefix.
    pod.metadata.generateName = prefix;
    writes.push({ op: "create", resource: PODS, object: pod });
    writes.push({ op: "event", involved: owner, type: "Normal", reason: SUCCESSFUL_CREATE, message: `Created pod: ${name}`, component });
  }
  return writes;
}

/** RealPodControl.DeletePod: a plain delete (the pod's own grace period) and SuccessfulDelete. */
export function deletePod(owner: KObject, pod: KObject, component: string): Write[] {
  return [
    { op: "delete", resource: PODS, namespace: pod.metadata.namespace ?? "", name: pod.metadata.name!, uid: pod.metadata.uid },
    { op: "event", involved: owner, type: "Normal", reason: SUCCESSFUL_DELETE, message: `Deleted pod: ${pod.metadata.name}`, component },
  ];
}

/** The Warning event upstream records when a create fails: `Error creating: <API error>`. */
export function failedCreateEvent(owner: KObject, message: string, component: string): Write {
  return { op: "event", involved: owner, type: "Warning", reason: FAILED_CREATE, message: `Error creating: ${message}`, component };
}

/** The Warning event upstream records when a delete fails: `Error deleting: <API error>`. */
export function failedDeleteEvent(owner: KObject, message: string, component: string): Write {
  return { op: "event", involved: owner, type: "Warning", reason: FAILED_DELETE, message: `Error deleting: ${message}`, component };
}

/** AdoptPod: the pod as it will be with the controller ref appended (an update on its resourceVersion). */
export function adoptedPod(pod: KObject, owner: KObject): KObject {
  const next = structuredClone(pod) as KObject;
  next.metadata.ownerReferences = [...(pod.metadata.ownerReferences ?? []), newControllerRef(owner)];
  return next;
}

/** ReleasePod: the pod without this owner's reference (other owners stay). */
export function releasedPod(pod: KObject, ownerUid: string): KObject {
  const next = structuredClone(pod) as KObject;
  const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== ownerUid);
  if (refs.length) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  return next;
}

export interface Claim {
  /** The pods this controller owns after the claim: its own matching pods and the ones it adopts. */
  claimed: KObject[];
  writes: Write[];
}

/**
 * PodControllerRefManager.ClaimPods over `pods`:
 * - owned by someone else: ignored;
 * - owned by us and matching: kept;
 * - owned by us, no longer matching: released, unless we are being deleted;
 * - orphan, matching, neither we nor it being deleted: adopted.
 */
export function claimPods(owner: KObject, selector: LabelSelector, pods: readonly KObject[]): Claim {
  const uid = owner.metadata.uid!;
  const deleting = !!owner.metadata.deletionTimestamp;
  const claimed: KObject[] = [];
  const writes: Write[] = [];
  for (const pod of pods) {
    const matches = matchesLabels(selector, pod.metadata.labels);
    const ref = controllerOf(pod);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) claimed.push(pod);
      else if (!deleting) writes.push({ op: "update", resource: PODS, object: releasedPod(pod, uid) });
      continue;
    }
    if (deleting || !matches || pod.metadata.deletionTimestamp) continue;
    if ((pod.metadata.namespace ?? "") !== (owner.metadata.namespace ?? "")) continue;
    const adopted = adoptedPod(pod, owner);
    writes.push({ op: "update", resource: PODS, object: adopted });
    claimed.push(adopted);
  }
  return { claimed, writes };
}
