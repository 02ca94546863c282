/**
 * ControllerRevisions: the template history the StatefulSet and DaemonSet controllers keep, after
 * upstream's pkg/controller/history (NewControllerRevision, HashControllerRevision,
 * SortControllerRevisions, EqualRevision, FindEqualRevisions, CreateControllerRevision) and the
 * getPatch / nextRevision / truncateHistory helpers both controllers share.
 *
 * A revision's `data` is what `kubectl rollout undo` sends back as a strategic merge patch:
 * `{"spec":{"template":{...,"$patch":"replace"}}}`. kubectl decides "already at that revision" by
 * comparing bytes with Go's json.Marshal of a map, so keys are stored sorted and the template's
 * metadata carries Go's `"creationTimestamp": null`.
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { deepEqual } from "../api/deepEqual";
import { matchesLabels, type LabelSelector } from "../api/selectors";
import type { KObject } from "../api/types";
import { safeEncodeString } from "./deployment/hash";
import { normalizeTemplate } from "./deployment/util";
import { newControllerRef } from "./podControl";
import { controllerOf, type Snapshot, type Write } from "./types";

export const CONTROLLER_REVISIONS = "controllerrevisions.apps";
/** apps.ControllerRevisionHashLabelKey: on revisions, and on the pods made from them. */
export const CONTROLLER_REVISION_HASH_LABEL = "controller-revision-hash";

export interface RevisionData {
  spec: { template: Record<string, unknown> };
}

export type ControllerRevision = KObject & { data: RevisionData; revision: number };

/** ControllerRevisionName keeps this much of the owner's name before "-<hash>". */
const MAX_PREFIX = 223;

/** A deep copy with every object's keys in sorted order, as Go marshals a map. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(sortKeys) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out as T;
}

/**
 * getPatch: the template wrapped as the patch that restores it, keys sorted.
 *   {metadata:{labels:{app:"web"}},spec:{…}} → {"spec":{"template":{"$patch":"replace","metadata":{"creationTimestamp":null,"labels":{"app":"web"}},"spec":{…}}}}
 */
export function revisionData(template: PodTemplateSpec | undefined): RevisionData {
  const t = structuredClone(template ?? {}) as Record<string, unknown>;
  t.metadata = { creationTimestamp: null, ...((t.metadata as object | undefined) ?? {}) };
  t.$patch = "replace";
  return sortKeys({ spec: { template: t } });
}

/** ApplyRevision, for the template only: the template a revision restores (no directive, no null timestamp). */
export function revisionTemplate(rev: ControllerRevision): PodTemplateSpec {
  const { $patch: _directive, ...template } = structuredClone(rev.data?.spec?.template ?? {});
  const meta = template.metadata as Record<string, unknown> | undefined;
  if (meta && meta.creationTimestamp === null) delete meta.creationTimestamp;
  return template as PodTemplateSpec;
}

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** hash/fnv New32 (FNV-1: multiply, then xor), which HashControllerRevision uses — not FNV-1a. */
export function fnv32(bytes: Uint8Array, hash = FNV32_OFFSET): number {
  let h = hash;
  for (const b of bytes) h = (Math.imul(h, FNV32_PRIME) ^ b) >>> 0;
  return h >>> 0;
}

/**
 * HashControllerRevision: FNV-1 of the data's JSON and, when given, the collision count printed in
 * decimal; the decimal sum safe-encoded ("6d9f8c7b5"-like).
 */
export function hashControllerRevision(data: RevisionData, probe?: number): string {
  const encoder = new TextEncoder();
  let h = fnv32(encoder.encode(JSON.stringify(data)));
  if (probe !== undefined) h = fnv32(encoder.encode(String(probe)), h);
  return safeEncodeString(String(h));
}

/** ControllerRevisionName: `<prefix>-<hash>`, the prefix cut to 223 characters. */
export function controllerRevisionName(prefix: string, hash: string): string {
  return `${prefix.length > MAX_PREFIX ? prefix.slice(0, MAX_PREFIX) : prefix}-${hash}`;
}

export interface NewRevisionOptions {
  owner: KObject;
  labels: Record<string, string> | undefined;
  annotations?: Record<string, string>;
  data: RevisionData;
  revision: number;
  /** The name's hash; defaults to HashControllerRevision(data, collisionCount). */
  hash?: string;
  collisionCount?: number;
}

/** NewControllerRevision: the owner's controller ref, its template labels plus the hash label. */
export function newControllerRevision(o: NewRevisionOptions): ControllerRevision {
  const hash = o.hash ?? hashControllerRevision(o.data, o.collisionCount);
  return {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name: controllerRevisionName(o.owner.metadata.name!, hash),
      namespace: o.owner.metadata.namespace,
      labels: { ...(o.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
      ...(o.annotations && Object.keys(o.annotations).length ? { annotations: { ...o.annotations } } : {}),
      ownerReferences: [newControllerRef(o.owner)],
    },
    data: o.data,
    revision: o.revision,
  };
}

const createdMs = (o: KObject) => Date.parse(o.metadata.creationTimestamp ?? "") || 0;

/** SortControllerRevisions: by revision, then creation time, then name. */
export function sortControllerRevisions(revisions: readonly ControllerRevision[]): ControllerRevision[] {
  return [...revisions].sort((a, b) => a.revision - b.revision || createdMs(a) - createdMs(b) || (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0));
}

/**
 * EqualRevision: the same data. Upstream compares the raw bytes; here the data as Go would decode it
 * (nulls and empty maps ignored), so a revision written before a defaulting change still matches.
 */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  return deepEqual(normalizeTemplate(a.data), normalizeTemplate(b.data));
}

/** FindEqualRevisions: the revisions whose data equals `needle`'s, in the order given. */
export function findEqualRevisions(revisions: readonly ControllerRevision[], needle: ControllerRevision): ControllerRevision[] {
  return revisions.filter((r) => equalRevision(r, needle));
}

/** The highest revision number (0 for none). */
export function maxRevision(revisions: readonly ControllerRevision[]): number {
  return revisions.reduce((max, r) => Math.max(max, r.revision ?? 0), 0);
}

/** nextRevision: 1 for no history, else one past the highest. */
export function nextRevision(revisions: readonly ControllerRevision[]): number {
  return maxRevision(revisions) + 1;
}

/**
 * ListControllerRevisions + AdoptControllerRevision: the revisions the owner controls and the
 * orphans its selector matches, which it adopts (an update each) unless it is being deleted.
 */
export function claimRevisions(owner: KObject, selector: LabelSelector, snapshot: Snapshot): { revisions: ControllerRevision[]; writes: Write[] } {
  const uid = owner.metadata.uid;
  const revisions: ControllerRevision[] = [];
  const writes: Write[] = [];
  for (const obj of snapshot.list(CONTROLLER_REVISIONS, owner.metadata.namespace)) {
    const rev = obj as ControllerRevision;
    const ref = controllerOf(rev);
    if (ref) {
      if (ref.uid === uid) revisions.push(rev);
      continue;
    }
    if (owner.metadata.deletionTimestamp || rev.metadata.deletionTimestamp || !matchesLabels(selector, rev.metadata.labels)) continue;
    const adopted = structuredClone(rev) as ControllerRevision;
    adopted.metadata.ownerReferences = [...(rev.metadata.ownerReferences ?? []), newControllerRef(owner)];
    writes.push({ op: "update", resource: CONTROLLER_REVISIONS, object: adopted });
    revisions.push(adopted);
  }
  return { revisions, writes };
}

/**
 * CreateControllerRevision against the snapshot: the name is `<owner>-<hash>`; when a revision of
 * that name holds other data, the collision count goes up and the hash is taken again. A revision
 * of that name with the same data is ours already (no write).
 *   collisionCount 0, "web-6c8b9" taken by other data → collisionCount 1, "web-<new hash>"
 */
export function createControllerRevision(
  build: (collisionCount: number) => ControllerRevision,
  collisionCount: number,
  snapshot: Snapshot,
): { revision: ControllerRevision; collisionCount: number; writes: Write[] } {
  for (let count = collisionCount; ; count++) {
    const rev = build(count);
    const existing = snapshot.get(CONTROLLER_REVISIONS, rev.metadata.namespace ?? "", rev.metadata.name!) as ControllerRevision | undefined;
    if (!existing) return { revision: rev, collisionCount: count, writes: [{ op: "create", resource: CONTROLLER_REVISIONS, object: rev }] };
    if (equalRevision(existing, rev)) return { revision: existing, collisionCount: count, writes: [] };
  }
}

/** A revision with a new number (the rollback case: an old template becomes the newest again). */
export function withRevision(rev: ControllerRevision, revision: number): Write {
  const next = structuredClone(rev) as ControllerRevision;
  next.revision = revision;
  return { op: "update", resource: CONTROLLER_REVISIONS, object: next };
}

/**
 * truncateHistory: deletes the oldest revisions that are not live until at most `limit` remain.
 * `old` is every revision but the current ones. The StatefulSet controller counts only non-live
 * revisions against the limit (countLive false); the DaemonSet controller counts all old ones and
 * skips the live among them (countLive true).
 *   old r1..r5, r2 live, limit 2: countLive false → delete r1, r3; countLive true → delete r1, r3, r4
 */
export function historyToDelete(old: readonly ControllerRevision[], isLive: (rev: ControllerRevision) => boolean, limit: number | undefined, countLive: boolean): ControllerRevision[] {
  if (limit === undefined || limit < 0) return [];
  const sorted = sortControllerRevisions(old);
  const dead = sorted.filter((r) => !isLive(r));
  const kill = (countLive ? sorted.length : dead.length) - limit;
  return kill > 0 ? dead.slice(0, kill) : [];
}

export function deleteRevision(rev: ControllerRevision): Write {
  return { op: "delete", resource: CONTROLLER_REVISIONS, namespace: rev.metadata.namespace ?? "", name: rev.metadata.name!, uid: rev.metadata.uid };
}
