/**
 * The run-time half of event filtering: small predicates that compiled patterns are built
 * from. Everything here runs once per record per field, so it allocates nothing: numbers
 * are compared as scaled integers, IP addresses are parsed into one shared scratch buffer,
 * and arrays are scanned in place. Semantics follow AWS's event-ruler, the engine behind
 * EventBridge, Pipes and Lambda event filtering (see filter.ts for the sources).
 */

/** A leaf value of a JSON document. */
export type Scalar = string | number | boolean | null;
/** Does one leaf value satisfy a rule? */
export type ScalarTest = (value: Scalar) => boolean;
/** Does the value found under a key (undefined when the key is absent) satisfy a rule? */
export type FieldTest = (value: unknown) => boolean;
/** Does a whole object (or anything standing where one is expected) satisfy a pattern? */
export type ObjectTest = (value: unknown) => boolean;

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

// ---------------------------------------------------------------- numbers

/** Numeric matching covers -5e9..5e9 at six decimal places (event-ruler's ComparableNumber). */
export const NUMERIC_LIMIT = 5_000_000_000;
const SCALE = 1_000_000;

/** Whether a number takes part in numeric comparisons at all. */
export function isComparable(n: number): boolean {
  return n >= -NUMERIC_LIMIT && n <= NUMERIC_LIMIT;
}

/** The number as an integer count of millionths; exact for every comparable value (< 2^53). */
export function scaled(n: number): number {
  const s = Math.round(n * SCALE);
  return s === 0 ? 0 : s; // fold -0 into 0
}

/** Whether a pattern number has at most six decimal places. */
export function hasSixDecimalsAtMost(n: number): boolean {
  return Math.abs(scaled(n) / SCALE - n) <= Number.EPSILON * Math.max(1, Math.abs(n)) * 4;
}

/** A numeric range over scaled integers; bounds are inclusive unless `open`. */
export function numericRange(low: number, lowOpen: boolean, high: number, highOpen: boolean): ScalarTest {
  const lo = scaled(low);
  const hi = scaled(high);
  return (v) => {
    if (typeof v !== "number" || !isComparable(v)) return false;
    const s = scaled(v);
    return (lowOpen ? s > lo : s >= lo) && (highOpen ? s < hi : s <= hi);
  };
}

// ---------------------------------------------------------------- strings

/** Lower-casing both sides is how event-ruler folds case (Unicode-aware, locale-free). */
export function fold(text: string): string {
  return text.toLowerCase();
}

/** A compiled `wildcard` value: literal segments that `*` separated. */
export interface Wildcard {
  readonly segments: readonly string[];
}

/**
 * Parses a wildcard value. `*` matches any run of characters; `\*` and `\\` are a literal
 * asterisk and backslash; any other escape and `**` are errors (event-ruler's rules).
 * Returns a reason string when the value is malformed.
 */
export function parseWildcard(text: string): Wildcard | string {
  const segments: string[] = [];
  let current = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === "\\") {
      const next = text[i + 1];
      if (next !== "*" && next !== "\\") return `invalid escape at position ${i} (only \\* and \\\\ are allowed)`;
      current += next;
      i++;
    } else if (ch === "*") {
      if (text[i + 1] === "*") return `consecutive wildcard characters at position ${i}`;
      segments.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  segments.push(current);
  return { segments };
}

/** Glob matching without backtracking blow-up: anchored ends, leftmost middle segments. */
export function wildcardMatches(w: Wildcard, value: string): boolean {
  const seg = w.segments;
  const first = seg[0]!;
  if (seg.length === 1) return value === first;
  const last = seg[seg.length - 1]!;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let at = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < seg.length - 1; i++) {
    const part = seg[i]!;
    const found = value.indexOf(part, at);
    if (found < 0 || found + part.length > end) return false;
    at = found + part.length;
  }
  return true;
}

// ---------------------------------------------------------------- IP addresses

const scratch = new Uint8Array(16);

function parseIpv4Into(text: string, out: Uint8Array, offset: number): boolean {
  const parts = text.split(".");
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return false;
    const n = Number(p);
    if (n > 255) return false;
    out[offset + i] = n;
  }
  return true;
}

function parseGroups(text: string, into: number[]): boolean {
  if (text === "") return true;
  for (const g of text.split(":")) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return false;
    into.push(parseInt(g, 16));
  }
  return true;
}

/** Rewrites a trailing dotted quad ("::ffff:1.2.3.4") as two hex groups. */
function hexTail(text: string): string | undefined {
  const lastColon = text.lastIndexOf(":");
  if (!text.includes(".", lastColon)) return text;
  const quad = new Uint8Array(4);
  if (!parseIpv4Into(text.slice(lastColon + 1), quad, 0)) return undefined;
  const hi = ((quad[0]! << 8) | quad[1]!).toString(16);
  const lo = ((quad[2]! << 8) | quad[3]!).toString(16);
  return `${text.slice(0, lastColon + 1)}${hi}:${lo}`;
}

function parseIpv6Into(text: string, out: Uint8Array): boolean {
  const hex = hexTail(text);
  if (hex === undefined) return false;
  const halves = hex.split("::");
  if (halves.length > 2) return false;
  const head: number[] = [];
  const tail: number[] = [];
  if (!parseGroups(halves[0]!, head) || !parseGroups(halves[1] ?? "", tail)) return false;
  const compressed = halves.length === 2;
  if (compressed ? head.length + tail.length > 7 : head.length !== 8) return false;
  out.fill(0);
  head.forEach((g, i) => writeGroup(out, i, g));
  tail.forEach((g, i) => writeGroup(out, 8 - tail.length + i, g));
  return true;
}

function writeGroup(out: Uint8Array, index: number, group: number): void {
  out[index * 2] = group >> 8;
  out[index * 2 + 1] = group & 0xff;
}

/** Parses an IPv4 or IPv6 address into `out`; returns its length in bytes, or 0. */
export function parseIp(text: string, out: Uint8Array = scratch): 0 | 4 | 16 {
  if (text.includes(":")) return parseIpv6Into(text, out) ? 16 : 0;
  return parseIpv4Into(text, out, 0) ? 4 : 0;
}

/** A compiled `cidr` block, or the reason it is malformed. */
export function parseCidr(text: string): ScalarTest | string {
  const slash = text.indexOf("/");
  if (slash < 0) return "a CIDR block needs a prefix length (for example 10.0.0.0/24)";
  const network = new Uint8Array(16);
  const size = parseIp(text.slice(0, slash), network);
  const lengthText = text.slice(slash + 1);
  const bits = Number(lengthText);
  if (size === 0 || !/^\d{1,3}$/.test(lengthText) || bits > size * 8) return `"${text}" is not a valid CIDR block`;
  return (v) => {
    if (typeof v !== "string" || parseIp(v) !== size) return false;
    return samePrefix(network, scratch, bits);
  };
}

function samePrefix(a: Uint8Array, b: Uint8Array, bits: number): boolean {
  const whole = bits >> 3;
  for (let i = 0; i < whole; i++) if (a[i] !== b[i]) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

// ---------------------------------------------------------------- walking values

function isScalar(v: unknown): v is Scalar {
  const t = typeof v;
  return v === null || t === "string" || t === "number" || t === "boolean";
}

const NO_LEAVES = 0;
const NO_MATCH = 1;
const MATCH = 2;

/** Scans an array (nested arrays are flattened, as event-ruler does) for a matching leaf. */
function scanLeaves(values: readonly unknown[], test: ScalarTest): number {
  let result = NO_LEAVES;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Array.isArray(v)) {
      const inner = scanLeaves(v, test);
      if (inner === MATCH) return MATCH;
      if (inner === NO_MATCH) result = NO_MATCH;
    } else if (isScalar(v)) {
      if (test(v)) return MATCH;
      result = NO_MATCH;
    }
  }
  return result;
}

/** Scans an array for an object element that satisfies a nested pattern. */
function scanObjects(values: readonly unknown[], test: ObjectTest): number {
  let result = NO_LEAVES;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Array.isArray(v)) {
      const inner = scanObjects(v, test);
      if (inner === MATCH) return MATCH;
      if (inner === NO_MATCH) result = NO_MATCH;
    } else if (typeof v === "object" && v !== null) {
      if (test(v)) return MATCH;
      result = NO_MATCH;
    }
  }
  return result;
}

/**
 * A leaf rule applied to whatever sits under its key. Only leaves count as present: an
 * absent key, an object, or an array without leaves all satisfy `exists: false` only.
 */
export function leafField(test: ScalarTest, ifPresent: boolean, ifAbsent: boolean): FieldTest {
  return (value) => {
    if (value === undefined) return ifAbsent;
    if (Array.isArray(value)) {
      const r = scanLeaves(value, test);
      return r === MATCH || (r === NO_MATCH ? ifPresent : ifAbsent);
    }
    if (!isScalar(value)) return ifAbsent;
    return ifPresent || test(value);
  };
}

/**
 * A nested pattern applied to whatever sits under its key. Against an array it must hold for
 * one element as a whole (array-consistent matching: fields from different elements never
 * combine); with no object to look into, the nested fields all count as absent.
 */
export function nestedField(test: ObjectTest): FieldTest {
  return (value) => {
    if (Array.isArray(value)) {
      const r = scanObjects(value, test);
      return r === MATCH || (r === NO_LEAVES && test(undefined));
    }
    return test(value);
  };
}

/**
 * All keyed fields hold and every `$or` group has a branch that holds. Only own properties
 * count; the own-property check is paid only for keys that Object.prototype also has.
 */
export function objectTest(keys: readonly string[], fields: readonly FieldTest[], ors: readonly (readonly ObjectTest[])[]): ObjectTest {
  const inherited = keys.map((key) => key in Object.prototype);
  return (value) => {
    const obj = typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : EMPTY;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const v = obj[key];
      if (!fields[i]!(v !== undefined && inherited[i] && !Object.hasOwn(obj, key) ? undefined : v)) return false;
    }
    for (let g = 0; g < ors.length; g++) {
      if (!anyHolds(ors[g]!, value)) return false;
    }
    return true;
  };
}

export function anyHolds(tests: readonly ObjectTest[], value: unknown): boolean {
  for (let i = 0; i < tests.length; i++) if (tests[i]!(value)) return true;
  return false;
}

/**
 * Lambda's rule for the data key (`body` for SQS, `data` for Kinesis): a JSON pattern never
 * matches data that is not JSON, and a plain-value pattern never matches JSON data.
 */
export function dataKeyGuard(field: FieldTest, expectsJson: boolean): FieldTest {
  return (value) => {
    if (value === undefined) return field(value);
    const isJson = typeof value === "object" && value !== null;
    return isJson === expectsJson && field(value);
  };
}
