/**
 * The generic registry: create, read, update, patch and delete of any served kind with upstream's API
 * machinery semantics (resourceVersion preconditions, generateName, uid, generation, finalizers and
 * deletionTimestamp, status and scale subresources, dry-run, no-op writes). Storage is the cluster's
 * ObjectStore; time and randomness come from the caller so this runs the same in tests.
 */
import { toStored, fromStored } from "./conversion";
import { applyDefaults, preserveAllocatedServiceValues } from "./defaults";
import {
  alreadyExists, badRequest, conflict, forbidden, invalid, notFound, STALE_OBJECT,
} from "./errors";
import { unknownFields } from "./fieldValidation";
import { applyJsonPatch, applyMergePatch, applyServerSide, applyStrategicMergePatch, type PatchType } from "./patch";
import { groupVersion, storageResource, typeOfStorage, type ResourceType } from "./resources";
import { labelSelectorString } from "./selectors";
import { hasStatusSubresource, initialStatus, specOf, tracksGeneration } from "./strategy";
import { isPlainObject, type KObject } from "./types";
import { validate } from "./validation";
import type { Store } from "../store/types";
import type { SimulationSettings } from "../sim/settings";
import { deepEqual } from "./deepEqual";
import { admitCreate, admitMutating, allocateServiceUpdate } from "./admission";

export interface ApiContext {
  store: Store;
  /** Wall-clock time of the request. */
  now(): Date;
  /** A new object uid. */
  uid(): string;
  /** Five characters for generateName, from upstream's alphabet (no vowels, no confusable digits). */
  nameSuffix(): string;
  /**
   * Lines a running container printed that are not stored yet (the kubelet writes logs only when it
   * writes the pod anyway, so an endless loop costs nothing until someone reads it).
   */
  /** The cluster's simulation settings (metrics scale with them). */
  simulation?(): SimulationSettings;
  liveLogs?(pod: KObject, container: string, now: number): { restart: number; lines: { time: string; text: string }[] } | undefined;
}

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  fieldValidation?: FieldValidation;
  /** Set by the HTTP layer; warnings end up in `Warning: 299` headers. */
  warnings?: string[];
}

export interface DeleteOptions extends WriteOptions {
  propagationPolicy?: "Background" | "Foreground" | "Orphan";
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Where a request landed: a resource type at the version the client used, in a namespace. */
export interface Target {
  type: ResourceType;
  version: string;
  namespace: string; // "" for cluster-scoped
}

export { rfc3339 } from "./time";
import { rfc3339 } from "./time";

export function resourceOf(target: Target): string {
  return storageResource(target.type);
}

/** The stored object as the client's version shows it, with apiVersion and kind set. */
export function present(target: Target, obj: KObject): KObject {
  const apiVersion = groupVersion(target.type.group, target.version);
  const served = fromStored(apiVersion, obj);
  return { apiVersion, kind: target.type.kind, ...served, metadata: served.metadata } as KObject;
}

export function getObject(ctx: ApiContext, target: Target, name: string): KObject {
  const obj = ctx.store.get(resourceOf(target), target.namespace, name);
  if (!obj) throw notFound(target.type.plural, target.type.group, name);
  return obj;
}

/**
 * A deep copy without null fields: a typed decode turns `"creationTimestamp": null` (which kubectl
 * always sends) and every other null into an absent field, so stored objects never hold nulls and
 * the same object written twice compares equal.
 */
function withoutNulls(value: unknown, path = ""): unknown {
  if (Array.isArray(value)) return value.map((v) => withoutNulls(v, path));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === null) continue;
    // A ControllerRevision's data is raw JSON (runtime.RawExtension): kept byte for byte, because
    // kubectl compares it with its own serialisation to detect "already at this revision".
    out[key] = path === "" && key === "data" && (value as { kind?: string }).kind === "ControllerRevision" ? structuredClone(v) : withoutNulls(v, `${path}/${key}`);
  }
  return out;
}

/** Checks apiVersion/kind of a body against the endpoint and returns it in stored form. */
function decodeBody(target: Target, body: unknown): KObject {
  if (!isPlainObject(body)) throw badRequest("the body of the request must be a JSON or YAML object");
  const expected = groupVersion(target.type.group, target.version);
  const obj = withoutNulls(body) as KObject;
  if (obj.apiVersion !== undefined && obj.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${expected})`);
  }
  if (obj.kind !== undefined && obj.kind !== target.type.kind) {
    throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${target.type.kind})`);
  }
  obj.apiVersion = expected;
  obj.kind = target.type.kind;
  if (!isPlainObject(obj.metadata)) obj.metadata = {};
  const stored = toStored(expected, obj);
  stored.apiVersion = groupVersion(target.type.group, target.type.versions[0]);
  return stored;
}

function checkFields(target: Target, body: KObject, opts: WriteOptions): void {
  const mode = opts.fieldValidation ?? "Ignore";
  if (mode === "Ignore") return;
  const apiVersion = groupVersion(target.type.group, target.version);
  const unknown = unknownFields(apiVersion, target.type.kind, body);
  if (unknown.length === 0) return;
  const messages = unknown.map((path) => `unknown field "${path}"`);
  if (mode === "Strict") throw badRequest(`strict decoding error: ${messages.join(", ")}`);
  opts.warnings?.push(...messages);
}

function checkNamespace(target: Target, obj: KObject): void {
  if (!target.type.namespaced) {
    delete obj.metadata.namespace;
    return;
  }
  const given = obj.metadata.namespace;
  if (given && given !== target.namespace) {
    throw badRequest("the namespace of the provided object does not match the namespace sent on the request");
  }
  obj.metadata.namespace = target.namespace;
}

function validateOrThrow(target: Target, obj: KObject, old?: KObject): void {
  const causes = validate(target.type, obj, old);
  if (causes.length) throw invalid(target.type.kind, target.type.group, obj.metadata.name ?? "", causes);
}

export function create(ctx: ApiContext, target: Target, body: unknown, opts: WriteOptions = {}): KObject {
  const obj = decodeBody(target, body);
  checkFields(target, obj, opts);
  checkNamespace(target, obj);
  const meta = obj.metadata;
  if (meta.resourceVersion) throw badRequest("resourceVersion should not be set on objects to be created");
  if (!meta.name && meta.generateName) meta.name = meta.generateName + ctx.nameSuffix();
  if (target.type.namespaced) {
    const ns = ctx.store.get("namespaces", "", target.namespace);
    if (!ns) throw notFound("namespaces", "", target.namespace);
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(`${target.type.plural} "${meta.name ?? ""}" is forbidden: unable to create new content in namespace ${target.namespace} because it is being terminated`);
    }
  }
  meta.uid = ctx.uid();
  meta.creationTimestamp = rfc3339(ctx.now());
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (tracksGeneration(target.type)) meta.generation = 1;
  else delete meta.generation;
  const status = initialStatus(target.type, obj);
  if (status === undefined) delete obj.status;
  else obj.status = status;
  applyDefaults(target.type, obj);
  admitMutating(ctx, target, obj);
  validateOrThrow(target, obj);
  admitCreate(ctx, target, obj);
  const resource = resourceOf(target);
  if (ctx.store.get(resource, target.namespace, meta.name!)) throw alreadyExists(target.type.plural, target.type.group, meta.name!);
  if (opts.dryRun) return obj;
  const stored = ctx.store.put(resource, obj);
  afterCreate(ctx, target, stored);
  return stored;
}

export type UpdateScope = "main" | "status";

/**
 * Replaces an object (PUT, and the end of every PATCH). The main resource cannot change status and
 * the status subresource cannot change spec, as upstream's strategies; identity and timestamps are
 * kept; an update that changes nothing writes nothing.
 */
export function update(ctx: ApiContext, target: Target, name: string, body: unknown, opts: WriteOptions = {}, scope: UpdateScope = "main"): KObject {
  const old = getObject(ctx, target, name);
  const obj = decodeBody(target, body);
  checkFields(target, obj, opts);
  checkNamespace(target, obj);
  return commitUpdate(ctx, target, old, obj, opts, scope);
}

function commitUpdate(ctx: ApiContext, target: Target, old: KObject, obj: KObject, opts: WriteOptions, scope: UpdateScope): KObject {
  const meta = obj.metadata;
  const name = old.metadata.name!;
  if (meta.name && meta.name !== name) {
    throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
  }
  if (meta.resourceVersion && meta.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(target.type.plural, target.type.group, name, STALE_OBJECT);
  }
  if (meta.uid && meta.uid !== old.metadata.uid) {
    throw conflict(target.type.plural, target.type.group, name, `Precondition failed: UID in precondition: ${meta.uid}, UID in object meta: ${old.metadata.uid}`);
  }
  meta.name = name;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.resourceVersion = old.metadata.resourceVersion;
  if (old.metadata.deletionTimestamp) {
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  if (!meta.managedFields && old.metadata.managedFields) meta.managedFields = old.metadata.managedFields;

  let next: KObject = obj;
  if (hasStatusSubresource(target.type)) {
    if (scope === "main") {
      if (old.status === undefined) delete next.status;
      else next.status = structuredClone(old.status);
    } else {
      // The status subresource changes status (and metadata), never spec.
      next = { ...structuredClone(old), metadata: next.metadata, status: next.status };
    }
  }
  if (target.type.kind === "Service") preserveAllocatedServiceValues(next, old);
  applyDefaults(target.type, next);
  validateOrThrow(target, next, old);
  if (target.type.kind === "Service") allocateServiceUpdate(ctx, next);

  if (tracksGeneration(target.type)) {
    const generation = old.metadata.generation ?? 1;
    meta.generation = deepEqual(specOf(next), specOf(old)) ? generation : generation + 1;
  }
  if (deepEqual(next, old)) return old;
  if (opts.dryRun) return next;
  const resource = resourceOf(target);
  // A deleted object whose last finalizer is gone is removed, as upstream's registry does.
  if (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length) {
    finalizeDeletion(ctx, target, next);
    return next;
  }
  return ctx.store.put(resource, next, old);
}

export function patch(
  ctx: ApiContext, target: Target, name: string, patchType: PatchType, body: unknown,
  opts: WriteOptions & { force?: boolean } = {}, scope: UpdateScope = "main",
): { object: KObject; created: boolean } {
  const resource = resourceOf(target);
  const old = ctx.store.get(resource, target.namespace, name);
  if (patchType === "apply") {
    if (!isPlainObject(body)) throw badRequest("the body of the request must be an object");
    const applied = decodeBody(target, body);
    checkFields(target, applied, opts);
    if (applied.metadata.name && applied.metadata.name !== name) {
      throw badRequest(`the name of the object (${applied.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (!opts.fieldManager) throw badRequest("PATCH requests with apply patch type require a fieldManager");
    const now = rfc3339(ctx.now());
    if (!old) {
      applied.metadata.name = name;
      const merged = applyServerSide(undefined, applied, { fieldManager: opts.fieldManager, force: !!opts.force, now });
      return { object: create(ctx, target, present(target, merged), { ...opts, fieldValidation: "Ignore" }), created: true };
    }
    const merged = applyServerSide(old, applied, { fieldManager: opts.fieldManager, force: !!opts.force, now });
    return { object: commitUpdate(ctx, target, old, merged, opts, scope), created: false };
  }
  if (!old) throw notFound(target.type.plural, target.type.group, name);
  // Patches are computed against the object as the client's version shows it.
  const current = present(target, old);
  let patched: KObject;
  switch (patchType) {
    case "json":
      patched = applyJsonPatch(current, body);
      break;
    case "merge":
      patched = applyMergePatch(current, body);
      break;
    case "strategic":
      patched = applyStrategicMergePatch(current, body, { apiVersion: current.apiVersion!, kind: current.kind! });
      break;
    default:
      throw badRequest(`unsupported patch type ${patchType}`);
  }
  const obj = decodeBody(target, patched);
  checkFields(target, obj, opts);
  checkNamespace(target, obj);
  return { object: commitUpdate(ctx, target, old, obj, opts, scope), created: false };
}

/**
 * DELETE: an object with finalizers (or a foreground delete) only gets a deletionTimestamp and waits;
 * otherwise it is removed now. Returns the object, and whether it is gone.
 */
export function remove(ctx: ApiContext, target: Target, name: string, opts: DeleteOptions = {}): { object: KObject; gone: boolean } {
  const old = getObject(ctx, target, name);
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== old.metadata.uid) {
    throw conflict(target.type.plural, target.type.group, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${old.metadata.uid}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== old.metadata.resourceVersion) {
    throw conflict(target.type.plural, target.type.group, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${old.metadata.resourceVersion}`);
  }
  const grace = gracePeriodOf(target, old, opts);
  if (grace > 0) return { object: opts.dryRun ? old : markTerminating(ctx, target, old, grace), gone: false };
  const finalizers = [...(old.metadata.finalizers ?? [])];
  if (opts.propagationPolicy === "Foreground" && !finalizers.includes("foregroundDeletion")) finalizers.push("foregroundDeletion");
  if (opts.propagationPolicy === "Orphan" && !finalizers.includes("orphan")) finalizers.push("orphan");
  const isNamespace = target.type.kind === "Namespace";
  if (opts.dryRun) return { object: old, gone: finalizers.length === 0 && !isNamespace };
  if (finalizers.length === 0 && !isNamespace) {
    finalizeDeletion(ctx, target, old);
    return { object: old, gone: true };
  }
  if (old.metadata.deletionTimestamp && deepEqual(finalizers, old.metadata.finalizers ?? [])) return { object: old, gone: false };
  const marked: KObject = {
    ...old,
    metadata: {
      ...old.metadata,
      finalizers,
      deletionTimestamp: old.metadata.deletionTimestamp ?? rfc3339(ctx.now()),
      deletionGracePeriodSeconds: 0,
    },
  };
  if (isNamespace) (marked as any).status = { ...(old.status as object), phase: "Terminating" };
  const stored = ctx.store.put(resourceOf(target), marked, old);
  if (isNamespace) terminateNamespace(ctx, stored);
  return { object: stored, gone: false };
}

/**
 * Upstream's pod CheckGracefulDelete: a pod on a node gets its terminationGracePeriodSeconds (or the
 * request's) for the kubelet to stop it; unbound and finished pods go at once. Other kinds: 0.
 */
function gracePeriodOf(target: Target, obj: KObject, opts: DeleteOptions): number {
  if (target.type.kind !== "Pod") return 0;
  const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === "Succeeded" || phase === "Failed") return 0;
  const requested = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
  const current = obj.metadata.deletionGracePeriodSeconds;
  // A second delete may shorten the grace period, never lengthen it.
  return current !== undefined && current !== null ? Math.min(current, requested) : requested;
}

/** Sets deletionTimestamp (now + grace) and leaves the rest to the kubelet. */
function markTerminating(ctx: ApiContext, target: Target, old: KObject, grace: number): KObject {
  if (old.metadata.deletionGracePeriodSeconds === grace) return old;
  const marked: KObject = {
    ...old,
    metadata: {
      ...old.metadata,
      deletionTimestamp: rfc3339(new Date(ctx.now().getTime() + grace * 1000)),
      deletionGracePeriodSeconds: grace,
    },
  };
  return ctx.store.put(resourceOf(target), marked, old);
}

/** Removes the object from storage and lets a terminating namespace finish when it empties. */
function finalizeDeletion(ctx: ApiContext, target: Target, obj: KObject): void {
  ctx.store.remove(resourceOf(target), obj);
  if (target.type.kind === "Pod") ctx.store.dropLogs(obj.metadata.namespace!, obj.metadata.name!);
  const ns = obj.metadata.namespace;
  if (ns) finishNamespaceIfEmpty(ctx, ns);
}

/** The namespace controller's work, done at once: delete everything inside, then the namespace. */
function terminateNamespace(ctx: ApiContext, ns: KObject): void {
  const name = ns.metadata.name!;
  for (const [resource] of Object.entries(ctx.store.countsByResource())) {
    const type = typeOfStorage(resource);
    if (!type.namespaced) continue;
    const target: Target = { type, version: type.versions[0], namespace: name };
    for (const obj of ctx.store.list(resource, name).items) {
      if (!obj.metadata.deletionTimestamp || !obj.metadata.finalizers?.length) remove(ctx, target, obj.metadata.name!);
    }
  }
  finishNamespaceIfEmpty(ctx, name);
}

function finishNamespaceIfEmpty(ctx: ApiContext, name: string): void {
  const ns = ctx.store.get("namespaces", "", name);
  if (!ns?.metadata.deletionTimestamp) return;
  for (const resource of Object.keys(ctx.store.countsByResource())) {
    if (typeOfStorage(resource).namespaced && ctx.store.list(resource, name, undefined, 1).items.length) return;
  }
  const finalizers = (ns.metadata.finalizers ?? []).filter((f) => f !== "kubernetes");
  if (finalizers.length) return;
  ctx.store.remove("namespaces", ns);
}

/**
 * What upstream does the moment some objects appear: a namespace gets its default ServiceAccount and
 * root CA ConfigMap (controllers), a node its Lease in kube-node-lease (the kubelet's heartbeat).
 */
function afterCreate(ctx: ApiContext, target: Target, obj: KObject): void {
  if (target.type.kind === "Node") {
    nodeLease(ctx, obj);
    return;
  }
  if (target.type.kind !== "Namespace") return;
  const namespace = obj.metadata.name!;
  const base = { namespace, uid: ctx.uid(), creationTimestamp: rfc3339(ctx.now()) };
  ctx.store.put("serviceaccounts", { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", ...base } });
  ctx.store.put("configmaps", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "kube-root-ca.crt", ...base, uid: ctx.uid(), annotations: { "kubernetes.io/description": "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters." } },
    data: { "ca.crt": "-----BEGIN CERTIFICATE-----\n(simulated cluster CA)\n-----END CERTIFICATE-----\n" },
  });
}

/** The node's Lease, renewed once at registration (a heartbeat every 10 s would keep idle clusters awake). */
function nodeLease(ctx: ApiContext, node: KObject): void {
  if (!ctx.store.get("namespaces", "", "kube-node-lease")) return;
  const now = ctx.now().toISOString().replace("Z", "000Z");
  ctx.store.put("leases.coordination.k8s.io", {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    metadata: {
      name: node.metadata.name,
      namespace: "kube-node-lease",
      uid: ctx.uid(),
      creationTimestamp: rfc3339(ctx.now()),
      ownerReferences: [{ apiVersion: "v1", kind: "Node", name: node.metadata.name!, uid: node.metadata.uid! }],
    },
    spec: { holderIdentity: node.metadata.name, leaseDurationSeconds: 40, renewTime: now },
  });
}

// ---- scale subresource ----

const REPLICA_KINDS = new Set(["Deployment", "ReplicaSet", "ReplicationController", "StatefulSet"]);

/** The autoscaling/v1 Scale view of a replicated object. */
export function scaleOf(target: Target, obj: KObject): KObject {
  if (!REPLICA_KINDS.has(target.type.kind)) throw notFound(`${target.type.plural}/scale`, target.type.group, obj.metadata.name!);
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: any };
  const status = (obj.status ?? {}) as { replicas?: number };
  const selector = target.type.kind === "ReplicationController"
    ? labelSelectorString({ matchLabels: spec.selector ?? {} })
    : labelSelectorString(spec.selector ?? {});
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

/** Writes a new Scale (after PUT or PATCH of /scale) into the object's spec.replicas. */
export function applyScale(ctx: ApiContext, target: Target, name: string, scale: unknown, opts: WriteOptions = {}): KObject {
  const old = getObject(ctx, target, name);
  if (!isPlainObject(scale)) throw badRequest("the body of the request must be a Scale object");
  const s = scale as { metadata?: { resourceVersion?: string }; spec?: { replicas?: unknown } };
  const replicas = s.spec?.replicas ?? 0;
  if (typeof replicas !== "number" || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid("Scale", "autoscaling", name, [{ reason: "FieldValueInvalid", field: "spec.replicas", message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0` }]);
  }
  const rv = s.metadata?.resourceVersion;
  if (rv && rv !== old.metadata.resourceVersion) throw conflict(target.type.plural, target.type.group, name, STALE_OBJECT);
  const next = structuredClone(old);
  (next.spec as { replicas: number }).replicas = replicas;
  return commitUpdate(ctx, target, old, next, opts, "main");
}

