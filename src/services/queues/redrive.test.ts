import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";

async function arnOf(h: QueueHarness, QueueUrl: string): Promise<string> {
  const { Attributes } = await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["QueueArn"] });
  return Attributes!["QueueArn"]!;
}

async function depth(h: QueueHarness, QueueUrl: string): Promise<number> {
  const { Attributes } = await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] });
  return Number(Attributes!["ApproximateNumberOfMessages"]);
}

describe("dead-letter queues", () => {
  let h: QueueHarness;
  let src: string;
  let dlq: string;
  let dlqArn: string;

  beforeEach(async () => {
    h = await queueHarness({ moveTickMs: 1000 });
    dlq = (await h.queues.createQueue({ QueueName: "dlq" })).QueueUrl;
    dlqArn = await arnOf(h, dlq);
    src = (
      await h.queues.createQueue({
        QueueName: "work",
        Attributes: { VisibilityTimeout: "10", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
      })
    ).QueueUrl;
  });
  afterEach(async () => h.close());

  it("in one receive, moves the messages past maxReceiveCount and delivers the others in order", async () => {
    const poison = await h.queues.sendMessage({ QueueUrl: src, MessageBody: "poison-a" });
    await h.queues.sendMessage({ QueueUrl: src, MessageBody: "poison-b" });
    for (let i = 0; i < 2; i++) {
      expect((await h.queues.receiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10 })).Messages).toHaveLength(2);
      await h.clock.advance(10_000);
    }
    for (let i = 0; i < 4; i++) await h.queues.sendMessage({ QueueUrl: src, MessageBody: `fresh-${i}` });
    const got = (await h.queues.receiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10 })).Messages ?? [];
    expect(got.map((m) => m.Body)).toEqual(["fresh-0", "fresh-1", "fresh-2", "fresh-3"]);
    expect(await depth(h, dlq)).toBe(2);
    const moved = (await h.queues.receiveMessage({ QueueUrl: dlq, MaxNumberOfMessages: 10 })).Messages ?? [];
    expect(moved.map((m) => m.MessageId)).toContain(poison.MessageId);
  });

  it("in one receive, drops the messages past retention and delivers the fresh ones", async () => {
    await h.queues.setQueueAttributes({ QueueUrl: src, Attributes: { MessageRetentionPeriod: "60" } });
    await h.queues.sendMessage({ QueueUrl: src, MessageBody: "stale-a" });
    await h.queues.sendMessage({ QueueUrl: src, MessageBody: "stale-b" });
    await h.clock.advance(59_000);
    await h.queues.sendMessage({ QueueUrl: src, MessageBody: "fresh" });
    await h.clock.advance(2_000);
    const got = (await h.queues.receiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10 })).Messages ?? [];
    expect(got.map((m) => m.Body)).toEqual(["fresh"]);
    expect(await depth(h, src)).toBe(0);
  });

  it("moves a message on the receive that exceeds maxReceiveCount", async () => {
    const sent = await h.queues.sendMessage({ QueueUrl: src, MessageBody: "poison" });
    for (let i = 0; i < 2; i++) {
      expect((await h.queues.receiveMessage({ QueueUrl: src })).Messages).toHaveLength(1);
      await h.clock.advance(10_000);
    }
    expect(await depth(h, dlq)).toBe(0);
    expect((await h.queues.receiveMessage({ QueueUrl: src })).Messages).toBeUndefined();
    const [m] = (await h.queues.receiveMessage({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"] })).Messages!;
    expect(m!.MessageId).toBe(sent.MessageId);
    expect(m!.Body).toBe("poison");
    expect(m!.Attributes?.["DeadLetterQueueSourceArn"]).toBe(await arnOf(h, src));
    expect(h.metrics.expose()).toContain('sluice_queue_messages_dead_lettered_total{queue="work"} 1');
  });

  it("lists the source queues of a dead-letter queue", async () => {
    const out = await h.queues.listDeadLetterSourceQueues({ QueueUrl: dlq });
    expect(out.queueUrls).toEqual([src]);
  });

  it("refuses a dead-letter queue of another type or one that does not exist", async () => {
    const fifo = (await h.queues.createQueue({ QueueName: "f.fifo", Attributes: { FifoQueue: "true" } })).QueueUrl;
    const fifoArn = await arnOf(h, fifo);
    await expect(
      h.queues.setQueueAttributes({ QueueUrl: src, Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: fifoArn, maxReceiveCount: 1 }) } }),
    ).rejects.toMatchObject({ code: "InvalidParameterValue" });
    await expect(
      h.queues.setQueueAttributes({
        QueueUrl: src,
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:nope", maxReceiveCount: 1 }) },
      }),
    ).rejects.toMatchObject({ code: "InvalidParameterValue", message: expect.stringContaining("Dead letter target does not exist.") as string });
  });

  it("redrives messages back to their source queue with new ids", async () => {
    await h.queues.sendMessageBatch({ QueueUrl: src, Entries: [{ Id: "a", MessageBody: "a" }, { Id: "b", MessageBody: "b" }] });
    for (let i = 0; i < 3; i++) {
      await h.queues.receiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10 });
      await h.clock.advance(10_000);
    }
    expect(await depth(h, dlq)).toBe(2);
    const old = (await h.queues.receiveMessage({ QueueUrl: dlq, MaxNumberOfMessages: 10, VisibilityTimeout: 0 })).Messages!;
    const { TaskHandle } = await h.queues.startMessageMoveTask({ SourceArn: dlqArn });
    await expect(h.queues.startMessageMoveTask({ SourceArn: dlqArn })).rejects.toMatchObject({ code: "InvalidParameterValue" });
    await h.clock.advance(1_000);
    expect(await depth(h, dlq)).toBe(0);
    const back = (await h.queues.receiveMessage({ QueueUrl: src, MaxNumberOfMessages: 10, AttributeNames: ["All"] })).Messages!;
    expect(back.map((m) => m.Body).sort()).toEqual(["a", "b"]);
    expect(back.every((m) => m.Attributes?.["ApproximateReceiveCount"] === "1")).toBe(true);
    expect(back.map((m) => m.MessageId)).not.toContain(old[0]!.MessageId);
    const { Results } = await h.queues.listMessageMoveTasks({ SourceArn: dlqArn, MaxResults: 10 });
    expect(Results).toEqual([
      expect.objectContaining({ Status: "COMPLETED", ApproximateNumberOfMessagesMoved: 2, ApproximateNumberOfMessagesToMove: 2, SourceArn: dlqArn }),
    ]);
    expect(Results[0]!.TaskHandle).toBeUndefined();
    expect(TaskHandle).toBeTruthy();
  });

  it("moves at the requested rate to an explicit destination, and can be cancelled", async () => {
    const other = (await h.queues.createQueue({ QueueName: "other" })).QueueUrl;
    await h.queues.sendMessageBatch({
      QueueUrl: dlq,
      Entries: Array.from({ length: 10 }, (_, i) => ({ Id: `m${i}`, MessageBody: `m${i}` })),
    });
    const { TaskHandle } = await h.queues.startMessageMoveTask({
      SourceArn: dlqArn,
      DestinationArn: await arnOf(h, other),
      MaxNumberOfMessagesPerSecond: 3,
    });
    await h.clock.advance(1_000);
    expect(await depth(h, other)).toBe(3);
    await h.clock.advance(1_000);
    expect(await depth(h, other)).toBe(6);
    const { ApproximateNumberOfMessagesMoved } = await h.queues.cancelMessageMoveTask({ TaskHandle });
    expect(ApproximateNumberOfMessagesMoved).toBe(6);
    await h.clock.advance(5_000);
    expect(await depth(h, other)).toBe(6);
    const { Results } = await h.queues.listMessageMoveTasks({ SourceArn: dlqArn });
    expect(Results[0]).toMatchObject({ Status: "CANCELLED", MaxNumberOfMessagesPerSecond: 3 });
  });

  it("refuses move tasks from a queue that is not a dead-letter queue, and unknown handles", async () => {
    await expect(h.queues.startMessageMoveTask({ SourceArn: await arnOf(h, src) })).rejects.toMatchObject({
      code: "InvalidParameterValue",
      message: "Source queue must be configured as a Dead Letter Queue.",
    });
    await expect(h.queues.startMessageMoveTask({ SourceArn: "arn:aws:sqs:us-east-1:000000000000:missing" })).rejects.toMatchObject({
      code: "ResourceNotFoundException",
    });
    await expect(h.queues.cancelMessageMoveTask({ TaskHandle: "not-a-handle" })).rejects.toMatchObject({ code: "InvalidParameterValue" });
    const forged = Buffer.from(JSON.stringify({ taskId: "x", sourceArn: dlqArn })).toString("base64");
    await expect(h.queues.cancelMessageMoveTask({ TaskHandle: forged })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });

  it("fails a task back to sources when a message has no known source", async () => {
    await h.queues.sendMessage({ QueueUrl: dlq, MessageBody: "sent straight to the DLQ" });
    await h.queues.startMessageMoveTask({ SourceArn: dlqArn });
    await h.clock.advance(1_000);
    const { Results } = await h.queues.listMessageMoveTasks({ SourceArn: dlqArn });
    expect(Results[0]).toMatchObject({ Status: "FAILED", FailureReason: "CouldNotDetermineMessageSource", ApproximateNumberOfMessagesMoved: 0 });
    expect(await depth(h, dlq)).toBe(1);
  });

  it("keeps the original enqueue time of standard messages for retention in the DLQ", async () => {
    await h.queues.setQueueAttributes({ QueueUrl: dlq, Attributes: { MessageRetentionPeriod: "60" } });
    await h.queues.sendMessage({ QueueUrl: src, MessageBody: "old" });
    for (let i = 0; i < 3; i++) {
      await h.queues.receiveMessage({ QueueUrl: src });
      await h.clock.advance(10_000);
    }
    expect(await depth(h, dlq)).toBe(1);
    await h.clock.advance(30_000);
    expect(await depth(h, dlq)).toBe(0);
  });
});
