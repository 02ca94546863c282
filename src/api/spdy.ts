/**
 * The SPDY/3.1 frames `kubectl port-forward` speaks (moby/spdystream, as client-go uses it), here
 * tunnelled in WebSocket binary messages ("SPDY/3.1+portforward.k8s.io": the bytes of a TCP stream,
 * split at whatever boundaries the writer chose, so frames are reassembled from a buffer).
 *
 *   control frame  1 | version 3 (15 bits) | type (16) | flags (8) | length (24) | payload
 *   data frame     0 | stream id (31)      | flags (8) | length (24) | payload     (flag 1 = FIN)
 *
 * Header blocks (SYN_STREAM, SYN_REPLY) are one zlib stream per direction, compressed against the
 * SPDY/3 dictionary: a count, then length-prefixed (32-bit) names and values.
 */
import { adler32, Inflater } from "./inflate";

export const SYN_STREAM = 1;
export const SYN_REPLY = 2;
export const RST_STREAM = 3;
export const SETTINGS = 4;
export const PING = 6;
export const GOAWAY = 7;
export const FLAG_FIN = 1;

/** The SPDY/3 header dictionary (draft-mbelshe-httpbis-spdy-00 §2.6.10.1): length-prefixed words, then a tail. */
const DICTIONARY_WORDS = [
  "options", "head", "post", "put", "delete", "trace", "accept", "accept-charset", "accept-encoding", "accept-language", "accept-ranges",
  "age", "allow", "authorization", "cache-control", "connection", "content-base", "content-encoding", "content-language", "content-length",
  "content-location", "content-md5", "content-range", "content-type", "date", "etag", "expect", "expires", "from", "host", "if-match",
  "if-modified-since", "if-none-match", "if-range", "if-unmodified-since", "last-modified", "location", "max-forwards", "pragma",
  "proxy-authenticate", "proxy-authorization", "range", "referer", "retry-after", "server", "te", "trailer", "transfer-encoding", "upgrade",
  "user-agent", "vary", "via", "warning", "www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url", "public",
  "set-cookie", "keep-alive", "origin",
];
const DICTIONARY_TAIL =
  "100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505" +
  "203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized403 Forbidden404 Not Found" +
  "500 Internal Server Error501 Not Implemented503 Service Unavailable" +
  "Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT" +
  "chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,text/javascript,public" +
  "privatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function lengthPrefixed(parts: string[]): number[] {
  const out: number[] = [];
  for (const part of parts) {
    const bytes = encoder.encode(part);
    out.push((bytes.length >>> 24) & 0xff, (bytes.length >>> 16) & 0xff, (bytes.length >>> 8) & 0xff, bytes.length & 0xff, ...bytes);
  }
  return out;
}

export const SPDY3_DICTIONARY = Uint8Array.from([...lengthPrefixed(DICTIONARY_WORDS), ...encoder.encode(DICTIONARY_TAIL)]);

export type Frame =
  | { control: true; type: number; flags: number; payload: Uint8Array }
  | { control: false; streamId: number; flags: number; payload: Uint8Array };

/** Cuts whole frames off the front of a byte stream; keeps the rest for the next message. */
export class FrameReader {
  private buffer = new Uint8Array(0);

  push(bytes: Uint8Array): Frame[] {
    const joined = new Uint8Array(this.buffer.length + bytes.length);
    joined.set(this.buffer);
    joined.set(bytes, this.buffer.length);
    const frames: Frame[] = [];
    let pos = 0;
    while (joined.length - pos >= 8) {
      const length = (joined[pos + 5] << 16) | (joined[pos + 6] << 8) | joined[pos + 7];
      if (joined.length - pos < 8 + length) break;
      const payload = joined.slice(pos + 8, pos + 8 + length);
      const flags = joined[pos + 4];
      if (joined[pos] & 0x80) frames.push({ control: true, type: (joined[pos + 2] << 8) | joined[pos + 3], flags, payload });
      else frames.push({ control: false, streamId: readUint31(joined, pos), flags, payload });
      pos += 8 + length;
    }
    this.buffer = joined.slice(pos);
    return frames;
  }
}

const readUint31 = (b: Uint8Array, at: number) => (((b[at] & 0x7f) << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
const uint32 = (n: number) => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];

function frame(head: number[], flags: number, payload: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out.set(head);
  out[4] = flags;
  out[5] = (payload.length >>> 16) & 0xff;
  out[6] = (payload.length >>> 8) & 0xff;
  out[7] = payload.length & 0xff;
  out.set(payload, 8);
  return out;
}

export const controlFrame = (type: number, flags: number, payload: ArrayLike<number>) => frame([0x80, 3, type >> 8, type & 0xff], flags, payload);
export const dataFrame = (streamId: number, flags: number, payload: ArrayLike<number>) => frame(uint32(streamId & 0x7fffffff), flags, payload);

/** Reads the header blocks of one peer's SYN_STREAMs (one zlib stream against the dictionary). */
export class HeaderReader {
  private readonly inflater = new Inflater(SPDY3_DICTIONARY);

  /** SYN_STREAM: stream id, then the headers (lower-case names; multiple values NUL-joined). */
  synStream(payload: Uint8Array): { streamId: number; headers: Record<string, string> } {
    return { streamId: readUint31(payload, 0), headers: this.block(payload.subarray(10)) };
  }

  private block(compressed: Uint8Array): Record<string, string> {
    const b = this.inflater.push(compressed);
    const u32 = (at: number) => ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
    const headers: Record<string, string> = {};
    let pos = 4;
    for (let i = 0; i < u32(0); i++) {
      const nameLength = u32(pos);
      const name = decoder.decode(b.subarray(pos + 4, pos + 4 + nameLength));
      pos += 4 + nameLength;
      const valueLength = u32(pos);
      headers[name] = decoder.decode(b.subarray(pos + 4, pos + 4 + valueLength));
      pos += 4 + valueLength;
    }
    return headers;
  }
}

/**
 * Writes this side's header blocks: zlib needs no compression, only a valid stream, so each block is
 * a stored (uncompressed) deflate block — the first one behind the zlib header naming the dictionary.
 */
export class HeaderWriter {
  private started = false;

  synReply(streamId: number, headers: Record<string, string> = {}): Uint8Array {
    const entries = Object.entries(headers);
    const plain = [...uint32(entries.length), ...lengthPrefixed(entries.flat())];
    const zlib: number[] = [];
    if (!this.started) {
      zlib.push(0x78, 0xbb, ...uint32(adler32(SPDY3_DICTIONARY)));
      this.started = true;
    }
    zlib.push(0x00, plain.length & 0xff, plain.length >> 8, ~plain.length & 0xff, (~plain.length >> 8) & 0xff, ...plain);
    // The sync flush's empty stored block, as Go's writer ends every block: Go's inflater, having
    // copied a stored block, reads the next block header at once, and without one here its
    // ErrUnexpectedEOF would stick and fail the next SYN_REPLY.
    zlib.push(0x00, 0x00, 0x00, 0xff, 0xff);
    return controlFrame(SYN_REPLY, 0, [...uint32(streamId & 0x7fffffff), ...zlib]);
  }
}
