/** CBOR encoding into growing Buffers joined once at the end. */
import { Buffer } from "node:buffer";
import { CborError, MAX_DEPTH, TWO_32, MAX_U64, CHUNK_MIN, CHUNK_MAX, BY_REFERENCE, Major, Tag, Simple } from "./cbor-common.js";

/** Bytes a head takes for argument n, in shortest form. */
function headSize(n: number): number {
  if (n < 24) return 1;
  if (n < 0x100) return 2;
  if (n < 0x10000) return 3;
  return n < TWO_32 ? 5 : 9;
}

/**
 * Output is a list of finished parts plus the Buffer being filled. Growing starts a new
 * Buffer instead of copying the old one, and large byte strings join the list by
 * reference, so each byte is copied once, by the final concat.
 */
class Encoder {
  private buf = Buffer.allocUnsafe(CHUNK_MIN);
  private pos = 0;
  private start = 0; // where the unfinished part begins in buf
  private readonly parts: Uint8Array[] = [];
  private total = 0; // bytes in parts

  result(): Buffer {
    if (this.parts.length === 0) return this.buf.subarray(this.start, this.pos);
    this.seal();
    return Buffer.concat(this.parts, this.total);
  }

  private push(part: Uint8Array): void {
    if (part.byteLength === 0) return;
    this.parts.push(part);
    this.total += part.byteLength;
  }

  private seal(): void {
    this.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.seal();
    this.buf = Buffer.allocUnsafe(Math.max(n, Math.min(this.buf.length * 2, CHUNK_MAX)));
    this.pos = 0;
    this.start = 0;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Major type and argument in shortest form; n is a non-negative safe integer. */
  head(major: number, n: number): void {
    this.ensure(9);
    const top = major << 5;
    const b = this.buf;
    if (n < 24) {
      b[this.pos++] = top | n;
    } else if (n < 0x100) {
      b[this.pos++] = top | 24;
      b[this.pos++] = n;
    } else if (n < 0x10000) {
      b[this.pos++] = top | 25;
      this.pos = b.writeUInt16BE(n, this.pos);
    } else if (n < TWO_32) {
      b[this.pos++] = top | 26;
      this.pos = b.writeUInt32BE(n, this.pos);
    } else {
      b[this.pos++] = top | 27;
      this.pos = b.writeUInt32BE(Math.floor(n / TWO_32), this.pos);
      this.pos = b.writeUInt32BE(n >>> 0, this.pos);
    }
  }

  number(v: number): void {
    if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
      if (v >= 0) this.head(Major.unsigned, v);
      else this.head(Major.negative, -1 - v);
      return;
    }
    this.float64(v);
  }

  float64(v: number): void {
    this.ensure(9);
    this.buf[this.pos++] = Simple.float64;
    this.pos = this.buf.writeDoubleBE(v, this.pos);
  }

  bigint(v: bigint): void {
    const major = v < 0n ? Major.negative : Major.unsigned;
    const n = v < 0n ? -1n - v : v;
    if (n > MAX_U64) throw new CborError(`Integer ${v} does not fit in 64 bits`);
    if (n <= BigInt(Number.MAX_SAFE_INTEGER)) {
      this.head(major, Number(n));
      return;
    }
    this.ensure(9);
    this.buf[this.pos++] = (major << 5) | 27;
    this.pos = this.buf.writeBigUInt64BE(n, this.pos);
  }

  bytes(v: Uint8Array): void {
    this.head(Major.bytes, v.byteLength);
    if (v.byteLength >= BY_REFERENCE) {
      this.seal();
      this.push(v);
      return;
    }
    this.ensure(v.byteLength);
    this.buf.set(v, this.pos);
    this.pos += v.byteLength;
  }

  text(s: string): void {
    // UTF-8 takes between 1 and 3 bytes per UTF-16 unit; when both bounds need the same
    // head size, write the text first and fill in the head, saving a byteLength pass.
    const units = s.length;
    const size = headSize(units);
    if (size === headSize(units * 3)) {
      this.ensure(9 + units * 3); // also covers head()'s own reserve, so it cannot reallocate
      const start = this.pos;
      const written = this.buf.write(s, start + size, "utf8");
      this.head(Major.text, written);
      this.pos = start + size + written;
      return;
    }
    const len = Buffer.byteLength(s, "utf8");
    this.head(Major.text, len);
    this.ensure(len);
    this.pos += this.buf.write(s, this.pos, "utf8");
  }
}

function encodeValue(enc: Encoder, value: unknown, depth: number): void {
  switch (typeof value) {
    case "number": return enc.number(value);
    case "string": return enc.text(value);
    case "boolean": return enc.byte(value ? Simple.true : Simple.false);
    case "bigint": return enc.bigint(value);
    case "undefined": return enc.byte(Simple.null);
    case "object": return encodeObject(enc, value, depth + 1);
    default: throw new CborError(`Cannot encode a value of type ${typeof value}`);
  }
}

function encodeObject(enc: Encoder, value: object | null, depth: number): void {
  if (value === null) return enc.byte(Simple.null);
  if (value instanceof Uint8Array) return enc.bytes(value);
  if (depth > MAX_DEPTH) throw new CborError(`Nesting deeper than ${MAX_DEPTH} (or a cycle)`);
  if (value instanceof Date) return encodeDate(enc, value);
  if (Array.isArray(value)) return encodeArray(enc, value, depth);
  if (value instanceof Map) return encodeMap(enc, value as Map<unknown, unknown>, depth);
  return encodeRecord(enc, value as Record<string, unknown>, depth);
}

/** Tag 1 with float seconds, which is how the AWS SDKs read and write timestamps. */
function encodeDate(enc: Encoder, date: Date): void {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new CborError("Cannot encode an invalid Date");
  enc.byte((Major.tag << 5) | Tag.epoch);
  enc.float64(ms / 1000);
}

function encodeArray(enc: Encoder, list: readonly unknown[], depth: number): void {
  enc.head(Major.array, list.length);
  for (const item of list) encodeValue(enc, item, depth);
}

function encodeMap(enc: Encoder, map: Map<unknown, unknown>, depth: number): void {
  enc.head(Major.map, map.size);
  for (const [k, v] of map) {
    encodeValue(enc, k, depth);
    encodeValue(enc, v, depth);
  }
}

/** Own enumerable members; undefined ones are left out, as absent members. */
function encodeRecord(enc: Encoder, record: Record<string, unknown>, depth: number): void {
  const keys = Object.keys(record);
  let count = 0;
  for (const k of keys) if (record[k] !== undefined) count++;
  enc.head(Major.map, count);
  for (const k of keys) {
    const v = record[k];
    if (v === undefined) continue;
    enc.text(k);
    encodeValue(enc, v, depth);
  }
}

/** Encodes a value with shortest-form heads; see the module comment for the mapping. */
export function encodeCbor(value: unknown): Buffer {
  const enc = new Encoder();
  encodeValue(enc, value, 0);
  return enc.result();
}
