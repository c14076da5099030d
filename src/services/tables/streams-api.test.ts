import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createStreamTable, tableHarness, type TableHarness } from "../../testing/tables.js";

let h: TableHarness;
beforeEach(async () => {
  h = await tableHarness({ ttlIntervalMs: 1000 });
});
afterEach(() => h.close());

const table = (viewType: string): Promise<string> => createStreamTable(h, "tab", viewType, "id");

type Rec = { eventName: string; eventSource: string; eventVersion: string; dynamodb: { Keys: unknown; NewImage?: unknown; OldImage?: unknown; SequenceNumber: string; StreamViewType: string; ApproximateCreationDateTime: Date }; userIdentity?: unknown };

/** Every record of the stream, shard by shard from the start. */
async function readAll(arn: string): Promise<Rec[]> {
  const desc = (await h.callStreams("DescribeStream", { StreamArn: arn })) as { StreamDescription: { Shards: { ShardId: string }[] } };
  const out: Rec[] = [];
  for (const s of desc.StreamDescription.Shards) {
    let it = ((await h.callStreams("GetShardIterator", { StreamArn: arn, ShardId: s.ShardId, ShardIteratorType: "TRIM_HORIZON" })) as { ShardIterator: string }).ShardIterator;
    for (;;) {
      const page = (await h.callStreams("GetRecords", { ShardIterator: it })) as { Records: Rec[]; NextShardIterator?: string };
      out.push(...page.Records);
      if (page.Records.length === 0 || !page.NextShardIterator) break;
      it = page.NextShardIterator;
    }
  }
  return out;
}

describe("DynamoDB Streams", () => {
  it("records INSERT, MODIFY and REMOVE with both images, in order per item", async () => {
    const arn = await table("NEW_AND_OLD_IMAGES");
    await h.call("PutItem", { TableName: "tab", Item: { id: { S: "a" }, v: { N: "1" } } });
    await h.call("UpdateItem", { TableName: "tab", Key: { id: { S: "a" } }, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "2" } } });
    await h.call("DeleteItem", { TableName: "tab", Key: { id: { S: "a" } } });
    await h.call("DeleteItem", { TableName: "tab", Key: { id: { S: "missing" } } });
    const recs = await readAll(arn);
    expect(recs.map((r) => r.eventName)).toEqual(["INSERT", "MODIFY", "REMOVE"]);
    expect(recs[0]).toMatchObject({ eventSource: "aws:dynamodb", eventVersion: "1.1", dynamodb: { Keys: { id: { S: "a" } }, NewImage: { id: { S: "a" }, v: { N: "1" } }, StreamViewType: "NEW_AND_OLD_IMAGES" } });
    expect(recs[0]?.dynamodb.OldImage).toBeUndefined();
    expect(recs[1]?.dynamodb).toMatchObject({ OldImage: { id: { S: "a" }, v: { N: "1" } }, NewImage: { id: { S: "a" }, v: { N: "2" } } });
    expect(recs[2]?.dynamodb.NewImage).toBeUndefined();
    const seqs = recs.map((r) => BigInt(r.dynamodb.SequenceNumber));
    expect(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!).toBe(true);
    expect(recs[0]?.dynamodb.SequenceNumber).toMatch(/^\d{21,40}$/);
  });

  it("keeps only the keys for KEYS_ONLY, and nothing when a condition fails", async () => {
    const arn = await table("KEYS_ONLY");
    await h.call("PutItem", { TableName: "tab", Item: { id: { S: "a" }, v: { N: "1" } } });
    await expect(h.call("PutItem", { TableName: "tab", Item: { id: { S: "a" } }, ConditionExpression: "attribute_not_exists(id)" })).rejects.toMatchObject({ code: "ConditionalCheckFailedException" });
    const recs = await readAll(arn);
    expect(recs).toHaveLength(1);
    expect(recs[0]?.dynamodb.NewImage).toBeUndefined();
    expect(recs[0]?.dynamodb.Keys).toEqual({ id: { S: "a" } });
  });

  it("lists streams, iterates from LATEST and AFTER_SEQUENCE_NUMBER, and refuses bad iterators", async () => {
    const arn = await table("NEW_IMAGE");
    expect(await h.callStreams("ListStreams", {})).toMatchObject({ Streams: [{ StreamArn: arn, TableName: "tab" }] });
    await h.call("PutItem", { TableName: "tab", Item: { id: { S: "a" } } });
    const desc = (await h.callStreams("DescribeStream", { StreamArn: arn })) as { StreamDescription: { StreamStatus: string; Shards: { ShardId: string }[] } };
    expect(desc.StreamDescription.StreamStatus).toBe("ENABLED");
    const recs = await readAll(arn);
    const first = recs[0] as Rec;
    await h.call("PutItem", { TableName: "tab", Item: { id: { S: "a" }, n: { N: "2" } } });
    const shards = desc.StreamDescription.Shards.map((s) => s.ShardId);
    let found = 0;
    for (const s of shards) {
      try {
        const it = (await h.callStreams("GetShardIterator", { StreamArn: arn, ShardId: s, ShardIteratorType: "AFTER_SEQUENCE_NUMBER", SequenceNumber: first.dynamodb.SequenceNumber })) as { ShardIterator: string };
        const page = (await h.callStreams("GetRecords", { ShardIterator: it.ShardIterator })) as { Records: Rec[] };
        expect(page.Records.map((r) => r.eventName)).toEqual(["MODIFY"]);
        found++;
      } catch (err) {
        expect(err).toMatchObject({ code: "ValidationException" });
      }
    }
    expect(found).toBe(1);
    await expect(h.callStreams("GetRecords", { ShardIterator: "bogus" })).rejects.toMatchObject({ code: "ValidationException" });
  });

  it("expires iterators after 15 minutes", async () => {
    const arn = await table("NEW_IMAGE");
    const desc = (await h.callStreams("DescribeStream", { StreamArn: arn })) as { StreamDescription: { Shards: { ShardId: string }[] } };
    const it = (await h.callStreams("GetShardIterator", { StreamArn: arn, ShardId: desc.StreamDescription.Shards[0]?.ShardId, ShardIteratorType: "LATEST" })) as { ShardIterator: string };
    await h.clock.advance(15 * 60_000 + 1);
    await expect(h.callStreams("GetRecords", { ShardIterator: it.ShardIterator })).rejects.toMatchObject({ code: "ExpiredIteratorException" });
  });
});

describe("time to live", () => {
  it("deletes expired items as the service, leaving the rest", async () => {
    const arn = await table("NEW_AND_OLD_IMAGES");
    await h.call("UpdateTimeToLive", { TableName: "tab", TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } });
    expect(await h.call("DescribeTimeToLive", { TableName: "tab" })).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: "exp" } });
    await expect(h.call("UpdateTimeToLive", { TableName: "tab", TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } })).rejects.toMatchObject({ message: "TimeToLive is already enabled" });
    const now = Math.floor(h.clock.now() / 1000);
    await h.call("PutItem", { TableName: "tab", Item: { id: { S: "old" }, exp: { N: String(now + 5) } } });
    await h.call("PutItem", { TableName: "tab", Item: { id: { S: "new" }, exp: { N: String(now + 3600) } } });
    await h.call("PutItem", { TableName: "tab", Item: { id: { S: "text" }, exp: { S: "soon" } } });
    await h.clock.advance(10_000);
    await h.tables.sweep();
    expect(await h.call("GetItem", { TableName: "tab", Key: { id: { S: "old" } } })).toEqual({});
    expect(await h.call("GetItem", { TableName: "tab", Key: { id: { S: "new" } } })).toHaveProperty("Item");
    const removes = (await readAll(arn)).filter((r) => r.eventName === "REMOVE");
    expect(removes).toHaveLength(1);
    expect(removes[0]?.userIdentity).toEqual({ PrincipalId: "dynamodb.amazonaws.com", Type: "Service" });
  });
});
