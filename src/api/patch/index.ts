/**
 * PATCH bodies: the four patch media types upstream's apiserver accepts and the functions that apply
 * them. Every function returns a new object and leaves its inputs untouched; bad bodies and failed
 * operations are thrown as ApiErrors.
 */
export { applyJsonPatch, applyMergePatch } from "./json";
export { applyStrategicMergePatch } from "./strategic";
export { applyServerSide, updateManagedFields } from "./apply";

export type PatchType = "json" | "merge" | "strategic" | "apply";

const PATCH_TYPES = new Map<string, PatchType>([
  ["application/json-patch+json", "json"],
  ["application/merge-patch+json", "merge"],
  ["application/strategic-merge-patch+json", "strategic"],
  ["application/apply-patch+yaml", "apply"],
]);

/** The patch type of a request Content-Type such as "application/merge-patch+json; charset=utf-8". */
export function patchTypeOf(contentType: string): PatchType | undefined {
  return PATCH_TYPES.get(contentType.split(";")[0].trim().toLowerCase());
}
