/**
 * A StatefulSet's PersistentVolumeClaims, after upstream's stateful_pod_control.go and the
 * retention-policy helpers of stateful_set_utils.go: one claim per volumeClaimTemplate and ordinal,
 * created before its pod and kept for the next pod of that ordinal; and the ownerReferences that
 * carry persistentVolumeClaimRetentionPolicy to the garbage collector:
 *
 *   whenScaled   whenDeleted   the claim's controller
 *   Retain       Retain        none
 *   Retain       Delete        the set
 *   Delete       Retain        the pod, once its ordinal is scaled away
 *   Delete       Delete        the set while in range, the pod once scaled away
 */
import type { PersistentVolumeClaim } from "kubernetes-types/core/v1";
import type { OwnerReference } from "kubernetes-types/meta/v1";
import type { KObject } from "../../api/types";
import { newControllerRef } from "../podControl";
import type { Snapshot, Write } from "../types";
import { COMPONENT, PVCS, claimName, ordinalOf, podInOrdinalRange, type StatefulSet } from "./util";

export type Claim = KObject & Pick<PersistentVolumeClaim, "spec" | "status">;

const RETAIN = "Retain";
const DELETE = "Delete";

/** getPersistentVolumeClaimRetentionPolicy: Retain/Retain unless the set says otherwise. */
export function retentionPolicy(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  return { whenDeleted: p?.whenDeleted || RETAIN, whenScaled: p?.whenScaled || RETAIN };
}

const isRetainRetain = (set: StatefulSet) => {
  const p = retentionPolicy(set);
  return p.whenDeleted === RETAIN && p.whenScaled === RETAIN;
};

/**
 * getPersistentVolumeClaims: the claims of the pod with this ordinal, keyed by template name —
 * the template with the ordinal's name, the set's namespace, and the template's labels plus the
 * selector's matchLabels.
 */
export function claimsFor(set: StatefulSet, ordinal: number): Map<string, Claim> {
  const claims = new Map<string, Claim>();
  for (const template of set.spec.volumeClaimTemplates ?? []) {
    const tname = template.metadata?.name ?? "";
    const { status: _status, ...rest } = structuredClone(template) as PersistentVolumeClaim;
    const meta = rest.metadata ?? {};
    const labels = { ...(meta.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) };
    claims.set(tname, {
      ...rest,
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        ...meta,
        name: claimName(set, tname, ordinal),
        namespace: set.metadata.namespace,
        ...(Object.keys(labels).length ? { labels } : {}),
      },
    } as Claim);
  }
  return claims;
}

/** A stand-in for a pod that does not exist yet: its name, no uid. */
export const podPlaceholder = (set: StatefulSet, name: string): KObject => ({ apiVersion: "v1", kind: "Pod", metadata: { name, namespace: set.metadata.namespace } });

/** matchesRef: the reference names this object by kind, apiVersion and name (whatever the uid). */
function matchesRef(ref: OwnerReference, obj: KObject): boolean {
  return ref.apiVersion === obj.apiVersion && ref.kind === obj.kind && ref.name === obj.metadata.name;
}

const refs = (claim: KObject) => claim.metadata.ownerReferences ?? [];

/** hasOwnerRef: some reference carries the owner's uid. */
const hasOwnerRef = (claim: KObject, owner: KObject) => !!owner.metadata.uid && refs(claim).some((r) => r.uid === owner.metadata.uid);

/** hasStaleOwnerRef: the first reference naming `obj` carries another uid (a pod or set of the past). */
export function hasStaleOwnerRef(claim: KObject, obj: KObject): boolean {
  const ref = refs(claim).find((r) => matchesRef(r, obj));
  return !!ref && ref.uid !== obj.metadata.uid;
}

/** hasUnexpectedController: under a Delete policy, a controller that is neither this set nor this pod. */
function hasUnexpectedController(claim: KObject, set: StatefulSet, pod: KObject): boolean {
  if (isRetainRetain(set)) return false;
  for (const ref of refs(claim)) {
    if (matchesRef(ref, set)) {
      if (ref.uid !== set.metadata.uid) return true;
      continue;
    }
    if (matchesRef(ref, pod)) {
      if (ref.uid !== pod.metadata.uid) return true;
      continue;
    }
    if (ref.controller) return true;
  }
  return false;
}

/** hasNonControllerOwner: the set or pod owns the claim without being its controller. */
const hasNonControllerOwner = (claim: KObject, set: StatefulSet, pod: KObject) =>
  refs(claim).some((r) => (r.uid === set.metadata.uid || (!!pod.metadata.uid && r.uid === pod.metadata.uid)) && !r.controller);

/** Which of set and pod should control the claim under the retention policy (see the table above). */
function wantedOwners(set: StatefulSet, pod: KObject): { set: boolean; pod: boolean } {
  const { whenDeleted, whenScaled } = retentionPolicy(set);
  const scaledDown = !podInOrdinalRange(pod, set);
  if (whenScaled === DELETE && whenDeleted === DELETE) return { set: !scaledDown, pod: scaledDown };
  if (whenScaled === DELETE) return { set: false, pod: scaledDown };
  if (whenDeleted === DELETE) return { set: true, pod: false };
  return { set: false, pod: false };
}

/**
 * isClaimOwnerUpToDate: the claim's references agree with the policy. Stale references (an earlier
 * set or pod of that name) and foreign controllers leave the claim alone.
 */
export function isClaimOwnerUpToDate(claim: KObject, set: StatefulSet, pod: KObject): boolean {
  if (hasStaleOwnerRef(claim, set) || (pod.metadata.uid && hasStaleOwnerRef(claim, pod))) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const want = wantedOwners(set, pod);
  return hasOwnerRef(claim, set) === want.set && hasOwnerRef(claim, pod) === want.pod;
}

/** updateClaimOwnerRefForSetAndPod: drop our references, then add the controller refs the policy wants. */
export function claimWithPolicyOwners(claim: KObject, set: StatefulSet, pod: KObject): KObject {
  const next = structuredClone(claim);
  const unexpected = hasUnexpectedController(claim, set, pod);
  const kept = refs(claim).filter((r) => !matchesRef(r, set) && !matchesRef(r, pod));
  if (!unexpected) {
    const want = wantedOwners(set, pod);
    if (want.set) kept.push(newControllerRef(set));
    if (want.pod && pod.metadata.uid) kept.push(newControllerRef(pod));
  }
  if (kept.length) next.metadata.ownerReferences = kept;
  else delete next.metadata.ownerReferences;
  return next;
}

/**
 * ClaimsMatchRetentionPolicy / UpdatePodClaimForRetentionPolicy: updates for the pod's existing
 * claims whose references disagree with the policy (a missing claim is picked up later), plus
 * upstream's ConflictingController warning.
 */
export function retentionUpdates(set: StatefulSet, pod: KObject, snapshot: Snapshot): Write[] {
  const writes: Write[] = [];
  const namespace = set.metadata.namespace ?? "";
  for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
    const existing = snapshot.get(PVCS, namespace, claim.metadata.name!);
    if (!existing || isClaimOwnerUpToDate(existing, set, pod)) continue;
    if (hasUnexpectedController(existing, set, pod)) {
      const message = `PersistentVolumeClaim ${claim.metadata.name} has a conflicting OwnerReference that acts as a manging controller, the retention policy is ignored for this claim`;
      writes.push({ op: "event", involved: set, type: "Warning", reason: "ConflictingController", message, component: COMPONENT });
    }
    writes.push({ op: "update", resource: PVCS, object: claimWithPolicyOwners(existing, set, pod) });
  }
  return writes;
}

/**
 * PodClaimIsStale: under whenScaled Delete, a claim still owned by an earlier pod of this name is
 * about to be collected; the new pod waits for it to go rather than bind to a doomed claim.
 */
export function podClaimIsStale(set: StatefulSet, pod: KObject, snapshot: Snapshot): boolean {
  if (retentionPolicy(set).whenScaled === RETAIN) return false;
  const namespace = set.metadata.namespace ?? "";
  for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
    const existing = snapshot.get(PVCS, namespace, claim.metadata.name!);
    if (existing && hasStaleOwnerRef(existing, pod)) return true;
  }
  return false;
}

export interface MissingClaims {
  writes: Write[];
  /** Some claim is being deleted: the pod must wait for it to go (upstream: "pvc … is being deleted"). */
  blocked: boolean;
  /** Every claim exists and none is being deleted. */
  ready: boolean;
}

/**
 * createPersistentVolumeClaims: the pod's claims that do not exist yet, each with the
 * `create Claim www-web-0 Pod web-0 in StatefulSet web success` event. A claim made for a pod in
 * range already carries the set's reference when whenDeleted is Delete.
 */
export function createMissingClaims(set: StatefulSet, pod: KObject, snapshot: Snapshot): MissingClaims {
  const writes: Write[] = [];
  let blocked = false;
  const namespace = set.metadata.namespace ?? "";
  for (const claim of claimsFor(set, ordinalOf(pod)).values()) {
    const existing = snapshot.get(PVCS, namespace, claim.metadata.name!);
    if (existing) {
      if (existing.metadata.deletionTimestamp) blocked = true;
      continue;
    }
    const object = claimWithPolicyOwners(claim, set, pod);
    writes.push({ op: "create", resource: PVCS, object });
    writes.push(claimEvent(set, pod, claim.metadata.name!));
  }
  return { writes, blocked, ready: !blocked && writes.length === 0 };
}

/** recordClaimEvent on success. */
export function claimEvent(set: StatefulSet, pod: KObject, claim: string): Write {
  return { op: "event", involved: set, type: "Normal", reason: "SuccessfulCreate", message: `create Claim ${claim} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`, component: COMPONENT };
}
