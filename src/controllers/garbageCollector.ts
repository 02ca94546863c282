/**
 * The garbage collector (upstream pkg/controller/garbagecollector): ownerReferences drive cascading
 * deletion.
 * - Background: once an owner is gone (no object with its uid), a dependent whose every owner is
 *   gone is deleted; one with other live owners only loses the dangling references.
 * - Foreground: an owner with a deletionTimestamp and the `foregroundDeletion` finalizer has its
 *   dependents deleted; when none that blocks it (blockOwnerDeletion) is left, the finalizer goes
 *   and so does the owner.
 * - Orphan: an owner with the `orphan` finalizer is removed from every dependent's
 *   ownerReferences, then the finalizer goes.
 * The API server adds those finalizers on DELETE with propagationPolicy Foreground / Orphan.
 *
 * Upstream keeps the whole ownership graph in memory; here the graph is read from the snapshot:
 * controller references through the owner index, other references by scanning the owner's
 * namespace for the kinds in DEPENDENT_RESOURCES.
 *
 * Keys are objects, `<resource>/<namespace>/<name>` ("pods/default/web-x7k2p", "nodes//node-1"):
 * an owner in foreground or orphan deletion is processed as an owner, any other object as a
 * dependent (attemptToDeleteItem).
 */
import type { OwnerReference } from "kubernetes-types/meta/v1";
import { deepEqual } from "../api/deepEqual";
import { findKind, RESOURCE_TYPES, storageResource } from "../api/resources";
import type { KObject } from "../api/types";
import { done, type Controller, type ObjectChange, type Snapshot, type Write } from "./types";

export const ORPHAN_FINALIZER = "orphan";
export const FOREGROUND_FINALIZER = "foregroundDeletion";

/** The kinds whose objects are looked through for owner references. */
export const DEPENDENT_RESOURCES: readonly string[] = [
  "pods",
  "replicasets.apps",
  "controllerrevisions.apps",
  "jobs.batch",
  "endpointslices.discovery.k8s.io",
  "persistentvolumeclaims",
  "leases.coordination.k8s.io",
  "configmaps",
  "secrets",
  "services",
  "deployments.apps",
  "statefulsets.apps",
  "daemonsets.apps",
].filter((r) => RESOURCE_TYPES.some((t) => storageResource(t) === r));

/**
 * Where non-controller references to an owner of this kind are scanned for (default: every
 * DEPENDENT_RESOURCES kind). Pods come and go by the thousand, so a pod's dependents are found
 * through the owner index plus the PersistentVolumeClaims a StatefulSet hands to its pods; a Node
 * owns its Lease; cluster-scoped kinds that own nothing namespaced are not scanned for at all.
 */
const NON_CONTROLLER_SCAN: Record<string, readonly string[]> = {
  pods: ["persistentvolumeclaims"],
  events: [],
  nodes: ["leases.coordination.k8s.io"],
  namespaces: [],
  persistentvolumes: [],
  "storageclasses.storage.k8s.io": [],
};

export interface Item {
  resource: string;
  object: KObject;
}

export function gcKey(resource: string, obj: KObject): string {
  return `${resource}/${obj.metadata.namespace ?? ""}/${obj.metadata.name}`;
}

function parseKey(key: string): { resource: string; namespace: string; name: string } {
  const [resource, namespace, ...rest] = key.split("/");
  return { resource, namespace, name: rest.join("/") };
}

const hasFinalizer = (obj: KObject, f: string) => obj.metadata.finalizers?.includes(f) ?? false;

/** isDeletingDependents: being deleted in the foreground. */
const isDeletingDependents = (obj: KObject) => !!obj.metadata.deletionTimestamp && hasFinalizer(obj, FOREGROUND_FINALIZER);

/** The owner is processing a foreground or orphan deletion, so its dependents' changes matter to it. */
const isProcessingDeletion = (obj: KObject) =>
  !!obj.metadata.deletionTimestamp && (hasFinalizer(obj, FOREGROUND_FINALIZER) || hasFinalizer(obj, ORPHAN_FINALIZER));

type OwnerState =
  /** The owner exists and is not waiting for its dependents. */
  | "solid"
  /** No object of that kind and name with that uid. */
  | "dangling"
  /** The owner is being deleted in the foreground. */
  | "waiting"
  /** The reference names a kind this server does not serve (upstream retries until it does). */
  | "unresolved";

/** The owner a reference names, looked up as upstream's isDangling does (kind, name, then uid). */
function resolveOwner(ref: OwnerReference, dependentNamespace: string, snapshot: Snapshot): { state: OwnerState; item?: Item } {
  const type = findKind(ref.apiVersion, ref.kind);
  if (!type) return { state: "unresolved" };
  const resource = storageResource(type);
  const owner = snapshot.get(resource, type.namespaced ? dependentNamespace : "", ref.name);
  if (!owner || owner.metadata.uid !== ref.uid) return { state: "dangling" };
  return { state: isDeletingDependents(owner) ? "waiting" : "solid", item: { resource, object: owner } };
}

/** Every object that names `owner` in its ownerReferences. */
export function dependentsOf(owner: Item, snapshot: Snapshot): Item[] {
  const uid = owner.object.metadata.uid!;
  const namespace = owner.object.metadata.namespace || undefined;
  const scan = new Set(NON_CONTROLLER_SCAN[owner.resource] ?? DEPENDENT_RESOURCES);
  const found: Item[] = [];
  for (const resource of DEPENDENT_RESOURCES) {
    const seen = new Set<string>();
    const add = (object: KObject) => {
      if (seen.has(object.metadata.uid!)) return;
      if (namespace !== undefined && object.metadata.namespace !== namespace) return;
      seen.add(object.metadata.uid!);
      found.push({ resource, object });
    };
    for (const object of snapshot.ownedBy(resource, uid)) add(object);
    if (!scan.has(resource)) continue;
    for (const object of snapshot.list(resource, namespace)) {
      if (object.metadata.ownerReferences?.some((r) => r.uid === uid)) add(object);
    }
  }
  return found;
}

function withoutOwners(obj: KObject, uids: ReadonlySet<string>): KObject {
  const next = structuredClone(obj) as KObject;
  const refs = (obj.metadata.ownerReferences ?? []).filter((r) => !uids.has(r.uid));
  if (refs.length) next.metadata.ownerReferences = refs;
  else delete next.metadata.ownerReferences;
  return next;
}

function withoutFinalizer(obj: KObject, finalizer: string): KObject {
  const next = structuredClone(obj) as KObject;
  next.metadata.finalizers = (obj.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  return next;
}

/** unblockOwnerReferences: every blockOwnerDeletion turned off, to break a foreground cycle. */
function unblocked(obj: KObject): KObject {
  const next = structuredClone(obj) as KObject;
  next.metadata.ownerReferences = (obj.metadata.ownerReferences ?? []).map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
  return next;
}

function deleteItem(item: Item, propagationPolicy: "Background" | "Foreground" | "Orphan"): Write {
  const meta = item.object.metadata;
  return { op: "delete", resource: item.resource, namespace: meta.namespace ?? "", name: meta.name!, uid: meta.uid, propagationPolicy };
}

/**
 * attemptToDeleteItem for an object not being deleted: classify its owners as solid, dangling or
 * waiting for their dependents' deletion, then
 * - some solid: drop the dangling and waiting references, keep the object;
 * - waiting ones and dependents of its own: delete it in the foreground too (unblocking its
 *   references first if a dependent is itself deleting in the foreground: a possible cycle);
 * - otherwise: delete it, with the policy its own finalizers ask for.
 *   owners {rs-a gone, rs-b live} → ownerReferences [rs-b]; owners {rs-a gone} → deleted
 */
export function attemptToDelete(item: Item, snapshot: Snapshot): Write[] {
  const obj = item.object;
  const refs = obj.metadata.ownerReferences ?? [];
  if (refs.length === 0 || obj.metadata.deletionTimestamp) return [];
  const solid: OwnerReference[] = [];
  const stale = new Set<string>();
  let waiting = false;
  for (const ref of refs) {
    const { state } = resolveOwner(ref, obj.metadata.namespace ?? "", snapshot);
    if (state === "unresolved") return [];
    if (state === "solid") solid.push(ref);
    else stale.add(ref.uid);
    if (state === "waiting") waiting = true;
  }
  if (solid.length) return stale.size ? [{ op: "update", resource: item.resource, object: withoutOwners(obj, stale) }] : [];
  if (waiting) {
    const dependents = dependentsOf(item, snapshot);
    if (dependents.length) {
      const writes: Write[] = [];
      if (dependents.some((d) => isDeletingDependents(d.object))) writes.push({ op: "update", resource: item.resource, object: unblocked(obj) });
      writes.push(deleteItem(item, "Foreground"));
      return writes;
    }
  }
  const policy = hasFinalizer(obj, ORPHAN_FINALIZER) ? "Orphan" : hasFinalizer(obj, FOREGROUND_FINALIZER) ? "Foreground" : "Background";
  return [deleteItem(item, policy)];
}

/**
 * attemptToOrphan: remove the owner from its dependents' ownerReferences; once none names it, drop
 * the `orphan` finalizer (a later pass, so a refused dependent update never loses a dependent).
 */
export function orphanDependents(owner: Item, snapshot: Snapshot): Write[] {
  const uid = new Set([owner.object.metadata.uid!]);
  const dependents = dependentsOf(owner, snapshot);
  if (dependents.length) return dependents.map((d) => ({ op: "update", resource: d.resource, object: withoutOwners(d.object, uid) }));
  return [{ op: "update", resource: owner.resource, object: withoutFinalizer(owner.object, ORPHAN_FINALIZER) }];
}

/**
 * processDeletingDependentsItem, with the graph builder's "attempt to delete every dependent" of an
 * owner that starts a foreground deletion: dependents not yet being deleted are handled as
 * attemptToDeleteItem would; when no dependent blocks the owner any more, its finalizer goes.
 *   rs (foreground) with pods a, b (blockOwnerDeletion) → delete a, b; after both are gone → finalizer removed
 */
export function deleteDependents(owner: Item, snapshot: Snapshot): Write[] {
  const uid = owner.object.metadata.uid!;
  const dependents = dependentsOf(owner, snapshot);
  const writes = dependents.flatMap((d) => attemptToDelete(d, snapshot));
  const blocking = dependents.some((d) => d.object.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion));
  if (!blocking) writes.push({ op: "update", resource: owner.resource, object: withoutFinalizer(owner.object, FOREGROUND_FINALIZER) });
  return writes;
}

/** The key of the owner a reference names, when that owner is in a foreground or orphan deletion. */
function ownerKeyIfProcessing(ref: OwnerReference, dependentNamespace: string, snapshot: Snapshot): string | undefined {
  const { item } = resolveOwner(ref, dependentNamespace, snapshot);
  return item && isProcessingDeletion(item.object) ? gcKey(item.resource, item.object) : undefined;
}

/**
 * The keys a change wakes:
 * - an object deleted: its dependents (background cascade) and its owners that wait on it;
 * - an object in foreground or orphan deletion: itself;
 * - an object whose owner references are new or changed and name an owner that is gone or waiting
 *   (also dependents created after their owner went): itself;
 * - an object whose owner references changed: the owners, old and new, that are in foreground or
 *   orphan deletion (a reference removed or unblocked may be what they wait for).
 */
function keysForChange(change: ObjectChange, snapshot: Snapshot): string[] {
  const { resource, object: obj, previous } = change;
  if (resource === "events") return [];
  const namespace = obj.metadata.namespace ?? "";
  const keys = new Set<string>();
  const refs = obj.metadata.ownerReferences ?? [];
  if (change.type === "DELETED") {
    for (const d of dependentsOf({ resource, object: obj }, snapshot)) keys.add(gcKey(d.resource, d.object));
    for (const ref of refs) {
      const key = ownerKeyIfProcessing(ref, namespace, snapshot);
      if (key) keys.add(key);
    }
    return [...keys];
  }
  if (isProcessingDeletion(obj)) keys.add(gcKey(resource, obj));
  const previousRefs = previous?.metadata.ownerReferences ?? [];
  if (change.type === "MODIFIED" && deepEqual(refs, previousRefs)) return [...keys];
  if (refs.some((ref) => {
    const { state } = resolveOwner(ref, namespace, snapshot);
    return state === "dangling" || state === "waiting";
  })) keys.add(gcKey(resource, obj));
  // A reference removed or unblocked may be what an owner in foreground or orphan deletion waits for.
  for (const ref of [...previousRefs, ...refs]) {
    const key = ownerKeyIfProcessing(ref, namespace, snapshot);
    if (key) keys.add(key);
  }
  return [...keys];
}

function reconcileItem(key: string, snapshot: Snapshot) {
  const { resource, namespace, name } = parseKey(key);
  const obj = snapshot.get(resource, namespace, name);
  if (!obj) return done();
  const item = { resource, object: obj };
  if (obj.metadata.deletionTimestamp) {
    if (hasFinalizer(obj, ORPHAN_FINALIZER)) return done(orphanDependents(item, snapshot));
    if (hasFinalizer(obj, FOREGROUND_FINALIZER)) return done(deleteDependents(item, snapshot));
    return done();
  }
  return done(attemptToDelete(item, snapshot));
}

/** The garbage collector ("garbagecollector"). */
export function createGarbageCollector(): Controller {
  return {
    name: "garbagecollector",
    keysFor: keysForChange,
    reconcile: (key, snapshot) => reconcileItem(key, snapshot),
  };
}
