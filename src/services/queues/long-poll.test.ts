import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";

describe("long polling", () => {
  let h: QueueHarness;
  let url: string;
  beforeEach(async () => {
    h = await queueHarness();
    url = (await h.queues.createQueue({ QueueName: "lp" })).QueueUrl;
  });
  afterEach(async () => h.close());

  it("returns as soon as a message arrives", async () => {
    let done = false;
    const pending = h.queues.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }).finally(() => (done = true));
    await h.clock.advance(5_000);
    expect(done).toBe(false);
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "hi" });
    const got = await pending;
    expect(got.Messages?.[0]?.Body).toBe("hi");
  });

  it("returns empty after the wait time", async () => {
    let result: unknown;
    const pending = h.queues.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 3 }).then((r) => (result = r));
    await h.clock.advance(2_999);
    expect(result).toBeUndefined();
    await h.clock.advance(1);
    await pending;
    expect(result).toEqual({});
  });

  it("wakes when a delayed message becomes visible", async () => {
    await h.queues.sendMessage({ QueueUrl: url, MessageBody: "later", DelaySeconds: 4 });
    const pending = h.queues.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 });
    await h.clock.advance(4_000);
    expect((await pending).Messages?.[0]?.Body).toBe("later");
  });

  it("uses the queue's ReceiveMessageWaitTimeSeconds by default", async () => {
    await h.queues.setQueueAttributes({ QueueUrl: url, Attributes: { ReceiveMessageWaitTimeSeconds: "2" } });
    let done = false;
    const pending = h.queues.receiveMessage({ QueueUrl: url }).finally(() => (done = true));
    await h.clock.advance(1_000);
    expect(done).toBe(false);
    await h.clock.advance(1_000);
    await pending;
    expect(done).toBe(true);
  });

  it("ends early when the caller aborts", async () => {
    const ac = new AbortController();
    const pending = h.queues.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }, h.queues.defaultContext, ac.signal);
    ac.abort();
    expect(await pending).toEqual({});
  });

  it("serves several waiters, one message each", async () => {
    const waiters = [1, 2, 3].map(() => h.queues.receiveMessage({ QueueUrl: url, WaitTimeSeconds: 20 }));
    await h.queues.sendMessageBatch({
      QueueUrl: url,
      Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `m${i}` })),
    });
    const got = await Promise.all(waiters);
    expect(got.flatMap((g) => g.Messages ?? []).map((m) => m.Body).sort()).toEqual(["m1", "m2", "m3"]);
  });
});
