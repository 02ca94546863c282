/**
 * A streaming inflater (RFC 1951) for SPDY header blocks: each SYN_STREAM carries the next piece of
 * one zlib stream that the sender flushed (Z_SYNC_FLUSH) at the frame's end, so every piece is whole
 * blocks, and back-references reach into earlier frames and into the preset dictionary. The runtime's
 * DecompressionStream takes no dictionary and answers asynchronously, hence this small one.
 */
const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15];
const WINDOW = 32768;

interface Huffman {
  counts: Uint16Array;
  symbols: Uint16Array;
}

function huffman(lengths: ArrayLike<number>): Huffman {
  const counts = new Uint16Array(16);
  for (let i = 0; i < lengths.length; i++) counts[lengths[i]]++;
  counts[0] = 0;
  const offsets = new Uint16Array(16);
  for (let i = 1; i < 16; i++) offsets[i] = offsets[i - 1] + counts[i - 1];
  const symbols = new Uint16Array(lengths.length);
  for (let i = 0; i < lengths.length; i++) if (lengths[i]) symbols[offsets[lengths[i]]++] = i;
  return { counts, symbols };
}

const FIXED_LITERALS = huffman(Array.from({ length: 288 }, (_, i) => (i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8)));
const FIXED_DISTANCES = huffman(Array.from({ length: 30 }, () => 5));

export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of data) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

export class Inflater {
  private history: number[];
  private headerSeen = false;

  /** `dictionary`: the preset dictionary the zlib header announces (FDICT). */
  constructor(private readonly dictionary: Uint8Array) {
    this.history = Array.from(dictionary);
  }

  /** The bytes one flushed piece of the stream decodes to. */
  push(input: Uint8Array): Uint8Array {
    let pos = 0;
    if (!this.headerSeen) {
      if (input.length < 2 || ((input[0] << 8) | input[1]) % 31 !== 0 || (input[0] & 0x0f) !== 8) throw new Error("zlib: bad header");
      pos = 2;
      if (input[1] & 0x20) {
        const id = ((input[2] << 24) | (input[3] << 16) | (input[4] << 8) | input[5]) >>> 0;
        if (id !== adler32(this.dictionary)) throw new Error("zlib: unknown dictionary");
        pos = 6;
      }
      this.headerSeen = true;
    }
    let bitBuf = 0;
    let bitCount = 0;
    const bits = (n: number): number => {
      while (bitCount < n) {
        if (pos >= input.length) throw new Error("inflate: input ends mid-block");
        bitBuf |= input[pos++] << bitCount;
        bitCount += 8;
      }
      const value = bitBuf & ((1 << n) - 1);
      bitBuf >>>= n;
      bitCount -= n;
      return value;
    };
    const decode = (h: Huffman): number => {
      let code = 0;
      let first = 0;
      let index = 0;
      for (let len = 1; len < 16; len++) {
        code |= bits(1);
        const count = h.counts[len];
        if (code - count < first) return h.symbols[index + (code - first)];
        index += count;
        first = (first + count) << 1;
        code <<= 1;
      }
      throw new Error("inflate: bad code");
    };
    const out: number[] = [];
    const emit = (byte: number) => {
      out.push(byte);
      this.history.push(byte);
    };
    // Stop once the piece is used up: a sync flush ends on a byte boundary after an empty stored block.
    while (pos < input.length || bitCount >= 8) {
      const final = bits(1);
      const type = bits(2);
      if (type === 0) {
        bitBuf = 0;
        bitCount = 0;
        const len = input[pos] | (input[pos + 1] << 8);
        pos += 4;
        for (let i = 0; i < len; i++) emit(input[pos++]);
      } else {
        let lit = FIXED_LITERALS;
        let dist = FIXED_DISTANCES;
        if (type === 2) {
          const hlit = bits(5) + 257;
          const hdist = bits(5) + 1;
          const hclen = bits(4) + 4;
          const codeLengths = new Array<number>(19).fill(0);
          for (let i = 0; i < hclen; i++) codeLengths[CODE_LENGTH_ORDER[i]] = bits(3);
          const lengthCode = huffman(codeLengths);
          const lengths: number[] = [];
          while (lengths.length < hlit + hdist) {
            const sym = decode(lengthCode);
            if (sym < 16) lengths.push(sym);
            else if (sym === 16) lengths.push(...new Array<number>(3 + bits(2)).fill(lengths[lengths.length - 1]));
            else lengths.push(...new Array<number>(sym === 17 ? 3 + bits(3) : 11 + bits(7)).fill(0));
          }
          lit = huffman(lengths.slice(0, hlit));
          dist = huffman(lengths.slice(hlit));
        } else if (type !== 1) throw new Error("inflate: bad block type");
        for (;;) {
          const sym = decode(lit);
          if (sym < 256) emit(sym);
          else if (sym === 256) break;
          else {
            const length = LENGTH_BASE[sym - 257] + bits(LENGTH_EXTRA[sym - 257]);
            const d = decode(dist);
            const distance = DIST_BASE[d] + bits(DIST_EXTRA[d]);
            const from = this.history.length - distance;
            if (from < 0) throw new Error("inflate: distance too far back");
            for (let i = 0; i < length; i++) emit(this.history[from + i]);
          }
        }
      }
      if (final) break;
    }
    if (this.history.length > 2 * WINDOW) this.history = this.history.slice(-WINDOW);
    return Uint8Array.from(out);
  }
}
