import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { streamHarness, type StreamHarness } from "../../testing/streams.js";
import { MAX_HASH_KEY } from "./hash.js";

let h: StreamHarness;
beforeEach(async () => {
  h = await streamHarness({ shardLimit: 20 });
});
afterEach(() => h.close());

type Desc = { StreamDescription: { Shards: { ShardId: string; HashKeyRange: { StartingHashKey: string; EndingHashKey: string } }[]; HasMoreShards: boolean; StreamStatus: string; RetentionPeriodHours: number; StreamARN: string; StreamModeDetails: { StreamMode: string } } };

async function describe_(name: string, extra: Record<string, unknown> = {}): Promise<Desc["StreamDescription"]> {
  return ((await h.call("DescribeStream", { StreamName: name, ...extra })) as Desc).StreamDescription;
}

describe("CreateStream", () => {
  it("splits the hash key space evenly over the shards", async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 3 });
    const d = await describe_("s");
    expect(d.StreamStatus).toBe("ACTIVE");
    expect(d.RetentionPeriodHours).toBe(24);
    expect(d.StreamARN).toBe("arn:aws:kinesis:us-east-1:000000000000:stream/s");
    expect(d.Shards.map((s) => s.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002"]);
    const ranges = d.Shards.map((s) => [BigInt(s.HashKeyRange.StartingHashKey), BigInt(s.HashKeyRange.EndingHashKey)] as const);
    expect(ranges[0]?.[0]).toBe(0n);
    expect(ranges[2]?.[1]).toBe(MAX_HASH_KEY);
    expect(ranges[1]?.[0]).toBe((ranges[0]?.[1] ?? 0n) + 1n);
    expect(ranges[0]?.[1]).toBe((1n << 128n) / 3n - 1n);
  });

  it("creates on-demand streams with four shards when no shard count is given", async () => {
    await h.call("CreateStream", { StreamName: "od" });
    const d = await describe_("od");
    expect(d.StreamModeDetails.StreamMode).toBe("ON_DEMAND");
    expect(d.Shards).toHaveLength(4);
  });

  it("refuses a duplicate name, a bad name, a bad count and the shard quota, changing nothing", async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 1 });
    await expect(h.call("CreateStream", { StreamName: "s", ShardCount: 1 })).rejects.toMatchObject({ code: "ResourceInUseException", message: "Stream s under account 000000000000 already exists." });
    await expect(h.call("CreateStream", { StreamName: "bad name", ShardCount: 1 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("CreateStream", { StreamName: "x".repeat(129), ShardCount: 1 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("CreateStream", { StreamName: "z", ShardCount: 0 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("CreateStream", { StreamName: "z", ShardCount: "2" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("CreateStream", { StreamName: "z", ShardCount: 20 })).rejects.toMatchObject({ code: "LimitExceededException" });
    await expect(h.call("CreateStream", { ShardCount: 1 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("CreateStream", { StreamName: "p", StreamModeDetails: { StreamMode: "PROVISIONED" } })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    expect((await h.call("ListStreams", {}))["StreamNames"]).toEqual(["s"]);
  });
});

describe("finding streams", () => {
  it("accepts StreamName or StreamARN and reports a missing stream with Kinesis' message", async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 1 });
    const byArn = (await h.call("DescribeStreamSummary", { StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/s" })) as { StreamDescriptionSummary: { OpenShardCount: number; ConsumerCount: number } };
    expect(byArn.StreamDescriptionSummary).toMatchObject({ OpenShardCount: 1, ConsumerCount: 0 });
    await expect(h.call("DescribeStream", { StreamName: "nope" })).rejects.toMatchObject({ code: "ResourceNotFoundException", message: "Stream nope under account 000000000000 not found." });
    await expect(h.call("DescribeStream", {})).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("DescribeStream", { StreamName: "s", StreamARN: "arn:aws:kinesis:us-east-1:000000000000:stream/t" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("DescribeStream", { StreamARN: "arn:aws:sqs:us-east-1:000000000000:s" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
  });

  it("pages DescribeStream shards and ListStreams names", async () => {
    await h.call("CreateStream", { StreamName: "a", ShardCount: 5 });
    await h.call("CreateStream", { StreamName: "b", ShardCount: 1 });
    await h.call("CreateStream", { StreamName: "c", ShardCount: 1 });
    const first = await describe_("a", { Limit: 2 });
    expect(first.Shards).toHaveLength(2);
    expect(first.HasMoreShards).toBe(true);
    const rest = await describe_("a", { ExclusiveStartShardId: "shardId-000000000001" });
    expect(rest.Shards.map((s) => s.ShardId)).toEqual(["shardId-000000000002", "shardId-000000000003", "shardId-000000000004"]);
    const page = await h.call("ListStreams", { Limit: 2 });
    expect(page).toMatchObject({ StreamNames: ["a", "b"], HasMoreStreams: true });
    const next = await h.call("ListStreams", { NextToken: page["NextToken"] });
    expect(next).toMatchObject({ StreamNames: ["c"], HasMoreStreams: false });
    expect(await h.call("ListStreams", { ExclusiveStartStreamName: "a" })).toMatchObject({ StreamNames: ["b", "c"] });
  });
});

describe("settings", () => {
  beforeEach(async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 1 });
  });

  it("raises and lowers retention within 24 to 8760 hours, each only in its direction", async () => {
    await h.call("IncreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 48 });
    expect((await describe_("s")).RetentionPeriodHours).toBe(48);
    await expect(h.call("IncreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 30 })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("DecreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 72 })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("IncreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 8761 })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("DecreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 23 })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await h.call("DecreaseStreamRetentionPeriod", { StreamName: "s", RetentionPeriodHours: 24 });
    expect((await describe_("s")).RetentionPeriodHours).toBe(24);
  });

  it("tags streams, pages tags and refuses more than 50", async () => {
    await h.call("AddTagsToStream", { StreamName: "s", Tags: { b: "2", a: "1" } });
    expect(await h.call("ListTagsForStream", { StreamName: "s" })).toEqual({ Tags: [{ Key: "a", Value: "1" }, { Key: "b", Value: "2" }], HasMoreTags: false });
    expect(await h.call("ListTagsForStream", { StreamName: "s", Limit: 1 })).toMatchObject({ Tags: [{ Key: "a" }], HasMoreTags: true });
    await h.call("RemoveTagsFromStream", { StreamName: "s", TagKeys: ["a"] });
    expect(await h.call("ListTagsForStream", { StreamName: "s" })).toMatchObject({ Tags: [{ Key: "b" }] });
    for (let i = 0; i < 4; i++) {
      await h.call("AddTagsToStream", { StreamName: "s", Tags: Object.fromEntries(Array.from({ length: 10 }, (_, j) => [`k${i}-${j}`, "v"])) });
    }
    await h.call("AddTagsToStream", { StreamName: "s", Tags: Object.fromEntries(Array.from({ length: 9 }, (_, j) => [`m${j}`, "v"])) });
    await expect(h.call("AddTagsToStream", { StreamName: "s", Tags: { over: "v" } })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("AddTagsToStream", { StreamName: "s", Tags: Object.fromEntries(Array.from({ length: 11 }, (_, j) => [`n${j}`, "v"])) })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("AddTagsToStream", { StreamName: "s", Tags: { "aws:x": "v" } })).rejects.toMatchObject({ code: "InvalidArgumentException" });
  });

  it("switches encryption and monitoring", async () => {
    await h.call("StartStreamEncryption", { StreamName: "s", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" });
    expect(await h.call("DescribeStreamSummary", { StreamName: "s" })).toMatchObject({ StreamDescriptionSummary: { EncryptionType: "KMS", KeyId: "alias/aws/kinesis" } });
    await h.call("StopStreamEncryption", { StreamName: "s", EncryptionType: "KMS", KeyId: "alias/aws/kinesis" });
    const on = await h.call("EnableEnhancedMonitoring", { StreamName: "s", ShardLevelMetrics: ["IncomingBytes"] });
    expect(on).toMatchObject({ CurrentShardLevelMetrics: [], DesiredShardLevelMetrics: ["IncomingBytes"] });
    await expect(h.call("EnableEnhancedMonitoring", { StreamName: "s", ShardLevelMetrics: ["Bogus"] })).rejects.toMatchObject({ code: "InvalidArgumentException" });
  });

  it("deletes a stream with its records, and a stream with consumers only when forced", async () => {
    await h.call("PutRecord", { StreamName: "s", PartitionKey: "k", Data: Buffer.from("x") });
    const { StreamDescription } = (await h.call("DescribeStream", { StreamName: "s" })) as Desc;
    await h.call("RegisterStreamConsumer", { StreamARN: StreamDescription.StreamARN, ConsumerName: "c" });
    await expect(h.call("DeleteStream", { StreamName: "s" })).rejects.toMatchObject({ code: "ResourceInUseException" });
    await h.call("DeleteStream", { StreamName: "s", EnforceConsumerDeletion: true });
    await expect(h.call("DescribeStream", { StreamName: "s" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await h.call("CreateStream", { StreamName: "s", ShardCount: 1 });
    const it_ = await h.call("GetShardIterator", { StreamName: "s", ShardId: "shardId-000000000000", ShardIteratorType: "TRIM_HORIZON" });
    expect(await h.call("GetRecords", { ShardIterator: it_["ShardIterator"] })).toMatchObject({ Records: [] });
  });
});

describe("consumers", () => {
  it("registers, describes, lists and deregisters enhanced fan-out consumers", async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 1 });
    const arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s";
    const made = (await h.call("RegisterStreamConsumer", { StreamARN: arn, ConsumerName: "c1" })) as { Consumer: { ConsumerARN: string; ConsumerStatus: string } };
    expect(made.Consumer.ConsumerStatus).toBe("ACTIVE");
    expect(made.Consumer.ConsumerARN).toMatch(/^arn:aws:kinesis:us-east-1:000000000000:stream\/s\/consumer\/c1:\d+$/);
    await expect(h.call("RegisterStreamConsumer", { StreamARN: arn, ConsumerName: "c1" })).rejects.toMatchObject({ code: "ResourceInUseException" });
    expect(await h.call("DescribeStreamConsumer", { ConsumerARN: made.Consumer.ConsumerARN })).toMatchObject({ ConsumerDescription: { ConsumerName: "c1", StreamARN: arn } });
    expect(await h.call("ListStreamConsumers", { StreamARN: arn })).toMatchObject({ Consumers: [{ ConsumerName: "c1" }] });
    await h.call("DeregisterStreamConsumer", { StreamARN: arn, ConsumerName: "c1" });
    await expect(h.call("DescribeStreamConsumer", { StreamARN: arn, ConsumerName: "c1" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(h.call("SubscribeToShard", { ConsumerARN: made.Consumer.ConsumerARN, ShardId: "shardId-000000000000" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
  });
});
