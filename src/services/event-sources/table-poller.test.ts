import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatform, type Platform } from "../../platform.js";
import { eventually, rejects } from "../../testing/assert.js";
import { functionHarness, ROLE, type FunctionHarness } from "../../testing/functions.js";
import { createStreamTable } from "../../testing/tables.js";
import type { DynamoDbRecord } from "./dynamodb-event.js";

/** Appends each event (one line per invocation); fails on a "poison" record, or reports "bad…" records. */
const HANDLER = `const fs = require("fs");
exports.handler = async (event) => {
  fs.appendFileSync(process.env.OUT, JSON.stringify(event) + "\\n");
  const items = event.Records.map((r) => ({ seq: r.dynamodb.SequenceNumber, v: r.dynamodb.NewImage && r.dynamodb.NewImage.v ? r.dynamodb.NewImage.v.S : undefined }));
  if (items.some((i) => i.v === "poison")) throw new Error("poison record");
  if (process.env.MODE === "partial") return { batchItemFailures: items.filter((i) => i.v && i.v.startsWith("bad")).map((i) => ({ itemIdentifier: i.seq })) };
  return {};
};`;

type Event = { Records: DynamoDbRecord[] };

const events = (out: string): Event[] => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as Event) : []);
const records = (out: string): DynamoDbRecord[] => events(out).flatMap((e) => e.Records);
const pkOf = (r: DynamoDbRecord): string => (r.dynamodb.Keys["pk"] as { S: string }).S;
const vOf = (r: DynamoDbRecord): string | undefined => (r.dynamodb.NewImage?.["v"] as { S: string } | undefined)?.S;

/** A table with a stream, a function appending its events to a file, and helpers to write and map. */
async function fixture(p: Platform, code: (files: Record<string, string>) => string, dir: string, id: string, viewType = "NEW_AND_OLD_IMAGES", mode = "ok") {
  const name = `orders-${id}`;
  const out = join(dir, `events-${id}.jsonl`);
  const arn = await createStreamTable(p.tables, name, viewType);
  await p.functions.deployFromDirectory(
    { FunctionName: `fn-${id}`, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Environment: { Variables: { OUT: out, MODE: mode } } },
    { kind: "dir", path: code({ "index.js": HANDLER }), sha256: "dir", size: 0 },
  );
  return {
    name,
    out,
    arn,
    put: (pk: string, v: string, extra: Record<string, unknown> = {}) => p.tables.call("PutItem", { TableName: name, Item: { pk: { S: pk }, v: { S: v }, ...extra } }),
    del: (pk: string) => p.tables.call("DeleteItem", { TableName: name, Key: { pk: { S: pk } } }),
    map: (settings: Record<string, unknown> = {}) => p.mappings.createEventSourceMapping({ FunctionName: `fn-${id}`, EventSourceArn: arn, StartingPosition: "TRIM_HORIZON", ...settings }),
  };
}

describe("DynamoDB stream event source mappings", () => {
  let h: FunctionHarness;
  let n = 0;
  const setup = (viewType?: string, mode?: string) => fixture(h.platform, (f) => h.code(f), h.dir, String(++n), viewType, mode);

  beforeAll(async () => {
    h = await functionHarness();
  });
  afterAll(async () => h.close());

  it("delivers INSERT, MODIFY and REMOVE in order per item, in Lambda's DynamoDB event", async () => {
    const t = await setup();
    const { UUID } = await t.map({ BatchSize: 4 });
    for (const pk of ["a", "b", "c"]) await t.put(pk, `${pk}-1`);
    for (const pk of ["a", "b", "c"]) await t.put(pk, `${pk}-2`);
    for (const pk of ["a", "b", "c"]) await t.del(pk);
    await eventually(() => (records(t.out).length >= 9 ? true : undefined));
    for (const pk of ["a", "b", "c"]) {
      const mine = records(t.out).filter((r) => pkOf(r) === pk);
      expect(mine.map((r) => `${r.eventName}:${vOf(r) ?? "-"}`)).toEqual([`INSERT:${pk}-1`, `MODIFY:${pk}-2`, "REMOVE:-"]);
      const seqs = mine.map((r) => BigInt(r.dynamodb.SequenceNumber));
      expect(seqs).toEqual([...seqs].sort((x, y) => (x < y ? -1 : 1)));
    }
    const [insert, modify, remove] = records(t.out).filter((r) => pkOf(r) === "a");
    expect(insert).toEqual({
      eventID: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      eventName: "INSERT",
      eventVersion: "1.1",
      eventSource: "aws:dynamodb",
      awsRegion: "us-east-1",
      dynamodb: {
        ApproximateCreationDateTime: expect.any(Number) as number,
        Keys: { pk: { S: "a" } },
        NewImage: { pk: { S: "a" }, v: { S: "a-1" } },
        SequenceNumber: expect.stringMatching(/^\d{21,40}$/) as string,
        SizeBytes: expect.any(Number) as number,
        StreamViewType: "NEW_AND_OLD_IMAGES",
      },
      eventSourceARN: t.arn,
    });
    const seconds = insert?.dynamodb.ApproximateCreationDateTime ?? 0;
    expect(Number.isInteger(seconds) && Math.abs(seconds - Date.now() / 1000) < 60).toBe(true);
    expect(modify?.dynamodb).toMatchObject({ NewImage: { v: { S: "a-2" } }, OldImage: { v: { S: "a-1" } } });
    expect(remove?.dynamodb.NewImage).toBeUndefined();
    expect(remove?.dynamodb.OldImage).toEqual({ pk: { S: "a" }, v: { S: "a-2" } });
    expect(Math.max(...events(t.out).map((e) => e.Records.length))).toBeLessThanOrEqual(4);
    const cps = await eventually(async () => {
      const list = await h.platform.storage.mappings.checkpoints(UUID);
      return list.some((c) => c.position !== null) ? list : undefined;
    });
    expect(cps.every((c) => !c.done)).toBe(true);
  });

  it("carries only the keys with KEYS_ONLY", async () => {
    const t = await setup("KEYS_ONLY");
    await t.put("k", "one");
    await t.put("k", "two");
    await t.map();
    await eventually(() => (records(t.out).length >= 2 ? true : undefined));
    for (const r of records(t.out)) {
      expect(r.dynamodb).toEqual({ ApproximateCreationDateTime: r.dynamodb.ApproximateCreationDateTime, Keys: { pk: { S: "k" } }, SequenceNumber: r.dynamodb.SequenceNumber, SizeBytes: r.dynamodb.SizeBytes, StreamViewType: "KEYS_ONLY" });
    }
    expect(records(t.out).map((r) => r.eventName)).toEqual(["INSERT", "MODIFY"]);
  });

  it("keeps each item's order with a ParallelizationFactor", async () => {
    const t = await setup();
    for (let i = 0; i < 40; i++) await t.put(`item-${i % 8}`, String(i));
    await t.map({ BatchSize: 20, ParallelizationFactor: 4 });
    await eventually(() => (records(t.out).length >= 40 ? true : undefined));
    for (let k = 0; k < 8; k++) {
      const seen = records(t.out).filter((r) => pkOf(r) === `item-${k}`).map((r) => Number(vOf(r)));
      expect(seen).toEqual([0, 1, 2, 3, 4].map((j) => j * 8 + k));
    }
  });

  it("filters on eventName and on NewImage attributes", async () => {
    const t = await setup();
    await t.map({
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ eventName: ["INSERT"] }) }, { Pattern: JSON.stringify({ dynamodb: { NewImage: { v: { S: [{ prefix: "keep" }] } } } }) }] },
    });
    await t.put("x", "first");
    await t.put("x", "drop-1");
    await t.put("x", "keep-2");
    await t.del("x");
    await t.put("y", "drop-3");
    await eventually(() => (records(t.out).length >= 3 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(records(t.out).map((r) => `${pkOf(r)}:${r.eventName}:${vOf(r) ?? "-"}`).sort()).toEqual(["x:INSERT:first", "x:MODIFY:keep-2", "y:INSERT:drop-3"]);
    await rejects(t.map({ FilterCriteria: { Filters: [{ Pattern: JSON.stringify({ dynamodb: ["x"] }) }] } }), "InvalidParameterValueException");
  });

  it("bisects a failing batch, retries, and sends DDBStreamBatchInfo for the poison record to the on-failure queue", async () => {
    const t = await setup();
    const dlq = await h.platform.queues.createQueue({ QueueName: `ddb-failures-${n}` });
    for (let i = 0; i < 8; i++) await t.put("k", i === 5 ? "poison" : `ok-${i}`);
    await t.map({ BatchSize: 8, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 1, DestinationConfig: { OnFailure: { Destination: `arn:aws:sqs:us-east-1:000000000000:ddb-failures-${n}` } } });
    const msgs = await eventually(async () => {
      const r = await h.platform.queues.receiveMessage({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 1 });
      return r.Messages?.length ? r.Messages : undefined;
    }, 30_000);
    const body = JSON.parse(msgs[0]?.Body ?? "{}") as { requestContext: { condition: string; approximateInvokeCount: number }; responseContext: { functionError: string }; DDBStreamBatchInfo: Record<string, unknown>; KinesisBatchInfo?: unknown };
    const poison = records(t.out).find((r) => vOf(r) === "poison");
    expect(body.requestContext.condition).toBe("RetryAttemptsExhausted");
    expect(body.responseContext.functionError).toBe("Unhandled");
    expect(body.KinesisBatchInfo).toBeUndefined();
    expect(body.DDBStreamBatchInfo).toEqual({
      shardId: expect.stringMatching(/^shardId-\d{20}-[0-9a-f]{8}$/) as string,
      startSequenceNumber: poison?.dynamodb.SequenceNumber,
      endSequenceNumber: poison?.dynamodb.SequenceNumber,
      approximateArrivalOfFirstRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as string,
      approximateArrivalOfLastRecord: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) as string,
      batchSize: 1,
      streamArn: t.arn,
    });
    const succeeded = () => new Set(events(t.out).filter((e) => !e.Records.some((r) => vOf(r) === "poison")).flatMap((e) => e.Records.map(vOf)));
    await eventually(() => (succeeded().size >= 7 ? true : undefined));
    expect([...succeeded()].sort()).toEqual(["ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "ok-6", "ok-7"]);
  }, 40_000);

  it("retries from the lowest failed record the function reports", async () => {
    const t = await setup("NEW_AND_OLD_IMAGES", "partial");
    for (let i = 0; i < 6; i++) await t.put("k", i === 3 ? "bad-3" : `m${i}`);
    await t.map({ BatchSize: 10, FunctionResponseTypes: ["ReportBatchItemFailures"], MaximumRetryAttempts: 1 });
    await eventually(() => (events(t.out).length >= 2 ? true : undefined));
    const [first, retry] = events(t.out);
    expect(first?.Records.map(vOf)).toEqual(["m0", "m1", "m2", "bad-3", "m4", "m5"]);
    expect(retry?.Records.map(vOf)).toEqual(["bad-3", "m4", "m5"]);
  });

  it("starts a LATEST mapping at its creation, ignoring earlier changes", async () => {
    const t = await setup();
    for (let i = 0; i < 4; i++) await t.put(`k${i}`, `before-${i}`);
    // LATEST includes changes made in the millisecond the mapping is created.
    await new Promise((r) => setTimeout(r, 20));
    await t.map({ StartingPosition: "LATEST" });
    for (let i = 0; i < 4; i++) await t.put(`k${i}`, `after-${i}`);
    await eventually(() => (records(t.out).length >= 4 ? true : undefined));
    await new Promise((r) => setTimeout(r, 1_500));
    expect(records(t.out).map((r) => `${r.eventName}:${vOf(r) ?? ""}`).sort()).toEqual(["MODIFY:after-0", "MODIFY:after-1", "MODIFY:after-2", "MODIFY:after-3"]);
  });

  it("delivers a TTL deletion as a REMOVE made by DynamoDB", async () => {
    const t = await setup();
    await h.platform.tables.call("UpdateTimeToLive", { TableName: t.name, TimeToLiveSpecification: { AttributeName: "expires", Enabled: true } });
    await t.map();
    await t.put("gone", "soon", { expires: { N: String(Math.floor(Date.now() / 1000) - 60) } });
    await t.put("kept", "later", { expires: { N: String(Math.floor(Date.now() / 1000) + 3_600) } });
    await h.platform.tables.sweep();
    await eventually(() => (records(t.out).some((r) => r.eventName === "REMOVE") ? true : undefined));
    const removed = records(t.out).filter((r) => r.eventName === "REMOVE");
    expect(removed.map(pkOf)).toEqual(["gone"]);
    expect(removed[0]?.userIdentity).toEqual({ type: "Service", principalId: "dynamodb.amazonaws.com" });
    expect(records(t.out).filter((r) => r.eventName === "INSERT").every((r) => r.userIdentity === undefined)).toBe(true);
  });

  it("finishes the shards of a stream once it is disabled and drained", async () => {
    const t = await setup();
    const { UUID } = await t.map();
    await t.put("k", "last");
    await eventually(() => (records(t.out).length >= 1 ? true : undefined));
    await h.platform.tables.call("UpdateTable", { TableName: t.name, StreamSpecification: { StreamEnabled: false } });
    const cps = await eventually(async () => {
      const list = await h.platform.storage.mappings.checkpoints(UUID);
      return list.length === 4 && list.every((c) => c.done) ? list : undefined;
    });
    expect(cps).toHaveLength(4);
    expect(records(t.out)).toHaveLength(1);
  });

  it("carries state through tumbling windows, with the window fields Lambda adds", async () => {
    const t = await setup();
    const out = join(h.dir, `window-${n}.jsonl`);
    const root = h.code({
      "index.js": `const fs = require("fs");
exports.handler = async (event) => {
  const sum = (event.state.sum ?? 0) + event.Records.reduce((s, r) => s + Number(r.dynamodb.NewImage.v.S), 0);
  fs.appendFileSync(process.env.OUT, JSON.stringify({ final: event.isFinalInvokeForWindow, records: event.Records.length, sum, window: event.window, shardId: event.shardId, arn: event.eventSourceARN }) + "\\n");
  return { state: { sum } };
};`,
    });
    await h.platform.functions.deployFromDirectory(
      { FunctionName: `win-${n}`, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Environment: { Variables: { OUT: out } } },
      { kind: "dir", path: root, sha256: "dir", size: 0 },
    );
    for (let i = 1; i <= 6; i++) await t.put("k", String(i));
    await h.platform.mappings.createEventSourceMapping({ FunctionName: `win-${n}`, EventSourceArn: t.arn, StartingPosition: "TRIM_HORIZON", BatchSize: 2, TumblingWindowInSeconds: 2 });
    type WindowLine = { final: boolean; records: number; sum: number; window: { start: string; end: string }; shardId: string; arn: string };
    const read = (): WindowLine[] => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as WindowLine) : []);
    const finals = await eventually(() => {
      const f = read().filter((l) => l.final);
      return f.reduce((s, l) => s + l.sum, 0) === 21 ? f : undefined;
    }, 20_000);
    for (const f of finals) {
      expect(f.records).toBe(0);
      expect(Date.parse(f.window.end) - Date.parse(f.window.start)).toBe(2000);
      expect(f.shardId).toMatch(/^shardId-\d{20}-[0-9a-f]{8}$/);
      expect(f.arn).toBe(t.arn);
    }
    expect(read().filter((l) => !l.final).every((l) => l.records <= 2)).toBe(true);
  }, 30_000);

  it("refuses what Lambda refuses for DynamoDB streams", async () => {
    const t = await setup();
    await rejects(t.map({ StartingPosition: "AT_TIMESTAMP", StartingPositionTimestamp: 1_700_000_000 }), "InvalidParameterValueException", `Unsupported starting position for arn type: ${t.arn}`);
    await rejects(h.platform.mappings.createEventSourceMapping({ FunctionName: `fn-${n}`, EventSourceArn: t.arn }), "InvalidParameterValueException");
    await rejects(t.map({ ParallelizationFactor: 11 }), "ValidationException");
    const missing = t.arn.replace(/\/stream\/.*$/, "/stream/2020-01-01T00:00:00.000");
    await rejects(h.platform.mappings.createEventSourceMapping({ FunctionName: `fn-${n}`, EventSourceArn: missing, StartingPosition: "LATEST" }), "InvalidParameterValueException", `Stream not found: ${missing}`);
    const { UUID } = await t.map();
    await rejects(t.map(), "ResourceConflictException", `The event source arn (" ${t.arn} ") and function (" fn-${n} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${UUID}`);
    const got = await h.platform.mappings.getEventSourceMapping({ UUID });
    expect(got).toMatchObject({ EventSourceArn: t.arn, StartingPosition: "TRIM_HORIZON", BatchSize: 100, MaximumRetryAttempts: -1 });
  });
});

describe("DynamoDB stream mappings across a restart", () => {
  it("resume after the checkpoint, delivering nothing twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sluice-ddb-restart-"));
    const open = async () => {
      const p = await createPlatform({ dataDir: join(dir, "data"), functions: { dataDir: join(dir, "functions"), idleMs: 60_000 } });
      await p.start();
      return p;
    };
    let k = 0;
    const code = (files: Record<string, string>) => {
      const root = join(dir, `code-${++k}`);
      mkdirSync(root, { recursive: true });
      for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
      return root;
    };
    let p = await open();
    try {
      const t = await fixture(p, code, dir, "restart");
      const { UUID } = await t.map({ BatchSize: 10 });
      for (let i = 0; i < 3; i++) await t.put("k", `first-${i}`);
      await eventually(() => (records(t.out).length >= 3 ? true : undefined));
      await eventually(async () => ((await p.storage.mappings.checkpoints(UUID)).some((c) => c.position !== null) ? true : undefined));
      await p.stop();
      p = await open();
      for (let i = 0; i < 2; i++) await p.tables.call("PutItem", { TableName: t.name, Item: { pk: { S: "k" }, v: { S: `second-${i}` } } });
      await eventually(() => (records(t.out).length >= 5 ? true : undefined), 20_000);
      await new Promise((r) => setTimeout(r, 1_500));
      expect(records(t.out).map(vOf)).toEqual(["first-0", "first-1", "first-2", "second-0", "second-1"]);
    } finally {
      await p.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);
});
