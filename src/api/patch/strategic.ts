/**
 * Strategic merge patch (application/strategic-merge-patch+json), following upstream's
 * k8s.io/apimachinery/pkg/util/strategicpatch as the apiserver runs it (MergeParallelList and
 * IgnoreUnmatchedNulls on), including the directives kubectl puts on the wire:
 *   - `null` deletes a map key; maps merge recursively; scalars and atomic lists are replaced;
 *   - keyed lists merge element by element, `{"$patch":"delete", <key>}` drops an element;
 *   - `$setElementOrder/<list>` orders the result, `$retainKeys` clears unlisted keys,
 *     `$patch: replace|delete` on a map or list, `$deleteFromPrimitiveList/<list>`;
 *   - scalar lists with strategy merge (finalizers, podCIDRs) are unions.
 * Upstream then decodes the result into a typed object, which silently drops directive keys and
 * nulls that were copied from the patch; here every value taken from the patch goes through the
 * same merge against nothing, so neither can reach the stored object.
 */
import { badRequest } from "../errors";
import { isPlainObject, type JsonObject, type KObject } from "../types";
import { innerMeta, rootMeta, type FieldMeta, type StructMeta } from "./schema";
import { clone, jsonEqual, jsonTypeName } from "./values";

const PATCH = "$patch";
const RETAIN_KEYS = "$retainKeys";
const SET_ELEMENT_ORDER = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList/";

export function applyStrategicMergePatch(
  current: KObject,
  patch: unknown,
  gvk: { apiVersion: string; kind: string },
): KObject {
  if (!isPlainObject(patch)) {
    throw badRequest(`json: cannot unmarshal ${jsonTypeName(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(clone(current) as JsonObject, patch, rootMeta(gvk)) as KObject;
}

/** Upstream mergeMap. `original` is a private copy and is updated in place; `patch` is only read. */
function mergeMap(original: JsonObject, patch: JsonObject, meta: StructMeta | undefined): JsonObject {
  const directive = patch[PATCH];
  if (directive === "replace") return mergeMap({}, omit(patch, PATCH), meta);
  // Upstream leaves an empty map behind rather than removing the key.
  if (directive === "delete") return {};
  if (directive !== undefined) throw badRequest(`unknown patch type: ${String(directive)} in map: ${goMap(patch)}`);

  applyRetainKeys(original, patch);
  for (const [key, values] of Object.entries(patch)) {
    if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
      deleteFromPrimitiveList(original, key.slice(DELETE_FROM_PRIMITIVE_LIST.length), values);
    }
  }
  const ordered = applySetElementOrder(original, patch, meta);

  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$") || ordered.has(key)) continue;
    if (value === null) delete original[key];
    else original[key] = mergeValue(original[key], value, meta?.[key]);
  }
  return original;
}

function mergeValue(original: unknown, patch: unknown, field: FieldMeta | undefined): unknown {
  if (isPlainObject(patch)) {
    const base = isPlainObject(original) && field?.kind !== "replace" ? original : {};
    return mergeMap(base, patch, innerMeta(field));
  }
  if (Array.isArray(patch)) return mergeList(Array.isArray(original) ? original : [], patch, field);
  return patch;
}

function mergeList(original: unknown[], patch: unknown[], field: FieldMeta | undefined): unknown[] {
  if (field?.kind === "keyed") return mergeKeyedList(original, patch, field.key, innerMeta(field));
  const items = patch.filter((el) => !(isPlainObject(el) && PATCH in el));
  if (field?.kind === "set") {
    const union: unknown[] = [];
    for (const v of [...original, ...items]) if (!union.some((u) => jsonEqual(u, v))) union.push(v);
    return normalizeElementOrder(union, items, original, (v) => v);
  }
  return items.map((el) => mergeValue(undefined, el, undefined));
}

/** Upstream mergeSlice for a list with a patchMergeKey. */
function mergeKeyedList(original: unknown[], patch: unknown[], key: string, meta: StructMeta | undefined): unknown[] {
  let merged = [...original];
  const items: JsonObject[] = [];
  let replace = false;
  for (const el of patch) {
    if (!isPlainObject(el)) throw badRequest(`list element ${JSON.stringify(el)} is not a map; the list is merged by key "${key}"`);
    const directive = el[PATCH];
    if (directive === undefined) items.push(el);
    else if (directive === "replace") replace = true;
    else if (directive === "delete") {
      if (el[key] === undefined) throw noMergeKey(el, key);
      merged = merged.filter((o) => !(isPlainObject(o) && jsonEqual(o[key], el[key])));
    } else if (directive === "merge") throw badRequest("merging lists cannot yet be specified in the patch");
    else throw badRequest(`unknown patch type: ${String(directive)} in map: ${goMap(el)}`);
  }
  if (replace) return items.map((el) => mergeMap({}, el, meta));

  for (const el of items) {
    if (el[key] === undefined || el[key] === null) throw noMergeKey(el, key);
    const i = merged.findIndex((o) => isPlainObject(o) && jsonEqual(o[key], el[key]));
    if (i >= 0) merged[i] = mergeMap(merged[i] as JsonObject, el, meta);
    else merged.push(mergeMap({}, el, meta));
  }
  return normalizeElementOrder(merged, items, original, mergeKeyOf(key));
}

/** `$retainKeys: [...]`: keys of the live map not listed are cleared (used to switch a union's member). */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  const retain = patch[RETAIN_KEYS];
  if (retain === undefined) return;
  if (!Array.isArray(retain)) throw badRequest("invalid patch format of retainKeys");
  for (const [key, value] of Object.entries(patch)) {
    if (value !== null && !key.startsWith("$") && !retain.includes(key)) {
      throw badRequest("patch content doesn't match retainKeys list");
    }
  }
  for (const key of Object.keys(original)) if (!retain.includes(key)) delete original[key];
}

/** `$deleteFromPrimitiveList/<list>: [...]` removes those values from a scalar list. */
function deleteFromPrimitiveList(original: JsonObject, field: string, values: unknown): void {
  if (!Array.isArray(values)) throw badRequest("invalid patch format of primitive list");
  const list = original[field];
  if (Array.isArray(list)) original[field] = list.filter((v) => !values.some((d) => jsonEqual(d, v)));
}

/**
 * `$setElementOrder/<list>`: merges that list (when the patch carries it) and puts its elements in
 * the order given. Returns the lists it handled so the main loop skips them.
 */
function applySetElementOrder(original: JsonObject, patch: JsonObject, meta: StructMeta | undefined): Set<string> {
  const handled = new Set<string>();
  for (const [key, order] of Object.entries(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER)) continue;
    if (!Array.isArray(order)) throw badRequest("invalid patch format of setElementOrder list");
    const name = key.slice(SET_ELEMENT_ORDER.length);
    const field = meta?.[name];
    const identity = field?.kind === "keyed" ? mergeKeyOf(field.key) : field?.kind === "set" ? (v: unknown) => v : undefined;
    const live = Array.isArray(original[name]) ? (original[name] as unknown[]) : undefined;
    const patchList = patch[name];
    // Only merging lists have an order to set; a null list is deleted by the main loop.
    if (!identity || patchList === null || (patchList !== undefined && !Array.isArray(patchList))) continue;
    if (!live && patchList === undefined) continue;
    const merged = patchList === undefined ? live! : mergeList(live ?? [], patchList as unknown[], field);
    original[name] = normalizeElementOrder(merged, order, live ?? [], identity);
    handled.add(name);
  }
  return handled;
}

/**
 * Upstream normalizeElementOrder. Elements named by `patchOrder` come in that order; the others keep
 * their live order and each goes in front of the first named element that followed it in the live
 * list. Live [a, b, c] with c patched and order [c, a] gives [b, c, a].
 */
function normalizeElementOrder(items: unknown[], patchOrder: unknown[], live: unknown[], id: (v: unknown) => unknown): unknown[] {
  const rank = (list: unknown[]) => {
    const ranks = new Map<unknown, number>();
    list.forEach((v, i) => ranks.has(id(v)) || ranks.set(id(v), i));
    return ranks;
  };
  const inPatch = rank(patchOrder);
  const inLive = rank(live);
  const byRank = (ranks: Map<unknown, number>) => (a: unknown, b: unknown) =>
    (ranks.get(id(a)) ?? Infinity) - (ranks.get(id(b)) ?? Infinity);
  const named = items.filter((v) => inPatch.has(id(v))).sort(byRank(inPatch));
  const others = items.filter((v) => !inPatch.has(id(v))).sort(byRank(inLive));

  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < others.length || j < named.length) {
    const l = inLive.get(id(others[i]));
    const r = inLive.get(id(named[j]));
    const takeOther = j >= named.length || (i < others.length && l !== undefined && r !== undefined && l < r);
    out.push(takeOther ? others[i++] : named[j++]);
  }
  return out;
}

const mergeKeyOf = (key: string) => (v: unknown) => (isPlainObject(v) ? v[key] : undefined);

function omit(obj: JsonObject, key: string): JsonObject {
  const { [key]: _, ...rest } = obj;
  return rest;
}

const noMergeKey = (el: JsonObject, key: string) =>
  badRequest(`map: ${goMap(el)} does not contain declared merge key: ${key}`);

/** A map as Go's %v prints it (upstream's error messages embed patch fragments this way). */
function goMap(m: JsonObject): string {
  const show = (v: unknown): string =>
    isPlainObject(v) ? goMap(v) : Array.isArray(v) ? `[${v.map(show).join(" ")}]` : v === null ? "<nil>" : String(v);
  return `map[${Object.keys(m).sort().map((k) => `${k}:${show(m[k])}`).join(" ")}]`;
}
