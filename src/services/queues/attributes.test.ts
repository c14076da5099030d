/**
 * Queue attribute validation and reporting against the SQS reference
 * (/tmp/research/sqs.md §4 "Queue attributes", "RedrivePolicy and RedriveAllowPolicy",
 * §5.1): ranges, types, FIFO-only attributes, encryption, redrive policies, and the
 * exact attribute set GetQueueAttributes(All) returns.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failure, rejects } from "../../testing/assert.js";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";
import type { CallContext } from "./types.js";

const ACCOUNT = "000000000000";
const arnOf = (name: string, region = "us-east-1", account = ACCOUNT): string => `arn:aws:sqs:${region}:${account}:${name}`;


const STANDARD_ALL = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesDelayed",
  "ApproximateNumberOfMessagesNotVisible",
  "CreatedTimestamp",
  "DelaySeconds",
  "LastModifiedTimestamp",
  "MaximumMessageSize",
  "MessageRetentionPeriod",
  "QueueArn",
  "ReceiveMessageWaitTimeSeconds",
  "SqsManagedSseEnabled",
  "VisibilityTimeout",
];
const FIFO_ALL = [...STANDARD_ALL, "ContentBasedDeduplication", "DeduplicationScope", "FifoQueue", "FifoThroughputLimit"].sort();

describe("queue attributes", () => {
  let h: QueueHarness;
  beforeEach(async () => {
    h = await queueHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  const create = (QueueName: string, Attributes?: Record<string, string>, ctx?: CallContext) =>
    h.queues.createQueue({ QueueName, ...(Attributes ? { Attributes } : {}) }, ctx);
  const createFifo = (QueueName: string, Attributes: Record<string, string> = {}) =>
    create(QueueName, { FifoQueue: "true", ...Attributes });
  const all = async (QueueUrl: string): Promise<Record<string, string>> =>
    (await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["All"] })).Attributes ?? {};
  const queueNames = async (): Promise<string[]> =>
    ((await h.queues.listQueues({})).QueueUrls ?? []).map((u) => u.split("/").at(-1) ?? "");

  describe("GetQueueAttributes(All)", () => {
    it("returns exactly the standard queue's attribute set", async () => {
      const { QueueUrl } = await create("orders");
      expect(Object.keys(await all(QueueUrl)).sort()).toEqual(STANDARD_ALL);
    });

    it("returns exactly the FIFO queue's attribute set", async () => {
      const { QueueUrl } = await createFifo("jobs.fifo");
      expect(Object.keys(await all(QueueUrl)).sort()).toEqual(FIFO_ALL);
    });

    it("reports the standard defaults as strings", async () => {
      const { QueueUrl } = await create("orders");
      expect(await all(QueueUrl)).toEqual({
        ApproximateNumberOfMessages: "0",
        ApproximateNumberOfMessagesDelayed: "0",
        ApproximateNumberOfMessagesNotVisible: "0",
        CreatedTimestamp: "1700000000",
        DelaySeconds: "0",
        LastModifiedTimestamp: "1700000000",
        MaximumMessageSize: "1048576",
        MessageRetentionPeriod: "345600",
        QueueArn: arnOf("orders"),
        ReceiveMessageWaitTimeSeconds: "0",
        SqsManagedSseEnabled: "true",
        VisibilityTimeout: "30",
      });
    });

    it("reports the FIFO defaults", async () => {
      const { QueueUrl } = await createFifo("jobs.fifo");
      expect(await all(QueueUrl)).toMatchObject({
        FifoQueue: "true",
        ContentBasedDeduplication: "false",
        DeduplicationScope: "queue",
        FifoThroughputLimit: "perQueue",
        QueueArn: arnOf("jobs.fifo"),
      });
    });

    it("adds Policy, RedrivePolicy, RedriveAllowPolicy and KMS attributes only once set", async () => {
      await create("dlq");
      const { QueueUrl } = await create("orders", {
        Policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 4 }),
        RedriveAllowPolicy: JSON.stringify({ redrivePermission: "allowAll" }),
        KmsMasterKeyId: "alias/aws/sqs",
      });
      expect(Object.keys(await all(QueueUrl)).sort()).toEqual(
        [...STANDARD_ALL, "Policy", "RedrivePolicy", "RedriveAllowPolicy", "KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds"].sort(),
      );
    });

    it("returns every value as a string", async () => {
      const { QueueUrl } = await createFifo("jobs.fifo");
      for (const v of Object.values(await all(QueueUrl))) expect(typeof v).toBe("string");
    });
  });

  const INT_ATTRIBUTES = [
    ["DelaySeconds", 0, 900],
    ["MaximumMessageSize", 1024, 1_048_576],
    ["MessageRetentionPeriod", 60, 1_209_600],
    ["ReceiveMessageWaitTimeSeconds", 0, 20],
    ["VisibilityTimeout", 0, 43_200],
    ["KmsDataKeyReusePeriodSeconds", 60, 86_400],
  ] as const;

  describe.each(INT_ATTRIBUTES)("%s (integer %i to %i)", (name, min, max) => {
    const invalid = `Invalid value for the parameter ${name}.`;

    it.each([
      ["the minimum", String(min)],
      ["the maximum", String(max)],
    ])("accepts %s on CreateQueue", async (_label, value) => {
      const { QueueUrl } = await create("q", { [name]: value });
      const got = await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: [name] });
      expect(got.Attributes).toEqual({ [name]: value });
    });

    it.each([
      ["one below the minimum", String(min - 1)],
      ["one above the maximum", String(max + 1)],
      ["a non-numeric string", "ten"],
      ["a decimal", `${min}.5`],
      ["an empty string", ""],
      ["a number in exponent form", "1e3"],
      ["a huge number", "9".repeat(400)],
    ])("rejects %s on CreateQueue with InvalidAttributeValue", async (_label, value) => {
      await rejects(create("q", { [name]: value }), "InvalidAttributeValue", invalid);
      expect(await queueNames()).toEqual([]);
    });

    it.each([
      ["a JSON number", max],
      ["a boolean", true],
      ["an object", { value: String(min) }],
      ["an array", [String(min)]],
      ["null", null],
    ])("rejects a value given as %s instead of a string", async (_label, value) => {
      const err = await failure(h.queues.createQueue({ QueueName: "q", Attributes: { [name]: value } } as never));
      expect(["InvalidAttributeValue", "InvalidParameterValue"]).toContain(err.code);
      expect(await queueNames()).toEqual([]);
    });

    it.each([
      ["one below the minimum", String(min - 1)],
      ["one above the maximum", String(max + 1)],
    ])("rejects %s on SetQueueAttributes and keeps the old value", async (_label, value) => {
      const { QueueUrl } = await create("q", { [name]: String(max) });
      await rejects(h.queues.setQueueAttributes({ QueueUrl, Attributes: { [name]: value } }), "InvalidAttributeValue", invalid);
      expect((await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: [name] })).Attributes).toEqual({ [name]: String(max) });
    });

    it("accepts the minimum on SetQueueAttributes", async () => {
      const { QueueUrl } = await create("q");
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { [name]: String(min) } });
      expect((await h.queues.getQueueAttributes({ QueueUrl, AttributeNames: [name] })).Attributes).toEqual({ [name]: String(min) });
    });
  });

  describe("boolean and enumerated attributes", () => {
    it.each(["true", "false"])("accepts SqsManagedSseEnabled=%s", async (value) => {
      const { QueueUrl } = await create("q", { SqsManagedSseEnabled: value });
      expect((await all(QueueUrl))["SqsManagedSseEnabled"]).toBe(value);
    });

    it.each(["yes", "1", "", "truthy"])("rejects SqsManagedSseEnabled=%j with InvalidAttributeValue", async (value) => {
      await rejects(create("q", { SqsManagedSseEnabled: value }), "InvalidAttributeValue");
    });

    it.each(["true", "false"])("accepts ContentBasedDeduplication=%s on a FIFO queue", async (value) => {
      const { QueueUrl } = await createFifo("q.fifo", { ContentBasedDeduplication: value });
      expect((await all(QueueUrl))["ContentBasedDeduplication"]).toBe(value);
    });

    it("rejects a ContentBasedDeduplication that is not a boolean", async () => {
      await rejects(createFifo("q.fifo", { ContentBasedDeduplication: "maybe" }), "InvalidAttributeValue");
    });

    it.each(["messageGroup", "queue"])("accepts DeduplicationScope=%s", async (value) => {
      const { QueueUrl } = await createFifo("q.fifo", { DeduplicationScope: value });
      expect((await all(QueueUrl))["DeduplicationScope"]).toBe(value);
    });

    it.each(["group", "Queue", ""])("rejects DeduplicationScope=%j with InvalidAttributeValue", async (value) => {
      await rejects(createFifo("q.fifo", { DeduplicationScope: value }), "InvalidAttributeValue");
    });

    it("accepts FifoThroughputLimit=perQueue", async () => {
      const { QueueUrl } = await createFifo("q.fifo", { FifoThroughputLimit: "perQueue" });
      expect((await all(QueueUrl))["FifoThroughputLimit"]).toBe("perQueue");
    });

    it.each(["perGroup", "PERQUEUE", ""])("rejects FifoThroughputLimit=%j with InvalidAttributeValue", async (value) => {
      await rejects(createFifo("q.fifo", { FifoThroughputLimit: value }), "InvalidAttributeValue");
    });

    it("accepts FifoThroughputLimit=perMessageGroupId with DeduplicationScope=messageGroup", async () => {
      const { QueueUrl } = await createFifo("q.fifo", { FifoThroughputLimit: "perMessageGroupId", DeduplicationScope: "messageGroup" });
      expect(await all(QueueUrl)).toMatchObject({ FifoThroughputLimit: "perMessageGroupId", DeduplicationScope: "messageGroup" });
    });

    it("refuses FifoThroughputLimit=perMessageGroupId with the default queue scope", async () => {
      await rejects(
        createFifo("q.fifo", { FifoThroughputLimit: "perMessageGroupId" }),
        "InvalidParameterValue",
        "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup",
      );
      expect(await queueNames()).toEqual([]);
    });

    it("refuses moving DeduplicationScope back to queue while FifoThroughputLimit is perMessageGroupId", async () => {
      const { QueueUrl } = await createFifo("q.fifo", { FifoThroughputLimit: "perMessageGroupId", DeduplicationScope: "messageGroup" });
      await rejects(h.queues.setQueueAttributes({ QueueUrl, Attributes: { DeduplicationScope: "queue" } }), "InvalidParameterValue");
      expect((await all(QueueUrl))["DeduplicationScope"]).toBe("messageGroup");
    });
  });

  describe("unknown and FIFO-only attributes", () => {
    it.each(["Colour", "visibilitytimeout", "VisibilityTimeout ", "All", ""])(
      "refuses the unknown attribute %j on CreateQueue",
      async (name) => {
        await rejects(create("q", { [name]: "1" }), "InvalidAttributeName", `Unknown Attribute ${name}.`);
        expect(await queueNames()).toEqual([]);
      },
    );

    it("refuses an unknown attribute on SetQueueAttributes", async () => {
      const { QueueUrl } = await create("q");
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl, Attributes: { Colour: "blue" } }),
        "InvalidAttributeName",
        "Unknown Attribute Colour.",
      );
    });

    it.each(["QueueArn", "ApproximateNumberOfMessages", "CreatedTimestamp", "LastModifiedTimestamp"])(
      "refuses the read-only attribute %s on SetQueueAttributes",
      async (name) => {
        const { QueueUrl } = await create("q");
        await rejects(h.queues.setQueueAttributes({ QueueUrl, Attributes: { [name]: "1" } }), "InvalidAttributeName");
      },
    );

    it.each([
      ["ContentBasedDeduplication", "true"],
      ["DeduplicationScope", "messageGroup"],
      ["FifoThroughputLimit", "perQueue"],
    ])("refuses the FIFO-only %s on a standard CreateQueue", async (name, value) => {
      await rejects(create("q", { [name]: value }), "InvalidAttributeName", `Unknown Attribute ${name}.`);
      expect(await queueNames()).toEqual([]);
    });

    it.each([
      ["ContentBasedDeduplication", "true"],
      ["DeduplicationScope", "messageGroup"],
      ["FifoThroughputLimit", "perQueue"],
      ["FifoQueue", "true"],
    ])("refuses the FIFO-only %s on a standard SetQueueAttributes", async (name, value) => {
      const { QueueUrl } = await create("q");
      await rejects(h.queues.setQueueAttributes({ QueueUrl, Attributes: { [name]: value } }), "InvalidAttributeName", `Unknown Attribute ${name}.`);
      expect(Object.keys(await all(QueueUrl)).sort()).toEqual(STANDARD_ALL);
    });

    it("accepts FifoQueue=true again on a FIFO queue", async () => {
      const { QueueUrl } = await createFifo("q.fifo");
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { FifoQueue: "true" } });
      expect((await all(QueueUrl))["FifoQueue"]).toBe("true");
    });
  });

  describe("server-side encryption", () => {
    it("enables SQS-managed SSE by default", async () => {
      const { QueueUrl } = await create("q");
      expect((await all(QueueUrl))["SqsManagedSseEnabled"]).toBe("true");
    });

    it("refuses KmsMasterKeyId together with SqsManagedSseEnabled=true", async () => {
      await rejects(
        create("q", { KmsMasterKeyId: "alias/aws/sqs", SqsManagedSseEnabled: "true" }),
        "InvalidAttributeName",
        "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
      );
      expect(await queueNames()).toEqual([]);
    });

    it("refuses KmsMasterKeyId together with SqsManagedSseEnabled=true on SetQueueAttributes", async () => {
      const { QueueUrl } = await create("q");
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl, Attributes: { KmsMasterKeyId: "alias/aws/sqs", SqsManagedSseEnabled: "true" } }),
        "InvalidAttributeName",
        "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
      );
      expect((await all(QueueUrl))["KmsMasterKeyId"]).toBeUndefined();
    });

    it("switches SQS-managed SSE off when a KMS key is given, with a 300 s data key reuse period", async () => {
      const { QueueUrl } = await create("q", { KmsMasterKeyId: "alias/aws/sqs" });
      expect(await all(QueueUrl)).toMatchObject({
        KmsMasterKeyId: "alias/aws/sqs",
        KmsDataKeyReusePeriodSeconds: "300",
        SqsManagedSseEnabled: "false",
      });
    });

    it("accepts KmsMasterKeyId with SqsManagedSseEnabled=false", async () => {
      const { QueueUrl } = await create("q", { KmsMasterKeyId: "alias/aws/sqs", SqsManagedSseEnabled: "false" });
      expect((await all(QueueUrl))["KmsMasterKeyId"]).toBe("alias/aws/sqs");
    });
  });

  describe("Policy", () => {
    const policy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sqs:*" }] });

    it("stores and returns the policy text", async () => {
      const { QueueUrl } = await create("q", { Policy: policy });
      expect((await all(QueueUrl))["Policy"]).toBe(policy);
    });

    it.each(["{not json", "42", '"text"'])("rejects the Policy %j with InvalidAttributeValue", async (value) => {
      await rejects(create("q", { Policy: value }), "InvalidAttributeValue", "Invalid value for the parameter Policy.");
    });

    it("rejects a policy larger than 8192 bytes", async () => {
      const big = JSON.stringify({ Version: "2012-10-17", Id: "x".repeat(8200), Statement: [] });
      await rejects(create("q", { Policy: big }), "InvalidAttributeValue");
    });

    it("removes the policy when set to an empty string", async () => {
      const { QueueUrl } = await create("q", { Policy: policy });
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { Policy: "" } });
      expect((await all(QueueUrl))["Policy"]).toBeUndefined();
    });
  });

  describe("RedrivePolicy", () => {
    const redrive = (o: unknown): string => JSON.stringify(o);
    const reason = (raw: string, why: string): string => `Value ${raw} for parameter RedrivePolicy is invalid. Reason: ${why}`;

    it("accepts a policy naming an existing queue of the same type", async () => {
      await create("dlq");
      const { QueueUrl } = await create("src", { RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 5 }) });
      expect(JSON.parse((await all(QueueUrl))["RedrivePolicy"] ?? "null")).toEqual({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 5 });
    });

    it("accepts a FIFO dead-letter queue for a FIFO source", async () => {
      await createFifo("dlq.fifo");
      const { QueueUrl } = await createFifo("src.fifo", {
        RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("dlq.fifo"), maxReceiveCount: 2 }),
      });
      expect((await all(QueueUrl))["RedrivePolicy"]).toBeDefined();
    });

    it.each([1, 1000])("accepts maxReceiveCount %i", async (maxReceiveCount) => {
      await create("dlq");
      await expect(create("src", { RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount }) })).resolves.toBeDefined();
    });

    it("accepts maxReceiveCount given as a string", async () => {
      await create("dlq");
      const { QueueUrl } = await create("src", { RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: "7" }) });
      expect(Number(JSON.parse((await all(QueueUrl))["RedrivePolicy"] ?? "{}").maxReceiveCount)).toBe(7);
    });

    it.each(["not json", "[]", "42", "null", '"text"'])("rejects the non-map %j", async (raw) => {
      await rejects(
        create("src", { RedrivePolicy: raw }),
        "InvalidParameterValue",
        "Invalid value for the parameter RedrivePolicy. Reason: Redrive policy is not a valid JSON map.",
      );
      expect(await queueNames()).toEqual([]);
    });

    it("rejects a policy without maxReceiveCount", async () => {
      await create("dlq");
      const raw = redrive({ deadLetterTargetArn: arnOf("dlq") });
      await rejects(
        create("src", { RedrivePolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "Redrive policy does not contain mandatory attribute: maxReceiveCount."),
      );
    });

    it("rejects a policy without deadLetterTargetArn", async () => {
      const raw = redrive({ maxReceiveCount: 3 });
      await rejects(
        create("src", { RedrivePolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."),
      );
    });

    it("rejects an invalid ARN before looking the queue up, echoing the JSON as sent", async () => {
      const raw = '{"deadLetterTargetArn": "dummy", "maxReceiveCount": 42}';
      await rejects(create("src", { RedrivePolicy: raw }), "InvalidParameterValue", reason(raw, "Invalid value for deadLetterTargetArn."));
    });

    it.each([0, 1001])("rejects maxReceiveCount %i", async (maxReceiveCount) => {
      await create("dlq");
      const raw = redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount });
      await rejects(
        create("src", { RedrivePolicy: raw }),
        "InvalidParameterValue",
        reason(raw, `Invalid value for maxReceiveCount: ${maxReceiveCount}, valid values are from 1 to 1000 both inclusive.`),
      );
    });

    it.each([-1, 2.5, "abc", true, null])("rejects the maxReceiveCount %j", async (maxReceiveCount) => {
      await create("dlq");
      await rejects(
        create("src", { RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount }) }),
        "InvalidParameterValue",
      );
    });

    it("rejects attributes other than deadLetterTargetArn and maxReceiveCount", async () => {
      await create("dlq");
      const raw = redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 3, extra: 1 });
      await rejects(
        create("src", { RedrivePolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn]."),
      );
    });

    it("rejects a dead-letter queue that does not exist", async () => {
      const raw = redrive({ deadLetterTargetArn: arnOf("nowhere"), maxReceiveCount: 3 });
      await rejects(create("src", { RedrivePolicy: raw }), "InvalidParameterValue", reason(raw, "Dead letter target does not exist."));
      expect(await queueNames()).toEqual([]);
    });

    it("rejects a standard dead-letter queue for a FIFO source", async () => {
      await create("dlq");
      const raw = redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 3 });
      await rejects(
        createFifo("src.fifo", { RedrivePolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "Dead-letter queue must be same type of queue as the source.."),
      );
    });

    it("rejects a FIFO dead-letter queue for a standard source", async () => {
      await createFifo("dlq.fifo");
      const raw = redrive({ deadLetterTargetArn: arnOf("dlq.fifo"), maxReceiveCount: 3 });
      await rejects(
        create("src", { RedrivePolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "Dead-letter queue must be same type of queue as the source.."),
      );
    });

    it("rejects a dead-letter queue in another region (§7.3: same region)", async () => {
      await create("dlq");
      await rejects(
        create("src", { RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("dlq", "eu-west-1"), maxReceiveCount: 3 }) }),
        "InvalidParameterValue",
      );
      expect(await queueNames()).toEqual(["dlq"]);
    });

    it("rejects a dead-letter queue in another account (§7.3: same account)", async () => {
      await create("dlq", undefined, { ...h.queues.defaultContext, accountId: "111111111111" });
      await rejects(
        create("src", { RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("dlq", "us-east-1", "111111111111"), maxReceiveCount: 3 }) }),
        "InvalidParameterValue",
      );
      expect(await queueNames()).toEqual([]);
    });

    it("leaves the old policy in place when SetQueueAttributes gives an invalid one", async () => {
      await create("dlq");
      const good = redrive({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 3 });
      const { QueueUrl } = await create("src", { RedrivePolicy: good });
      await rejects(
        h.queues.setQueueAttributes({ QueueUrl, Attributes: { RedrivePolicy: redrive({ deadLetterTargetArn: arnOf("nowhere"), maxReceiveCount: 3 }) } }),
        "InvalidParameterValue",
      );
      expect(JSON.parse((await all(QueueUrl))["RedrivePolicy"] ?? "null")).toEqual(JSON.parse(good));
    });
  });

  describe("RedriveAllowPolicy", () => {
    const sourcePolicy = JSON.stringify({ deadLetterTargetArn: arnOf("dlq"), maxReceiveCount: 3 });
    const allow = (o: unknown): string => JSON.stringify(o);
    const reason = (raw: string, why: string): string =>
      `Value ${raw} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. ${why}`;

    it("lets any source use a dead-letter queue with allowAll", async () => {
      await create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "allowAll" }) });
      await expect(create("src", { RedrivePolicy: sourcePolicy })).resolves.toBeDefined();
    });

    it("refuses every source on CreateQueue when the dead-letter queue has denyAll", async () => {
      await create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "denyAll" }) });
      await rejects(create("src", { RedrivePolicy: sourcePolicy }), "InvalidParameterValue");
      expect(await queueNames()).toEqual(["dlq"]);
    });

    it("refuses a source on SetQueueAttributes when the dead-letter queue has denyAll", async () => {
      await create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "denyAll" }) });
      const { QueueUrl } = await create("src");
      await rejects(h.queues.setQueueAttributes({ QueueUrl, Attributes: { RedrivePolicy: sourcePolicy } }), "InvalidParameterValue");
      expect((await all(QueueUrl))["RedrivePolicy"]).toBeUndefined();
    });

    it("lets a listed source use a dead-letter queue with byQueue", async () => {
      await create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "byQueue", sourceQueueArns: [arnOf("src")] }) });
      await expect(create("src", { RedrivePolicy: sourcePolicy })).resolves.toBeDefined();
    });

    it("refuses an unlisted source with byQueue", async () => {
      await create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "byQueue", sourceQueueArns: [arnOf("other")] }) });
      await rejects(create("src", { RedrivePolicy: sourcePolicy }), "InvalidParameterValue");
      expect(await queueNames()).toEqual(["dlq"]);
    });

    it("accepts byQueue with exactly 10 source ARNs", async () => {
      const arns = Array.from({ length: 10 }, (_, i) => arnOf(`s${i}`));
      await expect(create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "byQueue", sourceQueueArns: arns }) })).resolves.toBeDefined();
    });

    it("rejects byQueue with 11 source ARNs", async () => {
      const raw = allow({ redrivePermission: "byQueue", sourceQueueArns: Array.from({ length: 11 }, (_, i) => arnOf(`s${i}`)) });
      await rejects(
        create("dlq", { RedriveAllowPolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "The maximum number of source queue ARNs you can specify is 10."),
      );
    });

    it("rejects byQueue without source ARNs", async () => {
      const raw = allow({ redrivePermission: "byQueue" });
      await rejects(
        create("dlq", { RedriveAllowPolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values."),
      );
    });

    it("rejects source ARNs without byQueue", async () => {
      const raw = allow({ redrivePermission: "allowAll", sourceQueueArns: [arnOf("src")] });
      await rejects(
        create("dlq", { RedriveAllowPolicy: raw }),
        "InvalidParameterValue",
        reason(raw, "To specify one or more source queue ARNs, you must set redrivePermission to byQueue."),
      );
    });

    it.each(["not json", "[]", "7"])("rejects the unsupported format %j", async (raw) => {
      await rejects(create("dlq", { RedriveAllowPolicy: raw }), "InvalidParameterValue");
      expect(await queueNames()).toEqual([]);
    });

    it("rejects an unknown redrivePermission", async () => {
      await rejects(create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "some" }) }), "InvalidParameterValue");
    });

    it("removes the allow policy when set to an empty string", async () => {
      const { QueueUrl } = await create("dlq", { RedriveAllowPolicy: allow({ redrivePermission: "denyAll" }) });
      await h.queues.setQueueAttributes({ QueueUrl, Attributes: { RedriveAllowPolicy: "" } });
      expect((await all(QueueUrl))["RedriveAllowPolicy"]).toBeUndefined();
      await expect(create("src", { RedrivePolicy: sourcePolicy })).resolves.toBeDefined();
    });
  });
});
