/**
 * Table management: CreateTable, DescribeTable, ListTables, DeleteTable and the
 * UpdateTable changes (billing, streams, global indexes, deletion protection). Tables
 * are ACTIVE as soon as they are made (DynamoDB passes through CREATING first).
 */
import { randomUUID } from "node:crypto";
import type { CallContext } from "../queues/types.js";
import { createChangeStream } from "./changes.js";
import { streamAccount, tableArn, type TableDeps } from "./context.js";
import { tableDescription } from "./describe.js";
import { LimitExceededException, ResourceInUseException, tableNotFound, ValidationException } from "./errors.js";
import { optBool, optChoice, optInt, optString, tableName, TABLE_NAME, type Input, type Output } from "./input.js";
import * as schema from "./schema.js";
import type { TableRecord } from "./store.js";
import type { TableDefinition } from "./types.js";

export async function createTable(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const name = tableName(input);
  const now = d.clock.now();
  const attributes = schema.attributeDefinitions(input);
  const key = schema.keySchema(input["KeySchema"] as unknown[] | undefined, attributes);
  const billing = schema.billingMode(input);
  const indexes = schema.indexes(input, key, attributes, billing, now);
  schema.checkDefinitionsUsed(attributes, key, indexes);
  const spec = schema.streamSpecification(input);
  const arn = tableArn(ctx, name);
  const existing = await d.store.listTables(ctx.accountId, null, d.config.tableLimit);
  if (existing.length >= d.config.tableLimit) throw new LimitExceededException(`Subscriber limit exceeded: Table limit of ${d.config.tableLimit} reached.`);
  if (await d.store.getTable(ctx.accountId, name)) throw new ResourceInUseException(`Table already exists: ${name}`);
  const stream = spec?.enabled && spec.viewType ? await createChangeStream(d.streams, { account: ctx.accountId, table: name, tableArn: arn, viewType: spec.viewType, shards: d.config.streamShards, now }) : null;
  const definition: TableDefinition = {
    tableId: randomUUID(),
    arn,
    key,
    attributes,
    billing,
    throughput: schema.throughput(input, billing),
    indexes,
    stream,
    latestStream: stream ? { label: stream.label, arn: `${arn}/stream/${stream.label}`, viewType: stream.viewType } : null,
    ttl: null,
    tags: schema.tags(input),
    deletionProtection: optBool(input, "DeletionProtectionEnabled") ?? false,
    tableClass: optChoice(input, "TableClass", ["STANDARD", "STANDARD_INFREQUENT_ACCESS"] as const) ?? "STANDARD",
  };
  const made = await d.store.createTable({ account: ctx.accountId, name, createdAt: now, definition });
  if (made === "exists") {
    if (stream) await d.streams.deleteStream(streamAccount(ctx.accountId), stream.streamName);
    throw new ResourceInUseException(`Table already exists: ${name}`);
  }
  d.directory.forget(ctx.accountId, name);
  // DynamoDB answers CREATING; DescribeTable shows ACTIVE at once (waiters poll it).
  return { TableDescription: tableDescription(made, { count: 0, bytes: 0 }, "CREATING") };
}

export function describeTableStats(d: TableDeps, table: TableRecord): Promise<{ count: number; bytes: number }> {
  return d.store.stats(table.id);
}

export async function describeTable(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const table = await d.store.getTable(ctx.accountId, tableName(input));
  if (!table) throw tableNotFound(tableName(input));
  return { Table: tableDescription(table, await describeTableStats(d, table)) };
}

export async function listTables(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const limit = optInt(input, "Limit", 1, 100) ?? 100;
  const after = optString(input, "ExclusiveStartTableName", { min: 3, max: 255, pattern: TABLE_NAME }) ?? null;
  const page = await d.store.listTables(ctx.accountId, after, limit + 1);
  const names = page.slice(0, limit).map((t) => t.name);
  const out: Output = { TableNames: names };
  if (page.length > limit) out["LastEvaluatedTableName"] = names[names.length - 1];
  return out;
}

export async function deleteTable(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const name = tableName(input);
  const table = await d.store.getTable(ctx.accountId, name);
  if (!table) throw tableNotFound(name);
  if (table.definition.deletionProtection) {
    throw new ValidationException("Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.");
  }
  const stats = await describeTableStats(d, table);
  await d.store.deleteTable(table.id);
  d.directory.forget(ctx.accountId, name);
  // The change stream goes with the table: a mapping reading it finds it gone.
  if (table.definition.stream) await d.streams.deleteStream(streamAccount(ctx.accountId), table.definition.stream.streamName);
  return { TableDescription: tableDescription(table, stats, "DELETING") };
}

/** Replaces a table's definition, reading it again if another change got there first. */
export async function changeDefinition(d: TableDeps, account: string, name: string, change: (t: TableRecord) => Promise<TableDefinition>): Promise<TableRecord> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const table = await d.store.getTable(account, name);
    if (!table) throw tableNotFound(name);
    const definition = await change(table);
    if ((await d.store.updateTable(table.id, table.version, definition)) === "ok") {
      d.directory.forget(account, name);
      return { ...table, version: table.version + 1, definition };
    }
  }
  throw new ResourceInUseException(`Attempt to change a resource which is still in use: Table: ${name}`);
}
