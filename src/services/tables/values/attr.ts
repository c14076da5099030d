/**
 * Small helpers over AttributeValues: the `type` of a value is its single wire key
 * (S, N, B, SS, NS, BS, M, L, NULL, BOOL). Records built here inherit nothing, and
 * reads go through `own` so a key such as `__proto__` is only ever an attribute name.
 */
import type { AttributeValue } from "../types.js";

export const ATTRIBUTE_TYPES = ["S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"] as const;
export type AttributeType = (typeof ATTRIBUTE_TYPES)[number];

/** The wire key that carries a value. */
export function typeOf(v: AttributeValue): AttributeType {
  if ("S" in v) return "S";
  if ("N" in v) return "N";
  if ("B" in v) return "B";
  if ("SS" in v) return "SS";
  if ("NS" in v) return "NS";
  if ("BS" in v) return "BS";
  if ("M" in v) return "M";
  if ("L" in v) return "L";
  if ("NULL" in v) return "NULL";
  return "BOOL";
}

/**
 * Instances inherit nothing (their prototype's prototype is null), so `__proto__` is an
 * ordinary key; unlike `Object.create(null)` records, V8 keeps them in fast mode, which
 * makes building, reading and JSON.stringify of items cheaper.
 */
function NullRecord(): void {}
NullRecord.prototype = Object.create(null) as object;

/** An empty record that inherits nothing, safe for any key. */
export function emptyRecord<T>(): Record<string, T> {
  return new (NullRecord as unknown as new () => Record<string, T>)();
}

/** The record's own entry under `key`, never an inherited one. */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** A copy of `record` that inherits nothing. */
export function copyRecord<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out = emptyRecord<T>();
  for (const key of Object.keys(record)) out[key] = record[key] as T;
  return out;
}

/** The elements of a set value, or undefined when `v` is not a set. */
export function setElements(v: AttributeValue): readonly string[] | undefined {
  if ("SS" in v) return v.SS;
  if ("NS" in v) return v.NS;
  if ("BS" in v) return v.BS;
  return undefined;
}

/** A set value of the given set type. */
export function makeSet(type: "SS" | "NS" | "BS", elements: readonly string[]): AttributeValue {
  if (type === "SS") return { SS: elements };
  if (type === "NS") return { NS: elements };
  return { BS: elements };
}

/** The set type of a value, or undefined when it is not a set. */
export function setTypeOf(v: AttributeValue): "SS" | "NS" | "BS" | undefined {
  if ("SS" in v) return "SS";
  if ("NS" in v) return "NS";
  if ("BS" in v) return "BS";
  return undefined;
}
