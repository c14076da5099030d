/**
 * Tables and buckets of an app. Both are created when missing and brought to match
 * (a table's stream, TTL attribute and missing global indexes; a bucket's
 * notifications), but never deleted by apply: they hold data, and a config edit must
 * not be able to drop it. Remove them with DeleteTable / DeleteBucket yourself.
 */
import { randomUUID } from "node:crypto";
import type { S3Context } from "../services/buckets/deps.js";
import type { NotificationTarget } from "../services/buckets/types.js";
import { errorCode, functionArn, OWNER_TAG, queueArn, type ApplyCtx } from "./apply-context.js";
import type { BucketDefinition, GlobalIndexDefinition, KeyDefinition, TableDefinition } from "./define.js";

type Json = Record<string, unknown>;

function keySchema(pk: KeyDefinition, sk?: KeyDefinition): Json[] {
  return [{ AttributeName: pk.name, KeyType: "HASH" }, ...(sk ? [{ AttributeName: sk.name, KeyType: "RANGE" }] : [])];
}

function attributeDefinitions(keys: readonly (KeyDefinition | undefined)[]): Json[] {
  const byName = new Map<string, string>();
  for (const k of keys) if (k) byName.set(k.name, k.type);
  return [...byName].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

function indexSpec(name: string, ix: GlobalIndexDefinition): Json {
  const p = ix.projection ?? "ALL";
  const Projection = Array.isArray(p) ? { ProjectionType: "INCLUDE", NonKeyAttributes: p } : { ProjectionType: p };
  return { IndexName: name, KeySchema: keySchema(ix.partitionKey, ix.sortKey), Projection };
}

function allKeys(t: TableDefinition): (KeyDefinition | undefined)[] {
  return [t.partitionKey, t.sortKey, ...Object.values(t.globalIndexes ?? {}).flatMap((ix) => [ix.partitionKey, ix.sortKey])];
}

async function describe(c: ApplyCtx, name: string): Promise<Json | null> {
  try {
    return ((await c.p.tables.call("DescribeTable", { TableName: name }, c.ctx)) as { Table: Json }).Table;
  } catch (err) {
    if (errorCode(err) === "ResourceNotFoundException") return null;
    throw err;
  }
}

async function createTable(c: ApplyCtx, name: string, t: TableDefinition): Promise<void> {
  const indexes = Object.entries(t.globalIndexes ?? {}).map(([n, ix]) => indexSpec(n, ix));
  await c.p.tables.call(
    "CreateTable",
    {
      TableName: name,
      AttributeDefinitions: attributeDefinitions(allKeys(t)),
      KeySchema: keySchema(t.partitionKey, t.sortKey),
      BillingMode: "PAY_PER_REQUEST",
      ...(t.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: t.stream } } : {}),
      ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
      Tags: Object.entries({ ...(t.tags ?? {}), [OWNER_TAG]: c.owner }).map(([Key, Value]) => ({ Key, Value })),
    },
    c.ctx,
  );
}

/** Brings the stream to the declared view type (DynamoDB changes a view type by disabling, then enabling). */
async function matchStream(c: ApplyCtx, name: string, t: TableDefinition, d: Json): Promise<boolean> {
  const spec = d["StreamSpecification"] as { StreamViewType?: string } | undefined;
  const current = spec?.StreamViewType;
  if (current === t.stream) return false;
  if (current) await c.p.tables.call("UpdateTable", { TableName: name, StreamSpecification: { StreamEnabled: false } }, c.ctx);
  if (t.stream) await c.p.tables.call("UpdateTable", { TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: t.stream } }, c.ctx);
  return true;
}

async function matchTtl(c: ApplyCtx, name: string, t: TableDefinition): Promise<boolean> {
  const { TimeToLiveDescription: d } = (await c.p.tables.call("DescribeTimeToLive", { TableName: name }, c.ctx)) as { TimeToLiveDescription: { TimeToLiveStatus: string; AttributeName?: string } };
  const current = d.TimeToLiveStatus === "ENABLED" ? d.AttributeName : undefined;
  if (current === t.ttlAttribute) return false;
  if (current) await c.p.tables.call("UpdateTimeToLive", { TableName: name, TimeToLiveSpecification: { AttributeName: current, Enabled: false } }, c.ctx);
  if (t.ttlAttribute) await c.p.tables.call("UpdateTimeToLive", { TableName: name, TimeToLiveSpecification: { AttributeName: t.ttlAttribute, Enabled: true } }, c.ctx);
  return true;
}

/** Adds declared global indexes the table lacks; an index the config no longer names is kept. */
async function addIndexes(c: ApplyCtx, name: string, t: TableDefinition, d: Json): Promise<boolean> {
  const have = new Set(((d["GlobalSecondaryIndexes"] as { IndexName: string }[] | undefined) ?? []).map((i) => i.IndexName));
  const missing = Object.entries(t.globalIndexes ?? {}).filter(([n]) => !have.has(n));
  for (const [n, ix] of missing) {
    await c.p.tables.call("UpdateTable", { TableName: name, AttributeDefinitions: attributeDefinitions(allKeys(t)), GlobalSecondaryIndexUpdates: [{ Create: indexSpec(n, ix) }] }, c.ctx);
  }
  return missing.length > 0;
}

export async function applyTable(c: ApplyCtx, name: string, t: TableDefinition): Promise<void> {
  const d = await describe(c, name);
  if (!d) {
    await createTable(c, name, t);
    if (t.ttlAttribute) await matchTtl(c, name, t);
    c.out.created.push(`table ${name}`);
    return;
  }
  const want = JSON.stringify(keySchema(t.partitionKey, t.sortKey));
  if (JSON.stringify(d["KeySchema"]) !== want) throw new Error(`table ${name} exists with key schema ${JSON.stringify(d["KeySchema"])}, not ${want}; apply never deletes tables, so delete it yourself to change its keys`);
  const changed = [await matchStream(c, name, t, d), await matchTtl(c, name, t), await addIndexes(c, name, t, d)];
  if (changed.some(Boolean)) c.out.updated.push(`table ${name}`);
}

/** The stream ARN a mapping from table `name` reads. */
export async function latestStreamArn(c: ApplyCtx, name: string): Promise<string> {
  const d = await describe(c, name);
  const arn = d?.["LatestStreamArn"];
  if (typeof arn !== "string" || !d?.["StreamSpecification"]) throw new Error(`table ${name} has no stream`);
  return arn;
}

function s3Context(c: ApplyCtx): S3Context {
  return { accountId: c.ctx.accountId, region: c.ctx.region, principal: "sluice-app", requestId: randomUUID(), sourceIp: "127.0.0.1" };
}

function targetsOf(c: ApplyCtx, b: BucketDefinition): NotificationTarget[] {
  return (b.notifications ?? []).map((n) => {
    const kind = n.function !== undefined ? "function" : "queue";
    const target = n.function ?? n.queue ?? "";
    const rules = [...(n.prefix ? [{ name: "prefix" as const, value: n.prefix }] : []), ...(n.suffix ? [{ name: "suffix" as const, value: n.suffix }] : [])];
    return { id: n.id ?? `${kind}-${target}`, kind, arn: kind === "function" ? functionArn(c, target) : queueArn(c, target), events: [...n.events], rules };
  });
}

export async function applyBucket(c: ApplyCtx, name: string, b: BucketDefinition): Promise<void> {
  const s3 = s3Context(c);
  let created = false;
  try {
    await c.p.buckets.headBucket({ Bucket: name }, s3);
  } catch (err) {
    if (errorCode(err) !== "NoSuchBucket") throw err;
    await c.p.buckets.createBucket({ Bucket: name, LocationConstraint: c.ctx.region }, s3);
    created = true;
  }
  const targets = targetsOf(c, b);
  const current = await c.p.buckets.getNotification({ Bucket: name }, s3);
  const same = JSON.stringify(current.map((t) => ({ ...t, rules: [...t.rules].sort((x, y) => x.name.localeCompare(y.name)) }))) === JSON.stringify(targets);
  // Only a changed configuration is put again: each put sends S3's test event to queues.
  if (!same) await c.p.buckets.putNotification({ Bucket: name, targets }, s3);
  if (created) c.out.created.push(`bucket ${name}`);
  else if (!same) c.out.updated.push(`bucket ${name}`);
}
