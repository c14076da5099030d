import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { eventually } from "../../testing/assert.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionHarness, ROLE, type FunctionHarness } from "../../testing/functions.js";

/** The handler appends each event to $OUT and fails, or reports failures, as bodies ask. */
const HANDLER = `const fs = require("fs");
exports.handler = async (event) => {
  fs.appendFileSync(process.env.OUT, JSON.stringify(event) + "\\n");
  const bodies = event.Records.map((r) => r.body);
  if (bodies.some((b) => b.includes("fail-all"))) throw new Error("batch failed");
  if (process.env.MODE === "partial") {
    return { batchItemFailures: event.Records.filter((r) => r.body.includes("bad")).map((r) => ({ itemIdentifier: r.messageId })) };
  }
  if (process.env.MODE === "malformed") return { batchItemFailures: [{ itemIdentifier: "" }] };
  return {};
};`;


describe("SQS event source mappings", () => {
  let h: FunctionHarness;
  let n = 0;
  const events = (out: string): { Records: { body: string; messageId: string; attributes: Record<string, string> }[] }[] =>
    existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as never) : [];

  async function setup(mode: string, queueAttrs: Record<string, string> = {}, mapping: Record<string, unknown> = {}, fifo = false) {
    const id = ++n;
    const out = join(h.dir, `events-${id}.jsonl`);
    const name = `q${id}${fifo ? ".fifo" : ""}`;
    const QueueUrl = (await h.platform.queues.createQueue({ QueueName: name, Attributes: { VisibilityTimeout: "2", ...(fifo ? { FifoQueue: "true", ContentBasedDeduplication: "true" } : {}), ...queueAttrs } })).QueueUrl;
    const root = h.code({ "index.js": HANDLER });
    await h.platform.functions.deployFromDirectory(
      { FunctionName: `fn${id}`, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Environment: { Variables: { OUT: out, MODE: mode } } },
      { kind: "dir", path: root, sha256: "dir", size: 0 },
    );
    const m = await h.platform.mappings.createEventSourceMapping({ FunctionName: `fn${id}`, EventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${name}`, ...mapping });
    return { QueueUrl, out, uuid: m.UUID, name };
  }
  const depth = async (QueueUrl: string) => {
    const { Attributes = {} } = await h.platform.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["All"] });
    return Number(Attributes["ApproximateNumberOfMessages"]) + Number(Attributes["ApproximateNumberOfMessagesNotVisible"]);
  };

  beforeAll(async () => {
    h = await functionHarness();
  });
  afterAll(async () => h.close());

  it("delivers Lambda's SQS event and deletes a successful batch", async () => {
    const { QueueUrl, out } = await setup("ok");
    await h.platform.queues.sendMessage({ QueueUrl, MessageBody: "hello", MessageAttributes: { Kind: { DataType: "String", StringValue: "greeting" } } });
    const [event] = await eventually(() => (events(out).length ? events(out) : undefined));
    const r = event!.Records[0]!;
    expect(r).toMatchObject({
      body: "hello",
      eventSource: "aws:sqs",
      eventSourceARN: expect.stringMatching(/^arn:aws:sqs:us-east-1:000000000000:q\d+$/) as string,
      awsRegion: "us-east-1",
      md5OfBody: "5d41402abc4b2a76b9719d911017c592",
      messageAttributes: { Kind: { stringValue: "greeting", stringListValues: [], binaryListValues: [], dataType: "String" } },
    });
    expect(Object.keys(r.attributes)).toEqual(["ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"]);
    await eventually(async () => ((await depth(QueueUrl)) === 0 ? true : undefined));
  });

  it("leaves a failed batch to return after the visibility timeout, then to the queue's DLQ", async () => {
    const dlq = (await h.platform.queues.createQueue({ QueueName: `dlq-${n + 1}` })).QueueUrl;
    const redrive = JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:000000000000:dlq-${n + 1}`, maxReceiveCount: 2 });
    const { QueueUrl, out } = await setup("ok", { RedrivePolicy: redrive, VisibilityTimeout: "1" });
    await h.platform.queues.sendMessage({ QueueUrl, MessageBody: "fail-all please" });
    await eventually(async () => {
      const { Attributes = {} } = await h.platform.queues.getQueueAttributes({ QueueUrl: dlq, AttributeNames: ["ApproximateNumberOfMessages"] });
      return Attributes["ApproximateNumberOfMessages"] === "1" ? true : undefined;
    });
    expect(events(out).map((e) => e.Records[0]!.attributes["ApproximateReceiveCount"])).toEqual(["1", "2"]);
  });

  it("deletes only what a ReportBatchItemFailures response does not name", async () => {
    const { QueueUrl, out } = await setup("partial", {}, { FunctionResponseTypes: ["ReportBatchItemFailures"], BatchSize: 10, MaximumBatchingWindowInSeconds: 1 });
    await h.platform.queues.sendMessageBatch({ QueueUrl, Entries: ["good-1", "bad-1", "good-2"].map((b, i) => ({ Id: `m${i}`, MessageBody: b })) });
    await eventually(() => (events(out).some((e) => e.Records.some((r) => r.body === "bad-1" && r.attributes["ApproximateReceiveCount"] === "2")) ? true : undefined));
    const delivered = events(out).flatMap((e) => e.Records.map((r) => r.body));
    expect(delivered.filter((b) => b.startsWith("good"))).toHaveLength(2);
  });

  it("fails the whole batch on a malformed batch item response", async () => {
    const { QueueUrl, out } = await setup("malformed", {}, { FunctionResponseTypes: ["ReportBatchItemFailures"] });
    await h.platform.queues.sendMessage({ QueueUrl, MessageBody: "whatever" });
    await eventually(() => (events(out).length >= 2 ? true : undefined));
    expect(events(out).map((e) => e.Records[0]!.attributes["ApproximateReceiveCount"])).toEqual(["1", "2"]);
  });

  it("deletes messages the filter rejects without invoking", async () => {
    const FilterCriteria = { Filters: [{ Pattern: JSON.stringify({ body: { kind: ["order"] } }) }] };
    const { QueueUrl, out } = await setup("ok", {}, { FilterCriteria });
    await h.platform.queues.sendMessageBatch({
      QueueUrl,
      Entries: [
        { Id: "a", MessageBody: JSON.stringify({ kind: "order", id: 1 }) },
        { Id: "b", MessageBody: JSON.stringify({ kind: "noise" }) },
        { Id: "c", MessageBody: "not json" },
      ],
    });
    await eventually(async () => ((await depth(QueueUrl)) === 0 ? true : undefined));
    expect(events(out).flatMap((e) => e.Records.map((r) => JSON.parse(r.body) as { id: number }))).toEqual([{ kind: "order", id: 1 }]);
  });

  it("keeps FIFO group order", async () => {
    const { QueueUrl, out } = await setup("ok", {}, { BatchSize: 1 }, true);
    for (let i = 1; i <= 6; i++) await h.platform.queues.sendMessage({ QueueUrl, MessageBody: `g${i % 2}-${i}`, MessageGroupId: `g${i % 2}` });
    await eventually(() => (events(out).length === 6 ? true : undefined));
    const bodies = events(out).map((e) => e.Records[0]!.body);
    expect(bodies.filter((b) => b.startsWith("g0"))).toEqual(["g0-2", "g0-4", "g0-6"]);
    expect(bodies.filter((b) => b.startsWith("g1"))).toEqual(["g1-1", "g1-3", "g1-5"]);
  });

  it("stops polling when disabled and resumes when enabled", async () => {
    const { QueueUrl, out, uuid } = await setup("ok", {}, { Enabled: false });
    expect((await h.platform.mappings.getEventSourceMapping({ UUID: uuid })).State).toBe("Disabled");
    await h.platform.queues.sendMessage({ QueueUrl, MessageBody: "waiting" });
    await new Promise((r) => setTimeout(r, 500));
    expect(events(out)).toHaveLength(0);
    expect((await h.platform.mappings.updateEventSourceMapping({ UUID: uuid, Enabled: true })).State).toBe("Enabling");
    await eventually(() => (events(out).length ? true : undefined));
  });

  it("validates mappings as Lambda does", async () => {
    const { name } = await setup("ok");
    const fifo = await setup("ok", {}, {}, true);
    const fn = `fn${n}`;
    const create = (extra: Record<string, unknown>, queue = name) =>
      h.platform.mappings.createEventSourceMapping({ FunctionName: fn, EventSourceArn: `arn:aws:sqs:us-east-1:000000000000:${queue}`, ...extra });
    await expect(create({ BatchSize: 100 })).rejects.toMatchObject({
      code: "InvalidParameterValueException",
      message: "Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10",
    });
    await expect(create({ StartingPosition: "LATEST" })).rejects.toMatchObject({ message: "StartingPosition is not valid for SQS event sources." });
    await expect(create({ FilterCriteria: { Filters: [{ Pattern: "not json" }] } })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(create({ BatchSize: 20, MaximumBatchingWindowInSeconds: 5 }, fifo.name)).rejects.toMatchObject({ code: "InvalidParameterValueException", message: "Batch size must not exceed 10 for FIFO queues." });
    await expect(create({})).resolves.toMatchObject({ State: "Creating", BatchSize: 10, FunctionResponseTypes: [] });
    await expect(create({})).rejects.toMatchObject({ code: "ResourceConflictException" });
    await expect(h.platform.mappings.getEventSourceMapping({ UUID: "00000000-0000-0000-0000-000000000000" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });
});
