/**
 * Queue tags (TagQueue, UntagQueue, ListQueueTags) and permissions (AddPermission,
 * RemovePermission) against the SQS reference (/tmp/research/sqs.md §4 "Permissions",
 * §5.1 policy shape, §5.3 tags, §5.4 labels).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { rejects } from "../../testing/assert.js";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";

const ACCOUNT = "000000000000";
const ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:orders`;


const manyTags = (n: number, prefix = "k"): Record<string, string> =>
  Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i}`, `v${i}`]));

describe("queue tags and permissions", () => {
  let h: QueueHarness;
  let QueueUrl: string;
  beforeEach(async () => {
    h = await queueHarness();
    QueueUrl = (await h.queues.createQueue({ QueueName: "orders" })).QueueUrl;
  });
  afterEach(async () => {
    await h.close();
  });

  const tagsOf = async (url = QueueUrl): Promise<Record<string, string>> => (await h.queues.listQueueTags({ QueueUrl: url })).Tags ?? {};
  const policyOf = async (): Promise<unknown> => {
    const a = (await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["Policy"] })).Attributes ?? {};
    return a["Policy"] === undefined ? undefined : (JSON.parse(a["Policy"]) as unknown);
  };

  describe("TagQueue, UntagQueue and ListQueueTags", () => {
    it("lists no tags for an untagged queue", async () => {
      expect(await tagsOf()).toEqual({});
    });

    it("adds tags", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { team: "core", env: "prod" } });
      expect(await tagsOf()).toEqual({ team: "core", env: "prod" });
    });

    it("overwrites the value of an existing key and keeps the others", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { team: "core", env: "prod" } });
      await h.queues.tagQueue({ QueueUrl, Tags: { env: "dev" } });
      expect(await tagsOf()).toEqual({ team: "core", env: "dev" });
    });

    it("accepts an empty tag value", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { tag3: "" } });
      expect(await tagsOf()).toEqual({ tag3: "" });
    });

    it("treats keys case-sensitively", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { Env: "a", env: "b" } });
      expect(await tagsOf()).toEqual({ Env: "a", env: "b" });
    });

    it("removes the keys given to UntagQueue and ignores unknown ones", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { a: "1", b: "2", c: "3" } });
      await h.queues.untagQueue({ QueueUrl, TagKeys: ["a", "c", "missing"] });
      expect(await tagsOf()).toEqual({ b: "2" });
    });

    it("lists no tags after every tag is removed", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { a: "1" } });
      await h.queues.untagQueue({ QueueUrl, TagKeys: ["a"] });
      expect((await h.queues.listQueueTags({ QueueUrl })).Tags ?? {}).toEqual({});
    });

    it("accepts unicode letters, digits, whitespace and _ . : / = + - @", async () => {
      const Tags = { "ключ 1_.:/=+-@": "значение 2_.:/=+-@", 数字: "値" };
      await h.queues.tagQueue({ QueueUrl, Tags });
      expect(await tagsOf()).toEqual(Tags);
    });

    it("accepts 50 tags", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: manyTags(50) });
      expect(Object.keys(await tagsOf())).toHaveLength(50);
    });

    it("refuses a 51st tag and keeps the 50", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: manyTags(50) });
      await rejects(h.queues.tagQueue({ QueueUrl, Tags: { extra: "x" } }), "InvalidParameterValue");
      expect(Object.keys(await tagsOf())).toHaveLength(50);
    });

    it("refuses 51 tags at once", async () => {
      await rejects(h.queues.tagQueue({ QueueUrl, Tags: manyTags(51) }), "InvalidParameterValue");
      expect(await tagsOf()).toEqual({});
    });

    it("counts an overwritten key once toward the limit", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: manyTags(50) });
      await h.queues.tagQueue({ QueueUrl, Tags: { k0: "new" } });
      expect((await tagsOf())["k0"]).toBe("new");
    });

    it("accepts a key of 128 characters and a value of 256 characters", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { ["k".repeat(128)]: "v".repeat(256) } });
      expect(await tagsOf()).toEqual({ ["k".repeat(128)]: "v".repeat(256) });
    });

    it("counts key length in characters, not bytes", async () => {
      await h.queues.tagQueue({ QueueUrl, Tags: { ["é".repeat(128)]: "ü".repeat(256) } });
      expect(Object.keys(await tagsOf())).toHaveLength(1);
    });

    it.each([
      ["a key of 129 characters", { ["k".repeat(129)]: "v" }],
      ["a value of 257 characters", { k: "v".repeat(257) }],
      ["an empty key", { "": "v" }],
      ["the reserved aws: prefix", { "aws:cloudformation:stack": "v" }],
      ["a key with #", { "a#b": "v" }],
      ["a key with a NUL", { "a\u0000b": "v" }],
      ["a value with *", { k: "a*b" }],
      ["a huge key", { ["k".repeat(1_000_000)]: "v" }],
    ])("refuses %s and changes nothing", async (_label, Tags) => {
      await h.queues.tagQueue({ QueueUrl, Tags: { keep: "me" } });
      await rejects(h.queues.tagQueue({ QueueUrl, Tags }), "InvalidParameterValue");
      expect(await tagsOf()).toEqual({ keep: "me" });
    });

    it("refuses an invalid tag in a batch and applies none of the batch", async () => {
      await rejects(h.queues.tagQueue({ QueueUrl, Tags: { good: "1", "aws:bad": "2" } }), "InvalidParameterValue");
      expect(await tagsOf()).toEqual({});
    });

    it.each([
      ["a list", [["k", "v"]]],
      ["a string", "k=v"],
      ["a map with a number value", { k: 1 }],
      ["a map with a null value", { k: null }],
    ])("rejects Tags given as %s", async (_label, Tags) => {
      await rejects(h.queues.tagQueue({ QueueUrl, Tags } as never), "InvalidParameterValue");
      expect(await tagsOf()).toEqual({});
    });

    it("requires Tags on TagQueue with MissingParameter", async () => {
      await rejects(h.queues.tagQueue({ QueueUrl } as never), "MissingParameter", "The request must contain the parameter Tags.");
    });

    it("requires TagKeys on UntagQueue with MissingParameter", async () => {
      await rejects(h.queues.untagQueue({ QueueUrl } as never), "MissingParameter", "The request must contain the parameter TagKeys.");
    });

    it.each([
      ["a string", "a"],
      ["a list with a number", ["a", 1]],
      ["a map", { a: "1" }],
    ])("rejects TagKeys given as %s", async (_label, TagKeys) => {
      await h.queues.tagQueue({ QueueUrl, Tags: { a: "1" } });
      await rejects(h.queues.untagQueue({ QueueUrl, TagKeys } as never), "InvalidParameterValue");
      expect(await tagsOf()).toEqual({ a: "1" });
    });

    it("answers QueueDoesNotExist for tag actions on a missing queue", async () => {
      const missing = `http://127.0.0.1:4566/${ACCOUNT}/missing`;
      await rejects(h.queues.tagQueue({ QueueUrl: missing, Tags: { a: "1" } }), "QueueDoesNotExist", "The specified queue does not exist.");
      await rejects(h.queues.untagQueue({ QueueUrl: missing, TagKeys: ["a"] }), "QueueDoesNotExist");
      await rejects(h.queues.listQueueTags({ QueueUrl: missing }), "QueueDoesNotExist");
    });

    it("leaves the queue's attributes unchanged when tagging", async () => {
      const before = (await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["VisibilityTimeout", "Policy"] })).Attributes;
      await h.queues.tagQueue({ QueueUrl, Tags: { a: "1" } });
      expect((await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["VisibilityTimeout", "Policy"] })).Attributes).toEqual(before);
    });
  });

  describe("AddPermission and RemovePermission", () => {
    it("writes the policy in SQS's shape for one account and one action", async () => {
      await h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      expect(await policyOf()).toEqual({
        Version: "2008-10-17",
        Id: `${ARN}/SQSDefaultPolicy`,
        Statement: [
          {
            Sid: "L1",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::111111111111:root" },
            Action: "SQS:SendMessage",
            Resource: ARN,
          },
        ],
      });
    });

    it("writes arrays when several accounts and actions are given", async () => {
      await h.queues.addPermission({
        QueueUrl,
        Label: "L1",
        AWSAccountIds: ["111111111111", "222222222222"],
        Actions: ["SendMessage", "ReceiveMessage"],
      });
      expect(await policyOf()).toMatchObject({
        Statement: [
          {
            Sid: "L1",
            Principal: { AWS: ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"] },
            Action: ["SQS:SendMessage", "SQS:ReceiveMessage"],
          },
        ],
      });
    });

    it("accepts * as the action", async () => {
      await h.queues.addPermission({ QueueUrl, Label: "all", AWSAccountIds: ["111111111111"], Actions: ["*"] });
      expect(await policyOf()).toMatchObject({ Statement: [{ Sid: "all", Action: "SQS:*" }] });
    });

    it("appends a statement for each label", async () => {
      await h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      await h.queues.addPermission({ QueueUrl, Label: "L2", AWSAccountIds: ["222222222222"], Actions: ["DeleteMessage"] });
      const policy = (await policyOf()) as { Statement: { Sid: string }[] };
      expect(policy.Statement.map((s) => s.Sid)).toEqual(["L1", "L2"]);
    });

    it("refuses a label that already exists", async () => {
      await h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      const before = await policyOf();
      await rejects(
        h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["222222222222"], Actions: ["ReceiveMessage"] }),
        "InvalidParameterValue",
        "Value L1 for parameter Label is invalid. Reason: Already exists.",
      );
      expect(await policyOf()).toEqual(before);
    });

    it("accepts 7 actions", async () => {
      const Actions = ["SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility", "GetQueueAttributes", "GetQueueUrl", "PurgeQueue"];
      await h.queues.addPermission({ QueueUrl, Label: "seven", AWSAccountIds: ["111111111111"], Actions });
      expect(await policyOf()).toMatchObject({ Statement: [{ Action: Actions.map((a) => `SQS:${a}`) }] });
    });

    it("refuses more than 7 actions with OverLimit", async () => {
      const Actions = [
        "SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
        "GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListQueueTags",
      ];
      await rejects(
        h.queues.addPermission({ QueueUrl, Label: "eight", AWSAccountIds: ["111111111111"], Actions }),
        "OverLimit",
        "8 Actions were found, maximum allowed is 7.",
      );
      expect(await policyOf()).toBeUndefined();
    });

    it("refuses an unknown action", async () => {
      await rejects(
        h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["FlyAway"] }),
        "InvalidParameterValue",
      );
      expect(await policyOf()).toBeUndefined();
    });

    it("accepts a label of 80 characters", async () => {
      const Label = "L".repeat(80);
      await h.queues.addPermission({ QueueUrl, Label, AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      expect(await policyOf()).toMatchObject({ Statement: [{ Sid: Label }] });
    });

    it.each([
      ["81 characters", "L".repeat(81)],
      ["a space", "my label"],
      ["a period", "my.label"],
      ["nothing", ""],
      ["a huge label", "L".repeat(100_000)],
    ])("refuses a label of %s", async (_label, Label) => {
      await rejects(
        h.queues.addPermission({ QueueUrl, Label, AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] }),
        "InvalidParameterValue",
      );
      expect(await policyOf()).toBeUndefined();
    });

    it.each([
      ["Label", { AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] }],
      ["AWSAccountIds", { Label: "L1", Actions: ["SendMessage"] }],
      ["Actions", { Label: "L1", AWSAccountIds: ["111111111111"] }],
    ])("requires %s with MissingParameter", async (member, rest) => {
      await rejects(
        h.queues.addPermission({ QueueUrl, ...rest } as never),
        "MissingParameter",
        `The request must contain the parameter ${member}.`,
      );
      expect(await policyOf()).toBeUndefined();
    });

    it.each([
      ["AWSAccountIds as a string", { Label: "L1", AWSAccountIds: "111111111111", Actions: ["SendMessage"] }],
      ["Actions as a string", { Label: "L1", AWSAccountIds: ["111111111111"], Actions: "SendMessage" }],
      ["Label as a number", { Label: 1, AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] }],
      ["Actions holding an object", { Label: "L1", AWSAccountIds: ["111111111111"], Actions: [{}] }],
    ])("rejects %s", async (_label, rest) => {
      await rejects(h.queues.addPermission({ QueueUrl, ...rest } as never), "InvalidParameterValue");
      expect(await policyOf()).toBeUndefined();
    });

    it("removes a statement by label and keeps the others", async () => {
      await h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      await h.queues.addPermission({ QueueUrl, Label: "L2", AWSAccountIds: ["222222222222"], Actions: ["DeleteMessage"] });
      await h.queues.removePermission({ QueueUrl, Label: "L1" });
      const policy = (await policyOf()) as { Statement: { Sid: string }[] };
      expect(policy.Statement.map((s) => s.Sid)).toEqual(["L2"]);
    });

    it("deletes the Policy attribute when its last statement is removed", async () => {
      await h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      await h.queues.removePermission({ QueueUrl, Label: "L1" });
      expect((await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["Policy"] })).Attributes?.["Policy"]).toBeUndefined();
      const all = (await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["All"] })).Attributes ?? {};
      expect(all["Policy"]).toBeUndefined();
    });

    it("lets a removed label be added again", async () => {
      await h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      await h.queues.removePermission({ QueueUrl, Label: "L1" });
      await h.queues.addPermission({ QueueUrl, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] });
      expect(await policyOf()).toMatchObject({ Statement: [{ Sid: "L1" }] });
    });

    it("refuses to remove an unknown label", async () => {
      await rejects(
        h.queues.removePermission({ QueueUrl, Label: "nope" }),
        "InvalidParameterValue",
        "Value nope for parameter Label is invalid. Reason: can't find label.",
      );
    });

    it("requires Label on RemovePermission with MissingParameter", async () => {
      await rejects(h.queues.removePermission({ QueueUrl } as never), "MissingParameter", "The request must contain the parameter Label.");
    });

    it("answers QueueDoesNotExist for permission actions on a missing queue", async () => {
      const missing = `http://127.0.0.1:4566/${ACCOUNT}/missing`;
      await rejects(
        h.queues.addPermission({ QueueUrl: missing, Label: "L1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] }),
        "QueueDoesNotExist",
      );
      await rejects(h.queues.removePermission({ QueueUrl: missing, Label: "L1" }), "QueueDoesNotExist");
    });
  });
});
