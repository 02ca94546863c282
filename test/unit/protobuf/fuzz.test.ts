/**
 * Whatever bytes arrive, decoding ends quickly in either an object or an ApiError 4xx: never a
 * hang, a RangeError from a bad offset, or any other exception (which would render as a 500).
 */
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../src/api/errors";
import { decodeProtobufBody } from "../../../src/api/protobuf/index";
import { body, encodedFixtures, kubectlFixtures, ld, varint } from "./pb";

const FIXTURES = [...kubectlFixtures(), ...encodedFixtures()];

/** "ok" or "4xx"; fails the test on anything else. */
function outcome(bytes: Uint8Array): "ok" | "4xx" {
  try {
    decodeProtobufBody(bytes);
    return "ok";
  } catch (e) {
    if (!(e instanceof ApiError)) throw new Error(`not an ApiError: ${String(e)}`);
    if (e.code < 400 || e.code > 499) throw new Error(`status ${e.code}: ${e.message}`);
    return "4xx";
  }
}

/** mulberry32: a seeded generator, so a failure reproduces. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("truncation at every byte offset", () => {
  it.each(FIXTURES.map((f) => [f.name, f.pb] as const))("%s", (_, pb) => {
    const outcomes = new Set<string>();
    for (let length = 0; length < pb.length; length++) outcomes.add(outcome(pb.subarray(0, length)));
    // Most cuts land inside a length-delimited field; a cut between two envelope fields can still be valid.
    expect(outcomes.has("4xx")).toBe(true);
  });
});

describe("random corruption", () => {
  it.each(FIXTURES.map((f, i) => [f.name, f.pb, i] as const))("%s: 300 mutants", (_, pb, seed) => {
    const next = random(seed + 1);
    for (let round = 0; round < 300; round++) {
      const mutant = new Uint8Array(pb);
      const flips = 1 + Math.floor(next() * 4);
      for (let i = 0; i < flips; i++) {
        // Spare the magic half the time, so most mutants get past it into the decoder.
        const at = round % 2 ? Math.floor(next() * mutant.length) : 4 + Math.floor(next() * (mutant.length - 4));
        mutant[at] = next() < 0.5 ? mutant[at] ^ (1 << Math.floor(next() * 8)) : Math.floor(next() * 256);
      }
      outcome(mutant);
    }
  });

  it("random bytes after the magic", () => {
    const next = random(7);
    for (let round = 0; round < 2000; round++) {
      const bytes = new Uint8Array(4 + Math.floor(next() * 64));
      bytes.set([0x6b, 0x38, 0x73, 0x00]);
      for (let i = 4; i < bytes.length; i++) bytes[i] = Math.floor(next() * 256);
      outcome(bytes);
    }
  });
});

describe("huge length prefixes", () => {
  const lengths: [string, number[]][] = [
    ["2^31 - 1", varint(2 ** 31 - 1)],
    ["2^32 - 1", varint(2 ** 32 - 1)],
    ["2^63", varint(2n ** 63n)],
    ["2^64 - 1", varint(2n ** 64n - 1n)],
    ["an eleven-byte varint", [...Array(10).fill(0xff), 0x01]],
  ];
  const MAGIC = [0x6b, 0x38, 0x73, 0x00];

  it.each(lengths)("as the envelope's raw length: %s", (_, length) => {
    const bytes = new Uint8Array([...MAGIC, ...ld(1, []), 0x12, ...length, 1, 2, 3]);
    expect(outcome(bytes)).toBe("4xx");
  });

  it.each(lengths)("as a nested length (Deployment.spec.template): %s", (_, length) => {
    expect(outcome(body("apps/v1", "Deployment", [0x12, 0x05, 0x1a, ...length]))).toBe("4xx");
  });

  it.each(lengths)("as a map entry length (ConfigMap.data): %s", (_, length) => {
    expect(outcome(body("v1", "ConfigMap", [0x12, ...length, 0x0a]))).toBe("4xx");
  });

  it("a 1 MiB run of continuation bytes ends at the tenth byte", () => {
    const bytes = new Uint8Array(4 + 2 + (1 << 20)).fill(0x80);
    bytes.set([...MAGIC, 0x12]);
    const started = performance.now();
    expect(outcome(bytes)).toBe("4xx");
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("a body of 100,000 empty unknown fields decodes in linear time", () => {
    const raw: number[] = [];
    for (let i = 0; i < 100_000; i++) raw.push(0x7a, 0x00); // field 15, length 0
    const started = performance.now();
    expect(outcome(body("v1", "ConfigMap", raw))).toBe("ok");
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
