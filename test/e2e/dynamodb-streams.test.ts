/**
 * DynamoDB Streams end to end with @aws-sdk/client-dynamodb-streams: ListStreams,
 * DescribeStream, every shard iterator type, and the records of inserts, modifications
 * and removals with exactly the images each StreamViewType includes.
 */
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand, UpdateTableCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ListStreamsCommand,
  type _Record,
  type ShardIteratorType,
  type StreamViewType,
} from "@aws-sdk/client-dynamodb-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTable, keyed, REGION, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

type Item = Record<string, AttributeValue>;

describe("DynamoDB Streams end to end", () => {
  let env: DynamoEnv;

  /** A table with a stream of the given view type; returns its name and stream ARN. */
  async function streamed(view: StreamViewType): Promise<{ table: string; arn: string }> {
    const table = uniqueName(`st-${view.toLowerCase().replace(/_/g, "-")}`);
    const d = await createTable(env.ddb, { ...keyed(table), StreamSpecification: { StreamEnabled: true, StreamViewType: view } });
    return { table, arn: d.LatestStreamArn ?? "" };
  }

  async function shardIds(arn: string): Promise<string[]> {
    const d = await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }));
    return (d.StreamDescription?.Shards ?? []).map((s) => s.ShardId ?? "");
  }

  /** Every record from an iterator until the shard has nothing more for now. */
  async function drain(iterator: string | undefined): Promise<_Record[]> {
    const out: _Record[] = [];
    let it = iterator;
    for (let i = 0; it && i < 50; i++) {
      const page = await env.streams.send(new GetRecordsCommand({ ShardIterator: it }));
      out.push(...(page.Records ?? []));
      if (!page.Records?.length) break;
      it = page.NextShardIterator;
    }
    return out;
  }

  async function records(arn: string, type: ShardIteratorType = "TRIM_HORIZON", SequenceNumber?: string): Promise<_Record[]> {
    const out: _Record[] = [];
    for (const ShardId of await shardIds(arn)) {
      const { ShardIterator } = await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId, ShardIteratorType: type, SequenceNumber }));
      out.push(...(await drain(ShardIterator)));
    }
    return out;
  }

  /** Insert, modify, then remove one item. */
  async function lifecycle(table: string): Promise<void> {
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "k" }, v: { N: "1" } } }));
    await env.ddb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: "k" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "2" } } }));
    await env.ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "k" } } }));
  }

  beforeAll(async () => {
    env = await startDynamo();
  });
  afterAll(() => stopDynamo(env));

  it("lists and describes a table's stream", async () => {
    const { table, arn } = await streamed("NEW_AND_OLD_IMAGES");
    expect(arn).toMatch(new RegExp(`^arn:aws:dynamodb:${REGION}:000000000000:table/${table}/stream/\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}$`));
    const label = arn.split("/stream/")[1];
    const listed = await env.streams.send(new ListStreamsCommand({ TableName: table }));
    expect(listed.Streams).toEqual([{ StreamArn: arn, TableName: table, StreamLabel: label }]);
    expect((await env.streams.send(new ListStreamsCommand({}))).Streams).toContainEqual({ StreamArn: arn, TableName: table, StreamLabel: label });
    await streamed("KEYS_ONLY");
    const paged: string[] = [];
    let start: string | undefined;
    for (let i = 0; i < 100; i++) {
      const page = await env.streams.send(new ListStreamsCommand({ Limit: 1, ExclusiveStartStreamArn: start }));
      expect(page.Streams?.length ?? 0).toBeLessThanOrEqual(1);
      paged.push(...(page.Streams ?? []).map((x) => x.StreamArn ?? ""));
      start = page.LastEvaluatedStreamArn;
      if (!start) break;
    }
    expect(paged.length).toBeGreaterThanOrEqual(2);
    expect(new Set(paged).size).toBe(paged.length);
    expect(paged).toContain(arn);
    const d = (await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription;
    expect(d).toMatchObject({ StreamArn: arn, StreamLabel: label, StreamStatus: "ENABLED", StreamViewType: "NEW_AND_OLD_IMAGES", TableName: table, KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }] });
    expect(d?.CreationRequestDateTime).toBeInstanceOf(Date);
    expect(d?.Shards?.length).toBeGreaterThanOrEqual(1);
    expect(d?.Shards?.[0]?.ShardId).toMatch(/^shardId-/);
    expect(d?.Shards?.[0]?.SequenceNumberRange?.StartingSequenceNumber).toMatch(/^\d+$/);
  });

  it("records INSERT, MODIFY and REMOVE with both images", async () => {
    const { arn, table } = await streamed("NEW_AND_OLD_IMAGES");
    await lifecycle(table);
    const rs = await records(arn);
    expect(rs.map((r) => r.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
    const [insert, modify, remove] = rs;
    expect(insert).toMatchObject({ eventVersion: "1.1", eventSource: "aws:dynamodb", awsRegion: REGION });
    expect(insert?.eventID).toBeTruthy();
    expect(new Set(rs.map((r) => r.eventID)).size).toBe(3);
    expect(insert?.dynamodb).toMatchObject({ Keys: { pk: { S: "k" } }, NewImage: { pk: { S: "k" }, v: { N: "1" } }, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(insert?.dynamodb).not.toHaveProperty("OldImage");
    expect(modify?.dynamodb).toMatchObject({ OldImage: { pk: { S: "k" }, v: { N: "1" } }, NewImage: { pk: { S: "k" }, v: { N: "2" } } });
    expect(remove?.dynamodb).toMatchObject({ Keys: { pk: { S: "k" } }, OldImage: { pk: { S: "k" }, v: { N: "2" } } });
    expect(remove?.dynamodb).not.toHaveProperty("NewImage");
    expect(remove).not.toHaveProperty("userIdentity");
    for (const r of rs) {
      expect(r.dynamodb?.ApproximateCreationDateTime).toBeInstanceOf(Date);
      expect(Math.abs((r.dynamodb?.ApproximateCreationDateTime?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(r.dynamodb?.SizeBytes).toBeGreaterThan(0);
      expect(r.dynamodb?.SequenceNumber).toMatch(/^\d+$/);
    }
    const seqs = rs.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? "0"));
    expect([...seqs].sort((x, y) => (x < y ? -1 : 1))).toEqual(seqs);
  });

  it("records nothing for writes that change nothing (the same item put again, a value set to itself, an absent item deleted)", async () => {
    const { arn, table } = await streamed("NEW_AND_OLD_IMAGES");
    const item: Item = { pk: { S: "same" }, v: { N: "1" }, m: { M: { a: { SS: ["x", "y"] } } } };
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    await env.ddb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: "same" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "1" } } }));
    await env.ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "never-there" } } }));
    expect((await records(arn)).map((r) => r.eventName)).toEqual(["INSERT"]);
  });

  it("includes exactly the images each view type asks for", async () => {
    const expected: Record<string, [string[], string[], string[]]> = {
      KEYS_ONLY: [[], [], []],
      NEW_IMAGE: [["NewImage"], ["NewImage"], []],
      OLD_IMAGE: [[], ["OldImage"], ["OldImage"]],
      NEW_AND_OLD_IMAGES: [["NewImage"], ["NewImage", "OldImage"], ["OldImage"]],
    };
    for (const [view, images] of Object.entries(expected)) {
      const { arn, table } = await streamed(view as StreamViewType);
      await lifecycle(table);
      const rs = await records(arn);
      expect(rs.map((r) => r.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
      const shapes = rs.map((r) => Object.keys(r.dynamodb ?? {}).filter((k) => k.endsWith("Image")).sort());
      expect({ view, shapes }).toEqual({ view, shapes: images });
      for (const r of rs) expect(r.dynamodb).toMatchObject({ Keys: { pk: { S: "k" } }, StreamViewType: view });
    }
  });

  it("starts iterators at the horizon, the latest record, at and after a sequence number", async () => {
    // One partition key, so every record is in one shard, in write order.
    const table = uniqueName("st-iter");
    const arn = (await createTable(env.ddb, { ...keyed(table, "S"), StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } })).LatestStreamArn ?? "";
    const put = (sk: string) => env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "p" }, sk: { S: sk } } }));
    for (let i = 0; i < 4; i++) await put(`k${i}`);
    const keys = (rs: _Record[]): (string | undefined)[] => rs.map((r) => r.dynamodb?.Keys?.["sk"]?.S);
    let shard: string | undefined;
    for (const id of await shardIds(arn)) {
      const { ShardIterator } = await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: id, ShardIteratorType: "TRIM_HORIZON" }));
      if ((await drain(ShardIterator)).length) shard = id;
    }
    const from = async (ShardIteratorType: ShardIteratorType, SequenceNumber?: string): Promise<_Record[]> =>
      drain((await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType, SequenceNumber }))).ShardIterator);
    const all = await from("TRIM_HORIZON");
    expect(keys(all)).toEqual(["k0", "k1", "k2", "k3"]);
    const second = all[1]?.dynamodb?.SequenceNumber;
    expect(keys(await from("AT_SEQUENCE_NUMBER", second))).toEqual(["k1", "k2", "k3"]);
    expect(keys(await from("AFTER_SEQUENCE_NUMBER", second))).toEqual(["k2", "k3"]);
    const { ShardIterator: horizon } = await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: "TRIM_HORIZON" }));
    const two = await env.streams.send(new GetRecordsCommand({ ShardIterator: horizon, Limit: 2 }));
    expect(keys(two.Records ?? [])).toEqual(["k0", "k1"]);
    expect(keys(await drain(two.NextShardIterator))).toEqual(["k2", "k3"]);
    const { ShardIterator } = await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard, ShardIteratorType: "LATEST" }));
    const empty = await env.streams.send(new GetRecordsCommand({ ShardIterator }));
    expect(empty.Records).toEqual([]);
    expect(empty.NextShardIterator).toBeTruthy();
    await put("k4");
    expect(keys(await drain(empty.NextShardIterator))).toEqual(["k4"]);
  });

  it("keeps a disabled stream describable, with no new records", async () => {
    const { arn, table } = await streamed("NEW_IMAGE");
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "before" } } }));
    await env.ddb.send(new UpdateTableCommand({ TableName: table, StreamSpecification: { StreamEnabled: false } }));
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "after" } } }));
    const d = (await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription;
    expect(["DISABLING", "DISABLED"]).toContain(d?.StreamStatus);
    expect((await records(arn)).map((r) => r.dynamodb?.Keys?.["pk"]?.S)).toEqual(["before"]);
  });
});
