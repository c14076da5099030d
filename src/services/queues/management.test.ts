/**
 * Queue management actions against the SQS reference (/tmp/research/sqs.md):
 * CreateQueue, DeleteQueue, GetQueueUrl, ListQueues, GetQueueAttributes (counts and
 * timestamps), SetQueueAttributes (effects), ListDeadLetterSourceQueues, and the forms
 * a QueueUrl may take. Attribute validation lives in attributes.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failure, rejects } from "../../testing/assert.js";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";
import type { CallContext } from "./types.js";

const ACCOUNT = "000000000000";
const START_SECONDS = "1700000000"; // ManualClock starts at 1_700_000_000_000 ms


describe("queue management", () => {
  let h: QueueHarness;
  beforeEach(async () => {
    h = await queueHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const create = (QueueName: string, Attributes?: Record<string, string>, ctx?: CallContext) =>
    h.queues.createQueue({ QueueName, ...(Attributes ? { Attributes } : {}) }, ctx);

  const attrs = async (QueueUrl: string, AttributeNames: string[] = ["All"]): Promise<Record<string, string>> =>
    (await h.queues.getQueueAttributes({ QueueUrl, AttributeNames })).Attributes ?? {};

  const depth = async (QueueUrl: string) => {
    const a = await attrs(QueueUrl, [
      "ApproximateNumberOfMessages",
      "ApproximateNumberOfMessagesNotVisible",
      "ApproximateNumberOfMessagesDelayed",
    ]);
    return {
      visible: a["ApproximateNumberOfMessages"],
      notVisible: a["ApproximateNumberOfMessagesNotVisible"],
      delayed: a["ApproximateNumberOfMessagesDelayed"],
    };
  };

  const listAll = async (): Promise<string[]> => (await h.queues.listQueues({})).QueueUrls ?? [];

  describe("CreateQueue", () => {
    it("returns a URL of the form <baseUrl>/<account>/<name>", async () => {
      const { QueueUrl } = await create("orders");
      expect(QueueUrl).toBe(`http://127.0.0.1:4566/${ACCOUNT}/orders`);
    });

    it("is idempotent when called again with no attributes", async () => {
      const first = await create("orders", { VisibilityTimeout: "60" });
      const second = await create("orders");
      expect(second.QueueUrl).toBe(first.QueueUrl);
      expect(await listAll()).toEqual([first.QueueUrl]);
    });

    it("is idempotent when called again with identical attributes", async () => {
      const given = { VisibilityTimeout: "60", DelaySeconds: "5", MessageRetentionPeriod: "600" };
      const first = await create("orders", given);
      await h.clock.advance(5000);
      const second = await create("orders", given);
      expect(second.QueueUrl).toBe(first.QueueUrl);
      const a = await attrs(first.QueueUrl);
      expect(a["CreatedTimestamp"]).toBe(START_SECONDS);
      expect(a["VisibilityTimeout"]).toBe("60");
    });

    it("is idempotent when an attribute is given explicitly at its default value", async () => {
      const first = await create("orders");
      const second = await create("orders", { VisibilityTimeout: "30", DelaySeconds: "0" });
      expect(second.QueueUrl).toBe(first.QueueUrl);
    });

    it("is idempotent for a FIFO queue created again with the same attributes", async () => {
      const given = { FifoQueue: "true", ContentBasedDeduplication: "true" };
      const first = await create("jobs.fifo", given);
      const second = await create("jobs.fifo", given);
      expect(second.QueueUrl).toBe(first.QueueUrl);
    });

    it("refuses a different value for an attribute with QueueNameExists naming the attribute", async () => {
      const { QueueUrl } = await create("orders", { VisibilityTimeout: "60" });
      await rejects(
        create("orders", { VisibilityTimeout: "61" }),
        "QueueNameExists",
        "A queue already exists with the same name and a different value for attribute VisibilityTimeout",
      );
      expect((await attrs(QueueUrl))["VisibilityTimeout"]).toBe("60");
    });

    it("refuses a non-default attribute on an existing default queue with QueueNameExists", async () => {
      await create("orders");
      await rejects(
        create("orders", { DelaySeconds: "10" }),
        "QueueNameExists",
        "A queue already exists with the same name and a different value for attribute DelaySeconds",
      );
    });

    it("refuses a FIFO queue created again with a different ContentBasedDeduplication", async () => {
      await create("jobs.fifo", { FifoQueue: "true" });
      await rejects(
        create("jobs.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" }),
        "QueueNameExists",
        "A queue already exists with the same name and a different value for attribute ContentBasedDeduplication",
      );
    });

    it("compares against the current attributes after SetQueueAttributes", async () => {
      const { QueueUrl } = await create("orders", { VisibilityTimeout: "60" });
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { VisibilityTimeout: "90" } });
      expect((await create("orders", { VisibilityTimeout: "90" })).QueueUrl).toBe(QueueUrl);
      await rejects(create("orders", { VisibilityTimeout: "60" }), "QueueNameExists");
    });

    it("treats names as case-sensitive", async () => {
      const lower = await create("orders");
      const upper = await create("Orders");
      expect(upper.QueueUrl).not.toBe(lower.QueueUrl);
      expect(await listAll()).toHaveLength(2);
    });

    it("keeps queues of different accounts apart", async () => {
      const other: CallContext = { ...h.queues.defaultContext, accountId: "111111111111" };
      const mine = await create("orders", { VisibilityTimeout: "60" });
      const theirs = await create("orders", { VisibilityTimeout: "90" }, other);
      expect(theirs.QueueUrl).toBe("http://127.0.0.1:4566/111111111111/orders");
      expect(mine.QueueUrl).not.toBe(theirs.QueueUrl);
      expect(await listAll()).toEqual([mine.QueueUrl]);
    });

    it("stores tags given on creation", async () => {
      const { QueueUrl } = await h.queues.createQueue({ QueueName: "orders", tags: { team: "core", env: "" } });
      expect((await h.queues.listQueueTags({ QueueUrl })).Tags).toEqual({ team: "core", env: "" });
    });

    it("creates nothing when the tags given on creation are invalid", async () => {
      await rejects(h.queues.createQueue({ QueueName: "orders", tags: { "aws:reserved": "x" } }), "InvalidParameterValue");
      await rejects(h.queues.getQueueUrl({ QueueName: "orders" }), "QueueDoesNotExist", "The specified queue does not exist.");
    });

    it("creates nothing when an attribute is invalid", async () => {
      await rejects(create("orders", { VisibilityTimeout: "43201" }), "InvalidAttributeValue");
      expect(await listAll()).toEqual([]);
    });

    it("requires QueueName with MissingParameter", async () => {
      await rejects(
        h.queues.createQueue({} as never),
        "MissingParameter",
        "The request must contain the parameter QueueName.",
      );
    });

    it.each([
      ["a number", 42],
      ["an object", { name: "q" }],
      ["an array", ["q"]],
    ])("rejects a QueueName that is %s with InvalidParameterValue", async (_label, QueueName) => {
      await rejects(h.queues.createQueue({ QueueName } as never), "InvalidParameterValue");
      expect(await listAll()).toEqual([]);
    });
  });

  describe("queue names", () => {
    const STANDARD_NAME_ERROR = "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length";

    it("accepts letters, digits, hyphens and underscores", async () => {
      const { QueueUrl } = await create("Az09-_x");
      expect(QueueUrl.endsWith("/Az09-_x")).toBe(true);
    });

    it("accepts a standard name of exactly 80 characters", async () => {
      await expect(create("q".repeat(80))).resolves.toBeDefined();
    });

    it("rejects a standard name of 81 characters", async () => {
      await rejects(create("q".repeat(81)), "InvalidParameterValue", STANDARD_NAME_ERROR);
    });

    it("rejects an empty name", async () => {
      await rejects(create(""), "InvalidParameterValue");
    });

    it.each(["has space", "dot.name", "slash/name", "colon:name", "star*", "naïve", "tab\tname", "nul\u0000name"])(
      "rejects the name %j",
      async (name) => {
        await rejects(create(name), "InvalidParameterValue", STANDARD_NAME_ERROR);
        expect(await listAll()).toEqual([]);
      },
    );

    it("rejects a huge name without creating anything", async () => {
      await rejects(create("q".repeat(1_000_000)), "InvalidParameterValue");
      expect(await listAll()).toEqual([]);
    });

    it("rejects a standard queue whose name ends in .fifo", async () => {
      await rejects(create("jobs.fifo"), "InvalidParameterValue", STANDARD_NAME_ERROR);
    });

    it("creates a FIFO queue named *.fifo with FifoQueue=true", async () => {
      const { QueueUrl } = await create("jobs.fifo", { FifoQueue: "true" });
      expect((await attrs(QueueUrl))["FifoQueue"]).toBe("true");
    });

    it("accepts a FIFO name of exactly 80 characters including .fifo", async () => {
      await expect(create(`${"j".repeat(75)}.fifo`, { FifoQueue: "true" })).resolves.toBeDefined();
    });

    it("rejects a FIFO name of 81 characters including .fifo", async () => {
      await rejects(create(`${"j".repeat(76)}.fifo`, { FifoQueue: "true" }), "InvalidParameterValue");
    });

    it("rejects a FIFO queue whose name lacks the .fifo suffix", async () => {
      // §4: code/message unconfirmed (emulators disagree); InvalidParameterValue is the generic code.
      await rejects(create("jobs", { FifoQueue: "true" }), "InvalidParameterValue");
      expect(await listAll()).toEqual([]);
    });

    it.each([".fifo", "a.b.fifo", "bad name.fifo", "x.FIFO"])("rejects the FIFO name %j", async (name) => {
      await rejects(create(name, { FifoQueue: "true" }), "InvalidParameterValue");
    });

    it("refuses FifoQueue=false on a standard queue as an unknown attribute (§4: FifoQueue on a standard queue)", async () => {
      await rejects(create("orders", { FifoQueue: "false" }), "InvalidAttributeName", "Unknown Attribute FifoQueue.");
      expect(await listAll()).toEqual([]);
    });
  });

  describe("DeleteQueue and QueueDeletedRecently", () => {
    it("deletes the queue and its messages", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.sendMessage({ QueueUrl, MessageBody: "m" });
      await h.queues.deleteQueue({ QueueUrl });
      await rejects(h.queues.getQueueUrl({ QueueName: "orders" }), "QueueDoesNotExist", "The specified queue does not exist.");
      await rejects(h.queues.sendMessage({ QueueUrl, MessageBody: "m" }), "QueueDoesNotExist");
      expect(await listAll()).toEqual([]);
    });

    it("answers QueueDoesNotExist for a queue that does not exist", async () => {
      await rejects(
        h.queues.deleteQueue({ QueueUrl: `http://127.0.0.1:4566/${ACCOUNT}/missing` }),
        "QueueDoesNotExist",
        "The specified queue does not exist.",
      );
    });

    it("answers QueueDoesNotExist when a queue is deleted twice", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.deleteQueue({ QueueUrl });
      await rejects(h.queues.deleteQueue({ QueueUrl }), "QueueDoesNotExist");
    });

    it("refuses to recreate the name within 60 seconds with QueueDeletedRecently", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.deleteQueue({ QueueUrl });
      await h.clock.advance(59_999);
      await rejects(
        create("orders"),
        "QueueDeletedRecently",
        "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
      );
    });

    it("allows the name again once 60 seconds have passed", async () => {
      const { QueueUrl } = await create("orders", { VisibilityTimeout: "60" });
      await h.queues.sendMessage({ QueueUrl, MessageBody: "old" });
      await h.queues.deleteQueue({ QueueUrl });
      await h.clock.advance(60_000);
      const again = await create("orders");
      expect(again.QueueUrl).toBe(QueueUrl);
      expect((await attrs(QueueUrl))["VisibilityTimeout"]).toBe("30");
      expect(await depth(QueueUrl)).toEqual({ visible: "0", notVisible: "0", delayed: "0" });
    });

    it("does not hold back other names after a deletion", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.deleteQueue({ QueueUrl });
      await expect(create("orders2")).resolves.toBeDefined();
    });
  });

  describe("GetQueueUrl", () => {
    it("returns the URL of a queue of the caller's account", async () => {
      const { QueueUrl } = await create("orders");
      expect(await h.queues.getQueueUrl({ QueueName: "orders" })).toEqual({ QueueUrl });
    });

    it("accepts the caller's own account as QueueOwnerAWSAccountId", async () => {
      const { QueueUrl } = await create("orders");
      expect(await h.queues.getQueueUrl({ QueueName: "orders", QueueOwnerAWSAccountId: ACCOUNT })).toEqual({ QueueUrl });
    });

    it("answers QueueDoesNotExist for an account that has no such queue", async () => {
      await create("orders");
      await rejects(
        h.queues.getQueueUrl({ QueueName: "orders", QueueOwnerAWSAccountId: "222222222222" }),
        "QueueDoesNotExist",
        "The specified queue does not exist.",
      );
    });

    it("answers QueueDoesNotExist for an unknown name", async () => {
      await rejects(h.queues.getQueueUrl({ QueueName: "nope" }), "QueueDoesNotExist", "The specified queue does not exist.");
    });

    it("matches names case-sensitively", async () => {
      await create("orders");
      await rejects(h.queues.getQueueUrl({ QueueName: "Orders" }), "QueueDoesNotExist");
    });

    it("requires QueueName with MissingParameter", async () => {
      await rejects(h.queues.getQueueUrl({} as never), "MissingParameter", "The request must contain the parameter QueueName.");
    });

    it("rejects a QueueOwnerAWSAccountId that is not a string", async () => {
      await create("orders");
      await rejects(
        h.queues.getQueueUrl({ QueueName: "orders", QueueOwnerAWSAccountId: 0 } as never),
        "InvalidParameterValue",
      );
    });
  });

  describe("ListQueues", () => {
    const names = (urls: string[] | undefined): string[] => (urls ?? []).map((u) => u.split("/").at(-1) ?? "");

    it("lists nothing when there are no queues", async () => {
      const out = await h.queues.listQueues({});
      expect(out.QueueUrls ?? []).toEqual([]);
      expect(out.NextToken).toBeUndefined();
    });

    it("lists every queue of the account", async () => {
      for (const n of ["b", "a", "c"]) await create(n);
      expect(names((await h.queues.listQueues()).QueueUrls).sort()).toEqual(["a", "b", "c"]);
    });

    it("filters by a case-sensitive name prefix", async () => {
      for (const n of ["Alpha", "alpha2", "alphabet", "beta"]) await create(n);
      expect(names((await h.queues.listQueues({ QueueNamePrefix: "alpha" })).QueueUrls).sort()).toEqual(["alpha2", "alphabet"]);
      expect(names((await h.queues.listQueues({ QueueNamePrefix: "Alpha" })).QueueUrls)).toEqual(["Alpha"]);
    });

    it("treats % and _ in the prefix literally", async () => {
      for (const n of ["a_b", "axb", "a-b"]) await create(n);
      expect(names((await h.queues.listQueues({ QueueNamePrefix: "a_" })).QueueUrls)).toEqual(["a_b"]);
      expect((await h.queues.listQueues({ QueueNamePrefix: "%" })).QueueUrls ?? []).toEqual([]);
    });

    it("does not list queues of other accounts", async () => {
      await create("mine");
      await create("theirs", undefined, { ...h.queues.defaultContext, accountId: "111111111111" });
      expect(names((await h.queues.listQueues()).QueueUrls)).toEqual(["mine"]);
    });

    it("does not list deleted queues", async () => {
      const { QueueUrl } = await create("gone");
      await create("kept");
      await h.queues.deleteQueue({ QueueUrl });
      expect(names((await h.queues.listQueues()).QueueUrls)).toEqual(["kept"]);
    });

    it("returns no NextToken when MaxResults is not given, even with more than 1000 queues", async () => {
      await Promise.all(Array.from({ length: 1001 }, (_, i) => create(`q${String(i).padStart(4, "0")}`)));
      const out = await h.queues.listQueues({});
      expect(out.QueueUrls).toHaveLength(1000);
      expect(out.NextToken).toBeUndefined();
    });

    it("returns a NextToken only when MaxResults is given and more queues remain", async () => {
      for (let i = 0; i < 5; i++) await create(`q${i}`);
      expect((await h.queues.listQueues({})).NextToken).toBeUndefined();
      expect((await h.queues.listQueues({ MaxResults: 5 })).NextToken).toBeUndefined();
      expect((await h.queues.listQueues({ MaxResults: 10 })).NextToken).toBeUndefined();
      const page = await h.queues.listQueues({ MaxResults: 4 });
      expect(page.QueueUrls).toHaveLength(4);
      expect(typeof page.NextToken).toBe("string");
    });

    it("pages through every queue exactly once", async () => {
      const all = Array.from({ length: 23 }, (_, i) => `q${String(i).padStart(2, "0")}`);
      for (const n of all) await create(n);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await h.queues.listQueues({ MaxResults: 5, ...(token ? { NextToken: token } : {}) });
        expect((page.QueueUrls ?? []).length).toBeLessThanOrEqual(5);
        seen.push(...names(page.QueueUrls));
        token = page.NextToken;
        pages++;
      } while (token && pages < 20);
      expect(pages).toBe(5);
      expect(seen.sort()).toEqual(all);
    });

    it("pages within a prefix", async () => {
      for (const n of ["a1", "a2", "a3", "b1", "b2"]) await create(n);
      const first = await h.queues.listQueues({ QueueNamePrefix: "a", MaxResults: 2 });
      const second = await h.queues.listQueues({ QueueNamePrefix: "a", MaxResults: 2, NextToken: first.NextToken! });
      expect([...names(first.QueueUrls), ...names(second.QueueUrls)].sort()).toEqual(["a1", "a2", "a3"]);
      expect(second.NextToken).toBeUndefined();
    });

    it.each([1, 1000])("accepts MaxResults %i", async (MaxResults) => {
      await create("q");
      expect((await h.queues.listQueues({ MaxResults })).QueueUrls).toHaveLength(1);
    });

    it.each([0, 1001, -1, 1.5])("rejects MaxResults %s with InvalidParameterValue", async (MaxResults) => {
      await rejects(h.queues.listQueues({ MaxResults }), "InvalidParameterValue");
    });

    it.each([
      ["an object", {}],
      ["an array", [5]],
      ["a non-numeric string", "ten"],
    ])("rejects MaxResults given as %s", async (_label, MaxResults) => {
      await rejects(h.queues.listQueues({ MaxResults } as never), "InvalidParameterValue");
    });

    it.each(["garbage!!", "", "bm90LWEtdG9rZW4"])("rejects the NextToken %j with InvalidParameterValue", async (NextToken) => {
      await create("q");
      await rejects(h.queues.listQueues({ MaxResults: 1, NextToken }), "InvalidParameterValue");
    });

    it("rejects a QueueNamePrefix that is not a string", async () => {
      await rejects(h.queues.listQueues({ QueueNamePrefix: 7 } as never), "InvalidParameterValue");
    });
  });

  describe("QueueUrl forms", () => {
    it("accepts the URL with any host, as SDKs may rewrite it", async () => {
      await create("orders", { VisibilityTimeout: "45" });
      for (const url of [
        `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/orders`,
        `http://localhost:9324/${ACCOUNT}/orders`,
        `https://queue.amazonaws.com/${ACCOUNT}/orders`,
      ]) {
        expect((await attrs(url, ["VisibilityTimeout"]))["VisibilityTimeout"]).toBe("45");
      }
    });

    it("accepts a bare queue name for the caller's account", async () => {
      await create("orders", { VisibilityTimeout: "45" });
      expect((await attrs("orders", ["VisibilityTimeout"]))["VisibilityTimeout"]).toBe("45");
    });

    it.each([
      "http://127.0.0.1:4566/orders",
      `http://127.0.0.1:4566/${ACCOUNT}/orders/extra`,
      `http://127.0.0.1:4566/abc/orders`,
      "http://[broken",
      "http://127.0.0.1:4566/",
    ])("refuses the malformed URL %j", async (url) => {
      await create("orders");
      const err = await failure(h.queues.getQueueAttributes({ QueueUrl: url, AttributeNames: ["All"] }));
      expect(["QueueDoesNotExist", "InvalidAddress"]).toContain(err.code);
    });

    it("refuses a URL naming another account's queue that does not exist", async () => {
      await create("orders");
      await rejects(h.queues.getQueueAttributes({ QueueUrl: "http://127.0.0.1:4566/999999999999/orders" }), "QueueDoesNotExist");
    });
  });

  describe("GetQueueAttributes", () => {
    it("returns no Attributes when no names are asked for", async () => {
      const { QueueUrl } = await create("orders");
      expect((await h.queues.getQueueAttributes({ QueueUrl })).Attributes).toBeUndefined();
      expect((await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: [] })).Attributes).toBeUndefined();
    });

    it("returns only the attributes asked for", async () => {
      const { QueueUrl } = await create("orders");
      expect(await attrs(QueueUrl, ["VisibilityTimeout", "QueueArn"])).toEqual({
        VisibilityTimeout: "30",
        QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`,
      });
    });

    it("refuses an unknown attribute name with InvalidAttributeName", async () => {
      const { QueueUrl } = await create("orders");
      await rejects(
        h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["VisibilityTimeout", "Colour"] }),
        "InvalidAttributeName",
        "Unknown Attribute Colour.",
      );
    });

    it("treats attribute names case-sensitively", async () => {
      const { QueueUrl } = await create("orders");
      await rejects(
        h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["visibilitytimeout"] }),
        "InvalidAttributeName",
        "Unknown Attribute visibilitytimeout.",
      );
    });

    it("rejects AttributeNames that is not a list of strings", async () => {
      const { QueueUrl } = await create("orders");
      await rejects(h.queues.getQueueAttributes({ QueueUrl, AttributeNames: "All" } as never), "InvalidParameterValue");
      await rejects(h.queues.getQueueAttributes({ QueueUrl, AttributeNames: [1] } as never), "InvalidParameterValue");
    });

    it("reports CreatedTimestamp and LastModifiedTimestamp in epoch seconds", async () => {
      const { QueueUrl } = await create("orders");
      expect(await attrs(QueueUrl, ["CreatedTimestamp", "LastModifiedTimestamp"])).toEqual({
        CreatedTimestamp: START_SECONDS,
        LastModifiedTimestamp: START_SECONDS,
      });
    });

    it("counts an empty queue as zeros", async () => {
      const { QueueUrl } = await create("orders");
      expect(await depth(QueueUrl)).toEqual({ visible: "0", notVisible: "0", delayed: "0" });
    });

    it("counts sent messages as visible", async () => {
      const { QueueUrl } = await create("orders");
      for (let i = 0; i < 3; i++) await h.queues.sendMessage({ QueueUrl, MessageBody: `m${i}` });
      expect(await depth(QueueUrl)).toEqual({ visible: "3", notVisible: "0", delayed: "0" });
    });

    it("counts messages sent with a delay as delayed until the delay passes", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.sendMessage({ QueueUrl, MessageBody: "now" });
      await h.queues.sendMessage({ QueueUrl, MessageBody: "later", DelaySeconds: 10 });
      expect(await depth(QueueUrl)).toEqual({ visible: "1", notVisible: "0", delayed: "1" });
      await h.clock.advance(9_999);
      expect(await depth(QueueUrl)).toEqual({ visible: "1", notVisible: "0", delayed: "1" });
      await h.clock.advance(1);
      expect(await depth(QueueUrl)).toEqual({ visible: "2", notVisible: "0", delayed: "0" });
    });

    it("counts messages of a delay queue as delayed", async () => {
      const { QueueUrl } = await create("orders", { DelaySeconds: "5" });
      await h.queues.sendMessage({ QueueUrl, MessageBody: "m" });
      expect(await depth(QueueUrl)).toEqual({ visible: "0", notVisible: "0", delayed: "1" });
      await h.clock.advance(5_000);
      expect(await depth(QueueUrl)).toEqual({ visible: "1", notVisible: "0", delayed: "0" });
    });

    it("counts received messages as not visible until their visibility timeout ends", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.sendMessage({ QueueUrl, MessageBody: "a" });
      await h.queues.sendMessage({ QueueUrl, MessageBody: "b" });
      await h.queues.receiveMessage({ QueueUrl, MaxNumberOfMessages: 1 });
      expect(await depth(QueueUrl)).toEqual({ visible: "1", notVisible: "1", delayed: "0" });
      await h.clock.advance(30_000);
      expect(await depth(QueueUrl)).toEqual({ visible: "2", notVisible: "0", delayed: "0" });
    });

    it("stops counting deleted messages", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.sendMessage({ QueueUrl, MessageBody: "a" });
      const got = await h.queues.receiveMessage({ QueueUrl });
      await h.queues.deleteMessage({ QueueUrl, ReceiptHandle: got.Messages![0]!.ReceiptHandle });
      expect(await depth(QueueUrl)).toEqual({ visible: "0", notVisible: "0", delayed: "0" });
    });

    it("answers QueueDoesNotExist for a missing queue", async () => {
      await rejects(
        h.queues.getQueueAttributes({ QueueUrl: "missing", AttributeNames: ["All"] }),
        "QueueDoesNotExist",
        "The specified queue does not exist.",
      );
    });
  });

  describe("SetQueueAttributes", () => {
    it("changes the attribute and moves LastModifiedTimestamp", async () => {
      const { QueueUrl } = await create("orders");
      await h.clock.advance(5_500);
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { VisibilityTimeout: "45" } });
      expect(await attrs(QueueUrl, ["VisibilityTimeout", "CreatedTimestamp", "LastModifiedTimestamp"])).toEqual({
        VisibilityTimeout: "45",
        CreatedTimestamp: START_SECONDS,
        LastModifiedTimestamp: "1700000005",
      });
    });

    it("uses a new VisibilityTimeout on the next receive", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { VisibilityTimeout: "5" } });
      await h.queues.sendMessage({ QueueUrl, MessageBody: "m" });
      expect((await h.queues.receiveMessage({ QueueUrl })).Messages).toHaveLength(1);
      await h.clock.advance(4_999);
      expect((await h.queues.receiveMessage({ QueueUrl })).Messages).toBeUndefined();
      await h.clock.advance(1);
      expect((await h.queues.receiveMessage({ QueueUrl })).Messages).toHaveLength(1);
    });

    it("uses a new DelaySeconds for messages sent afterwards", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { DelaySeconds: "3" } });
      await h.queues.sendMessage({ QueueUrl, MessageBody: "m" });
      expect((await h.queues.receiveMessage({ QueueUrl })).Messages).toBeUndefined();
      await h.clock.advance(3_000);
      expect((await h.queues.receiveMessage({ QueueUrl })).Messages).toHaveLength(1);
    });

    it("expires messages older than a reduced MessageRetentionPeriod", async () => {
      const { QueueUrl } = await create("orders");
      await h.queues.sendMessage({ QueueUrl, MessageBody: "old" });
      await h.clock.advance(30_000);
      await h.queues.sendMessage({ QueueUrl, MessageBody: "young" });
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { MessageRetentionPeriod: "60" } });
      await h.clock.advance(31_000);
      expect(await depth(QueueUrl)).toEqual({ visible: "1", notVisible: "0", delayed: "0" });
      const got = await h.queues.receiveMessage({ QueueUrl, MaxNumberOfMessages: 10 });
      expect(got.Messages?.map((m) => m.Body)).toEqual(["young"]);
    });

    it("removes the RedrivePolicy when given an empty string", async () => {
      const dlq = await create("dlq");
      const { QueueUrl } = await create("orders");
      const policy = JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`, maxReceiveCount: 3 });
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { RedrivePolicy: policy } });
      expect((await attrs(QueueUrl))["RedrivePolicy"]).toBeDefined();
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { RedrivePolicy: "" } });
      expect((await attrs(QueueUrl))["RedrivePolicy"]).toBeUndefined();
      expect((await h.queues.listDeadLetterSourceQueues({ QueueUrl: dlq.QueueUrl })).queueUrls).toEqual([]);
    });

    it("refuses to change FifoQueue on a FIFO queue", async () => {
      const { QueueUrl } = await create("jobs.fifo", { FifoQueue: "true" });
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl, Attributes: { FifoQueue: "false" } }),
        "InvalidAttributeValue",
        "Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.",
      );
      expect((await attrs(QueueUrl))["FifoQueue"]).toBe("true");
    });

    it("refuses FifoQueue on a standard queue as an unknown attribute", async () => {
      const { QueueUrl } = await create("orders");
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl, Attributes: { FifoQueue: "true" } }),
        "InvalidAttributeName",
        "Unknown Attribute FifoQueue.",
      );
    });

    it("applies nothing when one of several attributes is invalid", async () => {
      const { QueueUrl } = await create("orders");
      const before = await attrs(QueueUrl);
      await h.clock.advance(2_000);
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl, Attributes: { VisibilityTimeout: "60", DelaySeconds: "901" } }),
        "InvalidAttributeValue",
        "Invalid value for the parameter DelaySeconds.",
      );
      expect(await attrs(QueueUrl)).toEqual(before);
    });

    it("requires Attributes with MissingParameter", async () => {
      const { QueueUrl } = await create("orders");
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl } as never),
        "MissingParameter",
        "The request must contain the parameter Attributes.",
      );
    });

    it("rejects Attributes that is not a map", async () => {
      const { QueueUrl } = await create("orders");
      await rejects(h.queues.setQueueAttributes({ QueueUrl, Attributes: ["VisibilityTimeout"] } as never), "InvalidParameterValue");
      await rejects(h.queues.setQueueAttributes({ QueueUrl, Attributes: "VisibilityTimeout=5" } as never), "InvalidParameterValue");
    });

    it("answers QueueDoesNotExist for a missing queue", async () => {
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl: "missing", Attributes: { VisibilityTimeout: "5" } }),
        "QueueDoesNotExist",
      );
    });
  });

  describe("ListDeadLetterSourceQueues", () => {
    const dlqArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:dlq`;
    const redrive = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 });

    it("lists the queues whose RedrivePolicy targets the queue under lower-case queueUrls", async () => {
      const dlq = await create("dlq");
      const a = await create("a", { RedrivePolicy: redrive });
      const b = await create("b");
      await h.queues.setQueueAttributes({ QueueUrl: b.QueueUrl, Attributes: { RedrivePolicy: redrive } });
      await create("unrelated");
      const out = await h.queues.listDeadLetterSourceQueues({ QueueUrl: dlq.QueueUrl });
      expect(Object.keys(out)).toEqual(["queueUrls"]);
      expect(out.queueUrls.sort()).toEqual([a.QueueUrl, b.QueueUrl].sort());
    });

    it("returns an empty queueUrls list for a queue that is nobody's dead-letter queue", async () => {
      const { QueueUrl } = await create("lonely");
      expect(await h.queues.listDeadLetterSourceQueues({ QueueUrl })).toEqual({ queueUrls: [] });
    });

    it("returns no NextToken without MaxResults", async () => {
      const dlq = await create("dlq");
      for (let i = 0; i < 5; i++) await create(`src${i}`, { RedrivePolicy: redrive });
      const out = await h.queues.listDeadLetterSourceQueues({ QueueUrl: dlq.QueueUrl });
      expect(out.queueUrls).toHaveLength(5);
      expect(out.NextToken).toBeUndefined();
    });

    it("pages through every source exactly once with MaxResults", async () => {
      const dlq = await create("dlq");
      const sources: string[] = [];
      for (let i = 0; i < 5; i++) sources.push((await create(`src${i}`, { RedrivePolicy: redrive })).QueueUrl);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await h.queues.listDeadLetterSourceQueues({
          QueueUrl: dlq.QueueUrl,
          MaxResults: 2,
          ...(token ? { NextToken: token } : {}),
        });
        expect(page.queueUrls.length).toBeLessThanOrEqual(2);
        seen.push(...page.queueUrls);
        token = page.NextToken;
        pages++;
      } while (token && pages < 10);
      expect(pages).toBe(3);
      expect(seen.sort()).toEqual(sources.sort());
    });

    it.each([0, 1001])("rejects MaxResults %i with InvalidParameterValue", async (MaxResults) => {
      const dlq = await create("dlq");
      await rejects(h.queues.listDeadLetterSourceQueues({ QueueUrl: dlq.QueueUrl, MaxResults }), "InvalidParameterValue");
    });

    it("rejects a malformed NextToken with InvalidParameterValue", async () => {
      const dlq = await create("dlq");
      await rejects(
        h.queues.listDeadLetterSourceQueues({ QueueUrl: dlq.QueueUrl, MaxResults: 1, NextToken: "%%%" }),
        "InvalidParameterValue",
      );
    });

    it("answers QueueDoesNotExist for a missing queue", async () => {
      await rejects(h.queues.listDeadLetterSourceQueues({ QueueUrl: "missing" }), "QueueDoesNotExist");
    });
  });
});
