/**
 * Query and Scan. A page reads at most Limit items (before the filter) and about 1 MB;
 * LastEvaluatedKey names the last item read (its table key, plus the index key on an
 * index) so the next page starts after it. Scans run in segment order (a hash of the
 * partition key), so parallel scan segments are disjoint ranges of it.
 */
import type { CallContext } from "../queues/types.js";
import type { TableDeps } from "./context.js";
import { ValidationException } from "./errors.js";
import { evaluateCondition, parseKeyCondition, project, type Condition, type Operand, type Path } from "./expressions/index.js";
import { optBool, optChoice, optInt, optString, tableName, type Input, type Output } from "./input.js";
import { encodePrimary } from "./keys.js";
import { keyRange } from "./key-range.js";
import * as R from "./request.js";
import type { Cursor, ItemPage, StoredIndexItem, TableRecord } from "./store.js";
import type { AttributeValue, IndexDefinition, Item, KeySchema } from "./types.js";
import { encodeKey } from "./values/key-codec.js";
import { segmentOf, segmentRange } from "./values/segment.js";
import { validateItem } from "./values/validate.js";

export const PAGE_BYTES = 1024 * 1024;

interface Target {
  readonly table: TableRecord;
  readonly index: IndexDefinition | null;
}

function target(table: TableRecord, input: Input, consistent: boolean): Target {
  const name = optString(input, "IndexName", { min: 3, max: 255 });
  if (name === undefined) return { table, index: null };
  const index = table.definition.indexes.find((i) => i.name === name);
  if (!index) throw new ValidationException(`The table does not have the specified index: ${name}`);
  if (consistent && index.kind === "global") throw new ValidationException("Consistent reads are not supported on global secondary indexes");
  return { table, index };
}

type Select = "ALL_ATTRIBUTES" | "ALL_PROJECTED_ATTRIBUTES" | "SPECIFIC_ATTRIBUTES" | "COUNT";

function select(input: Input, t: Target, projection: Path[] | null, isQuery: boolean): Select {
  const s = optChoice(input, "Select", ["ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES", "SPECIFIC_ATTRIBUTES", "COUNT"] as const);
  // DynamoDB words this one apart, with the validation prefix on Query only.
  if (projection && s === "COUNT") throw new ValidationException(`${isQuery ? "1 validation error detected: " : ""}Cannot specify the ProjectionExpression when choosing to get only the Count`);
  if (projection && s && s !== "SPECIFIC_ATTRIBUTES") throw new ValidationException("One or more parameter values were invalid: Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES or COUNT");
  if (projection) return "SPECIFIC_ATTRIBUTES";
  if (s === "SPECIFIC_ATTRIBUTES") throw new ValidationException("One or more parameter values were invalid: Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES");
  if (s === "ALL_PROJECTED_ATTRIBUTES" && !t.index) throw new ValidationException("One or more parameter values were invalid: Select type ALL_PROJECTED_ATTRIBUTES is not supported when no index is queried");
  if (s === "ALL_ATTRIBUTES" && t.index?.kind === "global" && t.index.projection.type !== "ALL") {
    throw new ValidationException(`One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported for global secondary index ${t.index.name} because its projection type is not ALL`);
  }
  return s ?? (t.index ? "ALL_PROJECTED_ATTRIBUTES" : "ALL_ATTRIBUTES");
}

/** The key attributes a LastEvaluatedKey or ExclusiveStartKey holds for this target. */
function cursorNames(t: Target): { table: KeySchema; index: KeySchema | null } {
  return { table: t.table.definition.key, index: t.index?.key ?? null };
}

function startCursor(input: Input, t: Target, scan: boolean): Cursor | null {
  if (input["ExclusiveStartKey"] === undefined || input["ExclusiveStartKey"] === null) return null;
  const start = validateItem(input["ExclusiveStartKey"], "ExclusiveStartKey");
  const names = cursorNames(t);
  const need = [names.table.hash, names.table.range, names.index?.hash, names.index?.range].filter((k): k is NonNullable<typeof k> => !!k);
  for (const k of need) {
    const v = start[k.name];
    if (!v || Object.keys(v)[0] !== k.type) throw new ValidationException("The provided starting key is invalid: The provided key element does not match the schema");
  }
  const { pk, sk } = encodePrimary(names.table, start);
  if (!names.index) return scan ? { segment: segmentOf(pk), pk, sk } : { pk, sk };
  const ipk = encodeKey(start[names.index.hash.name] as AttributeValue);
  const isk = names.index.range ? encodeKey(start[names.index.range.name] as AttributeValue) : Buffer.alloc(0);
  return scan ? { segment: segmentOf(ipk), ipk, isk, pk, sk } : { ipk, isk, pk, sk };
}

function lastKey(t: Target, item: Item): Item {
  const names = cursorNames(t);
  const out: Record<string, AttributeValue> = {};
  for (const k of [names.table.hash, names.table.range, names.index?.hash, names.index?.range]) {
    const v = k ? item[k.name] : undefined;
    if (k && v) out[k.name] = v;
  }
  return out;
}

interface Shaping {
  readonly filter: Condition | null;
  readonly projection: Path[] | null;
  readonly select: Select;
}

/** LSI entries without the whole item are completed from the table when all attributes are wanted. */
async function fullItems(d: TableDeps, t: Target, sel: Select, page: ItemPage<StoredIndexItem>): Promise<Item[]> {
  const parsed = page.items.map((s) => JSON.parse(s.item) as Item);
  const fetch = t.index?.kind === "local" && t.index.projection.type !== "ALL" && (sel === "ALL_ATTRIBUTES" || sel === "SPECIFIC_ATTRIBUTES");
  if (!fetch) return parsed;
  const rows = await d.store.getItems(t.table.id, page.items.map((s) => ({ pk: s.pk, sk: s.sk })));
  return rows.map((r, i) => (r ? (JSON.parse(r.item) as Item) : (parsed[i] as Item)));
}

async function shapePage(d: TableDeps, t: Target, page: ItemPage<StoredIndexItem>, s: Shaping, input: Input): Promise<Output> {
  const limit = optInt(input, "Limit", 1, Number.MAX_SAFE_INTEGER);
  const items = await fullItems(d, t, s.select, page);
  const matched = s.filter ? items.filter((it) => evaluateCondition(s.filter as Condition, it)) : items;
  const out: Output = { Count: matched.length, ScannedCount: items.length };
  if (s.select !== "COUNT") out["Items"] = s.projection ? matched.map((it) => project(it, s.projection as Path[])) : matched;
  const last = items[items.length - 1];
  if (last && (page.more || (limit !== undefined && items.length >= limit))) out["LastEvaluatedKey"] = lastKey(t, last);
  const bytes = page.items.reduce((n, it) => n + it.item.length, 0);
  return { ...out, ...R.consumed(input, t.table.name, R.readUnits(bytes, input["ConsistentRead"] === true)) };
}

function operandNames(o: Operand, out: Set<string>): void {
  if (o.kind === "path") {
    const first = o.path[0];
    if (first && "name" in first) out.add(first.name);
  } else if (o.kind === "size") operandNames(o.of, out);
}

/** The top-level attribute names a condition reads. */
function conditionNames(c: Condition, out = new Set<string>()): Set<string> {
  switch (c.kind) {
    case "compare":
      operandNames(c.left, out);
      operandNames(c.right, out);
      break;
    case "between":
      for (const o of [c.subject, c.low, c.high]) operandNames(o, out);
      break;
    case "in":
      for (const o of [c.subject, ...c.options]) operandNames(o, out);
      break;
    case "and":
    case "or":
      conditionNames(c.left, out);
      conditionNames(c.right, out);
      break;
    case "not":
      conditionNames(c.operand, out);
      break;
    case "attribute_exists":
    case "attribute_not_exists":
    case "attribute_type":
      operandNames({ kind: "path", path: c.path }, out);
      break;
    case "begins_with":
      operandNames(c.subject, out);
      operandNames(c.prefix, out);
      break;
    case "contains":
      operandNames(c.subject, out);
      operandNames(c.operand, out);
      break;
  }
  return out;
}

/** A Query's filter may not read the key attributes of what it queries (they belong in the key condition). */
function checkFilterKeys(filter: Condition | null, key: KeySchema): void {
  if (!filter) return;
  const names = conditionNames(filter);
  for (const k of key.range ? [key.hash, key.range] : [key.hash]) {
    if (names.has(k.name)) throw new ValidationException(`Filter Expression can only contain non-primary key attributes: Primary key attribute: ${k.name}`);
  }
}

function shaping(input: Input, t: Target, exprs: ReturnType<typeof R.expressionInput>, isQuery: boolean): Shaping {
  const filter = R.optCondition(input, "FilterExpression", exprs);
  const projection = R.optProjection(input, exprs);
  return { filter, projection, select: select(input, t, projection, isQuery) };
}

export async function query(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  R.rejectLegacy(input);
  const table = await d.directory.get(ctx.accountId, tableName(input));
  const consistent = optBool(input, "ConsistentRead") ?? false;
  const t = target(table, input, consistent);
  const text = R.expressionText(input, "KeyConditionExpression");
  if (text === undefined) throw new ValidationException("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.");
  const exprs = R.expressionInput(input, true);
  const { pk, range } = keyRange(parseKeyCondition(text, exprs), t.index?.key ?? table.definition.key);
  const s = shaping(input, t, exprs, true);
  exprs.assertAllUsed();
  checkFilterKeys(s.filter, t.index?.key ?? table.definition.key);
  const limit = optInt(input, "Limit", 1, Number.MAX_SAFE_INTEGER);
  const forward = optBool(input, "ScanIndexForward") ?? true;
  const page = await d.store.query({ tableId: table.id, index: t.index?.name ?? null, pk, range, forward, after: startCursor(input, t, false), limit: limit ?? Number.MAX_SAFE_INTEGER, maxBytes: PAGE_BYTES });
  return shapePage(d, t, page, s, input);
}

function segments(input: Input): { from: number; to: number } {
  const segment = optInt(input, "Segment", 0, 999_999);
  const total = optInt(input, "TotalSegments", 1, 1_000_000);
  if (segment === undefined && total === undefined) return { from: 0, to: 2 ** 32 };
  if (total === undefined) throw new ValidationException("The TotalSegments parameter is required but was not present in the request when Segment parameter is present");
  if (segment === undefined) throw new ValidationException("The Segment parameter is required but was not present in the request when parameter TotalSegments is present");
  if (segment >= total) throw new ValidationException(`The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: ${segment} is not less than TotalSegments: ${total}`);
  return segmentRange(segment, total);
}

export async function scan(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  R.rejectLegacy(input);
  const table = await d.directory.get(ctx.accountId, tableName(input));
  const t = target(table, input, optBool(input, "ConsistentRead") ?? false);
  const exprs = R.expressionInput(input, input["FilterExpression"] !== undefined || input["ProjectionExpression"] !== undefined);
  const s = shaping(input, t, exprs, false);
  exprs.assertAllUsed();
  const limit = optInt(input, "Limit", 1, Number.MAX_SAFE_INTEGER);
  const page = await d.store.scan({ tableId: table.id, index: t.index?.name ?? null, segments: segments(input), after: startCursor(input, t, true), limit: limit ?? Number.MAX_SAFE_INTEGER, maxBytes: PAGE_BYTES });
  return shapePage(d, t, page, s, input);
}
