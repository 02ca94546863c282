/**
 * The PersistentVolume binder (upstream pkg/controller/volume/persistentvolume) with the pieces of a
 * cluster around it that a learner sees together: the StorageObjectInUseProtection admission and
 * the pvc-protection / pv-protection controllers (finalizers), DefaultStorageClass admission
 * (retroactive, as the binder does since 1.28), the scheduler's volume binding for
 * WaitForFirstConsumer classes (the consumer pod's node becomes `volume.kubernetes.io/selected-node`),
 * and a simulated provisioner that makes hostPath-like volumes `pvc-<claim uid>`.
 *
 * Keys: "namespace/name" is a claim (syncClaim), a bare "name" a volume (syncVolume). Each pass does
 * one step and returns; the resulting change brings the next (bind the volume to the claim, then the
 * claim to the volume, then the claim's status — as upstream's bind() orders its writes).
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from "kubernetes-types/core/v1";
import type { StorageClass } from "kubernetes-types/storage/v1";
import { deepEqual } from "../api/deepEqual";
import { labelSelectorFromSpec, matchesLabels } from "../api/selectors";
import type { KObject } from "../api/types";
import { compareQuantities, parseQuantity } from "../api/validation/quantity";
import { nodeSelectorTermMatches } from "../sim/scheduler/nodeAffinity";
import { DEFAULT_SETTINGS, type SimulationSettings } from "../sim/settings";
import { done, keyOf, splitKey, type Controller, type ObjectChange, type ReconcileResult, type Snapshot, type Write } from "./types";
import { rfc3339 } from "../api/time";

export const PVCS = "persistentvolumeclaims";
export const PVS = "persistentvolumes";
export const STORAGE_CLASSES = "storageclasses.storage.k8s.io";
const PODS = "pods";

export const ANN_BIND_COMPLETED = "pv.kubernetes.io/bind-completed";
export const ANN_BOUND_BY_CONTROLLER = "pv.kubernetes.io/bound-by-controller";
export const ANN_PROVISIONED_BY = "pv.kubernetes.io/provisioned-by";
export const ANN_STORAGE_PROVISIONER = "volume.kubernetes.io/storage-provisioner";
export const ANN_BETA_STORAGE_PROVISIONER = "volume.beta.kubernetes.io/storage-provisioner";
export const ANN_SELECTED_NODE = "volume.kubernetes.io/selected-node";
const ANN_BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";
export const ANN_DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
const ANN_BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";
export const PVC_PROTECTION = "kubernetes.io/pvc-protection";
export const PV_PROTECTION = "kubernetes.io/pv-protection";

const COMPONENT = "persistentvolume-controller";
/** The local-volume "provisioner" that provisions nothing. */
const NO_PROVISIONER = "kubernetes.io/no-provisioner";
/** Where simulated volumes live on the (simulated) nodes. */
export const VOLUME_ROOT = "/var/lib/kubeflare/pv";
/** How long the simulated provisioner takes to make a volume, before timeScale. */
const PROVISION_SECONDS = 1;

const asClaim = (obj: KObject) => obj as unknown as PersistentVolumeClaim;
const asVolume = (obj: KObject) => obj as unknown as PersistentVolume;
const asClass = (obj: KObject) => obj as unknown as StorageClass;
const asObject = (obj: object) => obj as unknown as KObject;

const annotation = (obj: { metadata?: { annotations?: Record<string, string> } }, key: string) => obj.metadata?.annotations?.[key];
const hasFinalizer = (obj: { metadata?: { finalizers?: string[] } }, f: string) => obj.metadata?.finalizers?.includes(f) ?? false;

/** A deep, writable copy of a (frozen) snapshot object. */
const copy = <T>(obj: T): T => structuredClone(obj);

// ---------------------------------------------------------------------------------------------
// Classes, pods and matching (pkg/controller/volume/persistentvolume/util, component-helpers/storage)
// ---------------------------------------------------------------------------------------------

/** GetPersistentVolumeClaimClass: the beta annotation wins, then spec.storageClassName; "" is none. */
export function claimClass(claim: PersistentVolumeClaim): string {
  return annotation(claim, ANN_BETA_STORAGE_CLASS) ?? claim.spec?.storageClassName ?? "";
}

/** GetPersistentVolumeClass */
export function volumeClass(pv: PersistentVolume): string {
  return annotation(pv, ANN_BETA_STORAGE_CLASS) ?? pv.spec?.storageClassName ?? "";
}

/** GetDefaultClass: of the classes marked default, the newest (then by name), as since 1.26. */
export function defaultStorageClass(snapshot: Snapshot): StorageClass | undefined {
  const defaults = snapshot
    .list(STORAGE_CLASSES)
    .map(asClass)
    .filter((sc) => annotation(sc, ANN_DEFAULT_CLASS) === "true" || annotation(sc, ANN_BETA_DEFAULT_CLASS) === "true");
  defaults.sort((a, b) => (b.metadata?.creationTimestamp ?? "").localeCompare(a.metadata?.creationTimestamp ?? "") || a.metadata!.name!.localeCompare(b.metadata!.name!));
  return defaults[0];
}

/** The claims a pod's volumes name: persistentVolumeClaim.claimName, and `<pod>-<volume>` for generic ephemeral volumes. */
export function claimNamesOf(pod: Pod): string[] {
  return (pod.spec?.volumes ?? []).flatMap((v) => {
    if (v.persistentVolumeClaim?.claimName) return [v.persistentVolumeClaim.claimName];
    if (v.ephemeral) return [`${pod.metadata!.name}-${v.name}`];
    return [];
  });
}

function podsUsingClaim(snapshot: Snapshot, claim: PersistentVolumeClaim): Pod[] {
  const name = claim.metadata!.name!;
  return snapshot
    .list(PODS, claim.metadata!.namespace)
    .map((p) => p as unknown as Pod)
    .filter((pod) => claimNamesOf(pod).includes(name));
}

/** A pod the kubelet is done with: terminal, or deleted with a zero grace period (podIsShutDown). */
function podIsDone(pod: Pod): boolean {
  const phase = pod.status?.phase;
  if (phase === "Succeeded" || phase === "Failed") return true;
  return !!pod.metadata?.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0;
}

/**
 * The pvc-protection controller's "in use": a pod scheduled to a node (the kubelet only sees those)
 * that has not terminated references the claim. The docs' rule: active use is a Pending pod
 * assigned to a node, or a Running pod.
 */
export function claimInUse(snapshot: Snapshot, claim: PersistentVolumeClaim): boolean {
  return podsUsingClaim(snapshot, claim).some((pod) => !!pod.spec?.nodeName && !podIsDone(pod));
}

const storageOf = (list: Record<string, unknown> | undefined) => parseQuantity(list?.storage);

/** CheckAccessModes: the volume offers every mode the claim asks for. */
const offersModes = (pv: PersistentVolume, claim: PersistentVolumeClaim) => (claim.spec?.accessModes ?? []).every((m) => pv.spec?.accessModes?.includes(m));

/** IsVolumeBoundToClaim: claimRef names this claim, and its uid is this claim's or not yet known. */
function isVolumeBoundToClaim(pv: PersistentVolume, claim: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/**
 * checkVolumeSatisfyClaim: why a volume the claim names in spec.volumeName cannot serve it, if it
 * cannot.
 */
export function volumeUnsuitability(pv: PersistentVolume, claim: PersistentVolumeClaim): string | undefined {
  if (pv.metadata?.deletionTimestamp) return `the volume is marked for deletion "${pv.metadata.name}"`;
  const [size, request] = [storageOf(pv.spec?.capacity), storageOf(claim.spec?.resources?.requests)];
  if (!size || (request && compareQuantities(size, request) < 0)) return "requested PV is too small";
  if (volumeClass(pv) !== claimClass(claim)) return "storageClassName does not match";
  if ((pv.spec?.volumeMode ?? "Filesystem") !== (claim.spec?.volumeMode ?? "Filesystem")) return "incompatible volumeMode";
  if (!offersModes(pv, claim)) return "incompatible accessMode";
  return undefined;
}

/** CheckNodeAffinity: a volume without required node affinity is reachable from every node. */
function volumeReachableFrom(pv: PersistentVolume, node: KObject): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  return !terms || terms.some((term) => nodeSelectorTermMatches(term, node));
}

/**
 * findBestMatchForClaim / FindMatchingVolume: a volume pre-bound to this claim wins; otherwise the
 * Available volume of the claim's class whose labels match the claim's selector, that offers the
 * claim's access modes with the fewest modes, and is the smallest that is big enough.
 *   claim 3Gi RWO; volumes 10Gi RWO, 5Gi RWO+RWX, 5Gi RWO → the 5Gi RWO one
 * With delayed binding and no node chosen yet, only pre-bound volumes match (the scheduler picks);
 * once a node is chosen, only volumes whose node affinity admits it (local volumes).
 */
export function findBestMatch(snapshot: Snapshot, claim: PersistentVolumeClaim, preboundOnly: boolean, node?: KObject): PersistentVolume | undefined {
  const request = storageOf(claim.spec?.resources?.requests);
  let selector: ReturnType<typeof labelSelectorFromSpec> | undefined;
  try {
    selector = claim.spec?.selector ? labelSelectorFromSpec(claim.spec.selector as never) : undefined;
  } catch {
    return undefined; // validated at admission; an invalid selector matches nothing
  }
  const fits = snapshot
    .list(PVS)
    .map(asVolume)
    .filter((pv) => {
      const size = storageOf(pv.spec?.capacity);
      return !pv.metadata?.deletionTimestamp && !!size && (!request || compareQuantities(size, request) >= 0)
        && (pv.spec?.volumeMode ?? "Filesystem") === (claim.spec?.volumeMode ?? "Filesystem")
        && offersModes(pv, claim) && volumeClass(pv) === claimClass(claim) && (!node || volumeReachableFrom(pv, node));
    })
    .sort((a, b) => (a.spec?.accessModes?.length ?? 0) - (b.spec?.accessModes?.length ?? 0)
      || compareQuantities(storageOf(a.spec?.capacity)!, storageOf(b.spec?.capacity)!)
      || a.metadata!.name!.localeCompare(b.metadata!.name!));
  const prebound = fits.find((pv) => isVolumeBoundToClaim(pv, claim));
  if (prebound || preboundOnly) return prebound;
  return fits.find((pv) => !pv.spec?.claimRef && pv.status?.phase === "Available" && (!selector || matchesLabels(selector, pv.metadata?.labels)));
}

// ---------------------------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------------------------

const event = (involved: object, type: "Normal" | "Warning", reason: string, message: string, component = COMPONENT): Write => ({
  op: "event", involved: asObject(involved), type, reason, message, component,
});

const update = (resource: string, obj: object): Write => ({ op: "update", resource, object: asObject(obj) });

/** updateClaimStatus: phase, and the volume's access modes and capacity (cleared without a volume). Nothing when unchanged. */
function claimStatus(claim: PersistentVolumeClaim, phase: string, pv?: PersistentVolume): Write[] {
  const status = { ...(claim.status ?? {}), phase } as Record<string, unknown>;
  if (pv) {
    status.accessModes = pv.spec?.accessModes;
    status.capacity = pv.spec?.capacity;
  } else {
    delete status.accessModes;
    delete status.capacity;
  }
  if (deepEqual(status, claim.status ?? {})) return [];
  return [{ op: "status", resource: PVCS, object: asObject({ ...claim, status }) }];
}

/** updateClaimStatusWithEvent: only on a phase change, with its event. */
function claimLost(claim: PersistentVolumeClaim, reason: string, message: string): Write[] {
  if (claim.status?.phase === "Lost") return [];
  return [...claimStatus(claim, "Lost"), event(claim, "Warning", reason, message)];
}

/** updateVolumePhase: the phase and, as since 1.31, when it last changed. Nothing when unchanged. */
function volumePhase(pv: PersistentVolume, phase: string, now: number): Write[] {
  if (pv.status?.phase === phase) return [];
  const status = { ...(pv.status ?? {}), phase, lastPhaseTransitionTime: rfc3339(now) } as Record<string, unknown>;
  delete status.message;
  delete status.reason;
  return [{ op: "status", resource: PVS, object: asObject({ ...pv, status }) }];
}

/** The claimRef a binder writes: v1 PersistentVolumeClaim with uid and resourceVersion (GetReference). */
function claimRef(claim: PersistentVolumeClaim) {
  return {
    kind: "PersistentVolumeClaim", namespace: claim.metadata!.namespace, name: claim.metadata!.name,
    uid: claim.metadata!.uid, apiVersion: "v1", resourceVersion: claim.metadata!.resourceVersion,
  };
}

/**
 * bind(): one write per pass, in upstream's order. First the volume (bindVolumeToClaim: claimRef,
 * and bound-by-controller unless the user pre-bound it to this claim), then the claim
 * (bindClaimToVolume: volumeName, bind-completed, and bound-by-controller when the controller chose
 * the volume), then the claim's status. The volume's status follows in its own sync.
 */
function bind(pv: PersistentVolume, claim: PersistentVolumeClaim): Write[] {
  const ref = pv.spec?.claimRef;
  if (!ref || ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace || ref.uid !== claim.metadata?.uid) {
    const next = copy(pv);
    const preboundByUser = isVolumeBoundToClaim(pv, claim);
    next.spec = { ...next.spec, claimRef: claimRef(claim) };
    if (!preboundByUser) next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: "yes" } };
    return [update(PVS, next)];
  }
  const chosenByController = claim.spec?.volumeName !== pv.metadata!.name;
  const annotations = { ...(claim.metadata?.annotations ?? {}) };
  if (chosenByController && !annotations[ANN_BOUND_BY_CONTROLLER]) annotations[ANN_BOUND_BY_CONTROLLER] = "yes";
  if (!annotations[ANN_BIND_COMPLETED]) annotations[ANN_BIND_COMPLETED] = "yes";
  if (chosenByController || !deepEqual(annotations, claim.metadata?.annotations ?? {})) {
    const next = copy(claim);
    next.spec = { ...next.spec, volumeName: pv.metadata!.name };
    next.metadata = { ...next.metadata, annotations };
    return [update(PVCS, next)];
  }
  return claimStatus(claim, "Bound", pv);
}

// ---------------------------------------------------------------------------------------------
// Claims
// ---------------------------------------------------------------------------------------------

/**
 * What admission would have done when the claim was created, done on first sight instead: the
 * pvc-protection finalizer (StorageObjectInUseProtection) and the default class (DefaultStorageClass;
 * later, for unbound claims still without a class, the binder's retroactive assignment).
 */
function admitClaim(claim: PersistentVolumeClaim, snapshot: Snapshot): Write | undefined {
  const firstSight = !hasFinalizer(claim, PVC_PROTECTION);
  const classless = claim.spec?.storageClassName === undefined && annotation(claim, ANN_BETA_STORAGE_CLASS) === undefined;
  const defaultClass = classless && (firstSight || !claim.spec?.volumeName) ? defaultStorageClass(snapshot) : undefined;
  if (!firstSight && !defaultClass) return undefined;
  const next = copy(claim);
  if (firstSight) next.metadata = { ...next.metadata, finalizers: [...(next.metadata?.finalizers ?? []), PVC_PROTECTION] };
  if (defaultClass) next.spec = { ...next.spec, storageClassName: defaultClass.metadata!.name };
  return update(PVCS, next);
}

/** syncBoundClaim: a claim the binder finished binding stays bound, or is Lost. */
function syncBoundClaim(claim: PersistentVolumeClaim, snapshot: Snapshot): Write[] {
  const volumeName = claim.spec?.volumeName;
  if (!volumeName) return claimLost(claim, "ClaimLost", "Bound claim has lost reference to PersistentVolume. Data on the volume is lost!");
  const obj = snapshot.get(PVS, "", volumeName);
  if (!obj) return claimLost(claim, "ClaimLost", "Bound claim has lost its PersistentVolume. Data on the volume is lost!");
  const pv = asVolume(obj);
  const ref = pv.spec?.claimRef;
  if (!ref || ref.uid === claim.metadata?.uid) return bind(pv, claim);
  return claimLost(claim, "ClaimMisbound", "Two claims are bound to the same volume, this one is bound incorrectly");
}

/** The first scheduled, still running pod that uses the claim (the one whose node the scheduler chose). */
function scheduledConsumer(snapshot: Snapshot, claim: PersistentVolumeClaim): Pod | undefined {
  return podsUsingClaim(snapshot, claim).find((pod) => !!pod.spec?.nodeName && !podIsDone(pod));
}

/** emitEventForUnboundDelayBindingClaim */
function delayBindingEvent(snapshot: Snapshot, claim: PersistentVolumeClaim): Write {
  const waiting = podsUsingClaim(snapshot, claim).filter((pod) => !pod.spec?.nodeName).map((pod) => pod.metadata!.name!);
  if (waiting.length === 0) return event(claim, "Normal", "WaitForFirstConsumer", "waiting for first consumer to be created before binding");
  const message = waiting.length > 1 ? `waiting for pods ${waiting.join(",")} to be scheduled` : `waiting for pod ${waiting[0]} to be scheduled`;
  return event(claim, "Normal", "WaitForPodScheduled", message);
}

/** syncUnboundClaim: find a volume, or wait for a consumer, or provision one. */
function syncUnboundClaim(claim: PersistentVolumeClaim, snapshot: Snapshot, now: number, settings: SimulationSettings): ReconcileResult {
  const volumeName = claim.spec?.volumeName;
  if (volumeName) {
    // The user asked for a particular volume.
    const obj = snapshot.get(PVS, "", volumeName);
    if (!obj) return done(claimStatus(claim, "Pending"));
    const pv = asVolume(obj);
    if (!pv.spec?.claimRef) {
      const why = volumeUnsuitability(pv, claim);
      if (why) return done([...claimStatus(claim, "Pending"), event(claim, "Warning", "FailedBinding", `Cannot bind to requested volume "${volumeName}": ${why}`)]);
      return done(bind(pv, claim));
    }
    if (isVolumeBoundToClaim(pv, claim)) return done(bind(pv, claim));
    return done([...claimStatus(claim, "Pending"), event(claim, "Warning", "FailedBinding", `volume "${volumeName}" already bound to a different claim.`)]);
  }

  const className = claimClass(claim);
  const classObj = className ? snapshot.get(STORAGE_CLASSES, "", className) : undefined;
  const sc = classObj ? asClass(classObj) : undefined;
  const delayBinding = sc?.volumeBindingMode === "WaitForFirstConsumer";
  if (delayBinding && !annotation(claim, ANN_SELECTED_NODE)) {
    const prebound = findBestMatch(snapshot, claim, true);
    if (prebound) return done(bind(prebound, claim));
    const consumer = scheduledConsumer(snapshot, claim);
    if (consumer) {
      // The scheduler's volume binding for the node it chose: an existing volume, else ask the
      // provisioner for one on that node.
      const node = snapshot.get("nodes", "", consumer.spec!.nodeName!);
      const pv = node && findBestMatch(snapshot, claim, false, node);
      if (pv) return done(bind(pv, claim));
      if (sc.provisioner !== NO_PROVISIONER) {
        const next = copy(claim);
        next.metadata = { ...next.metadata, annotations: { ...next.metadata?.annotations, [ANN_SELECTED_NODE]: consumer.spec!.nodeName! } };
        return done([update(PVCS, next)]);
      }
      return done(claimStatus(claim, "Pending"));
    }
    return done([...claimStatus(claim, "Pending"), delayBindingEvent(snapshot, claim)]);
  }

  // A delayed-binding claim whose node is chosen only takes volumes reachable from that node.
  const selected = delayBinding ? snapshot.get("nodes", "", annotation(claim, ANN_SELECTED_NODE)!) : undefined;
  const pv = delayBinding && !selected ? undefined : findBestMatch(snapshot, claim, false, selected);
  if (pv) return done(bind(pv, claim));
  if (!className) {
    return done([...claimStatus(claim, "Pending"), event(claim, "Normal", "FailedBinding", "no persistent volumes available for this claim and no storage class is set")]);
  }
  return provision(claim, sc, className, snapshot, now, settings);
}

/** The provisioner's identity in its events, as `<provisioner>_<host>` (the real ones add a uuid). */
const provisionerIdentity = (provisioner: string) => `${provisioner}_kubeflare-control-plane`;
/** In-tree plugins are named kubernetes.io/…; everything else is an external (CSI) provisioner. */
const isInTree = (provisioner: string) => provisioner.startsWith("kubernetes.io/");

/**
 * When provisioning could start: the claim's creation, or for a delayed-binding claim the moment
 * its consumer was scheduled. Timestamps have whole seconds, so the wait is at most the delay.
 */
function provisioningStart(snapshot: Snapshot, claim: PersistentVolumeClaim): number {
  let start = Date.parse(claim.metadata?.creationTimestamp ?? "") || 0;
  const node = annotation(claim, ANN_SELECTED_NODE);
  if (node) {
    for (const pod of podsUsingClaim(snapshot, claim)) {
      if (pod.spec?.nodeName !== node) continue;
      const scheduled = Date.parse(pod.status?.conditions?.find((c) => c.type === "PodScheduled")?.lastTransitionTime ?? "");
      if (scheduled > start) start = scheduled;
    }
  }
  return start;
}

/**
 * provisionClaim, and the provisioner it hands over to: announce the provisioner on the claim
 * (both storage-provisioner annotations, ExternalProvisioning / Provisioning events), take the
 * simulated provisioning time, then create `pvc-<uid>` pre-bound to the claim (ProvisioningSucceeded).
 * The binder then binds it like any volume pre-bound to the claim.
 */
function provision(claim: PersistentVolumeClaim, sc: StorageClass | undefined, className: string, snapshot: Snapshot, now: number, settings: SimulationSettings): ReconcileResult {
  const pending = claimStatus(claim, "Pending");
  if (!sc) return done([...pending, event(claim, "Warning", "ProvisioningFailed", `storageclass.storage.k8s.io "${className}" not found`)]);
  const provisioner = sc.provisioner;
  if (provisioner === NO_PROVISIONER) {
    return done([...pending, event(claim, "Warning", "ProvisioningFailed", `no volume plugin matched name: ${provisioner}`)]);
  }
  const inTree = isInTree(provisioner);
  if (claim.spec?.selector) {
    return done([...pending, inTree
      ? event(claim, "Warning", "ProvisioningFailed", `Failed to provision volume with StorageClass "${className}": claim.Spec.Selector is not supported for dynamic provisioning on ${provisioner}`)
      : event(claim, "Warning", "ProvisioningFailed", "claim Selector is not supported", provisionerIdentity(provisioner))]);
  }

  if (annotation(claim, ANN_STORAGE_PROVISIONER) !== provisioner || annotation(claim, ANN_BETA_STORAGE_PROVISIONER) !== provisioner) {
    const next = copy(claim);
    next.metadata = {
      ...next.metadata,
      annotations: { ...next.metadata?.annotations, [ANN_BETA_STORAGE_PROVISIONER]: provisioner, [ANN_STORAGE_PROVISIONER]: provisioner },
    };
    // One write per object per pass: the claim is Pending already (defaulting starts it so).
    const writes = [update(PVCS, next)];
    if (!inTree) {
      writes.push(event(claim, "Normal", "ExternalProvisioning",
        `Waiting for a volume to be created either by the external provisioner '${provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`));
      writes.push(event(claim, "Normal", "Provisioning", `External provisioner is provisioning volume for claim "${claim.metadata!.namespace}/${claim.metadata!.name}"`, provisionerIdentity(provisioner)));
    }
    return done(writes);
  }

  const due = provisioningStart(snapshot, claim) + PROVISION_SECONDS * 1000 * settings.timeScale;
  if (now < due) return done(pending, due - now);

  const name = `pvc-${claim.metadata!.uid}`;
  const pv: KObject = {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, annotations: { [ANN_PROVISIONED_BY]: provisioner }, finalizers: [PV_PROTECTION] },
    spec: {
      accessModes: claim.spec?.accessModes,
      capacity: { storage: claim.spec?.resources?.requests?.storage },
      claimRef: claimRef(claim),
      hostPath: { path: `${VOLUME_ROOT}/${name}`, type: "DirectoryOrCreate" },
      ...(sc.mountOptions?.length ? { mountOptions: sc.mountOptions } : {}),
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
      storageClassName: className,
      volumeMode: claim.spec?.volumeMode ?? "Filesystem",
    },
  };
  const succeeded = inTree
    ? event(claim, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${name} using ${provisioner}`)
    : event(claim, "Normal", "ProvisioningSucceeded", `Successfully provisioned volume ${name}`, provisionerIdentity(provisioner));
  return done([...pending, { op: "create", resource: PVS, object: pv }, succeeded]);
}

/** syncClaim: protection, admission, then the bound or unbound claim's sync. */
function syncClaim(obj: KObject, snapshot: Snapshot, now: number, settings: SimulationSettings): ReconcileResult {
  const claim = asClaim(obj);
  if (claim.metadata?.deletionTimestamp) {
    if (hasFinalizer(claim, PVC_PROTECTION) && !claimInUse(snapshot, claim)) {
      const next = copy(claim);
      next.metadata = { ...next.metadata, finalizers: next.metadata!.finalizers!.filter((f) => f !== PVC_PROTECTION) };
      return done([update(PVCS, next)]);
    }
    // A claim on its way out keeps its binding honest but starts nothing new.
    return done(annotation(claim, ANN_BIND_COMPLETED) ? syncBoundClaim(claim, snapshot) : []);
  }
  const admitted = admitClaim(claim, snapshot);
  if (admitted) return done([admitted]);
  if (annotation(claim, ANN_BIND_COMPLETED)) return done(syncBoundClaim(claim, snapshot));
  return syncUnboundClaim(claim, snapshot, now, settings);
}

// ---------------------------------------------------------------------------------------------
// Volumes
// ---------------------------------------------------------------------------------------------

/**
 * reclaimVolume for a Released volume: Retain keeps it (and its claimRef) for the administrator;
 * Delete deletes it (the pv-protection finalizer lets go once it is not Bound); Recycle scrubs it
 * and makes it Available again.
 */
function reclaim(pv: PersistentVolume): Write[] {
  switch (pv.spec?.persistentVolumeReclaimPolicy ?? "Retain") {
    case "Delete":
      if (pv.metadata?.deletionTimestamp) return [];
      return [{ op: "delete", resource: PVS, namespace: "", name: pv.metadata!.name!, uid: pv.metadata!.uid }];
    case "Recycle": {
      const next = copy(pv);
      delete next.spec!.claimRef;
      return [update(PVS, next), event(pv, "Normal", "VolumeRecycled", "Volume recycled")];
    }
    default:
      return [];
  }
}

/** unbindVolume: a controller-made binding is undone; a user's pre-binding only loses the uid. */
function unbind(pv: PersistentVolume): Write[] {
  const next = copy(pv);
  if (annotation(pv, ANN_BOUND_BY_CONTROLLER)) {
    delete next.spec!.claimRef;
    delete next.metadata!.annotations![ANN_BOUND_BY_CONTROLLER];
  } else {
    delete next.spec!.claimRef!.uid;
  }
  return [update(PVS, next)];
}

/** syncVolume: protection, then the phase the volume's claimRef and claim call for. */
function syncVolume(obj: KObject, snapshot: Snapshot, now: number): Write[] {
  const pv = asVolume(obj);
  if (pv.metadata?.deletionTimestamp) {
    // pv-protection: a Bound volume is in use.
    if (hasFinalizer(pv, PV_PROTECTION) && pv.status?.phase !== "Bound") {
      const next = copy(pv);
      next.metadata = { ...next.metadata, finalizers: next.metadata!.finalizers!.filter((f) => f !== PV_PROTECTION) };
      return [update(PVS, next)];
    }
  } else if (!hasFinalizer(pv, PV_PROTECTION)) {
    const next = copy(pv);
    next.metadata = { ...next.metadata, finalizers: [...(next.metadata?.finalizers ?? []), PV_PROTECTION] };
    return [update(PVS, next)];
  }

  const ref = pv.spec?.claimRef;
  // Unused, or reserved by the user for a claim that has not bound yet.
  if (!ref || !ref.uid) return volumePhase(pv, "Available", now);
  const found = snapshot.get(PVCS, ref.namespace ?? "", ref.name ?? "");
  const claim = found && found.metadata.uid === ref.uid ? asClaim(found) : undefined;
  if (!claim) {
    // The claim is gone (or was recreated under the same name): released, then reclaimed. A Failed
    // volume stays Failed so the administrator sees it.
    if (pv.status?.phase !== "Released" && pv.status?.phase !== "Failed") return volumePhase(pv, "Released", now);
    return reclaim(pv);
  }
  const claimVolume = claim.spec?.volumeName;
  if (!claimVolume) return []; // the claim's sync binds it
  if (claimVolume === pv.metadata!.name) return volumePhase(pv, "Bound", now);
  // The claim got bound elsewhere.
  if (annotation(pv, ANN_PROVISIONED_BY) && pv.spec?.persistentVolumeReclaimPolicy === "Delete") {
    if (pv.status?.phase !== "Released" && pv.status?.phase !== "Failed") return volumePhase(pv, "Released", now);
    return reclaim(pv);
  }
  return unbind(pv);
}

// ---------------------------------------------------------------------------------------------
// The controller
// ---------------------------------------------------------------------------------------------

const claimKey = (namespace: string | undefined, name: string | undefined) => `${namespace ?? ""}/${name ?? ""}`;

/** Claims the binder has not finished with: they may take a new volume or class. */
function unboundClaimKeys(snapshot: Snapshot): string[] {
  return snapshot
    .list(PVCS)
    .filter((c) => !c.metadata.deletionTimestamp && !annotation(c, ANN_BIND_COMPLETED))
    .map(keyOf);
}

/** A pod change matters to its claims when it is scheduled, finishes, is deleted or changes volumes. */
function podChangeMatters(change: ObjectChange): boolean {
  if (change.type !== "MODIFIED" || !change.previous) return true;
  const [a, b] = [change.previous as unknown as Pod, change.object as unknown as Pod];
  return a.spec?.nodeName !== b.spec?.nodeName || a.status?.phase !== b.status?.phase
    || a.metadata?.deletionTimestamp !== b.metadata?.deletionTimestamp
    || a.metadata?.deletionGracePeriodSeconds !== b.metadata?.deletionGracePeriodSeconds
    || !deepEqual(claimNamesOf(a), claimNamesOf(b));
}

function keysFor(change: ObjectChange, snapshot: Snapshot): string[] {
  const keys = new Set<string>();
  const versions = [change.object, change.previous].filter((o): o is KObject => !!o);
  switch (change.resource) {
    case PVCS: {
      keys.add(keyOf(change.object));
      for (const c of versions) if (asClaim(c).spec?.volumeName) keys.add(asClaim(c).spec!.volumeName!);
      const { namespace, name } = change.object.metadata;
      for (const pv of snapshot.list(PVS)) {
        const ref = asVolume(pv).spec?.claimRef;
        if (ref?.namespace === namespace && ref?.name === name) keys.add(pv.metadata.name!);
      }
      break;
    }
    case PVS:
      keys.add(change.object.metadata.name!);
      for (const v of versions) {
        const ref = asVolume(v).spec?.claimRef;
        if (ref?.name) keys.add(claimKey(ref.namespace, ref.name));
      }
      // A volume free for anyone may be what a pending claim waits for.
      if (!asVolume(change.object).spec?.claimRef && !change.object.metadata.deletionTimestamp) for (const k of unboundClaimKeys(snapshot)) keys.add(k);
      break;
    case PODS:
      if (!podChangeMatters(change)) break;
      for (const p of versions) for (const name of claimNamesOf(p as unknown as Pod)) keys.add(claimKey(p.metadata.namespace, name));
      break;
    case STORAGE_CLASSES:
      for (const k of unboundClaimKeys(snapshot)) keys.add(k);
      break;
  }
  return [...keys];
}

export function createVolumeController(settings: SimulationSettings = DEFAULT_SETTINGS): Controller {
  return {
    name: "persistentvolume-binder",
    keysFor,
    reconcile(key, snapshot, now) {
      const { namespace, name } = splitKey(key);
      if (key.includes("/")) {
        const claim = snapshot.get(PVCS, namespace, name);
        return claim ? syncClaim(claim, snapshot, now, settings) : done();
      }
      const pv = snapshot.get(PVS, "", name);
      return done(pv ? syncVolume(pv, snapshot, now) : []);
    },
  };
}
