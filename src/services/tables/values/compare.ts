/**
 * Comparing AttributeValues as DynamoDB does. Scalars (S, N, B) order within their own
 * type: numbers numerically, strings by their UTF-8 bytes (JavaScript's UTF-16 order
 * differs above U+FFFF), binary by bytes. Equality is deep: sets ignore order, numbers
 * compare by value, maps ignore key order.
 */
import type { AttributeValue } from "../types.js";
import { own, setElements, typeOf } from "./attr.js";
import { compareNumbers, formatDecimal, readDecimal } from "./number.js";

/** Order of two scalars of the same type, or null when they cannot be ordered. */
export function compareScalars(a: AttributeValue, b: AttributeValue): number | null {
  if ("N" in a && "N" in b) return Math.sign(compareNumbers(a.N, b.N));
  if ("S" in a && "S" in b) return compareStrings(a.S, b.S);
  if ("B" in a && "B" in b) return Buffer.compare(Buffer.from(a.B, "base64"), Buffer.from(b.B, "base64"));
  return null;
}

/** Strings in UTF-8 byte order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}

/** Deep equality with DynamoDB's meaning: same type and same value. */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
  const type = typeOf(a);
  if (type !== typeOf(b)) return false;
  if ("S" in a || "N" in a || "B" in a) return compareScalars(a, b) === 0;
  if ("BOOL" in a && "BOOL" in b) return a.BOOL === b.BOOL;
  if ("NULL" in a) return true;
  if ("L" in a && "L" in b) return a.L.length === b.L.length && a.L.every((v, i) => valuesEqual(v, b.L[i] as AttributeValue));
  if ("M" in a && "M" in b) return mapsEqual(a.M, b.M);
  return setsEqual(type, setElements(a) ?? [], setElements(b) ?? []);
}

function mapsEqual(a: Readonly<Record<string, AttributeValue>>, b: Readonly<Record<string, AttributeValue>>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => {
    const other = own(b, k);
    return other !== undefined && valuesEqual(a[k] as AttributeValue, other);
  });
}

function setsEqual(type: string, a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const key = setElementKey(type);
  const have = new Set(a.map(key));
  return b.every((e) => have.has(key(e)));
}

/** A text that is equal for equal set elements of the given set type. */
export function setElementKey(type: string): (e: string) => string {
  if (type === "NS") return (e) => normalNumberKey(e);
  if (type === "BS") return (e) => Buffer.from(e, "base64").toString("hex");
  return (e) => e;
}

function normalNumberKey(text: string): string {
  // Stored numbers are canonical already; comparing by value guards against raw input.
  const d = readDecimal(text);
  return d ? formatDecimal(d) : text;
}
