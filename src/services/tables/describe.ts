/** TableDescription and friends, shaped as DynamoDB returns them (timestamps as Dates). */
import type { TableRecord } from "./store.js";
import type { IndexDefinition, KeySchema, TableDefinition, Throughput } from "./types.js";
import type { Output } from "./input.js";

export function keySchemaOut(k: KeySchema): Output[] {
  const out: Output[] = [{ AttributeName: k.hash.name, KeyType: "HASH" }];
  if (k.range) out.push({ AttributeName: k.range.name, KeyType: "RANGE" });
  return out;
}

function throughputOut(t: Throughput | null): Output {
  return { NumberOfDecreasesToday: 0, ReadCapacityUnits: t?.read ?? 0, WriteCapacityUnits: t?.write ?? 0 };
}

function projectionOut(ix: IndexDefinition): Output {
  return ix.projection.type === "INCLUDE" ? { ProjectionType: "INCLUDE", NonKeyAttributes: [...ix.projection.attributes] } : { ProjectionType: ix.projection.type };
}

function indexOut(def: TableDefinition, ix: IndexDefinition): Output {
  const base: Output = {
    IndexName: ix.name,
    KeySchema: keySchemaOut(ix.key),
    Projection: projectionOut(ix),
    IndexSizeBytes: 0,
    ItemCount: 0,
    IndexArn: `${def.arn}/index/${ix.name}`,
  };
  if (ix.kind === "local") return base;
  return { ...base, IndexStatus: "ACTIVE", ProvisionedThroughput: throughputOut(ix.throughput) };
}

export function streamArnOf(def: TableDefinition, label: string): string {
  return `${def.arn}/stream/${label}`;
}

export function tableDescription(t: TableRecord, stats: { count: number; bytes: number }, status = "ACTIVE"): Output {
  const d = t.definition;
  const out: Output = {
    AttributeDefinitions: Object.entries(d.attributes).map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    TableName: t.name,
    KeySchema: keySchemaOut(d.key),
    TableStatus: status,
    CreationDateTime: new Date(t.createdAt),
    ProvisionedThroughput: throughputOut(d.throughput),
    TableSizeBytes: stats.bytes,
    ItemCount: stats.count,
    TableArn: d.arn,
    TableId: d.tableId,
    DeletionProtectionEnabled: d.deletionProtection,
  };
  if (d.billing === "PAY_PER_REQUEST") out["BillingModeSummary"] = { BillingMode: "PAY_PER_REQUEST", LastUpdateToPayPerRequestDateTime: new Date(t.createdAt) };
  const global = d.indexes.filter((i) => i.kind === "global").map((i) => indexOut(d, i));
  const local = d.indexes.filter((i) => i.kind === "local").map((i) => indexOut(d, i));
  if (global.length > 0) out["GlobalSecondaryIndexes"] = global;
  if (local.length > 0) out["LocalSecondaryIndexes"] = local;
  if (d.stream) out["StreamSpecification"] = { StreamEnabled: true, StreamViewType: d.stream.viewType };
  if (d.latestStream) {
    out["LatestStreamLabel"] = d.latestStream.label;
    out["LatestStreamArn"] = d.latestStream.arn;
  }
  if (d.tableClass !== "STANDARD") out["TableClassSummary"] = { TableClass: d.tableClass };
  return out;
}
