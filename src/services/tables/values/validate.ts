/**
 * Checks AttributeValues and items arriving on the wire and returns fresh copies with
 * numbers in canonical form (sets keep the caller's order). A value carries exactly one
 * datatype key; sets are non-empty and duplicate-free (NS compared numerically); B and
 * BS hold base64; NULL is `true`; M and L nest at most 32 levels deep. `member` names the
 * request field for messages about wrongly typed JSON.
 */
import { ValidationException } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { ATTRIBUTE_TYPES, emptyRecord } from "./attr.js";
import { canonicalNumber } from "./number.js";

export const MAX_NESTING = 32;

const INVALID = "One or more parameter values were invalid: ";

export const ValueMessages = {
  empty: `${INVALID}Supplied AttributeValue is empty, must contain exactly one of the supported datatypes`,
  many: `${INVALID}Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes`,
  emptySS: `${INVALID}An string set  may not be empty`,
  emptyNS: `${INVALID}An number set  may not be empty`,
  emptyBS: `${INVALID}Binary sets should not be empty`,
  nullFalse: `${INVALID}Null attribute value types must have the value of true`,
  nesting: "Nesting Levels have exceeded supported limits",
  nsElement: "The parameter cannot be converted to a numeric value",
} as const;

/** A validated, canonical copy of an item. */
export function validateItem(raw: unknown, member: string): Item {
  if (!isPlainObject(raw)) throw new ValidationException(`${member} must be a map of attribute names to AttributeValues`);
  const out = emptyRecord<AttributeValue>();
  for (const name of Object.keys(raw)) out[name] = quickValue(raw[name], 0) ?? checkValue(raw[name], `${member}.${name}`, 0);
  return out;
}

/** A validated, canonical copy of one AttributeValue. */
export function validateValue(raw: unknown, member: string): AttributeValue {
  return quickValue(raw, 0) ?? checkValue(raw, member, 0);
}

function isPlainObject(raw: unknown): raw is Record<string, unknown> {
  return typeof raw === "object" && raw !== null && !Array.isArray(raw);
}

/**
 * The common case, checked without building member paths for messages: a value with
 * exactly one member, of type S, N, BOOL, NULL, M or L (nested the same way). Anything
 * else, including every invalid value, is undefined: checkValue then decides, with
 * the message naming the member.
 */
function quickValue(raw: unknown, depth: number): AttributeValue | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  let type: string | undefined;
  for (const key in raw) {
    if (type !== undefined || !Object.prototype.hasOwnProperty.call(raw, key)) return undefined;
    type = key;
  }
  const body = (raw as Record<string, unknown>)[type ?? ""];
  switch (type) {
    case "S": return typeof body === "string" ? { S: body } : undefined;
    case "N": return typeof body === "string" ? { N: canonicalNumber(body) } : undefined;
    case "BOOL": return typeof body === "boolean" ? { BOOL: body } : undefined;
    case "NULL": return body === true ? { NULL: true } : undefined;
    case "M": return depth + 1 > MAX_NESTING ? undefined : quickMap(body, depth + 1);
    case "L": return depth + 1 > MAX_NESTING ? undefined : quickList(body, depth + 1);
    default: return undefined;
  }
}

function quickMap(body: unknown, depth: number): AttributeValue | undefined {
  if (!isPlainObject(body)) return undefined;
  const out = emptyRecord<AttributeValue>();
  for (const key of Object.keys(body)) {
    const v = quickValue(body[key], depth);
    if (v === undefined) return undefined;
    out[key] = v;
  }
  return { M: out };
}

function quickList(body: unknown, depth: number): AttributeValue | undefined {
  if (!Array.isArray(body)) return undefined;
  const out: AttributeValue[] = new Array<AttributeValue>(body.length);
  for (let i = 0; i < body.length; i++) {
    const v = quickValue(body[i], depth);
    if (v === undefined) return undefined;
    out[i] = v;
  }
  return { L: out };
}

function checkValue(raw: unknown, member: string, depth: number): AttributeValue {
  if (!isPlainObject(raw)) throw new ValidationException(`${member} must be an AttributeValue object`);
  // Members set to null count as absent, as in the AWS JSON protocol; unknown ones are ignored.
  const present = ATTRIBUTE_TYPES.filter((t) => Object.prototype.hasOwnProperty.call(raw, t) && raw[t] !== null && raw[t] !== undefined);
  const type = present[0];
  if (type === undefined) throw new ValidationException(ValueMessages.empty);
  if (present.length > 1) throw new ValidationException(ValueMessages.many);
  const body = raw[type];
  const at = `${member}.${type}`;
  switch (type) {
    case "S": return { S: str(body, at) };
    case "N": return { N: canonicalNumber(str(body, at)) };
    case "B": return { B: base64(body, at) };
    case "SS": return { SS: checkSet(strings(body, at), ValueMessages.emptySS, (s) => s) };
    case "NS": return { NS: checkNumberSet(strings(body, at)) };
    case "BS": return { BS: checkSet(strings(body, at).map((s) => base64(s, at)), ValueMessages.emptyBS, binaryKey) };
    case "NULL": return checkNull(body, at);
    case "BOOL": return { BOOL: bool(body, at) };
    case "M": return { M: checkMap(body, at, depth + 1) };
    case "L": return { L: checkList(body, at, depth + 1) };
  }
}

function checkMap(body: unknown, member: string, depth: number): Record<string, AttributeValue> {
  if (depth > MAX_NESTING) throw new ValidationException(ValueMessages.nesting);
  if (!isPlainObject(body)) throw new ValidationException(`${member} must be a map of AttributeValues`);
  const out = emptyRecord<AttributeValue>();
  for (const key of Object.keys(body)) out[key] = quickValue(body[key], depth) ?? checkValue(body[key], `${member}.${key}`, depth);
  return out;
}

function checkList(body: unknown, member: string, depth: number): AttributeValue[] {
  if (depth > MAX_NESTING) throw new ValidationException(ValueMessages.nesting);
  if (!Array.isArray(body)) throw new ValidationException(`${member} must be a list of AttributeValues`);
  return body.map((v: unknown, i) => quickValue(v, depth) ?? checkValue(v, `${member}.${i + 1}`, depth));
}

function checkNull(body: unknown, member: string): AttributeValue {
  if (bool(body, member)) return { NULL: true };
  throw new ValidationException(ValueMessages.nullFalse);
}

/** NS elements become canonical; duplicates are found by numeric value. */
function checkNumberSet(elements: string[]): string[] {
  const canonical = elements.map((e) => canonicalNumber(e, `${ValueMessages.nsElement}: ${e}`));
  checkSet(canonical, ValueMessages.emptyNS, (s) => s, elements);
  return canonical;
}

function checkSet(elements: string[], emptyMessage: string, key: (s: string) => string, shown: string[] = elements): string[] {
  if (elements.length === 0) throw new ValidationException(emptyMessage);
  const seen = new Set<string>();
  for (const e of elements) {
    const k = key(e);
    if (seen.has(k)) throw new ValidationException(`${INVALID}Input collection [${shown.join(", ")}] contains duplicates.`);
    seen.add(k);
  }
  return elements;
}

function str(body: unknown, member: string): string {
  if (typeof body !== "string") throw new ValidationException(`${member} must be a string`);
  return body;
}

function strings(body: unknown, member: string): string[] {
  if (!Array.isArray(body)) throw new ValidationException(`${member} must be a list of strings`);
  return body.map((e: unknown) => str(e, member));
}

function bool(body: unknown, member: string): boolean {
  if (typeof body !== "boolean") throw new ValidationException(`${member} must be a boolean`);
  return body;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Binary travels as standard padded base64; anything else is rejected rather than guessed at. */
function base64(body: unknown, member: string): string {
  const text = str(body, member);
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new ValidationException(`${member} must be base64-encoded binary`);
  return text;
}

/** Whether a base64 text is acceptable binary (standard alphabet, padded). */
export function isBase64(text: string): boolean {
  return text.length % 4 === 0 && BASE64.test(text);
}

function binaryKey(text: string): string {
  return Buffer.from(text, "base64").toString("hex");
}
