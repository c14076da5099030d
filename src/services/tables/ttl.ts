/**
 * Time to live: UpdateTimeToLive and DescribeTimeToLive, and the sweeper that deletes
 * items whose TTL attribute (epoch seconds) has passed, writing REMOVE records that
 * name DynamoDB as the deleter. Until swept, expired items are still read, as in
 * DynamoDB. Enabling TTL stamps existing items' expiry in the background.
 */
import type { CallContext } from "../queues/types.js";
import type { TableDeps } from "./context.js";
import { ValidationException } from "./errors.js";
import { optBool, optObject, reqString, tableName, type Input, type Output } from "./input.js";
import { expiresAt } from "./keys.js";
import { changeDefinition } from "./management.js";
import type { ExpiredItem, TableRecord } from "./store.js";
import type { Item } from "./types.js";
import { parseStored, planWrite } from "./write-plan.js";
import { segmentOf } from "./values/segment.js";

export async function updateTimeToLive(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const name = tableName(input);
  const spec = optObject(input, "TimeToLiveSpecification");
  if (!spec) throw new ValidationException("1 validation error detected: Value null at 'timeToLiveSpecification' failed to satisfy constraint: Member must not be null");
  const enabled = optBool(spec, "Enabled");
  if (enabled === undefined) throw new ValidationException("1 validation error detected: Value null at 'timeToLiveSpecification.enabled' failed to satisfy constraint: Member must not be null");
  const attribute = reqString(spec, "AttributeName", { max: 255 });
  const table = await changeDefinition(d, ctx.accountId, name, (t) => {
    const cur = t.definition.ttl;
    if (enabled && cur?.enabled) throw new ValidationException("TimeToLive is already enabled");
    if (!enabled && !cur?.enabled) throw new ValidationException("TimeToLive is already disabled");
    if (!enabled && cur && cur.attribute !== attribute) throw new ValidationException(`TimeToLive is active on a different AttributeName: current AttributeName is ${cur.attribute}`);
    return Promise.resolve({ ...t.definition, ttl: { attribute, enabled } });
  });
  if (enabled) stampLater(d, table);
  return { TimeToLiveSpecification: { AttributeName: attribute, Enabled: enabled } };
}

export async function describeTimeToLive(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const table = await d.directory.get(ctx.accountId, tableName(input));
  const ttl = table.definition.ttl;
  if (!ttl?.enabled) return { TimeToLiveDescription: { TimeToLiveStatus: "DISABLED" } };
  return { TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: ttl.attribute } };
}

function stampLater(d: TableDeps, table: TableRecord): void {
  d.clock.setTimer(0, () => {
    void stamp(d, table).catch((err: unknown) => d.logger.warn({ err, table: table.name }, "TTL stamping failed"));
  });
}

/** Rewrites items written before TTL was on so the store knows their expiry (no change records: nothing changed). */
async function stamp(d: TableDeps, enabled: TableRecord): Promise<void> {
  let after = null as Parameters<TableDeps["store"]["scan"]>[0]["after"];
  for (;;) {
    // Read the definition again for every page: a rewrite replaces the item's index entries
    // with those of the definition it is given, so a stale one would drop an index added since.
    const table = await d.store.getTableById(enabled.id);
    if (!table?.definition.ttl?.enabled) return;
    const page = await d.store.scan({ tableId: table.id, index: null, segments: { from: 0, to: 2 ** 32 }, after, limit: 500, maxBytes: 4 * 1024 * 1024 });
    const writes = page.items.flatMap((s) => {
      const item = JSON.parse(s.item) as Item;
      if (expiresAt(table.definition, item, d.clock.now()) === null) return [];
      return [planWrite(d, { table: quiet(table), key: s, current: { item, version: s.version, text: s.item }, next: item, region: "" })];
    });
    for (const w of writes) await d.store.writeItems([w], d.clock.now());
    const last = page.items[page.items.length - 1];
    if (!page.more || !last) return;
    after = { segment: segmentOf(last.pk), pk: last.pk, sk: last.sk };
  }
}

/** Deletes up to one batch of expired items; returns how many were removed. */
export async function sweepExpired(d: TableDeps): Promise<number> {
  const nowSeconds = Math.floor(d.clock.now() / 1000);
  const expired = await d.store.expiredItems(nowSeconds, d.config.ttlBatch);
  const tables = new Map<number, TableRecord | null>();
  let removed = 0;
  for (const e of expired) {
    if (!tables.has(e.tableId)) tables.set(e.tableId, await d.store.getTableById(e.tableId));
    const table = tables.get(e.tableId);
    if (table && (await removeExpired(d, table, e))) removed++;
  }
  return removed;
}

/** The table as seen by a rewrite that changes no attribute (so it writes no change record). */
function quiet(table: TableRecord): TableRecord {
  return { ...table, definition: { ...table.definition, stream: null } };
}

async function removeExpired(d: TableDeps, table: TableRecord, e: ExpiredItem): Promise<boolean> {
  const current = parseStored(e);
  const item = current.item as Item;
  const still = expiresAt(table.definition, item, d.clock.now());
  const region = table.definition.arn.split(":")[3] ?? "us-east-1";
  if (still === null || still > Math.floor(d.clock.now() / 1000)) {
    // TTL was turned off or moved to another attribute since: keep the item, clear its stale expiry.
    await d.store.writeItems([planWrite(d, { table: quiet(table), key: e, current, next: item, region })], d.clock.now());
    return false;
  }
  const write = planWrite(d, { table, key: e, current, next: undefined, region, byService: true });
  return (await d.store.writeItems([write], d.clock.now())).ok;
}
