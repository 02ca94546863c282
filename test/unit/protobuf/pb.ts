/**
 * A test-only protobuf byte builder, so cases can state exactly which bytes are on the wire
 * (negative varints, unknown fields, broken lengths) without going through the code under test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

export function varint(value: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    const byte = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? byte | 0x80 : byte);
  } while (v);
  return out;
}

const tag = (field: number, wireType: number) => varint(field * 8 + wireType);

/** A varint field. */
export const vi = (field: number, value: number | bigint) => [...tag(field, 0), ...varint(value)];
/** A length-delimited field holding bytes or another field list. */
export const ld = (field: number, body: number[] | Uint8Array) => [...tag(field, 2), ...varint(body.length), ...body];
/** A string field. */
export const str = (field: number, s: string) => ld(field, [...new TextEncoder().encode(s)]);
export const fixed64 = (field: number, bytes: number[]) => [...tag(field, 1), ...bytes];
export const fixed32 = (field: number, bytes: number[]) => [...tag(field, 5), ...bytes];

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
export function body(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  return new Uint8Array([0x6b, 0x38, 0x73, 0x00, ...ld(1, [...str(1, apiVersion), ...str(2, kind)]), ...ld(2, raw)]);
}

export interface Fixture {
  name: string;
  pb: Uint8Array;
  json: Record<string, unknown>;
}

/** kubectl captures: `<name>.<kubectl version>.pb` paired with `<name>.json`. */
export function kubectlFixtures(): Fixture[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".pb"))
    .sort()
    .map((file) => {
      const name = file.replace(/\.pb$/, "");
      return { name, pb: read(file), json: readJson(`${name.replace(/\.1\.3\d$/, "")}.json`) };
    });
}

/** protobufjs-encoded objects: `encoded/<name>.pb` paired with `encoded/<name>.json`. */
export function encodedFixtures(): Fixture[] {
  return readdirSync(`${FIXTURES}encoded`)
    .filter((f) => f.endsWith(".pb"))
    .sort()
    .map((file) => ({ name: file, pb: read(`encoded/${file}`), json: readJson(`encoded/${file.replace(/\.pb$/, ".json")}`) }));
}

const read = (file: string) => new Uint8Array(readFileSync(FIXTURES + file));
const readJson = (file: string) => JSON.parse(readFileSync(FIXTURES + file, "utf8"));
