/**
 * Input checks that every service shares. Values arrive from the wire as decoded
 * JSON or form fields, so types are checked too; each failure is the AWS error with
 * AWS's wording ("Value X for parameter Y is invalid. Reason: …").
 */
import { InvalidParameterValue, MissingParameter } from "./errors.js";

/** A value as it may appear in an error message: at most 256 characters. */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > 256 ? `${text.slice(0, 256)}…` : text;
}

export function invalidValue(name: string, value: unknown, reason?: string): InvalidParameterValue {
  return new InvalidParameterValue(
    `Value ${show(value)} for parameter ${name} is invalid.${reason ? ` Reason: ${reason}` : ""}`,
  );
}

export function missing(name: string): MissingParameter {
  return new MissingParameter(`The request must contain the parameter ${name}.`);
}

export function requireString(value: unknown, name: string): string {
  if (value === undefined || value === null) throw missing(name);
  if (typeof value !== "string") throw invalidValue(name, value, "Must be a string.");
  return value;
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidValue(name, value, "Must be a string.");
  return value;
}

/** An integer in [min, max]; numeric strings are accepted, as the Query protocol sends them. */
export function optionalInt(value: unknown, name: string, min: number, max: number, reason?: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  const n = typeof value === "string" && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min || n > max) {
    throw invalidValue(name, value, reason ?? `Must be >= ${min} and <= ${max}, if provided.`);
  }
  return n;
}

export function requireInt(value: unknown, name: string, min: number, max: number, reason?: string): number {
  const n = optionalInt(value, name, min, max, reason);
  if (n === undefined) throw missing(name);
  return n;
}

export function optionalStringList(value: unknown, name: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw invalidValue(name, value, "Must be a list of strings.");
  }
  return value as string[];
}

export function optionalStringMap(value: unknown, name: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) throw invalidValue(name, value, "Must be a map.");
  for (const v of Object.values(value as Record<string, unknown>)) {
    if (typeof v !== "string") throw invalidValue(name, value, "Every value must be a string.");
  }
  return value as Record<string, string>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
