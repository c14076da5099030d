/**
 * Event filtering for event source mappings: `FilterCriteria: { Filters: [{ Pattern }] }`,
 * compiled once per mapping and applied to every record before it joins a batch. A record is
 * delivered when it matches any filter; records that match none are dropped (SQS deletes
 * them, streams skip them) by the caller.
 *
 * Patterns use the EventBridge event-pattern language with Lambda's operator set. Sources:
 * - Lambda Developer Guide, "Lambda event filtering" (invocation-eventfiltering; with-sqs-,
 *   with-kinesis-, with-ddb-filtering): up to 5 filters (quota up to 10), OR across filters,
 *   the SQS `body` / Kinesis `data` JSON-vs-string tables, stream data keys must be JSON.
 * - API reference `Filter.Pattern`: string, length 0..4096.
 * - EventBridge User Guide, event patterns, content filtering, arrays, null values, and the
 *   operator table's "Pipe support" column (Pipes and Lambda share the engine; "the main
 *   difference is that eventSourceKey isn't present in ESM payloads"): anything-but with
 *   prefix/suffix/equals-ignore-case/wildcard and `wildcard` are not supported there.
 * - aws/event-ruler (the engine): validation rules, numbers compared at 6 decimal places in
 *   -5e9..5e9 (so 5 and 5.0 are equal), array-consistent matching, `exists` on leaves only.
 *
 * Supported (dialect "lambda", the default): exact string/number/true/false/null, "" (empty),
 * prefix (also {equals-ignore-case}), suffix (also {equals-ignore-case}), equals-ignore-case,
 * anything-but (a string, a number, or a list of only strings or only numbers), numeric
 * (=, <, <=, >, >= and ranges), exists, cidr (IPv4/IPv6), $or (at any level).
 * Rejected with InvalidParameterValueException: wildcard and the anything-but object forms
 * (accepted with dialect "eventbridge", which EventBridge rules would use), unknown operators.
 *
 * Decisions where AWS documents nothing:
 * - Only JSON objects and arrays count as "valid JSON" bodies/data; "42" or "true" stay strings.
 * - Kinesis patterns address the `kinesis` member (data, partitionKey, ...), as the examples do.
 * - Errors keep Lambda's text "Invalid filter pattern definition." and add the reason; a
 *   Pattern over 4096 characters is the model's ValidationException; the filter-quota text
 *   is ours (AWS's is unpublished).
 * - cidr is accepted: Lambda's own table omits it and the Pipes column could not be confirmed.
 */
import { ServiceError } from "../../core/errors.js";
import { compilePattern, invalidFilter, type FilterDialect, type PatternContext } from "./filter-compile.js";
import { anyHolds, type ObjectTest } from "./filter-match.js";

export type { FilterDialect } from "./filter-compile.js";

/** The event sources whose mappings filter records. */
export type EventSourceKind = "sqs" | "kinesis" | "dynamodb";

/** Lambda's default quota of filters per event source mapping (adjustable up to 10). */
export const DEFAULT_MAX_FILTERS = 5;
/** The API's length limit on one `Pattern`. */
export const MAX_PATTERN_LENGTH = 4096;

/** The key that holds each source's payload. */
export const DATA_KEY: Readonly<Record<EventSourceKind, string>> = { sqs: "body", kinesis: "data", dynamodb: "dynamodb" };

export interface FilterOptions {
  /** The mapping's source; stream sources reject plain-value patterns on their data key. */
  readonly source?: EventSourceKind;
  /** The filters-per-mapping quota; default 5. */
  readonly maxFilters?: number;
  /** Operator set and data-key rules; default "lambda". */
  readonly dialect?: FilterDialect;
}

export interface CompiledFilter {
  /** How many filters were compiled; 0 means every record matches. */
  readonly filterCount: number;
  /** Whether a record view (see `recordView`) matches any filter. */
  matches(record: unknown): boolean;
}

const MATCH_ALL: CompiledFilter = Object.freeze({ filterCount: 0, matches: () => true });

/**
 * Validates `FilterCriteria` and compiles its patterns. Missing, null, `{}` and
 * `{ Filters: [] }` all mean "no filtering". Throws a ServiceError for malformed input.
 */
export function compileFilterCriteria(criteria: unknown, options: FilterOptions = {}): CompiledFilter {
  if (criteria === undefined || criteria === null) return MATCH_ALL;
  if (!isObject(criteria)) throw invalidCriteria(`FilterCriteria must be an object with a Filters list, got ${typeName(criteria)}.`);
  const filters = criteria.Filters;
  if (filters === undefined || filters === null) return MATCH_ALL;
  if (!Array.isArray(filters)) throw invalidCriteria(`FilterCriteria.Filters must be a list, got ${typeName(filters)}.`);
  const max = options.maxFilters ?? DEFAULT_MAX_FILTERS;
  if (filters.length > max) {
    throw invalidCriteria(`FilterCriteria has ${filters.length} filters; the quota is ${max} filters per event source mapping.`);
  }
  if (filters.length === 0) return MATCH_ALL;
  const tests = filters.map((filter, i) => compileFilter(filter, i, options));
  const only = tests.length === 1 ? tests[0] : undefined;
  return {
    filterCount: tests.length,
    matches: only ?? ((record) => anyHolds(tests, record)),
  };
}

function compileFilter(filter: unknown, index: number, options: FilterOptions): ObjectTest {
  const where = `Filters[${index}].Pattern`;
  if (!isObject(filter)) throw invalidFilter(`Filters[${index}] must be an object with a Pattern string.`);
  const pattern = filter.Pattern;
  if (typeof pattern !== "string") throw invalidFilter(`${where} must be a string, got ${typeName(pattern)}.`);
  if (pattern.length > MAX_PATTERN_LENGTH) throw tooLong(pattern, index);
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch (err) {
    throw invalidFilter(`${where} is not valid JSON (${(err as Error).message}).`);
  }
  const source = options.source;
  const ctx: PatternContext = {
    dialect: options.dialect ?? "lambda",
    where,
    jsonOnlyKeys: source === "kinesis" || source === "dynamodb" ? new Set([DATA_KEY[source]]) : new Set(),
  };
  return compilePattern(parsed, ctx);
}

function invalidCriteria(detail: string): ServiceError {
  return new ServiceError("InvalidParameterValueException", `Invalid filter criteria. ${detail}`);
}

/** The service model's length constraint, reported as the API front end reports it. */
function tooLong(pattern: string, index: number): ServiceError {
  return new ServiceError(
    "ValidationException",
    `1 validation error detected: Value '${pattern.slice(0, 256)}' at 'filterCriteria.filters.${index + 1}.member.pattern' ` +
      `failed to satisfy constraint: Member must have length less than or equal to ${MAX_PATTERN_LENGTH}`,
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  return Array.isArray(v) ? "a list" : typeof v === "object" ? "an object" : `a ${typeof v}`;
}

// ---------------------------------------------------------------- record views

/**
 * The document a pattern is matched against, for a record as Lambda delivers it:
 * - sqs: the record, with `body` parsed when it is a JSON object or array (otherwise the
 *   raw string, which only plain-value `body` rules can match);
 * - kinesis: the `kinesis` member (partitionKey, sequenceNumber, data, ...), with `data`
 *   decoded from base64 and parsed when it is a JSON object or array (otherwise left as is);
 * - dynamodb: the record itself (eventName, eventSource, dynamodb.NewImage.x.S, ...).
 * The input is never modified; a copy is made only when something was parsed.
 */
export function recordView(source: EventSourceKind, record: unknown): unknown {
  switch (source) {
    case "sqs":
      return withParsed(record, "body", (body) => body);
    case "kinesis": {
      const inner = isObject(record) && isObject(record.kinesis) ? record.kinesis : record;
      return withParsed(inner, "data", (data) => Buffer.from(data, "base64").toString("utf8"));
    }
    case "dynamodb":
      return record;
  }
}

function withParsed(record: unknown, key: string, decode: (text: string) => string): unknown {
  if (!isObject(record)) return record;
  const raw = record[key];
  if (typeof raw !== "string") return record;
  const parsed = parseStructured(decode(raw));
  return parsed === undefined ? record : { ...record, [key]: parsed };
}

/** JSON.parse for objects and arrays only; scalars ("42", "true") stay plain strings. */
function parseStructured(text: string): unknown {
  let i = 0;
  while (i < text.length && (text[i] === " " || text[i] === "\n" || text[i] === "\r" || text[i] === "\t")) i++;
  if (text[i] !== "{" && text[i] !== "[") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
