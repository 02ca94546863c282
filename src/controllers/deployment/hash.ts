/**
 * The pod-template-hash (upstream controller.ComputeHash): FNV-1a 32 of the pod template, with the
 * deployment's status.collisionCount mixed in when set, printed in decimal and then "safe-encoded"
 * (rand.SafeEncodeString) into the consonants-and-digits alphabet, e.g. "5d4f8c7b9". Upstream hashes
 * the Go struct's printed form; we hash its canonical JSON (sorted keys, nulls and empty maps/lists
 * dropped), so the value is stable per template but not byte-identical to a real cluster's.
 */
import type { PodTemplateSpec } from "kubernetes-types/core/v1";
import { normalizeTemplate } from "./util";

const FNV32_OFFSET = 0x811c9dc5;
const FNV32_PRIME = 0x01000193;

/** hash/fnv New32a over bytes, continuing from `hash` (so it can be fed in pieces like Write). */
export function fnv32a(bytes: Uint8Array, hash = FNV32_OFFSET): number {
  let h = hash;
  for (const b of bytes) h = Math.imul(h ^ b, FNV32_PRIME) >>> 0;
  return h >>> 0;
}

/** rand's alphanums: no vowels (no words) and no 0/1/3 (no look-alikes). */
const ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

/** rand.SafeEncodeString: each character to ALPHANUMS[code % 27]; the digits 0–9 become "456789bcdf". */
export function safeEncodeString(s: string): string {
  let out = "";
  for (const ch of s) out += ALPHANUMS[ch.codePointAt(0)! % ALPHANUMS.length];
  return out;
}

/** JSON with sorted keys, after the same normalisation template equality uses. */
export function canonicalJSON(value: unknown): string {
  return JSON.stringify(normalizeTemplate(value) ?? {});
}

/**
 * ComputeHash: the label value and name suffix of a deployment's ReplicaSet for this template.
 * A collisionCount appends its 32 bits little-endian in an 8-byte buffer, as upstream does, so
 * bumping it after a name collision yields a different name.
 */
export function computeHash(template: PodTemplateSpec | undefined, collisionCount?: number): string {
  let h = fnv32a(new TextEncoder().encode(canonicalJSON(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv32a(bytes, h);
  }
  return safeEncodeString(String(h));
}
