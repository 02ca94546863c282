/**
 * Server-side apply (application/apply-patch+yaml) and the managedFields bookkeeping around it:
 * structured-merge-diff's model, reduced to the SMP merge keys of ./schema. Good enough for
 * `kubectl apply --server-side`; not field-for-field identical to upstream.
 *   1. The applied configuration's field set is what the applier owns from now on.
 *   2. A field the config sets to a new value while another manager owns it is a conflict:
 *      409 unless `force`, which moves the field to the applier.
 *   3. The config merges into the live object: maps key by key, keyed lists element by element,
 *      set lists as unions, everything else replaced.
 *   4. Fields the applier owned before but left out of this config are removed, unless another
 *      manager still owns them or something below them.
 * Fields nobody applied are never touched, so a partial config (kubectl's second apply as
 * `kubectl-last-applied`, carrying only an annotation) leaves the spec alone.
 */
import { ApiError, badRequest, type StatusCause } from "../errors";
import { isPlainObject, type JsonObject, type KObject } from "../types";
import {
  fieldSetOf, fromFieldsV1, hasMergeKeys, isElement, keyOf, pathString, removeAt, toFieldsV1, valueAt, within,
  type FieldSet, type Path,
} from "./fieldset";
import { innerMeta, rootMeta, type FieldMeta, type StructMeta } from "./schema";
import { clone, dropNulls, jsonEqual } from "./values";

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** One managedFields entry with its decoded field set; `changed` entries are re-encoded. */
interface Owner {
  entry: ManagedFieldsEntry;
  fields: FieldSet;
  changed?: boolean;
}

interface Conflict {
  owner: Owner;
  path: Path;
}

export function applyServerSide(
  current: KObject | undefined,
  applied: KObject,
  opts: { fieldManager: string; force: boolean; now: string },
): KObject {
  if (!isPlainObject(applied)) throw badRequest("the apply configuration must be an object");
  if (applied.metadata?.managedFields != null) throw badRequest("metadata.managedFields must be nil");
  // A null in an apply configuration sets nothing (kubectl-generated manifests carry creationTimestamp: null).
  const config = dropNulls(applied);
  const meta = rootMeta(config);
  const fields = fieldSetOf(config, meta);
  const owners = ownersOf(current);
  const previous = owners.find((o) => o.entry.manager === opts.fieldManager && o.entry.operation === "Apply" && !o.entry.subresource);
  const others = owners.filter((o) => o !== previous);

  const live = current ? clone(current) : undefined;
  const conflicts = live ? conflictsOf(live, config, fields, others) : [];
  if (conflicts.length > 0 && !opts.force) throw conflictError(conflicts);
  for (const { owner, path } of conflicts) {
    owner.fields.delete(keyOf(path));
    owner.changed = true;
  }

  const merged = (live ? mergeMap(live, config, meta) : config) as KObject;
  merged.metadata ??= {};
  if (previous) {
    const stillOwned = [...fields.values(), ...others.flatMap((o) => [...o.fields.values()])];
    for (const path of previous.fields.values()) {
      if (!stillOwned.some((owned) => within(owned, path))) removeAt(merged, path);
    }
  }

  // An apply that changes nothing keeps its timestamp, so the write is a no-op (no new resourceVersion).
  const noop = previous && current && sameFields(previous.fields, fields) && jsonEqual(
    { ...merged, metadata: { ...merged.metadata, managedFields: undefined } },
    { ...current, metadata: { ...current.metadata, managedFields: undefined } },
  );
  const entry: ManagedFieldsEntry = {
    manager: opts.fieldManager,
    operation: "Apply",
    apiVersion: config.apiVersion ?? current?.apiVersion,
    time: noop ? previous.entry.time : opts.now,
  };
  const mine: Owner = { entry, fields, changed: true };
  const next = previous ? owners.map((o) => (o === previous ? mine : o)) : [...owners, mine];
  merged.metadata.managedFields = encode(next) as KObject["metadata"]["managedFields"];
  return merged;
}

/**
 * Upstream FieldManager.Update, for the writes that are not applies (create, update, the other
 * patch types): the writer takes over every field it added or changed, and fields that disappeared
 * leave every manager's set. Recording these is what lets an apply conflict with, say, `kubectl scale`.
 */
export function updateManagedFields(
  before: KObject | undefined,
  after: KObject,
  opts: { fieldManager: string; now: string; subresource?: string },
): KObject {
  const meta = rootMeta(after);
  const was: FieldSet = before ? fieldSetOf(before, meta) : new Map();
  const now = fieldSetOf(after, meta);
  const changed = [...now].filter(([key, path]) =>
    !was.has(key) || (!isElement(path) && !jsonEqual(valueAt(before, path), valueAt(after, path))));
  const gone = [...was.keys()].filter((key) => !now.has(key));

  // A write carrying managedFields of its own (kubectl's client-side to server-side apply
  // migration) replaces them; an empty list does not, so unaware clients cannot strip them.
  const sent = after.metadata?.managedFields;
  const owners = ownersOf(Array.isArray(sent) && sent.length > 0 ? after : before);
  const subresource = opts.subresource ?? "";
  let mine = owners.find((o) => o.entry.manager === opts.fieldManager && o.entry.operation === "Update" &&
    o.entry.apiVersion === after.apiVersion && (o.entry.subresource ?? "") === subresource);
  for (const owner of owners) {
    for (const key of [...gone, ...(owner === mine ? [] : changed.map(([k]) => k))]) {
      if (owner.fields.delete(key)) owner.changed = true;
    }
  }
  if (changed.length > 0) {
    if (!mine) {
      mine = { entry: { manager: opts.fieldManager, operation: "Update", apiVersion: after.apiVersion }, fields: new Map() };
      if (subresource) mine.entry.subresource = subresource;
      owners.push(mine);
    }
    for (const [key, path] of changed) mine.fields.set(key, path);
    mine.entry = { ...mine.entry, time: opts.now };
    mine.changed = true;
  }
  const result = clone(after);
  result.metadata = { ...result.metadata, managedFields: encode(owners) as KObject["metadata"]["managedFields"] };
  if (!result.metadata.managedFields?.length) delete result.metadata.managedFields;
  return result;
}

function ownersOf(obj: KObject | undefined): Owner[] {
  const list: unknown = obj?.metadata?.managedFields;
  if (!Array.isArray(list)) return [];
  return list.filter(isPlainObject).map((entry) => ({ entry: clone(entry) as ManagedFieldsEntry, fields: fromFieldsV1(entry.fieldsV1) }));
}

/** Entries in their original order; untouched ones verbatim, emptied ones dropped. */
function encode(owners: Owner[]): ManagedFieldsEntry[] {
  return owners
    .filter((o) => !o.changed || o.fields.size > 0)
    .map((o) => (o.changed ? { ...o.entry, fieldsType: "FieldsV1", fieldsV1: toFieldsV1(o.fields) } : o.entry));
}

function sameFields(a: FieldSet, b: FieldSet): boolean {
  return a.size === b.size && [...a.keys()].every((key) => b.has(key));
}

/** Fields the config sets that another manager owns with a different live value. */
function conflictsOf(live: KObject, config: JsonObject, fields: FieldSet, others: Owner[]): Conflict[] {
  const conflicts: Conflict[] = [];
  for (const owner of others) {
    for (const [key, path] of fields) {
      if (!owner.fields.has(key) || isElement(path)) continue;
      const was = valueAt(live, path);
      if (was !== undefined && !jsonEqual(was, valueAt(config, path))) conflicts.push({ owner, path });
    }
  }
  return conflicts;
}

/**
 * Upstream's apply conflict: `Apply failed with 1 conflict: conflict with "kubectl-client-side-apply"
 * using apps/v1: .spec.replicas`, one FieldManagerConflict cause per field. kubectl prints the
 * message and then its advice on --force-conflicts.
 */
function conflictError(conflicts: Conflict[]): ApiError {
  const causes: StatusCause[] = conflicts.map(({ owner, path }) => ({
    reason: "FieldManagerConflict",
    message: `conflict with ${managerName(owner.entry)}`,
    field: pathString(path),
  }));
  if (conflicts.length === 1) {
    return new ApiError(409, "Conflict", `Apply failed with 1 conflict: ${causes[0].message}: ${causes[0].field}`, { causes });
  }
  const byManager = new Map<string, string[]>();
  for (const { owner, path } of conflicts) {
    const name = managerName(owner.entry);
    byManager.set(name, [...(byManager.get(name) ?? []), `- ${pathString(path)}`]);
  }
  const lines = [...byManager.keys()].sort().flatMap((name) => [`conflicts with ${name}:`, ...byManager.get(name)!]);
  return new ApiError(409, "Conflict", `Apply failed with ${conflicts.length} conflicts: ${lines.join("\n")}`, { causes });
}

/** `"kubectl"` for an applier; `"kubectl-scale" using apps/v1` for an updater, as upstream prints them. */
function managerName(entry: ManagedFieldsEntry): string {
  let name = JSON.stringify(entry.manager ?? "");
  if (entry.subresource) name += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === "Update") name += ` using ${entry.apiVersion}`;
  return name;
}

function mergeMap(live: JsonObject, config: JsonObject, meta: StructMeta | undefined): JsonObject {
  for (const [key, value] of Object.entries(config)) live[key] = mergeValue(live[key], value, meta?.[key]);
  return live;
}

function mergeValue(live: unknown, value: unknown, field: FieldMeta | undefined): unknown {
  if (isPlainObject(value) && isPlainObject(live) && field?.kind !== "replace") return mergeMap(live, value, innerMeta(field));
  if (!Array.isArray(live) || !Array.isArray(value)) return value;
  if (field?.kind === "keyed" && hasMergeKeys(value, field.key) && hasMergeKeys(live, field.key)) {
    const out = [...live];
    for (const el of value) {
      const i = out.findIndex((o) => jsonEqual(o[field.key], el[field.key]));
      if (i >= 0) out[i] = mergeMap(out[i], el, innerMeta(field));
      else out.push(el);
    }
    return out;
  }
  if (field?.kind === "set") return [...live, ...value.filter((v) => !live.some((l) => jsonEqual(l, v)))];
  return value;
}
