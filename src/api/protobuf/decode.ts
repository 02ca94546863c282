/**
 * Protobuf message → the JSON object Go's encoding/json would print for the same struct, driven by
 * the tables in schema.ts. This reproduces what upstream does with a protobuf body (gogo Unmarshal
 * into the typed struct, then JSON for storage), so a body decodes to exactly what kubectl 1.31
 * sends as JSON for the same command:
 *
 * - a non-pointer scalar is always on the wire (gogo writes zeros); it is dropped when zero unless
 *   its json tag lacks omitempty (`currentHealthy: 0`);
 * - a pointer is absent when nil; present it is kept even when zero (`replicas: 0`);
 * - a non-pointer struct is always printed, since omitempty never drops a struct (`strategy: {}`,
 *   `resources: {}`, `status: {}`);
 * - empty lists and maps are dropped, or printed as null without omitempty (`audiences: null`);
 * - the apimachinery types print as their own MarshalJSON does: Time as RFC 3339 seconds or null,
 *   MicroTime with microseconds, Quantity canonical, IntOrString as number or string,
 *   RawExtension and FieldsV1 as the JSON they carry, bytes as base64.
 */
import { formatQuantity, parseQuantity, QUANTITY_REGEX_MESSAGE } from "../validation/quantity";
import { PACKAGES } from "./schema";
import { malformed, ProtoReader, WireType } from "./wire";

type Scalar = "string" | "int32" | "int64" | "bool" | "double" | "bytes";
type Special = "Time" | "MicroTime" | "Quantity" | "IntOrString" | "RawExtension" | "FieldsV1";

const SCALARS: ReadonlySet<string> = new Set<Scalar>(["string", "int32", "int64", "bool", "double", "bytes"]);
const SPECIALS: ReadonlySet<string> = new Set<Special>(["Time", "MicroTime", "Quantity", "IntOrString", "RawExtension", "FieldsV1"]);

interface Field {
  json: string;
  number: number;
  /** A scalar, a special, or a message key "pkg/v1.Name". */
  type: string;
  kind: "scalar" | "special" | "message";
  repeated: boolean;
  map: boolean;
  pointer: boolean;
  /** The json tag has no omitempty: zero and nil values are printed. */
  keep: boolean;
  inline: boolean;
}

interface Message {
  name: string;
  fields: Field[];
  byNumber: Map<number, Field>;
}

type JsonObject = Record<string, unknown>;

/** Guards the recursion; upstream's types nest about 12 deep (CronJob → ... → Probe → IntOrString). */
const MAX_DEPTH = 32;

const messages = new Map<string, Message>();

/** Whether "pkg/v1.Name" is in the tables. */
export function hasMessage(key: string): boolean {
  const dot = key.lastIndexOf(".");
  return dot > 0 && Object.hasOwn(PACKAGES, key.slice(0, dot)) && Object.hasOwn(PACKAGES[key.slice(0, dot)], key.slice(dot + 1));
}

/** The parsed table entry of "pkg/v1.Name"; throws (a programming error) when it is not there. */
export function messageType(key: string): Message {
  let message = messages.get(key);
  if (message) return message;
  const dot = key.lastIndexOf(".");
  const pkg = key.slice(0, dot);
  if (!hasMessage(key)) throw new Error(`protobuf schema: no message ${key}`);
  const fields = PACKAGES[pkg][key.slice(dot + 1)].split(", ").map((spec) => parseField(spec, pkg, key));
  message = { name: key.slice(dot + 1), fields, byNumber: new Map(fields.map((f) => [f.number, f])) };
  messages.set(key, message);
  return message;
}

function parseField(spec: string, pkg: string, owner: string): Field {
  const match = /^(\S+) (\d+) (\[\]|\{\})?(\*)?(!)?([\w/.]+)$/.exec(spec);
  if (!match) throw new Error(`protobuf schema: bad field "${spec}" in ${owner}`);
  const [, json, number, collection, pointer, keep, type] = match;
  const kind = SCALARS.has(type) ? "scalar" : SPECIALS.has(type) ? "special" : "message";
  const resolved = kind === "message" && !type.includes("/") ? `${pkg}.${type}` : type;
  if (kind === "message" && !hasMessage(resolved)) throw new Error(`protobuf schema: ${owner}.${json} refers to unknown ${resolved}`);
  return {
    json,
    number: Number(number),
    type: resolved,
    kind,
    repeated: collection === "[]",
    map: collection === "{}",
    pointer: pointer === "*",
    keep: keep === "!",
    inline: json === "...",
  };
}

/** Decodes one message's bytes into its JSON object. */
export function decodeMessage(key: string, bytes: Uint8Array, depth = 0): JsonObject {
  if (depth > MAX_DEPTH) throw malformed("message nesting too deep");
  const message = messageType(key);
  const values = collect(message, bytes);
  const out: JsonObject = {};
  for (const field of message.fields) {
    const value = toJson(field, values.get(field.number), depth);
    if (value === OMIT) continue;
    if (field.inline) Object.assign(out, value);
    else out[field.json] = value;
  }
  return out;
}

/** What was on the wire for a field: the last scalar, every element, or every map entry. */
type Collected = { present: unknown } | { elements: unknown[] } | { entries: Map<string, unknown> };

const OMIT = Symbol("omit");

function collect(message: Message, bytes: Uint8Array): Map<number, Collected> {
  const values = new Map<number, Collected>();
  const reader = new ProtoReader(bytes);
  while (!reader.done()) {
    const { field: number, wireType } = reader.tag();
    const field = message.byNumber.get(number);
    if (!field) {
      reader.skip(wireType); // unknown fields are skipped, as gogo's Unmarshal does
      continue;
    }
    if (field.map) {
      expectWireType(field, message, wireType, WireType.LengthDelimited);
      let slot = values.get(number) as { entries: Map<string, unknown> } | undefined;
      if (!slot) values.set(number, (slot = { entries: new Map() }));
      const [key, value] = readMapEntry(field, message, reader.bytes());
      slot.entries.set(key, value);
    } else if (field.repeated) {
      let slot = values.get(number) as { elements: unknown[] } | undefined;
      if (!slot) values.set(number, (slot = { elements: [] }));
      if (wireType === WireType.LengthDelimited && isPackable(field)) {
        const packed = new ProtoReader(reader.bytes());
        while (!packed.done()) slot.elements.push(readScalar(field.type as Scalar, packed));
      } else {
        slot.elements.push(readValue(field, message, reader, wireType));
      }
    } else {
      const value = readValue(field, message, reader, wireType);
      const previous = values.get(number) as { present: unknown } | undefined;
      // A repeated occurrence of an embedded message merges into the first, as in protobuf.
      values.set(number, {
        present: previous && value instanceof Uint8Array && field.kind === "message" ? concat(previous.present as Uint8Array, value) : value,
      });
    }
  }
  return values;
}

function isPackable(field: Field): boolean {
  return field.kind === "scalar" && field.type !== "string" && field.type !== "bytes";
}

/** A scalar's value, or the raw bytes of a message or special (decoded once collected). */
function readValue(field: Field, message: Message, reader: ProtoReader, wireType: number): unknown {
  if (field.kind !== "scalar") {
    expectWireType(field, message, wireType, WireType.LengthDelimited);
    return reader.bytes();
  }
  expectWireType(field, message, wireType, wireTypeOf(field.type as Scalar));
  return readScalar(field.type as Scalar, reader);
}

function wireTypeOf(type: Scalar): number {
  switch (type) {
    case "string":
    case "bytes":
      return WireType.LengthDelimited;
    case "double":
      return WireType.Fixed64;
    default:
      return WireType.Varint;
  }
}

function readScalar(type: Scalar, reader: ProtoReader): unknown {
  switch (type) {
    case "string":
      return reader.string();
    case "bytes":
      return reader.bytes();
    case "int32":
      return reader.int32();
    case "int64":
      return reader.int64();
    case "bool":
      return reader.bool();
    case "double":
      return reader.double();
  }
}

function expectWireType(field: Field, message: Message, actual: number, expected: number): void {
  if (actual !== expected) throw malformed(`wrong wire type ${actual} for field ${message.name}.${field.json} (want ${expected})`);
}

/** A map<string, T> entry: key = 1, value = 2; either may be missing (then zero). */
function readMapEntry(field: Field, message: Message, bytes: Uint8Array): [string, unknown] {
  const reader = new ProtoReader(bytes);
  let key = "";
  let value: unknown;
  while (!reader.done()) {
    const { field: number, wireType } = reader.tag();
    if (number === 1) {
      expectWireType(field, message, wireType, WireType.LengthDelimited);
      key = reader.string();
    } else if (number === 2) {
      value = readValue(field, message, reader, wireType);
    } else {
      reader.skip(wireType);
    }
  }
  return [key, value];
}

function toJson(field: Field, collected: Collected | undefined, depth: number): unknown {
  if (field.map) {
    const entries = (collected as { entries: Map<string, unknown> } | undefined)?.entries;
    if (!entries?.size) return field.keep ? null : OMIT;
    // fromEntries defines own properties, so a key such as "__proto__" stays a plain key.
    return Object.fromEntries([...entries].map(([k, v]) => [k, elementToJson(field, v, depth)]));
  }
  if (field.repeated) {
    const elements = (collected as { elements: unknown[] } | undefined)?.elements;
    if (!elements?.length) return field.keep ? null : OMIT;
    return elements.map((v) => elementToJson(field, v, depth));
  }
  const present = collected !== undefined;
  const value = (collected as { present: unknown } | undefined)?.present;
  if (field.pointer && !present) return field.keep ? null : OMIT;
  if (field.kind === "scalar") {
    if (field.type === "bytes") {
      if (!present) return field.keep ? null : OMIT;
      const bytes = value as Uint8Array;
      return bytes.length === 0 && !field.keep && !field.pointer ? OMIT : base64(bytes);
    }
    const scalar = present ? value : zeroOf(field.type as Scalar);
    if (!field.pointer && !field.keep && isZero(scalar)) return OMIT;
    return scalar;
  }
  return elementToJson(field, value, depth);
}

/** One value of a field's type: a map value, a list element, or a singular struct. */
function elementToJson(field: Field, value: unknown, depth: number): unknown {
  switch (field.kind) {
    case "scalar":
      if (value === undefined) return field.type === "bytes" ? "" : zeroOf(field.type as Scalar);
      return field.type === "bytes" ? base64(value as Uint8Array) : value;
    case "special":
      return specialToJson(field.type as Special, value as Uint8Array | undefined);
    case "message":
      return decodeMessage(field.type, (value as Uint8Array | undefined) ?? EMPTY, depth + 1);
  }
}

const EMPTY = new Uint8Array(0);

function zeroOf(type: Scalar): unknown {
  return type === "string" ? "" : type === "bool" ? false : 0;
}

function isZero(value: unknown): boolean {
  return value === "" || value === 0 || value === false;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

// ---- apimachinery types with their own Marshal/Unmarshal ----

/** Reads the few fields of a special type: number → value; unknown fields skipped. */
function readFields(bytes: Uint8Array, want: Record<number, Scalar>, type: Special): Map<number, unknown> {
  const out = new Map<number, unknown>();
  const reader = new ProtoReader(bytes);
  while (!reader.done()) {
    const { field, wireType } = reader.tag();
    const scalar = want[field];
    if (!scalar) {
      reader.skip(wireType);
      continue;
    }
    if (wireType !== wireTypeOf(scalar)) throw malformed(`wrong wire type ${wireType} for field ${field} of ${type}`);
    out.set(field, readScalar(scalar, reader));
  }
  return out;
}

function specialToJson(type: Special, bytes: Uint8Array | undefined): unknown {
  switch (type) {
    case "Time":
    case "MicroTime":
      return timeToJson(type, bytes);
    case "Quantity":
      return quantityToJson(bytes);
    case "IntOrString":
      return intOrStringToJson(bytes);
    case "RawExtension":
    case "FieldsV1":
      return embeddedJson(type, bytes);
  }
}

/** Unix seconds of Go's zero time.Time (0001-01-01T00:00:00Z), which marshals as null. */
const GO_ZERO_TIME_SECONDS = -62135596800;
/** RFC 3339 needs four-digit years; Go's Time.MarshalJSON fails outside [0, 9999]. */
const MIN_SECONDS = -62167219200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

/**
 * metav1.Time: {seconds = 1, nanos = 2}. Empty bytes are the zero time (null). Upstream drops the
 * nanoseconds of Time on decode (JSON clients only ever saw seconds); MicroTime keeps microseconds.
 */
function timeToJson(type: "Time" | "MicroTime", bytes: Uint8Array | undefined): string | null {
  if (!bytes?.length) return null;
  const fields = readFields(bytes, { 1: "int64", 2: "int32" }, type);
  let seconds = (fields.get(1) as number | undefined) ?? 0;
  let nanos = type === "MicroTime" ? ((fields.get(2) as number | undefined) ?? 0) : 0;
  // time.Unix normalises nanoseconds outside [0, 1e9) into the seconds.
  seconds += Math.floor(nanos / 1e9);
  nanos = ((nanos % 1e9) + 1e9) % 1e9;
  if (seconds === GO_ZERO_TIME_SECONDS && nanos === 0) return null;
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw malformed(`${type} out of range: year outside of range [0,9999]`);
  const iso = new Date(seconds * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ for years 0..9999
  const base = iso.slice(0, 19);
  return type === "MicroTime" ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, "0")}Z` : `${base}Z`;
}

/** resource.Quantity: {string = 1}, parsed and printed canonical as its Unmarshal + MarshalJSON do. */
function quantityToJson(bytes: Uint8Array | undefined): string {
  const text = bytes ? (readFields(bytes, { 1: "string" }, "Quantity").get(1) as string | undefined) : undefined;
  if (text === undefined) return "0";
  const quantity = parseQuantity(text);
  if (!quantity) throw malformed(`quantity "${text}": ${QUANTITY_REGEX_MESSAGE}`);
  return formatQuantity(quantity);
}

/** intstr.IntOrString: {type = 1 (0 Int, 1 String), intVal = 2, strVal = 3}. */
function intOrStringToJson(bytes: Uint8Array | undefined): number | string {
  const fields = bytes ? readFields(bytes, { 1: "int64", 2: "int32", 3: "string" }, "IntOrString") : new Map<number, unknown>();
  const kind = (fields.get(1) as number | undefined) ?? 0;
  if (kind === 0) return (fields.get(2) as number | undefined) ?? 0;
  if (kind === 1) return (fields.get(3) as string | undefined) ?? "";
  throw malformed(`impossible IntOrString.Type ${kind}`);
}

/** runtime.RawExtension {raw = 1} and metav1.FieldsV1 {Raw = 1}: JSON carried as bytes. */
function embeddedJson(type: Special, bytes: Uint8Array | undefined): unknown {
  const raw = bytes ? (readFields(bytes, { 1: "bytes" }, type).get(1) as Uint8Array | undefined) : undefined;
  if (!raw?.length) return null;
  try {
    return JSON.parse(new TextDecoder().decode(raw));
  } catch {
    throw malformed(`${type} does not hold JSON`);
  }
}
