/**
 * Deterministic identifiers. A real runtime draws container and sandbox ids at random; here they are
 * hashes of what identifies the object (pod uid, container name, restart count), so a reconcile that
 * runs twice produces the same ids and tests can predict them.
 */

/** 32 bits of a string, murmur3-style mixing seeded so several seeds give independent words. */
function hash32(input: string, seed: number): number {
  let h = 0x811c9dc5 ^ Math.imul(seed + 1, 0x9e3779b1);
  for (let i = 0; i < input.length; i++) {
    h = Math.imul(h ^ input.charCodeAt(i), 0x01000193);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** `length` lowercase hex digits derived from `input` (64 for container ids and sha256 digests). */
export function hexId(input: string, length = 64): string {
  let out = "";
  for (let seed = 0; out.length < length; seed++) out += hash32(input, seed).toString(16).padStart(8, "0");
  return out.slice(0, length);
}

/** A number in [0, 1) derived from `input`: for stable per-image sizes and the like. */
export function unitHash(input: string): number {
  return hash32(input, 97) / 0x1_0000_0000;
}
