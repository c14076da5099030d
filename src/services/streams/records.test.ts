import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { streamHarness, type StreamHarness } from "../../testing/streams.js";
import { ITERATOR_TTL_MS } from "./iterator.js";

let h: StreamHarness;
beforeEach(async () => {
  h = await streamHarness();
  await h.call("CreateStream", { StreamName: "s", ShardCount: 4 });
});
afterEach(() => h.close());

type Rec = { SequenceNumber: string; PartitionKey: string; Data: Buffer; ApproximateArrivalTimestamp: Date };
type Page = { Records: Rec[]; NextShardIterator?: string; MillisBehindLatest: number; ChildShards?: { ShardId: string; ParentShards: string[] }[] };

const SHARD0 = "shardId-000000000000";

async function iterator(shard: string, type: string, extra: Record<string, unknown> = {}): Promise<string> {
  return (await h.call("GetShardIterator", { StreamName: "s", ShardId: shard, ShardIteratorType: type, ...extra }))["ShardIterator"] as string;
}

async function read(it: string, limit?: number): Promise<Page> {
  return (await h.call("GetRecords", { ShardIterator: it, ...(limit ? { Limit: limit } : {}) })) as unknown as Page;
}

async function put(key: string, data: string, extra: Record<string, unknown> = {}): Promise<{ ShardId: string; SequenceNumber: string }> {
  return (await h.call("PutRecord", { StreamName: "s", PartitionKey: key, Data: Buffer.from(data), ...extra })) as { ShardId: string; SequenceNumber: string };
}

function expectedShard(key: string): string {
  const hash = BigInt(`0x${createHash("md5").update(key).digest("hex")}`);
  const index = hash / ((1n << 128n) / 4n);
  return `shardId-${String(index > 3n ? 3n : index).padStart(12, "0")}`;
}

describe("PutRecord and PutRecords", () => {
  it("routes by the MD5 of the partition key and numbers records increasingly per shard", async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `key-${i}`);
    const last = new Map<string, bigint>();
    for (const k of keys) {
      const r = await put(k, k);
      expect(r.ShardId).toBe(expectedShard(k));
      expect(r.SequenceNumber).toMatch(/^\d{56}$/);
      const seq = BigInt(r.SequenceNumber);
      expect(seq > (last.get(r.ShardId) ?? 0n)).toBe(true);
      last.set(r.ShardId, seq);
    }
  });

  it("honours ExplicitHashKey and rejects one outside the key space", async () => {
    expect((await put("k", "x", { ExplicitHashKey: "0" })).ShardId).toBe(SHARD0);
    expect((await put("k", "x", { ExplicitHashKey: String((1n << 128n) - 1n) })).ShardId).toBe("shardId-000000000003");
    await expect(put("k", "x", { ExplicitHashKey: String(1n << 128n) })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(put("k", "x", { ExplicitHashKey: "-1" })).rejects.toMatchObject({ code: "ValidationException" });
  });

  it("puts a batch with per-record results in request order", async () => {
    const records = Array.from({ length: 500 }, (_, i) => ({ PartitionKey: `p${i % 7}`, Data: Buffer.from(`r${i}`) }));
    const out = (await h.call("PutRecords", { StreamName: "s", Records: records })) as { FailedRecordCount: number; Records: { ShardId: string; SequenceNumber: string }[] };
    expect(out.FailedRecordCount).toBe(0);
    expect(out.Records).toHaveLength(500);
    expect(out.Records[3]?.ShardId).toBe(expectedShard("p3"));
  });

  it("rejects missing, oversized and malformed records, writing nothing", async () => {
    const big = Buffer.alloc(1_048_577);
    await expect(h.call("PutRecord", { StreamName: "s", PartitionKey: "k" })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("PutRecord", { StreamName: "s", PartitionKey: "k", Data: big })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("PutRecord", { StreamName: "s", PartitionKey: "k", Data: Buffer.alloc(1_048_576) })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("PutRecord", { StreamName: "s", PartitionKey: "", Data: Buffer.from("x") })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("PutRecord", { StreamName: "s", PartitionKey: "k".repeat(257), Data: Buffer.from("x") })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("PutRecord", { StreamName: "s", PartitionKey: "k", Data: "text" })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(h.call("PutRecords", { StreamName: "s", Records: [] })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("PutRecords", { StreamName: "s", Records: Array.from({ length: 501 }, () => ({ PartitionKey: "k", Data: Buffer.from("x") })) })).rejects.toMatchObject({ code: "ValidationException" });
    const six = Array.from({ length: 6 }, () => ({ PartitionKey: "k", Data: Buffer.alloc(1_000_000) }));
    await expect(h.call("PutRecords", { StreamName: "s", Records: six })).rejects.toMatchObject({ code: "InvalidArgumentException", message: "Records size exceeds 5 MB limit" });
    await expect(h.call("PutRecords", { StreamName: "s", Records: [{ PartitionKey: "k", Data: Buffer.from("x") }, { PartitionKey: "k" }] })).rejects.toMatchObject({ code: "ValidationException" });
    for (let i = 0; i < 4; i++) expect((await read(await iterator(`shardId-00000000000${i}`, "TRIM_HORIZON"))).Records).toEqual([]);
  });
});

describe("iterators and GetRecords", () => {
  it("reads a shard from the trim horizon in order, in pages, then waits at the tip", async () => {
    const sent = [];
    for (let i = 0; i < 25; i++) sent.push(await put("same", `m${i}`));
    const shard = sent[0]?.ShardId ?? SHARD0;
    let it = await iterator(shard, "TRIM_HORIZON");
    const got: string[] = [];
    for (let i = 0; i < 3; i++) {
      const page = await read(it, 10);
      got.push(...page.Records.map((r) => r.Data.toString()));
      it = page.NextShardIterator ?? "";
    }
    expect(got).toEqual(sent.map((_, i) => `m${i}`));
    const tip = await read(it);
    expect(tip.Records).toEqual([]);
    expect(tip.MillisBehindLatest).toBe(0);
    expect(tip.NextShardIterator).toBeDefined();
    await put("same", "late");
    expect((await read(tip.NextShardIterator ?? "")).Records.map((r) => r.Data.toString())).toEqual(["late"]);
  });

  it("starts at, after, latest and at a timestamp", async () => {
    const a = await put("k", "a");
    await h.clock.advance(1000);
    const b = await put("k", "b");
    await h.clock.advance(1000);
    await put("k", "c");
    const data = async (it: string): Promise<string[]> => (await read(it)).Records.map((r) => r.Data.toString());
    expect(await data(await iterator(a.ShardId, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: b.SequenceNumber }))).toEqual(["b", "c"]);
    expect(await data(await iterator(a.ShardId, "AFTER_SEQUENCE_NUMBER", { StartingSequenceNumber: b.SequenceNumber }))).toEqual(["c"]);
    expect(await data(await iterator(a.ShardId, "LATEST"))).toEqual([]);
    const at = new Date(h.clock.now() - 1500);
    expect(await data(await iterator(a.ShardId, "AT_TIMESTAMP", { Timestamp: at }))).toEqual(["b", "c"]);
    expect(await data(await iterator(a.ShardId, "AT_TIMESTAMP", { Timestamp: (h.clock.now() + 10_000) / 1000 }))).toEqual([]);
  });

  it("rejects bad iterator requests", async () => {
    const a = await put("k", "a");
    const other = a.ShardId === SHARD0 ? "shardId-000000000001" : SHARD0;
    await expect(iterator(other, "AT_SEQUENCE_NUMBER", { StartingSequenceNumber: a.SequenceNumber })).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(iterator(a.ShardId, "AT_SEQUENCE_NUMBER")).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(iterator(a.ShardId, "AT_TIMESTAMP")).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(iterator(a.ShardId, "SOMEWHERE")).rejects.toMatchObject({ code: "ValidationException" });
    await expect(iterator("shardId-000000000009", "LATEST")).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(read("not-an-iterator!")).rejects.toMatchObject({ code: "InvalidArgumentException" });
    await expect(read(Buffer.from(`1|99|0|1|${h.clock.now()}|000000000000|s`).toString("base64"))).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await expect(read(await iterator(a.ShardId, "LATEST"), 10_001)).rejects.toMatchObject({ code: "ValidationException" });
  });

  it("expires iterators after five minutes and refuses them for a re-created stream", async () => {
    const it = await iterator(SHARD0, "TRIM_HORIZON");
    await h.clock.advance(ITERATOR_TTL_MS + 1);
    await expect(read(it)).rejects.toMatchObject({ code: "ExpiredIteratorException" });
    const fresh = await iterator(SHARD0, "TRIM_HORIZON");
    await h.call("DeleteStream", { StreamName: "s" });
    await h.call("CreateStream", { StreamName: "s", ShardCount: 1 });
    await expect(read(fresh)).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });

  it("reports how far behind the tip a page is", async () => {
    for (let i = 0; i < 5; i++) {
      await put("k", `m${i}`);
      await h.clock.advance(1000);
    }
    const shard = (await put("k", "last")).ShardId;
    const page = await read(await iterator(shard, "TRIM_HORIZON"), 2);
    expect(page.MillisBehindLatest).toBe(4000);
  });

  it("hides and trims records past retention", async () => {
    const first = await put("k", "old");
    await h.clock.advance(23 * 3_600_000);
    await put("k", "new");
    await h.clock.advance(2 * 3_600_000);
    const it = await iterator(first.ShardId, "TRIM_HORIZON");
    expect((await read(it)).Records.map((r) => r.Data.toString())).toEqual(["new"]);
    // The background trim (every minute of clock time) has already deleted the old record.
    const stream = await h.storage.streams.getStream("000000000000", "s");
    const left = await h.storage.streams.readRecords(stream?.id ?? 0, Number(first.ShardId.slice(-1)), 0, 100, 1 << 30, 0);
    expect(left?.records.map((r) => r.data.toString())).toEqual(["new"]);
    expect(await h.streams.trim()).toBe(0);
  });
});

describe("closed shards and accounts", () => {
  it("reports a closed shard drained when what remains in it is past retention but not yet trimmed", async () => {
    const t = await streamHarness({ trimIntervalMs: 1_000_000_000 });
    try {
      await t.call("CreateStream", { StreamName: "c", ShardCount: 1 });
      await t.call("PutRecord", { StreamName: "c", PartitionKey: "k", Data: Buffer.from("old") });
      await t.call("SplitShard", { StreamName: "c", ShardToSplit: SHARD0, NewStartingHashKey: "1000" });
      await t.clock.advance(25 * 3_600_000);
      const it = (await t.call("GetShardIterator", { StreamName: "c", ShardId: SHARD0, ShardIteratorType: "TRIM_HORIZON" }))["ShardIterator"];
      const page = (await t.call("GetRecords", { ShardIterator: it })) as unknown as Page;
      expect(page.Records).toEqual([]);
      expect(page.NextShardIterator).toBeUndefined();
      expect(page.ChildShards?.map((c) => c.ShardId)).toEqual(["shardId-000000000001", "shardId-000000000002"]);
    } finally {
      await t.close();
    }
  });

  it("refuses an iterator presented by another account", async () => {
    const it = await iterator(SHARD0, "TRIM_HORIZON");
    const other = { accountId: "111111111111", region: "us-east-1", baseUrl: "http://127.0.0.1:4566" };
    await expect(h.streams.call("GetRecords", { ShardIterator: it }, other)).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });
});

describe("throughput limits", () => {
  it("throttles writes and reads per shard when enforced", async () => {
    const t = await streamHarness({ enforceThroughput: true });
    try {
      await t.call("CreateStream", { StreamName: "s", ShardCount: 1 });
      const records = Array.from({ length: 500 }, () => ({ PartitionKey: "k", Data: Buffer.alloc(1500) }));
      const first = (await t.call("PutRecords", { StreamName: "s", Records: records })) as { FailedRecordCount: number; Records: { ErrorCode?: string }[] };
      expect(first.FailedRecordCount).toBe(0);
      const second = (await t.call("PutRecords", { StreamName: "s", Records: records })) as typeof first;
      expect(second.FailedRecordCount).toBeGreaterThan(0);
      expect(second.Records.find((r) => r.ErrorCode)?.ErrorCode).toBe("ProvisionedThroughputExceededException");
      await t.clock.advance(1000);
      const it = (await t.call("GetShardIterator", { StreamName: "s", ShardId: SHARD0, ShardIteratorType: "LATEST" }))["ShardIterator"];
      for (let i = 0; i < 5; i++) await t.call("GetRecords", { ShardIterator: it });
      await expect(t.call("GetRecords", { ShardIterator: it })).rejects.toMatchObject({ code: "ProvisionedThroughputExceededException" });
    } finally {
      await t.close();
    }
  });
});
