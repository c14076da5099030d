/**
 * BatchGetItem (up to 100 keys) and BatchWriteItem (up to 25 puts and deletes). Sluice
 * applies a batch write in one store transaction, so nothing is ever left unprocessed;
 * UnprocessedItems and UnprocessedKeys are returned empty (or, for reads past 16 MB,
 * with the keys left over, as DynamoDB does).
 */
import type { CallContext } from "../queues/types.js";
import type { TableDeps } from "./context.js";
import { ValidationException } from "./errors.js";
import { project } from "./expressions/index.js";
import { optObject, tableName, type Input, type Output } from "./input.js";
import { encodePrimary, keyFromInput, keyString } from "./keys.js";
import * as R from "./request.js";
import type { ItemWrite, TableRecord } from "./store.js";
import type { Item } from "./types.js";
import { validateItem } from "./values/validate.js";
import { needsOld, parseStored, planWrite, primaryKeyOf, retrying, UNREAD } from "./write-plan.js";

const MAX_GET = 100;
const MAX_WRITE = 25;
const RESPONSE_BYTES = 16 * 1024 * 1024;

function requestItems(input: Input): [string, unknown][] {
  const items = optObject(input, "RequestItems");
  if (!items || Object.keys(items).length === 0) {
    throw new ValidationException("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Member must not be null");
  }
  return Object.entries(items);
}

function tableOf(name: string): string {
  return tableName({ TableName: name });
}

export async function batchGetItem(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const entries = requestItems(input);
  const total = entries.reduce((n, [, v]) => n + (((v as Input)["Keys"] as unknown[] | undefined)?.length ?? 0), 0);
  if (total > MAX_GET) throw new ValidationException(`Too many items requested for the BatchGetItem call`);
  const responses: Record<string, Item[]> = {};
  const unprocessed: Record<string, Output> = {};
  let bytes = 0;
  for (const [rawName, rawReq] of entries) {
    const name = tableOf(rawName);
    const req = rawReq as Input;
    const table = await d.directory.get(ctx.accountId, name);
    const keys = ((req["Keys"] as unknown[] | undefined) ?? []).map((k) => keyFromInput(table.definition.key, validateItem(k, "Keys")));
    if (keys.length === 0) throw new ValidationException("1 validation error detected: Value '[]' at 'requestItems.keys' failed to satisfy constraint: Member must have length greater than or equal to 1");
    const encoded = keys.map((k) => encodePrimary(table.definition.key, k));
    if (new Set(encoded.map(keyString)).size !== encoded.length) throw new ValidationException("Provided list of item keys contains duplicates");
    const exprs = R.expressionInput(req, req["ProjectionExpression"] !== undefined);
    const projection = R.optProjection(req, exprs);
    exprs.assertAllUsed();
    const rows = await d.store.getItems(table.id, encoded);
    const got: Item[] = [];
    const left: Item[] = [];
    rows.forEach((r, i) => {
      if (bytes >= RESPONSE_BYTES) return void left.push(keys[i] as Item);
      const item = parseStored(r).item;
      if (!item) return;
      bytes += r?.item.length ?? 0;
      got.push(projection ? project(item, projection) : item);
    });
    responses[name] = got;
    if (left.length > 0) unprocessed[name] = { ...req, Keys: left };
  }
  return { Responses: responses, UnprocessedKeys: unprocessed };
}

interface WriteRequest {
  readonly table: TableRecord;
  readonly item: Item | undefined;
  readonly key: Item;
}

function readRequest(table: TableRecord, raw: unknown): WriteRequest {
  const r = raw as Input;
  const put = optObject(r, "PutRequest");
  const del = optObject(r, "DeleteRequest");
  if ((put ? 1 : 0) + (del ? 1 : 0) !== 1) throw new ValidationException("Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes");
  if (put) {
    const item = R.reqItem(put, "Item");
    return { table, item, key: primaryKeyOf(table, item).key };
  }
  return { table, item: undefined, key: keyFromInput(table.definition.key, R.reqItem(del as Input, "Key")) };
}

async function loadWrites(d: TableDeps, entries: [string, unknown][], ctx: CallContext): Promise<WriteRequest[]> {
  const out: WriteRequest[] = [];
  for (const [rawName, list] of entries) {
    const table = await d.directory.get(ctx.accountId, tableOf(rawName));
    if (!Array.isArray(list) || list.length === 0) throw new ValidationException("1 validation error detected: Value null at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
    for (const raw of list) out.push(readRequest(table, raw));
  }
  return out;
}

export async function batchWriteItem(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const entries = requestItems(input);
  const count = entries.reduce((n, [, v]) => n + (Array.isArray(v) ? v.length : 0), 0);
  if (count > MAX_WRITE) throw new ValidationException("1 validation error detected: Value at 'requestItems' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 25, Member must have length greater than or equal to 1]");
  const names = entries.map(([n]) => tableOf(n));
  return retrying(d, ctx.accountId, names, async () => {
    const requests = await loadWrites(d, entries, ctx);
    const seen = new Set<string>();
    const writes: ItemWrite[] = [];
    for (const w of requests) {
      const key = encodePrimary(w.table.definition.key, w.key);
      const id = `${w.table.id}:${keyString(key)}`;
      if (seen.has(id)) throw new ValidationException("Provided list of item keys contains duplicates");
      seen.add(id);
      const current = needsOld(w.table) ? parseStored((await d.store.getItems(w.table.id, [key]))[0] ?? null) : UNREAD;
      if (!w.item && needsOld(w.table) && !current.item) continue;
      writes.push(planWrite(d, { table: w.table, key, current, next: w.item, region: ctx.region }));
    }
    if (writes.length > 0 && !(await d.store.writeItems(writes, d.clock.now())).ok) return "stale";
    return { UnprocessedItems: {} };
  });
}
