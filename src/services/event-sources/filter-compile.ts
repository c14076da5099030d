/**
 * Turns one parsed filter pattern into a tree of closures, validating as it goes the way
 * event-ruler's JsonRuleCompiler does (empty arrays and objects, unknown operators, malformed
 * numeric ranges, ...). A pattern is compiled once per event source mapping; the closures
 * then run per record without re-reading the pattern.
 */
import { ServiceError } from "../../core/errors.js";
import {
  NUMERIC_LIMIT, dataKeyGuard, fold, hasSixDecimalsAtMost, isComparable, leafField, nestedField, numericRange,
  objectTest, parseCidr, parseWildcard, scaled, wildcardMatches,
  type FieldTest, type ObjectTest, type Scalar, type ScalarTest,
} from "./filter-match.js";

/**
 * "lambda": Lambda's operators (EventBridge's "Pipe support" column) and its data-key rules;
 * "eventbridge": the full event-bus operator set, no data-key rules.
 */
export type FilterDialect = "lambda" | "eventbridge";

export interface PatternContext {
  readonly dialect: FilterDialect;
  /** Where the pattern came from, for messages ("Filters[0].Pattern"). */
  readonly where: string;
  /** Top-level keys whose pattern must be a JSON object (the data key of stream sources). */
  readonly jsonOnlyKeys: ReadonlySet<string>;
}

const OPERATORS = new Set(["prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr", "wildcard"]);
/** Top-level keys Lambda parses as JSON when the data is JSON (SQS body, Kinesis data). */
const DATA_KEYS = new Set(["body", "data"]);

/** Lambda's answer to any malformed filter ("Invalid filter pattern definition."), with the reason. */
export function invalidFilter(detail: string): ServiceError {
  return new ServiceError("InvalidParameterValueException", `Invalid filter pattern definition. ${detail}`);
}

function fail(ctx: PatternContext, path: readonly string[], detail: string): never {
  const at = path.length ? ` at "${path.join(".")}"` : "";
  throw invalidFilter(`${ctx.where}${at}: ${detail}.`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

/** Compiles a parsed pattern; the pattern must be a non-empty JSON object. */
export function compilePattern(pattern: unknown, ctx: PatternContext): ObjectTest {
  if (!isPlainObject(pattern)) fail(ctx, [], `must be a JSON object, got ${show(pattern)}`);
  return compileObject(pattern, ctx, [], true, false);
}

function compileObject(obj: Record<string, unknown>, ctx: PatternContext, path: string[], top: boolean, inOr: boolean): ObjectTest {
  const keys: string[] = [];
  const fields: FieldTest[] = [];
  const ors: ObjectTest[][] = [];
  const names = Object.keys(obj);
  if (names.length === 0) fail(ctx, path, "empty objects are not allowed");
  for (const key of names) {
    const value = obj[key];
    if (key === "$or") {
      ors.push(compileOr(value, ctx, path, top));
      continue;
    }
    if (inOr && OPERATORS.has(key)) fail(ctx, path, `"${key}" is an operator and cannot be a field name inside "$or"`);
    const at = [...path, key];
    let field = compileField(value, ctx, at, inOr);
    if (top) field = guardTopLevel(key, value, field, ctx, at);
    keys.push(key);
    fields.push(field);
  }
  return objectTest(keys, fields, ors);
}

function guardTopLevel(key: string, value: unknown, field: FieldTest, ctx: PatternContext, at: string[]): FieldTest {
  const expectsJson = isPlainObject(value);
  if (ctx.jsonOnlyKeys.has(key) && !expectsJson) {
    fail(ctx, at, `the "${key}" pattern must be a JSON object for this event source, because its data is matched as JSON`);
  }
  return ctx.dialect === "lambda" && DATA_KEYS.has(key) ? dataKeyGuard(field, expectsJson) : field;
}

function compileOr(value: unknown, ctx: PatternContext, path: string[], top: boolean): ObjectTest[] {
  if (!Array.isArray(value)) fail(ctx, path, `"$or" must be an array of at least 2 objects, got ${show(value)}`);
  if (value.length < 2) fail(ctx, path, `"$or" must list at least 2 objects, got ${value.length}`);
  return value.map((branch) => {
    if (!isPlainObject(branch)) fail(ctx, path, `"$or" may only contain objects, got ${show(branch)}`);
    return compileObject(branch, ctx, path, top, true);
  });
}

function compileField(value: unknown, ctx: PatternContext, path: string[], inOr: boolean): FieldTest {
  if (Array.isArray(value)) return compileLeaf(value, ctx, path);
  if (isPlainObject(value)) return nestedField(compileObject(value, ctx, path, false, inOr));
  return fail(ctx, path, `a field's rule must be an array of values or a nested object, got ${show(value)}`);
}

// ---------------------------------------------------------------- leaf rules

/** The alternatives of one leaf rule, gathered before they are fused into one test. */
interface Alternatives {
  readonly strings: Set<string>;
  readonly numbers: Set<number>;
  readonly scaledNumbers: Set<number>;
  readonly tests: ScalarTest[];
  matchTrue: boolean;
  matchFalse: boolean;
  matchNull: boolean;
  ifPresent: boolean;
  ifAbsent: boolean;
}

function compileLeaf(values: unknown[], ctx: PatternContext, path: string[]): FieldTest {
  if (values.length === 0) fail(ctx, path, "empty arrays are not allowed");
  const alt: Alternatives = {
    strings: new Set(), numbers: new Set(), scaledNumbers: new Set(), tests: [],
    matchTrue: false, matchFalse: false, matchNull: false, ifPresent: false, ifAbsent: false,
  };
  for (const v of values) addAlternative(alt, v, ctx, path);
  return leafField(fuse(alt), alt.ifPresent, alt.ifAbsent);
}

function addAlternative(alt: Alternatives, v: unknown, ctx: PatternContext, path: string[]): void {
  if (typeof v === "string") alt.strings.add(v);
  else if (typeof v === "number") addNumber(alt, v);
  else if (v === true) alt.matchTrue = true;
  else if (v === false) alt.matchFalse = true;
  else if (v === null) alt.matchNull = true;
  else if (isPlainObject(v)) addOperator(alt, v, ctx, path);
  else fail(ctx, path, `match values must be strings, numbers, true, false, null or operator objects, got ${show(v)}`);
}

/** A number matches its own literal and, when comparable, any equal number (5 and 5.0). */
function addNumber(alt: Alternatives, n: number): void {
  alt.numbers.add(n);
  if (isComparable(n) && hasSixDecimalsAtMost(n)) alt.scaledNumbers.add(scaled(n));
}

/** Fuses the alternatives into one test, skipping the kinds of value the rule never names. */
function fuse(alt: Alternatives): ScalarTest {
  const { strings, numbers, scaledNumbers, tests, matchTrue, matchFalse, matchNull } = alt;
  const hasStrings = strings.size > 0;
  const hasNumbers = numbers.size > 0;
  const hasLiterals = hasNumbers || matchTrue || matchFalse || matchNull;
  if (!hasStrings && !hasLiterals) return anyTest(tests);
  if (!hasLiterals && tests.length === 0) return (v) => typeof v === "string" && strings.has(v);
  return (v: Scalar) => {
    if (typeof v === "string") {
      if (hasStrings && strings.has(v)) return true;
    } else if (typeof v === "number") {
      if (hasNumbers && (numbers.has(v) || (isComparable(v) && scaledNumbers.has(scaled(v))))) return true;
    } else if (v === null) {
      if (matchNull) return true;
    } else if (v ? matchTrue : matchFalse) {
      return true;
    }
    for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
    return false;
  };
}

function anyTest(tests: readonly ScalarTest[]): ScalarTest {
  if (tests.length === 0) return () => false;
  if (tests.length === 1) return tests[0]!;
  return (v) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(v)) return true;
    return false;
  };
}

function addOperator(alt: Alternatives, obj: Record<string, unknown>, ctx: PatternContext, path: string[]): void {
  const names = Object.keys(obj);
  if (names.length !== 1) fail(ctx, path, `an operator object takes exactly one operator, got ${show(obj)}`);
  const op = names[0]!;
  const value = obj[op];
  switch (op) {
    case "exists":
      if (typeof value !== "boolean") fail(ctx, path, `"exists" takes true or false, got ${show(value)}`);
      if (value) alt.ifPresent = true;
      else alt.ifAbsent = true;
      return;
    case "prefix":
    case "suffix":
      alt.tests.push(affixTest(op, value, ctx, path));
      return;
    case "equals-ignore-case":
      alt.tests.push(equalsIgnoreCase(requireString(op, value, ctx, path)));
      return;
    case "anything-but":
      alt.tests.push(compileAnythingBut(value, ctx, path));
      return;
    case "numeric":
      alt.tests.push(compileNumeric(value, ctx, path));
      return;
    case "cidr":
      alt.tests.push(compileCidr(value, ctx, path));
      return;
    case "wildcard":
      requireEventBus(op, ctx, path);
      alt.tests.push(wildcardTest(requireString(op, value, ctx, path), ctx, path));
      return;
    default:
      fail(ctx, path, `unknown operator "${op}" (supported: ${supportedOperators(ctx)})`);
  }
}

function supportedOperators(ctx: PatternContext): string {
  const ops = [...OPERATORS].filter((op) => ctx.dialect === "eventbridge" || op !== "wildcard");
  return ops.map((op) => `"${op}"`).join(", ");
}

function requireEventBus(what: string, ctx: PatternContext, path: string[]): void {
  if (ctx.dialect !== "eventbridge") fail(ctx, path, `${what} is not supported by Lambda event filtering`);
}

function requireString(op: string, value: unknown, ctx: PatternContext, path: string[]): string {
  if (typeof value !== "string") fail(ctx, path, `"${op}" takes a string, got ${show(value)}`);
  return value;
}

function affixTest(op: "prefix" | "suffix", value: unknown, ctx: PatternContext, path: string[]): ScalarTest {
  if (typeof value === "string") {
    return op === "prefix"
      ? (v) => typeof v === "string" && v.startsWith(value)
      : (v) => typeof v === "string" && v.endsWith(value);
  }
  const keys = isPlainObject(value) ? Object.keys(value) : [];
  if (!isPlainObject(value) || keys.length !== 1 || keys[0] !== "equals-ignore-case") {
    fail(ctx, path, `"${op}" takes a string or {"equals-ignore-case": string}, got ${show(value)}`);
  }
  const folded = fold(requireString(`${op}.equals-ignore-case`, value["equals-ignore-case"], ctx, path));
  return op === "prefix"
    ? (v) => typeof v === "string" && fold(v).startsWith(folded)
    : (v) => typeof v === "string" && fold(v).endsWith(folded);
}

function equalsIgnoreCase(text: string): ScalarTest {
  const folded = fold(text);
  return (v) => typeof v === "string" && fold(v) === folded;
}

function wildcardTest(text: string, ctx: PatternContext, path: string[]): ScalarTest {
  const w = parseWildcard(text);
  if (typeof w === "string") fail(ctx, path, `"wildcard" value ${show(text)} is invalid: ${w}`);
  return (v) => typeof v === "string" && wildcardMatches(w, v);
}

function compileCidr(value: unknown, ctx: PatternContext, path: string[]): ScalarTest {
  const test = parseCidr(requireString("cidr", value, ctx, path));
  if (typeof test === "string") fail(ctx, path, test);
  return test;
}

// ---------------------------------------------------------------- numeric

const COMPARATORS = new Set(["=", "<", "<=", ">", ">="]);

function numericOperand(op: string, v: unknown, ctx: PatternContext, path: string[]): number {
  if (typeof v !== "number") fail(ctx, path, `"numeric" needs a number after "${op}", got ${show(v)}`);
  if (!isComparable(v) || !hasSixDecimalsAtMost(v)) {
    fail(ctx, path, `"numeric" values must lie between -${NUMERIC_LIMIT} and ${NUMERIC_LIMIT} with at most 6 decimal places, got ${show(v)}`);
  }
  return v;
}

function compileNumeric(raw: unknown, ctx: PatternContext, path: string[]): ScalarTest {
  if (!Array.isArray(raw)) fail(ctx, path, `"numeric" takes an array such as [">", 0, "<=", 5], got ${show(raw)}`);
  const value: readonly unknown[] = raw;
  const op = value[0];
  const first = value[1];
  if (typeof op !== "string" || !COMPARATORS.has(op)) {
    fail(ctx, path, `"numeric" must start with one of "=", "<", "<=", ">", ">=", got ${show(op)}`);
  }
  const n = numericOperand(op, first, ctx, path);
  const upperOnly = op === "=" || op === "<" || op === "<=";
  if (value.length !== 2 && (upperOnly || value.length !== 4)) fail(ctx, path, `too many elements in "numeric" ${show(value)}`);
  if (op === "=") return numericRange(n, false, n, false);
  if (upperOnly) return range(-NUMERIC_LIMIT, false, n, op === "<", ctx, path);
  if (value.length === 2) return range(n, op === ">", NUMERIC_LIMIT, false, ctx, path);
  const topOp = value[2];
  const top = value[3];
  if (topOp !== "<" && topOp !== "<=") fail(ctx, path, `a "numeric" range must continue with "<" or "<=", got ${show(topOp)}`);
  return range(n, op === ">", numericOperand(topOp, top, ctx, path), topOp === "<", ctx, path);
}

function range(low: number, lowOpen: boolean, high: number, highOpen: boolean, ctx: PatternContext, path: string[]): ScalarTest {
  if (low >= high) fail(ctx, path, `"numeric" range is empty: its lower bound ${low} must be below its upper bound ${high}`);
  return numericRange(low, lowOpen, high, highOpen);
}

// ---------------------------------------------------------------- anything-but

function compileAnythingBut(value: unknown, ctx: PatternContext, path: string[]): ScalarTest {
  if (isPlainObject(value)) {
    requireEventBus(`"anything-but" with ${show(value)}`, ctx, path);
    return anythingButObject(value, ctx, path);
  }
  const list = asList(value);
  if (list.length === 0) fail(ctx, path, `"anything-but" needs at least one value`);
  if (allOf(list, "string")) {
    const excluded = new Set(list);
    return (v) => !(typeof v === "string" && excluded.has(v));
  }
  if (allOf(list, "number")) {
    const excluded = new Set(list.map((n) => scaled(numericOperand("anything-but", n, ctx, path))));
    return (v) => !(typeof v === "number" && isComparable(v) && excluded.has(scaled(v)));
  }
  return fail(ctx, path, `"anything-but" takes a string, a number, or a list of only strings or only numbers, got ${show(value)}`);
}

function asList(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? (value as readonly unknown[]) : [value];
}

function allOf<T extends "string" | "number">(list: readonly unknown[], type: T): list is readonly (T extends "string" ? string : number)[] {
  return list.every((v) => typeof v === type);
}

/** The event-bus forms: {"prefix"|"suffix"|"equals-ignore-case"|"wildcard": string | string[]}. */
function anythingButObject(value: Record<string, unknown>, ctx: PatternContext, path: string[]): ScalarTest {
  const keys = Object.keys(value);
  const op = keys[0] ?? "";
  if (keys.length !== 1 || !["prefix", "suffix", "equals-ignore-case", "wildcard"].includes(op)) {
    fail(ctx, path, `"anything-but" objects take one of "prefix", "suffix", "equals-ignore-case", "wildcard", got ${show(value)}`);
  }
  const raw = value[op];
  const texts = asList(raw);
  if (texts.length === 0 || !allOf(texts, "string")) {
    fail(ctx, path, `"anything-but" "${op}" takes a string or a list of strings, got ${show(raw)}`);
  }
  if ((op === "prefix" || op === "suffix") && texts.includes("")) fail(ctx, path, `"anything-but" "${op}" must not be empty`);
  const hit = excludedTest(op, texts, ctx, path);
  return (v) => !(typeof v === "string" && hit(v));
}

function excludedTest(op: string, texts: readonly string[], ctx: PatternContext, path: string[]): (v: string) => boolean {
  switch (op) {
    case "prefix":
      return (v) => {
        for (const t of texts) if (v.startsWith(t)) return true;
        return false;
      };
    case "suffix":
      return (v) => {
        for (const t of texts) if (v.endsWith(t)) return true;
        return false;
      };
    case "equals-ignore-case": {
      const folded = new Set(texts.map(fold));
      return (v) => folded.has(fold(v));
    }
    default: {
      const globs = texts.map((t) => {
        const w = parseWildcard(t);
        return typeof w === "string" ? fail(ctx, path, `"wildcard" value ${show(t)} is invalid: ${w}`) : w;
      });
      return (v) => {
        for (const g of globs) if (wildcardMatches(g, v)) return true;
        return false;
      };
    }
  }
}
