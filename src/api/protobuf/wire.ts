/**
 * The protobuf wire format, by hand: a bounds-checked reader for request bodies and a small writer
 * for the /openapi/v2 document. No code generation and no eval, so it runs on Workers.
 *
 * Every malformed input (truncation, lengths past the end, over-long varints, wire types that do not
 * exist) throws ApiError 400 from the reader itself, so a decoder built on it can never loop, read
 * out of bounds or fail with anything but a Status.
 */
import { ApiError, badRequest } from "../errors";

export const WireType = { Varint: 0, Fixed64: 1, LengthDelimited: 2, StartGroup: 3, EndGroup: 4, Fixed32: 5 } as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** A request-body decoding failure: 400 BadRequest, worded like the rest of our body errors. */
export function malformed(message: string): ApiError {
  return badRequest(`error decoding protobuf request body: ${message}`);
}

const TWO_32 = 4294967296;
const utf8 = new TextDecoder("utf-8");

export class ProtoReader {
  pos: number;
  /** The last varint, as two unsigned 32-bit halves (no BigInt on the hot path). */
  private lo = 0;
  private hi = 0;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /** The next field's number and wire type. */
  tag(): { field: number; wireType: number } {
    const tag = this.uint32("field tag");
    const field = tag >>> 3;
    const wireType = tag & 7;
    if (field === 0) throw malformed("field number 0 is not allowed");
    if (wireType > WireType.Fixed32) throw malformed(`invalid wire type ${wireType} for field ${field}`);
    return { field, wireType };
  }

  int32(): number {
    this.varint();
    return this.lo | 0;
  }

  /** A signed 64-bit varint as a number (exact up to 2^53, like every int64 the API carries). */
  int64(): number {
    this.varint();
    return this.hi >= 0x80000000 ? (this.hi - TWO_32) * TWO_32 + this.lo : this.hi * TWO_32 + this.lo;
  }

  bool(): boolean {
    this.varint();
    return this.lo !== 0 || this.hi !== 0;
  }

  double(): number {
    const at = this.advance(8, "fixed64");
    return new DataView(this.buf.buffer, this.buf.byteOffset + at, 8).getFloat64(0, true);
  }

  float(): number {
    const at = this.advance(4, "fixed32");
    return new DataView(this.buf.buffer, this.buf.byteOffset + at, 4).getFloat32(0, true);
  }

  /** A length-delimited field's bytes (a view, not a copy). */
  bytes(): Uint8Array {
    const length = this.uint32("length");
    const at = this.advance(length, "length-delimited field");
    return this.buf.subarray(at, at + length);
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** Skips a field we do not decode. Groups are a proto2 feature Kubernetes never uses. */
  skip(wireType: number): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.advance(8, "fixed64");
        return;
      case WireType.LengthDelimited:
        this.bytes();
        return;
      case WireType.Fixed32:
        this.advance(4, "fixed32");
        return;
      default:
        throw malformed(`unsupported wire type ${wireType} (groups are not used by Kubernetes)`);
    }
  }

  /** Tags and lengths: a varint that must fit a non-negative int32, as upstream's decoder requires. */
  private uint32(what: string): number {
    this.varint();
    if (this.hi !== 0 || this.lo > 0x7fffffff) throw malformed(`${what} out of range`);
    return this.lo;
  }

  private varint(): void {
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw malformed("unexpected end of data in varint");
      const b = this.buf[this.pos++];
      if (i < 4) lo |= (b & 0x7f) << (7 * i);
      else if (i === 4) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (7 * i - 32);
      if (b < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    throw malformed("varint longer than 10 bytes");
  }

  private advance(length: number, what: string): number {
    if (length > this.end - this.pos) throw malformed(`${what} runs past the end of its message`);
    const at = this.pos;
    this.pos += length;
    return at;
  }
}

const utf8Encoder = new TextEncoder();

/**
 * An append-only protobuf writer. Nested messages are written into a child writer and copied in,
 * which is simple and, for a document built once per isolate, fast enough.
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(1024);
  private length = 0;
  private flushed = 0;

  string(field: number, value: string | undefined): this {
    if (!value) return this;
    return this.bytes(field, utf8Encoder.encode(value));
  }

  /** A repeated string field: one entry per element, even empty ones. */
  strings(field: number, values: readonly string[] | undefined): this {
    for (const value of values ?? []) this.bytes(field, utf8Encoder.encode(value));
    return this;
  }

  bool(field: number, value: boolean | undefined): this {
    if (!value) return this;
    this.tag(field, WireType.Varint);
    this.byte(1);
    return this;
  }

  /** A non-negative integer field (int32, int64 up to 2^53). */
  uint(field: number, value: number | undefined): this {
    if (!value) return this;
    this.tag(field, WireType.Varint);
    this.varint(value);
    return this;
  }

  double(field: number, value: number | undefined): this {
    if (value === undefined || value === 0) return this;
    this.tag(field, WireType.Fixed64);
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setFloat64(0, value, true);
    this.raw(bytes);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WireType.LengthDelimited);
    this.varint(value.length);
    this.raw(value);
    return this;
  }

  /** An embedded message, written even when empty (presence matters for oneofs and messages). */
  message(field: number, build: (w: ProtoWriter) => void): this {
    const child = new ProtoWriter();
    build(child);
    return this.bytes(field, child.finish());
  }

  finish(): Uint8Array {
    if (this.chunks.length === 0) return this.current.slice(0, this.length);
    const out = new Uint8Array(this.flushed + this.length);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    out.set(this.current.subarray(0, this.length), at);
    return out;
  }

  private tag(field: number, wireType: WireType): void {
    this.varint(field * 8 + wireType);
  }

  private varint(value: number): void {
    while (value >= 0x80) {
      this.byte((value % 0x80) | 0x80);
      value = Math.floor(value / 0x80);
    }
    this.byte(value);
  }

  private byte(b: number): void {
    if (this.length === this.current.length) this.spill(1);
    this.current[this.length++] = b;
  }

  private raw(bytes: Uint8Array): void {
    if (this.length + bytes.length > this.current.length) this.spill(bytes.length);
    this.current.set(bytes, this.length);
    this.length += bytes.length;
  }

  private spill(need: number): void {
    this.chunks.push(this.current.subarray(0, this.length));
    this.flushed += this.length;
    this.current = new Uint8Array(Math.max(need, this.current.length * 2));
    this.length = 0;
  }
}
