/**
 * UpdateTable (billing, throughput, streams, global index create/update/delete,
 * deletion protection), UpdateTimeToLive and DescribeTimeToLive. A new global index is
 * filled from the table's items before UpdateTable answers (DynamoDB backfills in the
 * background while the index is CREATING); a second pass after the definition cache
 * expires catches items written meanwhile by processes that had not seen the index.
 */
import type { CallContext } from "../queues/types.js";
import { closeChangeStream, createChangeStream } from "./changes.js";
import type { TableDeps } from "./context.js";
import { tableDescription } from "./describe.js";
import { LimitExceededException, ResourceNotFoundException, ValidationException } from "./errors.js";
import { optBool, optList, optObject, reqString, tableName, type Input, type Output } from "./input.js";
import { indexEntries } from "./keys.js";
import { changeDefinition, describeTableStats } from "./management.js";
import * as schema from "./schema.js";
import type { IndexEntry, TableRecord } from "./store.js";
import type { IndexDefinition, Item, ScalarType, TableDefinition, TableStream } from "./types.js";
import { segmentOf } from "./values/segment.js";

const invalid = (text: string): ValidationException => new ValidationException(`One or more parameter values were invalid: ${text}`);

/** `made` keeps a stream created by an attempt that lost to another change, so the next attempt uses it rather than making another. */
async function streamChange(d: TableDeps, input: Input, t: TableRecord, ctx: CallContext, made: { stream?: TableStream }): Promise<Partial<TableDefinition>> {
  const spec = schema.streamSpecification(input);
  if (!spec) return {};
  const cur = t.definition.stream;
  if (spec.enabled && cur) throw new ValidationException(`Table already has an enabled stream: TableName: ${t.name}, StreamLabel: ${cur.label}`);
  if (!spec.enabled && !cur) throw new ValidationException(`Table already has no enabled stream: TableName: ${t.name}`);
  if (!spec.enabled) return { stream: null };
  const stream = (made.stream ??= await createChangeStream(d.streams, { account: ctx.accountId, table: t.name, tableArn: t.definition.arn, viewType: spec.viewType ?? "KEYS_ONLY", shards: d.config.streamShards, now: d.clock.now() }));
  return { stream, latestStream: { label: stream.label, arn: `${t.definition.arn}/stream/${stream.label}`, viewType: stream.viewType } };
}

function indexChanges(input: Input, def: TableDefinition, now: number): { indexes: IndexDefinition[]; attributes: Record<string, ScalarType>; added: IndexDefinition[]; dropped: string[] } {
  const updates = optList(input, "GlobalSecondaryIndexUpdates") ?? [];
  const attributes = input["AttributeDefinitions"] ? { ...def.attributes, ...schema.attributeDefinitions(input) } : { ...def.attributes };
  let indexes = [...def.indexes];
  const added: IndexDefinition[] = [];
  const dropped: string[] = [];
  for (const raw of updates) {
    const u = raw as Input;
    const create = optObject(u, "Create");
    const remove = optObject(u, "Delete");
    const update = optObject(u, "Update");
    if ([create, remove, update].filter(Boolean).length !== 1) throw invalid("One of Create, Update or Delete must be specified for each GlobalSecondaryIndexUpdate");
    if (create) {
      const ix = schema.indexDefinition(create, "global", def.key, attributes, def.billing, now);
      if (indexes.some((i) => i.name === ix.name)) throw new ValidationException(`Attempting to create an index which already exists: ${ix.name}`);
      indexes.push(ix);
      added.push(ix);
    } else {
      const name = reqString((remove ?? update) as Input, "IndexName");
      const found = indexes.find((i) => i.name === name && i.kind === "global");
      if (!found) throw new ResourceNotFoundException(`Requested resource not found: Index: ${name} not found`);
      if (remove) {
        indexes = indexes.filter((i) => i !== found);
        dropped.push(name);
      } else {
        indexes = indexes.map((i) => (i === found ? { ...i, throughput: schema.throughput(update as Input, def.billing) } : i));
      }
    }
  }
  // DynamoDB creates or deletes one global index per UpdateTable call.
  if (added.length + dropped.length > 1) throw new LimitExceededException("Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table");
  if (updates.length > 0 || input["AttributeDefinitions"]) pruneAttributes(attributes, def, indexes);
  return { indexes, attributes, added, dropped };
}

/** Attribute definitions only name key attributes: drop those no key uses any more. */
function pruneAttributes(attributes: Record<string, ScalarType>, def: TableDefinition, indexes: readonly IndexDefinition[]): void {
  const used = new Set<string>();
  for (const k of [def.key, ...indexes.map((i) => i.key)]) {
    used.add(k.hash.name);
    if (k.range) used.add(k.range.name);
  }
  for (const name of Object.keys(attributes)) if (!used.has(name)) Reflect.deleteProperty(attributes, name);
}

export async function updateTable(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const name = tableName(input);
  let added: IndexDefinition[] = [];
  let dropped: string[] = [];
  let disabled: TableDefinition["stream"] = null;
  const made: { stream?: TableStream } = {};
  const table = await changeDefinition(d, ctx.accountId, name, async (t) => {
    const def = t.definition;
    const billing = input["BillingMode"] ? schema.billingMode(input) : def.billing;
    const ix = indexChanges(input, def, d.clock.now());
    added = ix.added;
    dropped = ix.dropped;
    const throughput = input["ProvisionedThroughput"] || billing !== def.billing ? schema.throughput(input, billing) : def.throughput;
    const protection = optBool(input, "DeletionProtectionEnabled") ?? def.deletionProtection;
    const stream = await streamChange(d, input, t, ctx, made);
    disabled = stream.stream === null ? def.stream : null;
    return { ...def, billing, throughput, indexes: ix.indexes, attributes: ix.attributes, deletionProtection: protection, ...stream };
  });
  if (disabled) await closeChangeStream(d.streams, ctx.accountId, disabled, d.clock.now());
  for (const ix of dropped) await d.store.dropIndex(table.id, ix);
  if (added.length > 0) {
    await backfill(d, table, added);
    d.clock.setTimer(d.config.definitionCacheMs * 2, () => {
      backfill(d, table, added).catch((err: unknown) => d.logger.warn({ err, table: name }, "index backfill failed"));
    });
  }
  return { TableDescription: tableDescription(table, await describeTableStats(d, table), "UPDATING") };
}

/**
 * An existing item's entries in the new indexes. As in DynamoDB, an item whose index key
 * attribute has another type (or an empty value) is left out of that index rather than
 * failing the index.
 */
function backfillEntries(def: TableDefinition, item: Item): IndexEntry[] {
  return def.indexes.flatMap((ix) => {
    try {
      return indexEntries({ ...def, indexes: [ix] }, item);
    } catch (err) {
      if (err instanceof ValidationException) return [];
      throw err;
    }
  });
}

/** Adds entries of the new indexes for every item of the table (those still at the version read). */
async function backfill(d: TableDeps, table: TableRecord, added: readonly IndexDefinition[]): Promise<void> {
  const only: TableDefinition = { ...table.definition, indexes: added };
  let after = null as Parameters<TableDeps["store"]["scan"]>[0]["after"];
  for (;;) {
    const page = await d.store.scan({ tableId: table.id, index: null, segments: { from: 0, to: 2 ** 32 }, after, limit: 500, maxBytes: 4 * 1024 * 1024 });
    const entries = page.items.flatMap((it) => backfillEntries(only, JSON.parse(it.item) as Item).map((entry) => ({ pk: it.pk, sk: it.sk, version: it.version, entry })));
    if (entries.length > 0) await d.store.addIndexEntries(table.id, entries);
    const last = page.items[page.items.length - 1];
    if (!page.more || !last) return;
    after = { segment: segmentOf(last.pk), pk: last.pk, sk: last.sk };
  }
}
