/** Small helpers over parsed JSON values shared by the patch implementations. */
import { isPlainObject, type JsonObject } from "../types";

/** A fresh, unfrozen deep copy; patch results never share structure with their inputs. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Structural equality of JSON values; a property holding undefined counts as absent. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (!jsonEqual(a[key], b[key])) return false;
  return true;
}

/**
 * Removes object properties whose value is null, recursively (also inside list elements). The
 * apiserver decodes every patch result into a typed object, where a null field is an absent field;
 * this is that normalisation (kubectl's `rollout undo` patch carries `"creationTimestamp": null`).
 */
export function dropNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.map(dropNulls) as T;
  if (!isPlainObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) out[key] = dropNulls(v);
  return out as T;
}

/** How Go's encoding/json names a JSON value's type in "cannot unmarshal X into ..." errors. */
export function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  if (typeof value === "object") return "object";
  if (typeof value === "boolean") return "bool";
  return typeof value; // "string" | "number"
}
