/**
 * Field sets as server-side apply records them in `metadata.managedFields` (fieldsType FieldsV1).
 * A path is a list of elements: `f:<field>`; `k:<JSON of the merge key>` for an element of a keyed
 * list; `v:<JSON value>` for an element of a set list. In the serialised form a path that is owned
 * and also has owned children carries a `"."` child: `{"f:spec":{"f:containers":{"k:{\"name\":\"web\"}":
 * {".":{},"f:image":{},"f:name":{}}}}}`.
 */
import { isPlainObject, type JsonObject } from "../types";
import { innerMeta, type FieldMeta, type StructMeta } from "./schema";
import { jsonEqual } from "./values";

export type Path = readonly string[];
/** Owned paths by `keyOf(path)`. */
export type FieldSet = Map<string, Path>;

const SEPARATOR = "\u0000"; // cannot occur in a field name or in a JSON-encoded key
export const keyOf = (path: Path): string => path.join(SEPARATOR);

/** True when `path` is `prefix` or lies below it. */
export const within = (path: Path, prefix: Path): boolean =>
  keyOf(path) === keyOf(prefix) || keyOf(path).startsWith(keyOf(prefix) + SEPARATOR);

/** Paths to elements of lists: whether the element exists, not a value anyone sets. */
export const isElement = (path: Path): boolean => /^[kv]:/.test(path[path.length - 1] ?? "");

/** Identity and bookkeeping fields nobody owns; upstream strips the same ones before tracking. */
const UNTRACKED_META = [
  "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
  "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields",
];

/** A non-empty list whose elements all carry the merge key; anything else is tracked as atomic. */
export const hasMergeKeys = (value: unknown, key: string): value is JsonObject[] =>
  Array.isArray(value) && value.length > 0 && value.every((el) => isPlainObject(el) && el[key] != null);

/** Every leaf, keyed-list element and set element of `obj`, with `meta` deciding how lists count. */
export function fieldSetOf(obj: JsonObject, meta: StructMeta): FieldSet {
  const set: FieldSet = new Map();
  const own = (path: Path) => set.set(keyOf(path), path);

  const walkMap = (map: JsonObject, fields: StructMeta | undefined, path: Path) => {
    for (const [name, value] of Object.entries(map)) {
      if (value !== null && value !== undefined) walk(value, fields?.[name], [...path, `f:${name}`]);
    }
  };
  const walk = (value: unknown, field: FieldMeta | undefined, path: Path) => {
    if (isPlainObject(value) && Object.keys(value).length > 0 && field?.kind !== "replace") {
      walkMap(value, innerMeta(field), path);
    } else if (Array.isArray(value) && value.length > 0 && field?.kind === "set") {
      for (const v of value) own([...path, `v:${JSON.stringify(v)}`]);
    } else if (field?.kind === "keyed" && hasMergeKeys(value, field.key)) {
      for (const el of value) {
        const element = [...path, `k:${JSON.stringify({ [field.key]: el[field.key] })}`];
        own(element);
        walkMap(el, innerMeta(field), element);
      }
    } else {
      own(path); // a scalar, an atomic list, an empty map or list
    }
  };

  const { apiVersion: _v, kind: _k, metadata, ...tracked } = obj;
  if (isPlainObject(metadata)) {
    const kept = Object.entries(metadata).filter(([name]) => !UNTRACKED_META.includes(name));
    if (kept.length > 0) tracked.metadata = Object.fromEntries(kept);
  }
  walkMap(tracked, meta, []);
  return set;
}

/** The FieldsV1 form: a trie of path elements, `"."` marking an owned path that has owned children. */
export function toFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  for (const path of set.values()) {
    let node = root;
    for (const el of path) node = (node[el] ??= {}) as JsonObject;
    node["."] = {};
  }
  const tidy = (node: JsonObject): JsonObject => {
    const keys = Object.keys(node).filter((k) => k !== ".").sort();
    const out: JsonObject = keys.length > 0 && "." in node ? { ".": {} } : {};
    for (const k of keys) out[k] = tidy(node[k] as JsonObject);
    return out;
  };
  return tidy(root);
}

export function fromFieldsV1(fields: unknown): FieldSet {
  const set: FieldSet = new Map();
  const walk = (node: unknown, path: Path) => {
    if (!isPlainObject(node)) return;
    const children = Object.keys(node).filter((k) => k !== ".");
    if (path.length > 0 && (children.length === 0 || "." in node)) set.set(keyOf(path), path);
    for (const k of children) walk(node[k], [...path, k]);
  };
  walk(fields, []);
  return set;
}

/** Where one path element lives in its container: a property name or a list index. */
function locate(container: unknown, el: string): string | number | undefined {
  const body = el.slice(2);
  if (el.startsWith("f:")) return isPlainObject(container) && body in container ? body : undefined;
  if (!Array.isArray(container)) return undefined;
  const i = el.startsWith("k:")
    ? container.findIndex((item) => isPlainObject(item) && Object.entries(JSON.parse(body) as JsonObject).every(([k, v]) => jsonEqual(item[k], v)))
    : el.startsWith("v:")
      ? container.findIndex((item) => jsonEqual(item, JSON.parse(body)))
      : -1;
  return i >= 0 ? i : undefined;
}

export function valueAt(root: unknown, path: Path): unknown {
  let node = root;
  for (const el of path) {
    const at = locate(node, el);
    if (at === undefined) return undefined;
    node = (node as Record<string | number, unknown>)[at];
  }
  return node;
}

/** Deletes the field or list element at `path` from `root` (in place); absent paths are ignored. */
export function removeAt(root: unknown, path: Path): void {
  const parent = valueAt(root, path.slice(0, -1));
  const at = locate(parent, path[path.length - 1]);
  if (typeof at === "number") (parent as unknown[]).splice(at, 1);
  else if (at !== undefined) delete (parent as JsonObject)[at];
}

/** Upstream's fieldpath notation, as conflict messages show it: `.spec.containers[name="web"].image`. */
export function pathString(path: Path): string {
  return path
    .map((el) => {
      const body = el.slice(2);
      if (el.startsWith("f:")) return `.${body}`;
      if (el.startsWith("k:")) {
        return `[${Object.entries(JSON.parse(body) as JsonObject).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
      }
      return `[=${body}]`;
    })
    .join("");
}
