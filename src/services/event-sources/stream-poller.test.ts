import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../testing/assert.js";
import { functionHarness, ROLE, type FunctionHarness } from "../../testing/functions.js";

/** Appends each record as "key:data" (one line per invocation) and fails on "poison" or reports "bad" records. */
const HANDLER = `const fs = require("fs");
exports.handler = async (event) => {
  const items = event.Records.map((r) => ({ key: r.kinesis.partitionKey, data: Buffer.from(r.kinesis.data, "base64").toString(), seq: r.kinesis.sequenceNumber }));
  fs.appendFileSync(process.env.OUT, JSON.stringify({ items, first: event.Records[0] }) + "\\n");
  if (items.some((i) => i.data.includes("poison"))) throw new Error("poison record");
  if (process.env.MODE === "partial") return { batchItemFailures: items.filter((i) => i.data.includes("bad")).map((i) => ({ itemIdentifier: i.seq })) };
  return {};
};`;

interface Line {
  items: { key: string; data: string; seq: string }[];
  first: Record<string, unknown>;
}

describe("Kinesis event source mappings", () => {
  let h: FunctionHarness;
  let n = 0;
  const lines = (out: string): Line[] => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line) : []);
  const delivered = (out: string): string[] => lines(out).flatMap((l) => l.items.map((i) => i.data));

  async function setup(shards: number, mode: string, mapping: Record<string, unknown> = {}) {
    const id = ++n;
    const out = join(h.dir, `events-${id}.jsonl`);
    const stream = `s${id}`;
    await h.platform.streams.call("CreateStream", { StreamName: stream, ShardCount: shards });
    const root = h.code({ "index.js": HANDLER });
    await h.platform.functions.deployFromDirectory(
      { FunctionName: `fn${id}`, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Environment: { Variables: { OUT: out, MODE: mode } } },
      { kind: "dir", path: root, sha256: "dir", size: 0 },
    );
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`;
    const m = await h.platform.mappings.createEventSourceMapping({ FunctionName: `fn${id}`, EventSourceArn: arn, StartingPosition: "TRIM_HORIZON", ...mapping });
    const put = async (key: string, data: string): Promise<void> => {
      await h.platform.streams.call("PutRecord", { StreamName: stream, PartitionKey: key, Data: Buffer.from(data) });
    };
    const putMany = async (records: [string, string][]): Promise<void> => {
      await h.platform.streams.call("PutRecords", { StreamName: stream, Records: records.map(([k, d]) => ({ PartitionKey: k, Data: Buffer.from(d) })) });
    };
    return { out, stream, arn, uuid: m.UUID, put, putMany };
  }

  beforeAll(async () => {
    h = await functionHarness();
  });
  afterAll(async () => h.close());

  it("delivers Lambda's Kinesis event, in order per key, and checkpoints each shard", async () => {
    const { out, arn, uuid, put } = await setup(2, "ok", { BatchSize: 5 });
    for (let i = 0; i < 30; i++) await put(`k${i % 3}`, `k${i % 3}-${i}`);
    await eventually(() => (delivered(out).length >= 30 ? true : undefined));
    const first = lines(out)[0]?.first;
    expect(first).toMatchObject({
      eventSource: "aws:kinesis",
      eventVersion: "1.0",
      eventName: "aws:kinesis:record",
      invokeIdentityArn: ROLE,
      awsRegion: "us-east-1",
      eventSourceARN: arn,
      kinesis: { kinesisSchemaVersion: "1.0", partitionKey: expect.stringMatching(/^k\d$/) as string },
    });
    expect(String(first?.["eventID"])).toMatch(/^shardId-\d{12}:\d{56}$/);
    for (const k of ["k0", "k1", "k2"]) {
      const seen = delivered(out).filter((d) => d.startsWith(`${k}-`));
      expect(seen).toEqual(Array.from({ length: 10 }, (_, j) => `${k}-${j * 3 + Number(k.slice(1))}`));
    }
    expect(Math.max(...lines(out).map((l) => l.items.length))).toBeLessThanOrEqual(5);
    const cps = await eventually(async () => {
      const list = await h.platform.storage.mappings.checkpoints(uuid);
      return list.filter((c) => c.position !== null).length > 0 ? list : undefined;
    });
    expect(cps.every((c) => !c.done)).toBe(true);
  });

  it("bisects a failing batch to isolate a poison record and sends it to the on-failure queue", async () => {
    const dlq = await h.platform.queues.createQueue({ QueueName: `failures-${n + 1}` });
    const dest = `arn:aws:sqs:us-east-1:000000000000:failures-${n + 1}`;
    const { out, put } = await setup(1, "ok", { BatchSize: 8, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: dest } } });
    for (let i = 0; i < 8; i++) await put("k", i === 5 ? "poison" : `ok-${i}`);
    const msgs = await eventually(async () => {
      const r = await h.platform.queues.receiveMessage({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1 });
      return r.Messages?.length ? r.Messages : undefined;
    }, 30_000);
    const record = JSON.parse(msgs[0]?.Body ?? "{}") as { requestContext: { condition: string }; KinesisBatchInfo: { batchSize: number } };
    expect(record.requestContext.condition).toBe("RetryAttemptsExhausted");
    expect(record.KinesisBatchInfo.batchSize).toBe(1);
    const succeeded = () => new Set(lines(out).filter((l) => !l.items.some((i) => i.data === "poison")).flatMap((l) => l.items.map((i) => i.data)));
    await eventually(() => (succeeded().size >= 7 ? true : undefined));
    expect([...succeeded()].sort()).toEqual(["ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "ok-6", "ok-7"]);
  }, 40_000);

  it("retries from the lowest failed record a function reports", async () => {
    const { out, putMany } = await setup(1, "partial", { BatchSize: 10, FunctionResponseTypes: ["ReportBatchItemFailures"], MaximumRetryAttempts: 1 });
    await putMany(Array.from({ length: 6 }, (_, i) => ["k", i === 3 ? "bad-3" : `m${i}`]));
    await eventually(() => (lines(out).length >= 2 ? true : undefined));
    const [firstCall, retry] = lines(out);
    expect(firstCall?.items.map((i) => i.data)).toEqual(["m0", "m1", "m2", "bad-3", "m4", "m5"]);
    expect(retry?.items.map((i) => i.data)).toEqual(["bad-3", "m4", "m5"]);
  });

  it("keeps each key's order with a ParallelizationFactor", async () => {
    const { out, put } = await setup(1, "ok", { BatchSize: 4, ParallelizationFactor: 4 });
    for (let i = 0; i < 40; i++) await put(`key-${i % 8}`, `key-${i % 8}:${i}`);
    await eventually(() => (delivered(out).length >= 40 ? true : undefined));
    for (let k = 0; k < 8; k++) {
      const seen = delivered(out).filter((d) => d.startsWith(`key-${k}:`)).map((d) => Number(d.split(":")[1]));
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(seen).toHaveLength(5);
    }
  });

  it("follows resharding: children after their parents, nothing lost or reordered per key", async () => {
    const { out, stream, put } = await setup(2, "ok", { BatchSize: 10 });
    for (let i = 0; i < 20; i++) await put(`k${i % 4}`, `k${i % 4}:${i}`);
    await h.platform.streams.call("UpdateShardCount", { StreamName: stream, TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" });
    for (let i = 20; i < 40; i++) await put(`k${i % 4}`, `k${i % 4}:${i}`);
    await eventually(() => (delivered(out).length >= 40 ? true : undefined), 30_000);
    for (let k = 0; k < 4; k++) {
      const seen = delivered(out).filter((d) => d.startsWith(`k${k}:`)).map((d) => Number(d.split(":")[1]));
      expect(seen).toEqual(Array.from({ length: 10 }, (_, j) => j * 4 + k));
    }
  }, 40_000);

  it("carries state through a tumbling window and ends it with a final invocation", async () => {
    const id = ++n;
    const out = join(h.dir, `window-${id}.jsonl`);
    await h.platform.streams.call("CreateStream", { StreamName: `w${id}`, ShardCount: 1 });
    const root = h.code({
      "index.js": `const fs = require("fs");
exports.handler = async (event) => {
  const sum = (event.state.sum ?? 0) + event.Records.reduce((n, r) => n + Number(Buffer.from(r.kinesis.data, "base64").toString()), 0);
  fs.appendFileSync(process.env.OUT, JSON.stringify({ final: event.isFinalInvokeForWindow, records: event.Records.length, sum, window: event.window, shardId: event.shardId }) + "\\n");
  return { state: { sum } };
};`,
    });
    await h.platform.functions.deployFromDirectory(
      { FunctionName: `win${id}`, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Environment: { Variables: { OUT: out } } },
      { kind: "dir", path: root, sha256: "dir", size: 0 },
    );
    await h.platform.mappings.createEventSourceMapping({ FunctionName: `win${id}`, EventSourceArn: `arn:aws:kinesis:us-east-1:000000000000:stream/w${id}`, StartingPosition: "TRIM_HORIZON", BatchSize: 3, TumblingWindowInSeconds: 2 });
    for (let i = 1; i <= 10; i++) await h.platform.streams.call("PutRecord", { StreamName: `w${id}`, PartitionKey: "k", Data: Buffer.from(String(i)) });
    type WindowLine = { final: boolean; records: number; sum: number; window: { start: string; end: string }; shardId: string };
    const read = (): WindowLine[] => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as WindowLine) : []);
    const finals = await eventually(() => {
      const all = read();
      const f = all.filter((l) => l.final);
      return f.reduce((n, l) => n + l.sum, 0) === 55 ? f : undefined;
    }, 20_000).catch((err: unknown) => {
      throw new Error(`${String(err)}: ${JSON.stringify(read())}`);
    });
    for (const f of finals) {
      expect(f.records).toBe(0);
      expect(Date.parse(f.window.end) - Date.parse(f.window.start)).toBe(2000);
      expect(f.shardId).toBe("shardId-000000000000");
    }
    expect(read().filter((l) => !l.final).every((l) => l.records <= 3)).toBe(true);
  }, 30_000);

  it("filters records on their JSON data and waits out the batching window to fill a batch", async () => {
    const { out, put } = await setup(1, "ok", { BatchSize: 100, MaximumBatchingWindowInSeconds: 2, FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ data: { kind: ["order"] } }) }] } });
    for (let i = 0; i < 6; i++) await put("k", JSON.stringify({ kind: i % 2 === 0 ? "order" : "ping", i }));
    await eventually(() => (delivered(out).length >= 3 ? true : undefined));
    expect(lines(out)).toHaveLength(1);
    expect(delivered(out).map((d) => (JSON.parse(d) as { i: number }).i)).toEqual([0, 2, 4]);
  });

  it("starts a LATEST mapping at its creation even in shards made by an earlier reshard", async () => {
    const id = ++n;
    const stream = `late${id}`;
    const out = join(h.dir, `late-${id}.jsonl`);
    await h.platform.streams.call("CreateStream", { StreamName: stream, ShardCount: 1 });
    await h.platform.streams.call("SplitShard", { StreamName: stream, ShardToSplit: "shardId-000000000000", NewStartingHashKey: String(1n << 127n) });
    for (let i = 0; i < 5; i++) await h.platform.streams.call("PutRecord", { StreamName: stream, PartitionKey: `k${i}`, Data: Buffer.from(`before-${i}`) });
    // LATEST includes records that arrive in the millisecond the mapping is created.
    await new Promise((r) => setTimeout(r, 20));
    const root = h.code({ "index.js": HANDLER });
    await h.platform.functions.deployFromDirectory(
      { FunctionName: `late${id}`, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Environment: { Variables: { OUT: out, MODE: "ok" } } },
      { kind: "dir", path: root, sha256: "dir", size: 0 },
    );
    await h.platform.mappings.createEventSourceMapping({ FunctionName: `late${id}`, EventSourceArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${stream}`, StartingPosition: "LATEST" });
    for (let i = 0; i < 5; i++) await h.platform.streams.call("PutRecord", { StreamName: stream, PartitionKey: `k${i}`, Data: Buffer.from(`after-${i}`) });
    await eventually(() => (delivered(out).length >= 5 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1500));
    expect(delivered(out).sort()).toEqual(["after-0", "after-1", "after-2", "after-3", "after-4"]);
  });

  it("reads a stream deleted and created again from its start, not from the old checkpoints", async () => {
    const { out, stream, put } = await setup(1, "ok", { BatchSize: 5 });
    for (let i = 0; i < 5; i++) await put("k", `first-${i}`);
    await eventually(() => (delivered(out).length >= 5 ? true : undefined));
    await h.platform.streams.call("DeleteStream", { StreamName: stream });
    await new Promise((r) => setTimeout(r, 10));
    await h.platform.streams.call("CreateStream", { StreamName: stream, ShardCount: 1 });
    for (let i = 0; i < 3; i++) await put("k", `second-${i}`);
    await eventually(() => (delivered(out).length >= 8 ? true : undefined), 20_000);
    expect(delivered(out).slice(5)).toEqual(["second-0", "second-1", "second-2"]);
  }, 30_000);

  it("refuses settings Lambda refuses for streams", async () => {
    const arn = "arn:aws:kinesis:us-east-1:000000000000:stream/s1";
    const make = (extra: Record<string, unknown>) => h.platform.mappings.createEventSourceMapping({ FunctionName: "fn1", EventSourceArn: arn, StartingPosition: "LATEST", ...extra });
    await expect(h.platform.mappings.createEventSourceMapping({ FunctionName: "fn1", EventSourceArn: arn })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(make({ ParallelizationFactor: 11 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(make({ MaximumRecordAgeInSeconds: 30 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(make({ MaximumRetryAttempts: 10_001 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(make({ ScalingConfig: { MaximumConcurrency: 2 } })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(make({ DestinationConfig: { OnFailure: { Destination: "arn:aws:sns:us-east-1:000000000000:t" } } })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(h.platform.mappings.createEventSourceMapping({ FunctionName: "fn1", EventSourceArn: "arn:aws:kinesis:us-east-1:000000000000:stream/missing", StartingPosition: "LATEST" })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
  });
});
