import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";

async function counts(h: QueueHarness, QueueUrl: string): Promise<[number, number, number]> {
  const { Attributes = {} } = await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["All"] });
  return [
    Number(Attributes["ApproximateNumberOfMessages"]),
    Number(Attributes["ApproximateNumberOfMessagesNotVisible"]),
    Number(Attributes["ApproximateNumberOfMessagesDelayed"]),
  ];
}

describe("standard queue message flow", () => {
  let h: QueueHarness;
  let url: string;
  beforeEach(async () => {
    h = await queueHarness();
    url = (await h.queues.createQueue({ QueueName: "flow", Attributes: { VisibilityTimeout: "30" } })).QueueUrl;
  });
  afterEach(async () => h.close());

  it("hides a received message for the visibility timeout, then delivers it again", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "a" });
    const first = await h.queues.receiveMessage({ QueueUrl: url });
    expect(first.Messages).toHaveLength(1);
    expect(await counts(h, url)).toEqual([0, 1, 0]);
    await h.clock.advance(29_999);
    expect((await h.queues.receiveMessage({ QueueUrl: url })).Messages).toBeUndefined();
    await h.clock.advance(1);
    const again = await h.queues.receiveMessage({ QueueUrl: url, AttributeNames: ["ApproximateReceiveCount"] });
    expect(again.Messages?.[0]?.MessageId).toBe(first.Messages?.[0]?.MessageId);
    expect(again.Messages?.[0]?.Attributes?.["ApproximateReceiveCount"]).toBe("2");
    expect(again.Messages?.[0]?.ReceiptHandle).not.toBe(first.Messages?.[0]?.ReceiptHandle);
  });

  it("honours a receive's VisibilityTimeout override for that receive only", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "a" });
    await h.queues.receiveMessage({ QueueUrl: url, VisibilityTimeout: 5 });
    await h.clock.advance(5_000);
    expect((await h.queues.receiveMessage({ QueueUrl: url })).Messages).toHaveLength(1);
    await h.clock.advance(29_000);
    expect((await h.queues.receiveMessage({ QueueUrl: url })).Messages).toBeUndefined();
  });

  it("delivers at most MaxNumberOfMessages", async () => {
    await h.queues.sendMessageBatch({
      QueueUrl: url,
      Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` })),
    });
    expect((await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 3 })).Messages).toHaveLength(3);
    expect((await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages).toHaveLength(7);
  });

  it("keeps the message when deleted with an older receipt handle, and deletes with the latest", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "a" });
    const old = (await h.queues.receiveMessage({ QueueUrl: url, VisibilityTimeout: 0 })).Messages![0]!;
    const latest = (await h.queues.receiveMessage({ QueueUrl: url, VisibilityTimeout: 10 })).Messages![0]!;
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: old.ReceiptHandle });
    expect(await counts(h, url)).toEqual([0, 1, 0]);
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: latest.ReceiptHandle });
    expect(await counts(h, url)).toEqual([0, 0, 0]);
  });

  it("deletes with the latest handle even after its visibility expired (standard queues)", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "a" });
    const m = (await h.queues.receiveMessage({ QueueUrl: url })).Messages![0]!;
    await h.clock.advance(60_000);
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle });
    expect(await counts(h, url)).toEqual([0, 0, 0]);
  });

  it("rejects malformed receipt handles and handles of other queues", async () => {
    await expect(h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: "garbage" })).rejects.toMatchObject({
      code: "ReceiptHandleIsInvalid",
      message: 'The input receipt handle "garbage" is not a valid receipt handle.',
    });
    const other = (await h.queues.createQueue({ QueueName: "other" })).QueueUrl;
    await h.queues.sendMessage({ QueueUrl: other, MessageBody: "x" });
    const m = (await h.queues.receiveMessage({ QueueUrl: other })).Messages![0]!;
    await expect(h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle })).rejects.toMatchObject({
      code: "ReceiptHandleIsInvalid",
    });
    const tampered = m.ReceiptHandle.slice(0, -2) + (m.ReceiptHandle.endsWith("AA") ? "AB" : "AA");
    await expect(h.queues.deleteMessage({ QueueUrl: other, ReceiptHandle: tampered })).rejects.toMatchObject({
      code: "ReceiptHandleIsInvalid",
    });
  });

  it("delays messages per queue and per message", async () => {
    await h.queues.setQueueAttributes({ QueueUrl: url, Attributes: { DelaySeconds: "10" } });
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "queue-delay" });
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "own-delay", DelaySeconds: 20 });
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "no-delay", DelaySeconds: 0 });
    expect(await counts(h, url)).toEqual([1, 0, 2]);
    expect((await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages?.map((m) => m.Body)).toEqual(["no-delay"]);
    await h.clock.advance(10_000);
    expect((await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages?.map((m) => m.Body)).toEqual(["queue-delay"]);
    await h.clock.advance(10_000);
    expect((await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages?.map((m) => m.Body)).toEqual(["own-delay"]);
  });

  it("drops messages past the retention period", async () => {
    await h.queues.setQueueAttributes({ QueueUrl: url, Attributes: { MessageRetentionPeriod: "60" } });
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "old" });
    await h.clock.advance(30_000);
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "young" });
    await h.clock.advance(30_000);
    expect(await counts(h, url)).toEqual([1, 0, 0]);
    const got = await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 });
    expect(got.Messages?.map((m) => m.Body)).toEqual(["young"]);
  });

  it("finds a fresh message behind a large backlog of expired ones", async () => {
    const lazy = await queueHarness({ sweepIntervalMs: 3_600_000 });
    try {
      const q = (await lazy.queues.createQueue({ QueueName: "backlog", Attributes: { MessageRetentionPeriod: "60" } })).QueueUrl;
      for (let i = 0; i < 100; i++) {
        await lazy.queues.sendMessageBatch({ QueueUrl: q, Entries: Array.from({ length: 10 }, (_, k) => ({ Id: `e${k}`, MessageBody: "old" })) });
      }
      await lazy.clock.advance(59_000);
      await lazy.queues.sendMessage({ QueueUrl: q, MessageBody: "fresh" });
      await lazy.clock.advance(1_000);
      expect((await lazy.queues.receiveMessage({ QueueUrl: q })).Messages?.map((m) => m.Body)).toEqual(["fresh"]);
      expect(lazy.metrics.expose()).toContain('sluice_queue_messages_expired_total{queue="backlog"} 1000');
    } finally {
      await lazy.close();
    }
  });

  it("drops an expired message found by a receive before the sweeper runs", async () => {
    const lazy = await queueHarness({ sweepIntervalMs: 3_600_000 });
    try {
      const q = (await lazy.queues.createQueue({ QueueName: "lazy", Attributes: { MessageRetentionPeriod: "60" } })).QueueUrl;
      await lazy.queues.sendMessage({ QueueUrl: q, MessageBody: "old" });
      await lazy.clock.advance(60_000);
      expect((await lazy.queues.receiveMessage({ QueueUrl: q })).Messages).toBeUndefined();
      expect(lazy.metrics.expose()).toContain('sluice_queue_messages_expired_total{queue="lazy"} 1');
      await lazy.queues.sendMessage({ QueueUrl: q, MessageBody: "old2" });
      await lazy.clock.advance(60_000);
      expect(await lazy.queues.sweep()).toEqual({ expired: 1, dedup: 0 });
    } finally {
      await lazy.close();
    }
  });

  it("changes visibility of in-flight messages only", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "a" });
    const m = (await h.queues.receiveMessage({ QueueUrl: url })).Messages![0]!;
    await h.queues.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 });
    expect(await counts(h, url)).toEqual([1, 0, 0]);
    await expect(
      h.queues.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10 }),
    ).rejects.toMatchObject({ code: "MessageNotInflight" });
    const again = (await h.queues.receiveMessage({ QueueUrl: url })).Messages![0]!;
    await expect(
      h.queues.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 10 }),
    ).rejects.toMatchObject({ code: "InvalidParameterValue" });
    await h.queues.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: again.ReceiptHandle, VisibilityTimeout: 100 });
    await h.clock.advance(99_000);
    expect((await h.queues.receiveMessage({ QueueUrl: url })).Messages).toBeUndefined();
    await h.clock.advance(1_000);
    expect((await h.queues.receiveMessage({ QueueUrl: url })).Messages).toHaveLength(1);
  });

  it("refuses to keep a message in flight beyond 12 hours after its receive", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "a" });
    const m = (await h.queues.receiveMessage({ QueueUrl: url, VisibilityTimeout: 7200 })).Messages![0]!;
    await h.clock.advance(3_600_000);
    await expect(
      h.queues.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 43_200 }),
    ).rejects.toMatchObject({
      code: "InvalidParameterValue",
      message: "Value 43200 for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds].",
    });
    await h.queues.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 39_600 });
  });

  it("reports per-entry outcomes of visibility and delete batches", async () => {
    await h.queues.sendMessageBatch({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: "a" }, { Id: "b", MessageBody: "b" }] });
    const [a, b] = (await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 2 })).Messages!;
    const vis = await h.queues.changeMessageVisibilityBatch({
      QueueUrl: url,
      Entries: [
        { Id: "ok", ReceiptHandle: a!.ReceiptHandle, VisibilityTimeout: 0 },
        { Id: "bad", ReceiptHandle: "nope", VisibilityTimeout: 0 },
      ],
    });
    expect(vis.Successful).toEqual([{ Id: "ok" }]);
    expect(vis.Failed).toEqual([
      { Id: "bad", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: 'The receipt handle "nope" is not valid for this queue.' },
    ]);
    const del = await h.queues.deleteMessageBatch({
      QueueUrl: url,
      Entries: [
        { Id: "x", ReceiptHandle: b!.ReceiptHandle },
        { Id: "y", ReceiptHandle: "nope" },
      ],
    });
    expect(del.Successful).toEqual([{ Id: "x" }]);
    expect(del.Failed.map((f) => f.Id)).toEqual(["y"]);
    expect(await counts(h, url)).toEqual([1, 0, 0]);
  });

  it("purges everything, at most once a minute", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "a" });
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "b", DelaySeconds: 60 });
    await h.queues.receiveMessage({ QueueUrl: url });
    await h.queues.purgeQueue({ QueueUrl: url });
    expect(await counts(h, url)).toEqual([0, 0, 0]);
    await expect(h.queues.purgeQueue({ QueueUrl: url })).rejects.toMatchObject({
      code: "PurgeQueueInProgress",
      message: "Only one PurgeQueue operation on flow is allowed every 60 seconds.",
    });
    await h.clock.advance(60_000);
    await h.queues.purgeQueue({ QueueUrl: url });
  });

  it("returns the system attributes asked for", async () => {
    const t0 = h.clock.now();
    await h.queues.sendMessage({
      QueueUrl: url,
      MessageBody: "a",
      MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" } },
    });
    await h.clock.advance(5);
    const m = (await h.queues.receiveMessage({ QueueUrl: url, MessageSystemAttributeNames: ["All"] })).Messages![0]!;
    expect(m.Attributes).toEqual({
      SenderId: "000000000000",
      SentTimestamp: String(t0),
      ApproximateReceiveCount: "1",
      ApproximateFirstReceiveTimestamp: String(t0 + 5),
      AWSTraceHeader: "Root=1-abc",
    });
    await h.clock.advance(30_000);
    const again = (await h.queues.receiveMessage({ QueueUrl: url, AttributeNames: ["SentTimestamp"] })).Messages![0]!;
    expect(again.Attributes).toEqual({ SentTimestamp: String(t0) });
  });

  it("reports queue counts and metrics", async () => {
    await h.queues.sendMessageBatch({ QueueUrl: url, Entries: [{ Id: "a", MessageBody: "a" }, { Id: "b", MessageBody: "b" }] });
    const got = await h.queues.receiveMessage({ QueueUrl: url });
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: got.Messages![0]!.ReceiptHandle });
    const text = h.metrics.expose();
    expect(text).toContain('sluice_queue_messages_sent_total{queue="flow"} 2');
    expect(text).toContain('sluice_queue_messages_received_total{queue="flow"} 1');
    expect(text).toContain('sluice_queue_messages_deleted_total{queue="flow"} 1');
  });

  it("fails every message call on a deleted queue", async () => {
    await h.queues.deleteQueue({ QueueUrl: url });
    await expect(h.queues.sendMessage({ QueueUrl: url, MessageBody: "x" })).rejects.toMatchObject({ code: "QueueDoesNotExist" });
    await expect(h.queues.receiveMessage({ QueueUrl: url })).rejects.toMatchObject({ code: "QueueDoesNotExist" });
  });
});
