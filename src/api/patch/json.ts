/**
 * The two schema-less patch types: JSON patch (RFC 6902, application/json-patch+json) and JSON
 * merge patch (RFC 7386, application/merge-patch+json), with upstream's error statuses: a body of
 * the wrong shape is 400 BadRequest, an operation that cannot be applied is 422 Invalid.
 */
import jsonpatch, { type Operation } from "fast-json-patch";
import { ApiError, badRequest } from "../errors";
import { isPlainObject, type JsonObject, type KObject } from "../types";
import { clone, dropNulls, jsonTypeName } from "./values";

/**
 * Upstream answers every failed operation (missing path, failed `test`, unknown op, bad index) with
 * a generic 422 that names neither the operation nor the path; kubectl prints
 * "The request is invalid: the server rejected our request due to an error in our request".
 */
const operationFailed = () =>
  new ApiError(422, "Invalid", "the server rejected our request due to an error in our request");

export function applyJsonPatch(current: KObject, ops: unknown): KObject {
  // The messages are Go's decoding errors, which upstream passes through as the BadRequest message.
  if (!Array.isArray(ops)) throw badRequest(`json: cannot unmarshal ${jsonTypeName(ops)} into Go value of type jsonpatch.Patch`);
  const bad = ops.find((op) => !isPlainObject(op));
  if (bad !== undefined) throw badRequest(`json: cannot unmarshal ${jsonTypeName(bad)} into Go value of type jsonpatch.Operation`);

  let patched: unknown;
  try {
    // Both are cloned: fast-json-patch mutates the document and links `value`s into it by reference.
    patched = jsonpatch.applyPatch(clone(current), clone(ops) as Operation[], true, true, true).newDocument;
  } catch {
    throw operationFailed();
  }
  if (!isPlainObject(patched)) throw operationFailed();
  return dropNulls(patched) as KObject;
}

export function applyMergePatch(current: KObject, patch: unknown): KObject {
  if (!isPlainObject(patch)) throw badRequest("Invalid JSON Patch");
  return dropNulls(mergePatch(current, patch)) as KObject;
}

/** RFC 7386 MergePatch: null deletes, objects merge recursively, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const out: JsonObject = isPlainObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key], value);
  }
  return out;
}
