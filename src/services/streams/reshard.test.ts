import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { streamHarness, type StreamHarness } from "../../testing/streams.js";
import { MAX_HASH_KEY } from "./hash.js";
import type { Shard } from "./types.js";

let h: StreamHarness;
beforeEach(async () => {
  h = await streamHarness({ shardLimit: 40 });
});
afterEach(() => h.close());

async function shards(name = "s"): Promise<Shard[]> {
  return ((await h.call("ListShards", { StreamName: name })) as { Shards: Shard[] }).Shards;
}

const open = (list: Shard[]): Shard[] => list.filter((s) => s.SequenceNumberRange.EndingSequenceNumber === undefined);

/** Open shards must tile the key space exactly. */
function expectTiling(list: Shard[], count: number): void {
  const ranges = open(list).map((s) => [BigInt(s.HashKeyRange.StartingHashKey), BigInt(s.HashKeyRange.EndingHashKey)] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  expect(ranges).toHaveLength(count);
  expect(ranges[0]?.[0]).toBe(0n);
  expect(ranges[ranges.length - 1]?.[1]).toBe(MAX_HASH_KEY);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.[0]).toBe((ranges[i - 1]?.[1] ?? 0n) + 1n);
}

async function readAll(shardId: string): Promise<{ data: string[]; children: string[] }> {
  let it = (await h.call("GetShardIterator", { StreamName: "s", ShardId: shardId, ShardIteratorType: "TRIM_HORIZON" }))["ShardIterator"] as string | undefined;
  const data: string[] = [];
  while (it) {
    const page = (await h.call("GetRecords", { ShardIterator: it })) as { Records: { Data: Buffer }[]; NextShardIterator?: string; ChildShards?: { ShardId: string }[] };
    data.push(...page.Records.map((r) => r.Data.toString()));
    if (page.ChildShards) return { data, children: page.ChildShards.map((c) => c.ShardId) };
    if (page.Records.length === 0) return { data, children: [] };
    it = page.NextShardIterator;
  }
  return { data, children: [] };
}

describe("SplitShard and MergeShards", () => {
  beforeEach(async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 2 });
  });

  it("splits a shard into two children that follow it, and a drained parent names them", async () => {
    await h.call("PutRecord", { StreamName: "s", PartitionKey: "k", Data: Buffer.from("before"), ExplicitHashKey: "5" });
    await h.call("SplitShard", { StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: String(1n << 126n) });
    const list = await shards();
    expect(list.map((s) => s.ShardId)).toEqual(["shardId-000000000000", "shardId-000000000001", "shardId-000000000002", "shardId-000000000003"]);
    expect(list[2]).toMatchObject({ ParentShardId: "shardId-000000000000", HashKeyRange: { StartingHashKey: "0", EndingHashKey: String((1n << 126n) - 1n) } });
    expect(list[0]?.SequenceNumberRange.EndingSequenceNumber).toBeDefined();
    expectTiling(list, 3);
    const after = (await h.call("PutRecord", { StreamName: "s", PartitionKey: "k", Data: Buffer.from("after"), ExplicitHashKey: "5" })) as { ShardId: string; SequenceNumber: string };
    expect(after.ShardId).toBe("shardId-000000000002");
    expect(BigInt(after.SequenceNumber) > BigInt(list[0]?.SequenceNumberRange.EndingSequenceNumber ?? "0")).toBe(true);
    expect(await readAll("shardId-000000000000")).toEqual({ data: ["before"], children: ["shardId-000000000002", "shardId-000000000003"] });
    expect((await readAll("shardId-000000000002")).data).toEqual(["after"]);
  });

  it("merges adjacent shards into one child with both parents", async () => {
    await h.call("MergeShards", { StreamName: "s", ShardToMerge: "shardId-000000000000", AdjacentShardToMerge: "shardId-000000000001" });
    const list = await shards();
    expect(list[2]).toMatchObject({ ShardId: "shardId-000000000002", ParentShardId: "shardId-000000000000", AdjacentParentShardId: "shardId-000000000001" });
    expectTiling(list, 1);
  });

  it("refuses closed, unknown, non-adjacent shards and keys outside the shard", async () => {
    await h.call("SplitShard", { StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "100" });
    await expect(h.call("SplitShard", { StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "50" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("MergeShards", { StreamName: "s", ShardToMerge: "shardId-000000000002", AdjacentShardToMerge: "shardId-000000000001" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("SplitShard", { StreamName: "s", ShardToSplit: "shardId-000000000001", NewStartingHashKey: "1" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("SplitShard", { StreamName: "s", ShardToSplit: "shardId-000000000009", NewStartingHashKey: "1" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(h.call("SplitShard", { StreamName: "s", ShardToSplit: "shardId-000000000002", NewStartingHashKey: "0" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    expect(await shards()).toHaveLength(4);
  });
});

describe("UpdateShardCount", () => {
  it.each([
    [3, 5],
    [4, 8],
    [5, 3],
    [8, 4],
    [6, 7],
  ])("scales %i shards to %i uniform shards with at most two parents each, losing no record", async (from, to) => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: from });
    const keys = Array.from({ length: 60 }, (_, i) => `key-${i}`);
    for (const k of keys) await h.call("PutRecord", { StreamName: "s", PartitionKey: k, Data: Buffer.from(`${k}:1`) });
    const out = await h.call("UpdateShardCount", { StreamName: "s", TargetShardCount: to, ScalingType: "UNIFORM_SCALING" });
    expect(out).toMatchObject({ StreamName: "s", CurrentShardCount: from, TargetShardCount: to });
    for (const k of keys) await h.call("PutRecord", { StreamName: "s", PartitionKey: k, Data: Buffer.from(`${k}:2`) });
    const list = await shards();
    expectTiling(list, to);
    const step = (1n << 128n) / BigInt(to);
    open(list).forEach((s) => expect(BigInt(s.HashKeyRange.StartingHashKey) % step).toBe(0n));
    // Reading every shard parent-first yields each key's records in order.
    const seen = new Map<string, string[]>();
    for (const s of list) {
      for (const d of (await readAll(s.ShardId)).data) {
        const [k, n] = d.split(":");
        seen.set(k ?? "", [...(seen.get(k ?? "") ?? []), n ?? ""]);
      }
    }
    for (const k of keys) expect(seen.get(k)).toEqual(["1", "2"]);
  });

  it("refuses more than double, less than half, on-demand streams and a bad scaling type", async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 4 });
    await expect(h.call("UpdateShardCount", { StreamName: "s", TargetShardCount: 9, ScalingType: "UNIFORM_SCALING" })).rejects.toMatchObject({ code: "LimitExceededException" });
    await expect(h.call("UpdateShardCount", { StreamName: "s", TargetShardCount: 1, ScalingType: "UNIFORM_SCALING" })).rejects.toMatchObject({ code: "LimitExceededException" });
    await expect(h.call("UpdateShardCount", { StreamName: "s", TargetShardCount: 2, ScalingType: "OTHER" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await h.call("CreateStream", { StreamName: "od" });
    await expect(h.call("UpdateShardCount", { StreamName: "od", TargetShardCount: 5, ScalingType: "UNIFORM_SCALING" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
  });
});

describe("ListShards", () => {
  it("filters by shard id, latest and timestamp, and pages with a token", async () => {
    await h.call("CreateStream", { StreamName: "s", ShardCount: 2 });
    await h.clock.advance(60_000);
    const splitAt = h.clock.now();
    await h.call("SplitShard", { StreamName: "s", ShardToSplit: "shardId-000000000000", NewStartingHashKey: "1000" });
    const ids = async (input: Record<string, unknown>): Promise<string[]> => ((await h.call("ListShards", { StreamName: "s", ...input })) as { Shards: Shard[] }).Shards.map((s) => s.ShardId.slice(-1));
    expect(await ids({ ShardFilter: { Type: "AT_LATEST" } })).toEqual(["1", "2", "3"]);
    expect(await ids({ ShardFilter: { Type: "AFTER_SHARD_ID", ShardId: "shardId-000000000001" } })).toEqual(["2", "3"]);
    expect(await ids({ ShardFilter: { Type: "AT_TRIM_HORIZON" } })).toEqual(["0", "1"]);
    expect(await ids({ ShardFilter: { Type: "FROM_TRIM_HORIZON" } })).toEqual(["0", "1", "2", "3"]);
    expect(await ids({ ShardFilter: { Type: "AT_TIMESTAMP", Timestamp: new Date(splitAt - 1000) } })).toEqual(["0", "1"]);
    expect(await ids({ ShardFilter: { Type: "FROM_TIMESTAMP", Timestamp: new Date(splitAt + 1000) } })).toEqual(["1", "2", "3"]);
    const page = (await h.call("ListShards", { StreamName: "s", MaxResults: 3 })) as { Shards: Shard[]; NextToken: string };
    expect(page.Shards).toHaveLength(3);
    expect(((await h.call("ListShards", { NextToken: page.NextToken })) as { Shards: Shard[] }).Shards.map((s) => s.ShardId)).toEqual(["shardId-000000000003"]);
    await expect(h.call("ListShards", { StreamName: "s", NextToken: page.NextToken })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("ListShards", { StreamName: "s", ShardFilter: { Type: "NOPE" } })).rejects.toMatchObject({ code: "InvalidArgumentException" });
  });
});
