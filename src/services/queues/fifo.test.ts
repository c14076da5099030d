import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";

describe("FIFO queues", () => {
  let h: QueueHarness;
  let url: string;
  const send = (body: string, group: string, dedup = body) =>
    h.queues.sendMessage({ QueueUrl: url, MessageBody: body, MessageGroupId: group, MessageDeduplicationId: dedup });
  const bodies = async (max = 10) =>
    ((await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: max })).Messages ?? []).map((m) => m.Body);

  beforeEach(async () => {
    h = await queueHarness();
    url = (await h.queues.createQueue({ QueueName: "orders.fifo", Attributes: { FifoQueue: "true" } })).QueueUrl;
  });
  afterEach(async () => h.close());

  it("delivers a group in order and holds it while a message is in flight", async () => {
    for (const b of ["a1", "a2", "a3"]) await send(b, "A");
    expect(await bodies(1)).toEqual(["a1"]);
    expect(await bodies()).toEqual([]);
    await h.clock.advance(30_000);
    expect(await bodies(2)).toEqual(["a1", "a2"]);
  });

  it("fills a receive from the first group before others, in FIFO order", async () => {
    await send("a1", "A");
    await send("b1", "B");
    await send("a2", "A");
    await send("b2", "B");
    expect(await bodies(3)).toEqual(["a1", "a2", "b1"]);
    expect(await bodies()).toEqual([]);
  });

  it("releases a group when its in-flight messages are deleted", async () => {
    await send("a1", "A");
    await send("a2", "A");
    const [m] = (await h.queues.receiveMessage({ QueueUrl: url })).Messages!;
    expect(await bodies()).toEqual([]);
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle });
    expect(await bodies()).toEqual(["a2"]);
  });

  it("keeps a group blocked until every in-flight message of it is settled", async () => {
    for (const b of ["a1", "a2", "a3"]) await send(b, "A");
    const msgs = (await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 2 })).Messages!;
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: msgs[0]!.ReceiptHandle });
    expect(await bodies()).toEqual([]);
    await h.queues.changeMessageVisibility({ QueueUrl: url, ReceiptHandle: msgs[1]!.ReceiptHandle, VisibilityTimeout: 0 });
    expect(await bodies()).toEqual(["a2", "a3"]);
  });

  it("deduplicates by MessageDeduplicationId within five minutes, even after delete", async () => {
    const first = await send("x", "A", "d1");
    const dup = await send("x-again", "A", "d1");
    expect(dup.MessageId).toBe(first.MessageId);
    expect(dup.SequenceNumber).toBe(first.SequenceNumber);
    const [m] = (await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10 })).Messages!;
    expect(m!.Body).toBe("x");
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: m!.ReceiptHandle });
    await send("x-third", "A", "d1");
    expect(await bodies()).toEqual([]);
    await h.clock.advance(300_000);
    await send("x-later", "A", "d1");
    expect(await bodies()).toEqual(["x-later"]);
  });

  it("deduplicates by content when ContentBasedDeduplication is on", async () => {
    await h.queues.setQueueAttributes({ QueueUrl: url, Attributes: { ContentBasedDeduplication: "true" } });
    const a = await h.queues.sendMessage({ QueueUrl: url, MessageBody: "same", MessageGroupId: "A" });
    const b = await h.queues.sendMessage({ QueueUrl: url, MessageBody: "same", MessageGroupId: "B" });
    expect(b.MessageId).toBe(a.MessageId);
    const m = (await h.queues.receiveMessage({ QueueUrl: url, MessageSystemAttributeNames: ["MessageDeduplicationId"] })).Messages![0]!;
    expect(m.Attributes?.["MessageDeduplicationId"]).toMatch(/^[0-9a-f]{64}$/);
  });

  it("scopes deduplication to the message group when DeduplicationScope is messageGroup", async () => {
    await h.queues.setQueueAttributes({
      QueueUrl: url,
      Attributes: { DeduplicationScope: "messageGroup", FifoThroughputLimit: "perMessageGroupId" },
    });
    await send("a", "A", "same");
    await send("b", "B", "same");
    await send("a-dup", "A", "same");
    expect((await bodies()).sort()).toEqual(["a", "b"]);
  });

  it("numbers messages with increasing 20-digit sequence numbers", async () => {
    const a = await send("a", "A");
    const b = await send("b", "B");
    expect(a.SequenceNumber).toMatch(/^\d{20}$/);
    expect(BigInt(b.SequenceNumber!)).toBeGreaterThan(BigInt(a.SequenceNumber!));
    const m = (await h.queues.receiveMessage({ QueueUrl: url, AttributeNames: ["All"] })).Messages![0]!;
    expect(m.Attributes).toMatchObject({ SequenceNumber: a.SequenceNumber, MessageGroupId: "A", MessageDeduplicationId: "a" });
  });

  it("returns the same messages and handles for a retried ReceiveRequestAttemptId", async () => {
    await send("a1", "A");
    await send("a2", "A");
    const first = await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 2, ReceiveRequestAttemptId: "try-1" });
    const retry = await h.queues.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 2, ReceiveRequestAttemptId: "try-1" });
    expect(retry.Messages?.map((m) => m.ReceiptHandle)).toEqual(first.Messages?.map((m) => m.ReceiptHandle));
    await h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: first.Messages![0]!.ReceiptHandle });
    const afterChange = await h.queues.receiveMessage({ QueueUrl: url, ReceiveRequestAttemptId: "try-1" });
    expect(afterChange.Messages).toBeUndefined();
  });

  it("rejects a delete with a handle whose visibility has expired", async () => {
    await send("a1", "A");
    const m = (await h.queues.receiveMessage({ QueueUrl: url })).Messages![0]!;
    await h.clock.advance(30_000);
    await expect(h.queues.deleteMessage({ QueueUrl: url, ReceiptHandle: m.ReceiptHandle })).rejects.toMatchObject({
      code: "InvalidParameterValue",
      message: `Value ${m.ReceiptHandle} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`,
    });
    expect(await bodies()).toEqual(["a1"]);
  });

  it("applies the queue's delay to every message and refuses per-message delays", async () => {
    await h.queues.setQueueAttributes({ QueueUrl: url, Attributes: { DelaySeconds: "5" } });
    await send("a1", "A");
    expect(await bodies()).toEqual([]);
    await h.clock.advance(5_000);
    expect(await bodies()).toEqual(["a1"]);
    await expect(
      h.queues.sendMessage({ QueueUrl: url, MessageBody: "x", MessageGroupId: "A", MessageDeduplicationId: "x", DelaySeconds: 3 }),
    ).rejects.toMatchObject({ code: "InvalidParameterValue" });
  });
});
