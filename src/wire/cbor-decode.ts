/** CBOR decoding: a cursor over the input that hands out byte strings as views of it (no copies). */
import { Buffer } from "node:buffer";
import { CborError, MAX_DEPTH, BREAK, TWO_32, Major, Tag } from "./cbor-common.js";

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

// RFC 3339 date-time (tag 0); Date.parse alone would also accept many other shapes.
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** IEEE 754 binary16 to a number; DataView has no getFloat16 in Node 20. */
function halfToNumber(half: number): number {
  const sign = half & 0x8000 ? -1 : 1;
  const exponent = (half >> 10) & 0x1f;
  const fraction = half & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (fraction + 0x400) * 2 ** (exponent - 25);
}

/** Stores a member the way JSON.parse does: "__proto__" becomes an own property, never the prototype. */
function setMember(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") {
    Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

function epochDate(inner: unknown): Date {
  if (typeof inner !== "number" || !Number.isFinite(inner)) throw new CborError("Tag 1 must hold a finite number");
  const date = new Date(Math.round(inner * 1000));
  if (Number.isNaN(date.getTime())) throw new CborError("Tag 1 time is out of range");
  return date;
}

function stringDate(inner: unknown): Date {
  if (typeof inner !== "string" || !RFC3339.test(inner)) throw new CborError("Tag 0 must hold an RFC 3339 date-time");
  const ms = Date.parse(inner.toUpperCase());
  if (Number.isNaN(ms)) throw new CborError("Tag 0 date-time is invalid");
  return new Date(ms);
}

function negate(n: number | bigint): number | bigint {
  if (typeof n === "bigint") return -1n - n;
  // -1 - MAX_SAFE_INTEGER is exact but no longer a safe integer.
  return n < Number.MAX_SAFE_INTEGER ? -1 - n : -1n - BigInt(n);
}

class Decoder {
  private pos = 0;
  private depth = 0;
  private readonly buf: Buffer;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  decodeAll(): unknown {
    const value = this.item();
    if (this.pos !== this.buf.length) throw new CborError(`Unexpected trailing bytes at offset ${this.pos}`);
    return value;
  }

  private need(n: number): void {
    if (n > this.buf.length - this.pos) throw new CborError(`Unexpected end of input at offset ${this.pos}`);
  }

  private u8(): number {
    this.need(1);
    return this.buf[this.pos++] ?? 0;
  }

  /** Consumes a break byte if one is next; for indefinite-length items. */
  private atBreak(): boolean {
    this.need(1);
    if (this.buf[this.pos] !== BREAK) return false;
    this.pos++;
    return true;
  }

  private argument(info: number): number | bigint {
    if (info < 24) return info;
    const p = this.pos;
    switch (info) {
      case 24: this.need(1); this.pos += 1; return this.view.getUint8(p);
      case 25: this.need(2); this.pos += 2; return this.view.getUint16(p);
      case 26: this.need(4); this.pos += 4; return this.view.getUint32(p);
      case 27: return this.uint64();
      case 31: throw new CborError(`Indefinite length not allowed here at offset ${p - 1}`);
      default: throw new CborError(`Reserved additional information ${info} at offset ${p - 1}`);
    }
  }

  private uint64(): number | bigint {
    this.need(8);
    const hi = this.view.getUint32(this.pos);
    const lo = this.view.getUint32(this.pos + 4);
    this.pos += 8;
    const n = hi * TWO_32 + lo;
    return n <= Number.MAX_SAFE_INTEGER ? n : (BigInt(hi) << 32n) | BigInt(lo);
  }

  /** A count of bytes or items; each needs at least `unit` bytes, so it cannot pass the end. */
  private length(info: number, unit: number): number {
    const n = this.argument(info);
    if (typeof n === "bigint" || n * unit > this.buf.length - this.pos) {
      throw new CborError(`Length ${n} runs past the end of input at offset ${this.pos}`);
    }
    return n;
  }

  private item(): unknown {
    const initial = this.u8();
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case Major.unsigned: return this.argument(info);
      case Major.negative: return negate(this.argument(info));
      case Major.bytes: return info === 31 ? Buffer.concat(this.chunks(Major.bytes)) : this.bytes(this.length(info, 1));
      case Major.text: return info === 31 ? this.chunks(Major.text).map((c) => this.utf8(c)).join("") : this.text(info);
      case Major.array: return this.nested(() => this.array(info));
      case Major.map: return this.nested(() => this.map(info));
      case Major.tag: return this.tag(info);
      default: return this.simple(info);
    }
  }

  private nested<T>(read: () => T): T {
    if (++this.depth > MAX_DEPTH) throw new CborError(`Nesting deeper than ${MAX_DEPTH} at offset ${this.pos}`);
    const value = read();
    this.depth--;
    return value;
  }

  private bytes(len: number): Buffer {
    const start = this.pos;
    this.pos += len;
    return this.buf.subarray(start, this.pos);
  }

  private text(info: number): string {
    return this.utf8(this.bytes(this.length(info, 1)));
  }

  private utf8(bytes: Buffer): string {
    try {
      return utf8.decode(bytes);
    } catch {
      throw new CborError(`Invalid UTF-8 in text string before offset ${this.pos}`);
    }
  }

  /** Indefinite-length string: definite chunks of the same major type, then a break. */
  private chunks(major: number): Buffer[] {
    const parts: Buffer[] = [];
    while (!this.atBreak()) {
      const initial = this.u8();
      if (initial >> 5 !== major || (initial & 0x1f) === 31) {
        throw new CborError(`Invalid chunk in indefinite-length string at offset ${this.pos - 1}`);
      }
      parts.push(this.bytes(this.length(initial & 0x1f, 1)));
    }
    return parts;
  }

  private array(info: number): unknown[] {
    if (info === 31) {
      const out: unknown[] = [];
      while (!this.atBreak()) out.push(this.item());
      return out;
    }
    const count = this.length(info, 1);
    const out = new Array<unknown>(count);
    for (let i = 0; i < count; i++) out[i] = this.item();
    return out;
  }

  /** Text keys give a plain object; any other key turns the result into a Map. */
  private map(info: number): Record<string, unknown> | Map<unknown, unknown> {
    const count = info === 31 ? -1 : this.length(info, 2);
    const obj: Record<string, unknown> = {};
    let map: Map<unknown, unknown> | undefined;
    for (let i = 0; count < 0 ? !this.atBreak() : i < count; i++) {
      const key = this.item();
      const value = this.item();
      if (map) map.set(key, value);
      else if (typeof key === "string") setMember(obj, key, value);
      else map = new Map<unknown, unknown>([...Object.entries(obj), [key, value]]);
    }
    return map ?? obj;
  }

  private tag(info: number): unknown {
    const tag = this.argument(info);
    const inner = this.nested(() => this.item());
    if (tag === Tag.epoch) return epochDate(inner);
    if (tag === Tag.dateString) return stringDate(inner);
    return inner;
  }

  private simple(info: number): unknown {
    const p = this.pos;
    switch (info) {
      case 20: return false;
      case 21: return true;
      case 22: return null;
      case 23: return undefined;
      case 25: this.need(2); this.pos += 2; return halfToNumber(this.view.getUint16(p));
      case 26: this.need(4); this.pos += 4; return this.view.getFloat32(p);
      case 27: this.need(8); this.pos += 8; return this.view.getFloat64(p);
      case 31: throw new CborError(`Unexpected break at offset ${p - 1}`);
      default:
        if (info >= 28) throw new CborError(`Reserved additional information ${info} at offset ${p - 1}`);
        throw new CborError(`Unsupported simple value at offset ${p - 1}`);
    }
  }
}

/** Decodes exactly one CBOR item; anything malformed, truncated or trailing throws CborError. */
export function decodeCbor(bytes: Uint8Array): unknown {
  return new Decoder(bytes).decodeAll();
}
