/**
 * Order-preserving encodings of key values: for two values of the same key type, memcmp
 * of their encodings orders them as DynamoDB does. S is its UTF-8 bytes and B its raw
 * bytes, so a `begins_with` prefix is a byte prefix. N is
 *   tag (0x01 negative, 0x02 zero, 0x03 positive) ·
 *   exponent (point + 32768, two bytes big-endian) ·
 *   digits packed two to a byte as nibbles digit+1 (a missing last nibble is 0),
 * with everything after the tag of a negative number complemented and followed by 0xFF
 * so that longer (more negative) digit strings sort first.
 */
import type { AttributeValue, ScalarType } from "../types.js";
import type { Decimal } from "./number.js";
import { formatDecimal, readDecimal } from "./number.js";

const NEGATIVE = 0x01;
const ZERO_TAG = 0x02;
const POSITIVE = 0x03;
const EXP_BIAS = 32768;

/** The order-preserving encoding of a key value (S, N or B). */
export function encodeKey(v: AttributeValue): Buffer {
  if ("S" in v) return Buffer.from(v.S, "utf8");
  if ("B" in v) return Buffer.from(v.B, "base64");
  if ("N" in v) return encodeNumber(v.N);
  throw new TypeError("key values are S, N or B");
}

/** The key value an encoding stands for. */
export function decodeKey(buf: Buffer, type: ScalarType): AttributeValue {
  if (type === "S") return { S: buf.toString("utf8") };
  if (type === "B") return { B: buf.toString("base64") };
  return { N: decodeNumber(buf) };
}

/** The order-preserving encoding of a number string. */
export function encodeNumber(text: string): Buffer {
  const d = readDecimal(text);
  if (!d) throw new TypeError(`not a number: ${text}`);
  if (d.sign === 0) return Buffer.from([ZERO_TAG]);
  const body = magnitudeBytes(d);
  if (d.sign > 0) return Buffer.concat([Buffer.from([POSITIVE]), body]);
  for (let i = 0; i < body.length; i++) body[i] = 0xff - (body[i] as number);
  return Buffer.concat([Buffer.from([NEGATIVE]), body, Buffer.from([0xff])]);
}

function magnitudeBytes(d: Decimal): Buffer {
  const body = Buffer.alloc(2 + Math.ceil(d.digits.length / 2));
  body.writeUInt16BE(d.point + EXP_BIAS, 0);
  for (let i = 0; i < d.digits.length; i += 2) {
    const high = d.digits.charCodeAt(i) - 47;
    const low = i + 1 < d.digits.length ? d.digits.charCodeAt(i + 1) - 47 : 0;
    body[2 + i / 2] = (high << 4) | low;
  }
  return body;
}

/** The canonical number string an encoding stands for. */
export function decodeNumber(buf: Buffer): string {
  const tag = buf[0];
  if (tag === ZERO_TAG) return "0";
  if (tag !== POSITIVE && tag !== NEGATIVE) throw new TypeError("not an encoded number");
  const body = Buffer.from(buf.subarray(1, tag === NEGATIVE ? buf.length - 1 : buf.length));
  if (tag === NEGATIVE) for (let i = 0; i < body.length; i++) body[i] = 0xff - (body[i] as number);
  let digits = "";
  for (let i = 2; i < body.length; i++) {
    const byte = body[i] as number;
    digits += String(((byte >> 4) & 0xf) - 1);
    if ((byte & 0xf) !== 0) digits += String((byte & 0xf) - 1);
  }
  return formatDecimal({ sign: tag === NEGATIVE ? -1 : 1, digits, point: body.readUInt16BE(0) - EXP_BIAS });
}

/** The smallest buffer greater than every buffer that starts with `prefix`; null if none. */
export function prefixEnd(prefix: Buffer): Buffer | null {
  let end = prefix.length;
  while (end > 0 && prefix[end - 1] === 0xff) end--;
  if (end === 0) return null;
  const out = Buffer.from(prefix.subarray(0, end));
  out[end - 1] = (out[end - 1] as number) + 1;
  return out;
}
