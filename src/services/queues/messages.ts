/**
 * Message contents: body and attribute validation with SQS's rules and wording, the
 * MD5 digests SQS returns (SDKs verify them), and the stored form of attributes.
 */
import { createHash } from "node:crypto";
import { InvalidParameterValue } from "../../core/errors.js";
import { isPlainObject, missing } from "../../core/validate.js";
import { InvalidMessageContents } from "./errors.js";
import type { MessageAttributeMap, MessageAttributeValue } from "./types.js";

/** Characters SQS accepts in bodies and string values (XML 1.0 characters). */
const INVALID_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_.-]+$/;
const RESERVED_PREFIX = /^(aws\.|amazon\.)/i;
export const MAX_ATTRIBUTES = 10;

export function md5Hex(data: string | Uint8Array): string {
  return createHash("md5").update(data).digest("hex");
}

export function checkBody(body: unknown): string {
  if (body === undefined || body === null || body === "") throw missing("MessageBody");
  if (typeof body !== "string") throw new InvalidParameterValue("Value for parameter MessageBody is invalid. Reason: Must be a string.");
  if (INVALID_CHAR.test(body)) {
    throw new InvalidMessageContents(
      "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF",
    );
  }
  return body;
}

function toBytes(value: unknown): Uint8Array | null {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return Buffer.from(value, "base64");
  return null;
}

const MAX_DIGITS = 38;

function isSqsNumber(text: string): boolean {
  const m = /^[+-]?(\d+(?:\.\d*)?|\.\d+)(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m?.[1]) return false;
  const digits = m[1].replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  if (digits.length > MAX_DIGITS) return false;
  const value = Math.abs(Number(text));
  return value === 0 || (value >= 1e-128 && value <= 1e126);
}

function attrError(message: string): InvalidParameterValue {
  return new InvalidParameterValue(message);
}

function checkName(name: string, kind: string): void {
  if (!name) throw attrError(`The request must contain non-empty message ${kind} attribute names.`);
  if (Buffer.byteLength(name) > 256) throw attrError(`Message ${kind} attribute name must be shorter than 256 bytes.`);
  if (RESERVED_PREFIX.test(name)) {
    throw attrError(
      "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.",
    );
  }
  if (!ATTRIBUTE_NAME.test(name) || name.startsWith(".") || name.endsWith(".") || name.includes("..")) {
    throw attrError(
      `Message ${kind} attribute name '${name}' is invalid. Names may contain A-Z, a-z, 0-9, underscore, hyphen and period, and may not start or end with a period or contain two in a row.`,
    );
  }
}

/** Validates one attribute; returns its size in bytes as SQS counts it. */
function checkAttribute(name: string, raw: unknown, kind: string): number {
  checkName(name, kind);
  if (!isPlainObject(raw)) throw attrError(`The message ${kind} attribute '${name}' must contain a non-empty message attribute value.`);
  const v = raw as Partial<MessageAttributeValue>;
  if (v.StringListValues !== undefined || v.BinaryListValues !== undefined) {
    throw attrError("Message attribute list values in SendMessage operation are not supported.");
  }
  const type = v.DataType;
  if (typeof type !== "string" || !type) throw attrError(`The message ${kind} attribute '${name}' must contain a non-empty message attribute type.`);
  if (Buffer.byteLength(type) > 256) throw attrError(`Message ${kind} attribute type must be shorter than 256 bytes.`);
  const base = type.split(".", 1)[0];
  if ((base !== "String" && base !== "Number" && base !== "Binary") || (type.includes(".") && type.length <= base.length + 1)) {
    throw attrError(
      `The type of message ${kind} attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
    );
  }
  if (base === "Binary") {
    const bytes = toBytes(v.BinaryValue);
    if (!bytes || bytes.length === 0) throw attrError(`Message ${kind} attribute '${name}' must contain a non-empty value of type 'Binary'.`);
    return Buffer.byteLength(name) + Buffer.byteLength(type) + bytes.length;
  }
  const s = v.StringValue;
  if (typeof s !== "string" || s === "") throw attrError(`Message ${kind} attribute '${name}' must contain a non-empty value of type '${base}'.`);
  if (INVALID_CHAR.test(s)) throw new InvalidMessageContents(`Message ${kind} attribute '${name}' contains invalid characters.`);
  if (base === "Number" && !isSqsNumber(s)) throw attrError(`Can't cast the value of message ${kind} attribute '${name}' to a number.`);
  return Buffer.byteLength(name) + Buffer.byteLength(type) + Buffer.byteLength(s);
}

/** Validates user message attributes; returns their total size in bytes. */
export function checkMessageAttributes(attrs: unknown): number {
  if (attrs === undefined || attrs === null) return 0;
  if (!isPlainObject(attrs)) throw attrError("Value for parameter MessageAttributes is invalid. Reason: Must be a map.");
  const names = Object.keys(attrs);
  if (names.length > MAX_ATTRIBUTES) {
    throw attrError(`Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_ATTRIBUTES}].`);
  }
  return names.reduce((size, n) => size + checkAttribute(n, attrs[n], "(user)"), 0);
}

/** Only AWSTraceHeader (a String) may be sent as a system attribute; its size is not counted. */
export function checkSystemAttributes(attrs: unknown): void {
  if (attrs === undefined || attrs === null) return;
  if (!isPlainObject(attrs)) throw attrError("Value for parameter MessageSystemAttributes is invalid. Reason: Must be a map.");
  for (const [name, value] of Object.entries(attrs)) {
    if (name !== "AWSTraceHeader") throw attrError(`Message system attribute name '${name}' is invalid.`);
    checkAttribute(name, value, "system");
    if ((value as MessageAttributeValue).DataType !== "String") {
      throw attrError(`The type of message system attribute '${name}' is invalid. Must be String.`);
    }
  }
}

function lengthPrefixed(parts: Buffer[], data: Buffer): void {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length, 0);
  parts.push(len, data);
}

/** SQS's digest of message attributes: names sorted, each field length-prefixed. */
export function md5OfAttributes(attrs: MessageAttributeMap | undefined): string | undefined {
  if (!attrs) return undefined;
  const names = Object.keys(attrs).sort();
  if (!names.length) return undefined;
  const parts: Buffer[] = [];
  for (const name of names) {
    const v = attrs[name];
    if (!v) continue;
    lengthPrefixed(parts, Buffer.from(name, "utf8"));
    lengthPrefixed(parts, Buffer.from(v.DataType, "utf8"));
    const binary = v.DataType.startsWith("Binary");
    parts.push(Buffer.from([binary ? 2 : 1]));
    const bytes = binary ? toBytes(v.BinaryValue) : null;
    lengthPrefixed(parts, bytes ? Buffer.from(bytes) : Buffer.from(v.StringValue ?? "", "utf8"));
  }
  return md5Hex(Buffer.concat(parts));
}

interface StoredAttribute {
  t: string;
  s?: string;
  b?: string;
}

/** The stored (JSON) form of attributes: binary values as base64. */
export function encodeAttributes(attrs: MessageAttributeMap | undefined): string | null {
  if (!attrs || !Object.keys(attrs).length) return null;
  const out: Record<string, StoredAttribute> = Object.create(null) as Record<string, StoredAttribute>;
  for (const [name, v] of Object.entries(attrs)) {
    const bytes = v.DataType.startsWith("Binary") ? toBytes(v.BinaryValue) : null;
    out[name] = bytes ? { t: v.DataType, b: Buffer.from(bytes).toString("base64") } : { t: v.DataType, s: v.StringValue ?? "" };
  }
  return JSON.stringify(out);
}

export function decodeAttributes(json: string | null): MessageAttributeMap {
  if (!json) return {};
  const stored = JSON.parse(json) as Record<string, StoredAttribute>;
  // Null-prototype maps: "__proto__" is a legal attribute name and must stay data.
  const out: MessageAttributeMap = Object.create(null) as MessageAttributeMap;
  for (const [name, a] of Object.entries(stored)) {
    out[name] = a.b !== undefined ? { DataType: a.t, BinaryValue: Buffer.from(a.b, "base64") } : { DataType: a.t, StringValue: a.s ?? "" };
  }
  return out;
}

/** The attributes a receive asked for: `All`, `.*`, exact names, or prefixes such as `foo.*`. */
export function selectAttributes(attrs: MessageAttributeMap, wanted: readonly string[] | undefined): MessageAttributeMap {
  if (!wanted?.length) return {};
  if (wanted.includes("All") || wanted.includes(".*")) return attrs;
  const out: MessageAttributeMap = Object.create(null) as MessageAttributeMap;
  for (const [name, v] of Object.entries(attrs)) {
    const hit = wanted.some((w) => (w.endsWith(".*") ? name.startsWith(w.slice(0, -2)) : name === w));
    if (hit) out[name] = v;
  }
  return out;
}
