import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.js";
import { createPlatform, type Platform } from "../../platform.js";
import type { ChangeRecord } from "../tables/changes.js";
import { ddbFailureRecord, dynamodbRecord } from "./dynamodb-event.js";
import { FailureCondition, type SourceRecord } from "./stream-event.js";
import { TABLE_STREAM_RETENTION_MS, TableShardSource } from "./table-source.js";
import type { StartAt } from "./shard-source.js";
import { createStreamTable } from "../../testing/tables.js";

const T0 = 1_700_000_000_000;

describe("TableShardSource", () => {
  let p: Platform;
  let clock: ManualClock;
  let n = 0;

  beforeAll(async () => {
    clock = new ManualClock(T0);
    p = await createPlatform({ dataDir: ":memory:", clock });
  });
  afterAll(async () => p.stop());

  async function table(viewType = "NEW_AND_OLD_IMAGES") {
    const name = `table-${++n}`;
    const arn = await createStreamTable(p.tables, name, viewType);
    const put = (pk: string, v: string) => p.tables.call("PutItem", { TableName: name, Item: { pk: { S: pk }, v: { S: v } } });
    const del = (pk: string) => p.tables.call("DeleteItem", { TableName: name, Key: { pk: { S: pk } } });
    return { name, arn, source: new TableShardSource(p.tables.internals, arn), put, del };
  }

  /** Every record of every shard from `at`, shard by shard. */
  async function readAll(source: TableShardSource, at: StartAt = { type: "TRIM_HORIZON" }): Promise<Map<string, SourceRecord[]>> {
    const out = new Map<string, SourceRecord[]>();
    for (const shard of await source.shards()) {
      const page = await source.read(await source.iterator(shard.id, at), 1000);
      out.set(shard.id, page.records);
    }
    return out;
  }

  const change = (r: SourceRecord): ChangeRecord => JSON.parse(r.data.toString("utf8")) as ChangeRecord;

  it("describes the stream: its creation as the generation, 24 h retention, DynamoDB Streams' shard ids without parents", async () => {
    const { arn, source } = await table();
    expect(await source.info()).toEqual({ generation: String(T0), retentionMs: TABLE_STREAM_RETENTION_MS });
    const described = (await p.tables.callStreams("DescribeStream", { StreamArn: arn })) as { StreamDescription: { Shards: { ShardId: string }[] } };
    const shards = await source.shards();
    expect(shards.map((s) => s.id)).toEqual(described.StreamDescription.Shards.map((s) => s.ShardId));
    expect(shards.every((s) => s.parents.length === 0)).toBe(true);
  });

  it("reads each item's changes in order, under DynamoDB Streams' sequence numbers, keyed by the item's partition key hash", async () => {
    const { arn, source, put, del } = await table();
    for (let i = 0; i < 6; i++) await put(`item-${i % 3}`, `v${i}`);
    await del("item-0");
    const all = await readAll(source);
    const byItem = new Map<string, { events: string[]; keys: Set<string> }>();
    for (const records of all.values()) {
      for (const r of records) {
        const c = change(r);
        const pk = (c.dynamodb.Keys["pk"] as { S: string }).S;
        const entry = byItem.get(pk) ?? { events: [], keys: new Set<string>() };
        entry.events.push(`${c.eventName}:${(c.dynamodb.NewImage?.["v"] as { S: string } | undefined)?.S ?? "-"}`);
        entry.keys.add(r.partitionKey);
        byItem.set(pk, entry);
      }
    }
    expect(byItem.get("item-0")?.events).toEqual(["INSERT:v0", "MODIFY:v3", "REMOVE:-"]);
    expect(byItem.get("item-1")?.events).toEqual(["INSERT:v1", "MODIFY:v4"]);
    for (const { keys } of byItem.values()) {
      expect(keys.size).toBe(1);
      expect([...keys][0]).toMatch(/^[0-9a-f]{32}$/);
    }
    // The same sequence numbers and records the DynamoDB Streams API serves.
    for (const [shardId, records] of all) {
      if (records.length === 0) continue;
      const { ShardIterator } = await p.tables.callStreams("GetShardIterator", { StreamArn: arn, ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" });
      const api = (await p.tables.callStreams("GetRecords", { ShardIterator })) as { Records: { eventID: string; dynamodb: { SequenceNumber: string } }[] };
      expect(records.map((r) => r.sequenceNumber)).toEqual(api.Records.map((r) => r.dynamodb.SequenceNumber));
      expect(records.map((r) => change(r).eventID)).toEqual(api.Records.map((r) => r.eventID));
    }
  });

  it("starts at LATEST, at a timestamp, and after a sequence number", async () => {
    const { source, put } = await table();
    await put("k", "before");
    const shards = await source.shards();
    const latest = await Promise.all(shards.map((s) => source.iterator(s.id, { type: "LATEST" })));
    await clock.advance(5_000);
    const at = clock.now();
    await put("k", "after");
    const v = (r: SourceRecord): string | undefined => (change(r).dynamodb.NewImage?.["v"] as { S: string } | undefined)?.S;
    const pages = await Promise.all(latest.map((it) => source.read(it, 100)));
    expect(pages.flatMap((pg) => pg.records.map(v))).toEqual(["after"]);
    expect([...(await readAll(source, { type: "AT_TIMESTAMP", timestamp: at })).values()].flat().map(v)).toEqual(["after"]);
    const [home, records] = [...(await readAll(source))].find(([, rs]) => rs.length > 0) ?? ["", []];
    expect(records.map(v)).toEqual(["before", "after"]);
    const first = records[0]?.sequenceNumber ?? "";
    expect((await source.read(await source.iterator(home, { type: "AFTER_SEQUENCE_NUMBER", sequence: first }), 100)).records.map(v)).toEqual(["after"]);
    // A sequence number names its shard: another shard refuses it.
    const other = shards.find((s) => s.id !== home)?.id ?? "";
    await expect(source.iterator(other, { type: "AFTER_SEQUENCE_NUMBER", sequence: first })).rejects.toMatchObject({ code: "ValidationException" });
  });

  it("keeps a current stream's iterator open at its tip, and ends the shards of a disabled stream once drained", async () => {
    const { name, source, put } = await table();
    await put("k", "one");
    const shards = await source.shards();
    const pages = await Promise.all(shards.map(async (s) => source.read(await source.iterator(s.id, { type: "TRIM_HORIZON" }), 100)));
    expect(pages.every((pg) => pg.next !== null)).toBe(true);
    await p.tables.call("UpdateTable", { TableName: name, StreamSpecification: { StreamEnabled: false } });
    // Writers that read the table's definition before it changed may still add records for a while.
    const waiting = await Promise.all(pages.map((pg) => source.read(pg.next ?? "", 100)));
    expect(waiting.every((pg) => pg.records.length === 0 && pg.next !== null)).toBe(true);
    await clock.advance(p.tables.config.definitionCacheMs);
    const drained = await Promise.all(waiting.map((pg) => source.read(pg.next ?? "", 100)));
    expect(drained.every((pg) => pg.records.length === 0 && pg.next === null)).toBe(true);
    // A reader that had not started yet still reads the disabled stream's records, then ends.
    const fresh = await Promise.all(shards.map(async (s) => source.read(await source.iterator(s.id, { type: "TRIM_HORIZON" }), 100)));
    expect(fresh.flatMap((pg) => pg.records)).toHaveLength(1);
    expect(fresh.every((pg) => pg.next === null)).toBe(true);
  });

  it("fails once the table and its stream are gone", async () => {
    const { name, source } = await table();
    const [shard] = await source.shards();
    const it = await source.iterator(shard?.id ?? "", { type: "TRIM_HORIZON" });
    await p.tables.call("DeleteTable", { TableName: name });
    await expect(source.info()).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(source.read(it, 10)).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(new TableShardSource(p.tables.internals, "arn:aws:dynamodb:us-east-1:000000000000:table/nope/stream/x").shards()).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });
});

describe("Lambda's DynamoDB event format", () => {
  const arn = "arn:aws:dynamodb:us-east-1:000000000000:table/orders/stream/2023-11-14T22:13:20.000";
  const stored: ChangeRecord = {
    eventID: "c81e728d9d4c2f636f067f89cc14862c",
    eventName: "REMOVE",
    awsRegion: "us-east-1",
    dynamodb: { ApproximateCreationDateTime: T0 + 1_999, Keys: { id: { S: "1" } }, OldImage: { id: { S: "1" }, n: { N: "5" } }, SizeBytes: 12, StreamViewType: "NEW_AND_OLD_IMAGES" },
    userIdentity: { type: "Service", principalId: "dynamodb.amazonaws.com" },
  };
  const record: SourceRecord = { sequenceNumber: "100000000000000000007", partitionKey: "ab", data: Buffer.from(JSON.stringify(stored)), arrivedAt: T0 + 1_999 };

  it("builds the event record with epoch-second creation time, the sequence number, the source ARN and the TTL identity", () => {
    expect(dynamodbRecord(record, arn)).toEqual({
      eventID: "c81e728d9d4c2f636f067f89cc14862c",
      eventName: "REMOVE",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-east-1",
      dynamodb: { ApproximateCreationDateTime: 1_700_000_001, Keys: { id: { S: "1" } }, OldImage: { id: { S: "1" }, n: { N: "5" } }, SequenceNumber: "100000000000000000007", SizeBytes: 12, StreamViewType: "NEW_AND_OLD_IMAGES" },
      eventSourceARN: arn,
      userIdentity: { type: "Service", principalId: "dynamodb.amazonaws.com" },
    });
  });

  it("describes records given up on with DDBStreamBatchInfo, times in whole seconds", () => {
    const last = { ...record, sequenceNumber: "100000000000000000009", arrivedAt: T0 + 4_500 };
    const out = ddbFailureRecord([record, last], { requestId: "r-1", functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f", condition: FailureCondition.RetriesExhausted, invokeCount: 3, functionError: "Unhandled", now: T0 + 9_000, shardId: "shardId-00000001700000000000-00000000", streamArn: arn });
    expect(out).toEqual({
      requestContext: { requestId: "r-1", functionArn: "arn:aws:lambda:us-east-1:000000000000:function:f", condition: "RetryAttemptsExhausted", approximateInvokeCount: 3 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      version: "1.0",
      timestamp: new Date(T0 + 9_000).toISOString(),
      DDBStreamBatchInfo: {
        shardId: "shardId-00000001700000000000-00000000",
        startSequenceNumber: "100000000000000000007",
        endSequenceNumber: "100000000000000000009",
        approximateArrivalOfFirstRecord: "2023-11-14T22:13:21Z",
        approximateArrivalOfLastRecord: "2023-11-14T22:13:24Z",
        batchSize: 2,
        streamArn: arn,
      },
    });
  });
});
