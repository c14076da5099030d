/**
 * Input validation of every queue action against the SQS reference
 * (/tmp/research/sqs.md §4 "Messages", "Batch errors", "Receipt handles",
 * "ReceiveMessage parameters"; §6.1–6.3 bodies and attributes; §7.8 batches):
 * missing and wrongly typed members, hostile characters, size limits, attribute rules,
 * batch checks and FIFO parameters. Every rejection must leave the queue unchanged.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { failure, rejects } from "../../testing/assert.js";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";
import type { QueueService } from "./service.js";
import type { MessageAttributeMap, SendMessageBatchEntry } from "./types.js";


const INVALID_CHARACTERS =
  "Invalid characters found. Valid unicode characters are #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF";
const tooLarge = (max: number): string => `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.`;
const BAD_ENTRY_ID =
  "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.";
const str = (StringValue: string, DataType = "String") => ({ DataType, StringValue });
const bin = (bytes: Uint8Array | string, DataType = "Binary") => ({
  DataType,
  BinaryValue: typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes,
});

describe("queue input validation", () => {
  let h: QueueHarness;
  let q: QueueService;
  let QueueUrl: string;
  beforeEach(async () => {
    h = await queueHarness();
    q = h.queues;
    QueueUrl = (await q.createQueue({ QueueName: "std" })).QueueUrl;
  });
  afterEach(async () => {
    await h.close();
  });

  /** Messages in the queue in any state, as GetQueueAttributes counts them. */
  const depth = async (url = QueueUrl): Promise<number> => {
    const a = (await q.getQueueAttributes({
      QueueUrl: url,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    })).Attributes ?? {};
    return Object.values(a).reduce((n, v) => n + Number(v), 0);
  };
  const send = (MessageBody: unknown, extra: Record<string, unknown> = {}, url = QueueUrl) =>
    q.sendMessage({ QueueUrl: url, MessageBody, ...extra } as never);
  const withAttributes = (MessageAttributes: unknown, url = QueueUrl) => send("body", { MessageAttributes }, url);

  describe("QueueUrl", () => {
    const calls: Record<string, (s: QueueService) => Promise<unknown>> = {
      DeleteQueue: (s) => s.deleteQueue({} as never),
      GetQueueAttributes: (s) => s.getQueueAttributes({ AttributeNames: ["All"] } as never),
      SetQueueAttributes: (s) => s.setQueueAttributes({ Attributes: { VisibilityTimeout: "5" } } as never),
      ListDeadLetterSourceQueues: (s) => s.listDeadLetterSourceQueues({} as never),
      TagQueue: (s) => s.tagQueue({ Tags: { a: "1" } } as never),
      UntagQueue: (s) => s.untagQueue({ TagKeys: ["a"] } as never),
      ListQueueTags: (s) => s.listQueueTags({} as never),
      AddPermission: (s) => s.addPermission({ Label: "L", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] } as never),
      RemovePermission: (s) => s.removePermission({ Label: "L" } as never),
      SendMessage: (s) => s.sendMessage({ MessageBody: "m" } as never),
      SendMessageBatch: (s) => s.sendMessageBatch({ Entries: [{ Id: "a", MessageBody: "m" }] } as never),
      ReceiveMessage: (s) => s.receiveMessage({} as never),
      DeleteMessage: (s) => s.deleteMessage({ ReceiptHandle: "x" } as never),
      DeleteMessageBatch: (s) => s.deleteMessageBatch({ Entries: [{ Id: "a", ReceiptHandle: "x" }] } as never),
      ChangeMessageVisibility: (s) => s.changeMessageVisibility({ ReceiptHandle: "x", VisibilityTimeout: 5 } as never),
      ChangeMessageVisibilityBatch: (s) =>
        s.changeMessageVisibilityBatch({ Entries: [{ Id: "a", ReceiptHandle: "x", VisibilityTimeout: 5 }] } as never),
      PurgeQueue: (s) => s.purgeQueue({} as never),
    };

    it.each(Object.entries(calls))("%s without QueueUrl fails with MissingParameter", async (_action, call) => {
      await rejects(call(q), "MissingParameter", "The request must contain the parameter QueueUrl.");
    });

    it.each([
      ["a number", 42],
      ["an object", { url: "std" }],
      ["an array", ["std"]],
      ["a boolean", true],
    ])("a QueueUrl given as %s fails with a service error", async (_label, url) => {
      await failure(q.sendMessage({ QueueUrl: url, MessageBody: "m" } as never));
      expect(await depth()).toBe(0);
    });
  });

  describe("SendMessage body", () => {
    it("requires MessageBody with MissingParameter", async () => {
      await rejects(q.sendMessage({ QueueUrl } as never), "MissingParameter", "The request must contain the parameter MessageBody.");
      expect(await depth()).toBe(0);
    });

    it("treats an empty body as missing", async () => {
      await rejects(send(""), "MissingParameter", "The request must contain the parameter MessageBody.");
    });

    it.each([
      ["a number", 42],
      ["an object", { text: "hi" }],
      ["an array", ["hi"]],
      ["a boolean", false],
    ])("rejects a body given as %s with InvalidParameterValue", async (_label, body) => {
      await rejects(send(body), "InvalidParameterValue");
      expect(await depth()).toBe(0);
    });

    it.each([
      ["NUL", "a\u0000b"],
      ["U+0001", "\u0001"],
      ["backspace", "\u0008"],
      ["vertical tab", "\u000B"],
      ["U+001F", "\u001F"],
      ["U+FFFE", "\uFFFE"],
      ["U+FFFF", "\uFFFF"],
      ["a lone high surrogate", "x\uD800y"],
      ["a lone low surrogate", "x\uDC00y"],
      ["a reversed surrogate pair", "\uDE00\uD83D"],
    ])("rejects a body containing %s with InvalidMessageContents", async (_label, body) => {
      await rejects(send(body), "InvalidMessageContents", INVALID_CHARACTERS);
      expect(await depth()).toBe(0);
    });

    it.each([
      ["tab, newline and carriage return", "\t\n\r"],
      ["U+D7FF", "\uD7FF"],
      ["U+E000", "\uE000"],
      ["U+FFFD", "\uFFFD"],
      ["an emoji (a valid surrogate pair)", "\u{1F600}"],
      ["U+10FFFF", "\u{10FFFF}"],
    ])("accepts a body containing %s and returns it unchanged", async (_label, body) => {
      await send(body);
      const got = await q.receiveMessage({ QueueUrl });
      expect(got.Messages?.[0]?.Body).toBe(body);
    });

    it("rejects a body larger than the 1 MiB default MaximumMessageSize", async () => {
      await rejects(send("x".repeat(1_048_577)), "InvalidParameterValue", tooLarge(1_048_576));
      expect(await depth()).toBe(0);
    });

    it("accepts a body of exactly 1 MiB on a default queue", async () => {
      await send("x".repeat(1_048_576));
      expect(await depth()).toBe(1);
    });
  });

  describe("message size against MaximumMessageSize=1024", () => {
    let small: string;
    beforeEach(async () => {
      small = (await q.createQueue({ QueueName: "small", Attributes: { MaximumMessageSize: "1024" } })).QueueUrl;
    });

    it("accepts a body of exactly 1024 bytes", async () => {
      await send("x".repeat(1024), {}, small);
      expect(await depth(small)).toBe(1);
    });

    it("rejects a body of 1025 bytes", async () => {
      await rejects(send("x".repeat(1025), {}, small), "InvalidParameterValue", tooLarge(1024));
      expect(await depth(small)).toBe(0);
    });

    it("counts UTF-8 bytes, not characters", async () => {
      await send("é".repeat(512), {}, small);
      await rejects(send(`${"é".repeat(512)}x`, {}, small), "InvalidParameterValue", tooLarge(1024));
      expect(await depth(small)).toBe(1);
    });

    it("counts attribute name, type and string value: exactly 1024 bytes is accepted", async () => {
      // 1000 body + "attr" (4) + "String" (6) + 14 value bytes = 1024
      await send("x".repeat(1000), { MessageAttributes: { attr: str("v".repeat(14)) } }, small);
      expect(await depth(small)).toBe(1);
    });

    it("counts attribute name, type and string value: one byte over is rejected", async () => {
      await rejects(
        send("x".repeat(1000), { MessageAttributes: { attr: str("v".repeat(15)) } }, small),
        "InvalidParameterValue",
        tooLarge(1024),
      );
      expect(await depth(small)).toBe(0);
    });

    it("counts binary values by their decoded bytes", async () => {
      // 1000 body + "bin" (3) + "Binary" (6) + 15 bytes = 1024
      await send("x".repeat(1000), { MessageAttributes: { bin: bin(new Uint8Array(15).fill(7)) } }, small);
      await rejects(
        send("x".repeat(1000), { MessageAttributes: { bin: bin(new Uint8Array(16).fill(7)) } }, small),
        "InvalidParameterValue",
        tooLarge(1024),
      );
      expect(await depth(small)).toBe(1);
    });

    it("counts the full custom data type", async () => {
      // 1000 body + "n" (1) + "Number.int" (10) + 13 digits = 1024
      await send("x".repeat(1000), { MessageAttributes: { n: str("1".repeat(13), "Number.int") } }, small);
      await rejects(
        send("x".repeat(1000), { MessageAttributes: { n: str("1".repeat(14), "Number.int") } }, small),
        "InvalidParameterValue",
        tooLarge(1024),
      );
    });

    it("does not count the AWSTraceHeader system attribute", async () => {
      await send("x".repeat(1024), { MessageSystemAttributes: { AWSTraceHeader: str("Root=1-5759e988-bd862e3fe1be46a994272793") } }, small);
      expect(await depth(small)).toBe(1);
    });

    it("follows a raised MaximumMessageSize", async () => {
      await q.setQueueAttributes({ QueueUrl: small, Attributes: { MaximumMessageSize: "2048" } });
      await send("x".repeat(2048), {}, small);
      await rejects(send("x".repeat(2049), {}, small), "InvalidParameterValue", tooLarge(2048));
    });
  });

  describe("DelaySeconds on SendMessage", () => {
    it.each([0, 900])("accepts %i", async (DelaySeconds) => {
      await send("m", { DelaySeconds });
      expect(await depth()).toBe(1);
    });

    it.each([-1, 901])("rejects %i", async (DelaySeconds) => {
      await rejects(
        send("m", { DelaySeconds }),
        "InvalidParameterValue",
        `Value ${DelaySeconds} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.`,
      );
      expect(await depth()).toBe(0);
    });

    it.each([
      ["a decimal", 1.5],
      ["an object", { s: 1 }],
      ["an array", [1]],
      ["a non-numeric string", "soon"],
      ["a boolean", true],
      ["NaN", Number.NaN],
      ["Infinity", Number.POSITIVE_INFINITY],
    ])("rejects a DelaySeconds given as %s", async (_label, DelaySeconds) => {
      await rejects(send("m", { DelaySeconds }), "InvalidParameterValue");
      expect(await depth()).toBe(0);
    });
  });

  describe("message attributes", () => {
    const tenAttributes = (): MessageAttributeMap => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`a${i}`, str(`v${i}`)]));

    it("accepts 10 attributes", async () => {
      await withAttributes(tenAttributes());
      expect(await depth()).toBe(1);
    });

    it("rejects 11 attributes", async () => {
      await rejects(
        withAttributes({ ...tenAttributes(), a10: str("v") }),
        "InvalidParameterValue",
        "Number of message attributes [11] exceeds the allowed maximum [10].",
      );
      expect(await depth()).toBe(0);
    });

    it.each(["a", "A-b_c.d", "x".repeat(256), "AWSome", "Amazonian", "awsx.y"])("accepts the name %j", async (name) => {
      await withAttributes({ [name]: str("v") });
      expect(await depth()).toBe(1);
    });

    it.each(["AWS.x", "aws.x", "Aws.X", "Amazon.x", "amazon.x", "AMAZON.X"])("rejects the reserved name %j", async (name) => {
      await rejects(
        withAttributes({ [name]: str("v") }),
        "InvalidParameterValue",
        "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.",
      );
      expect(await depth()).toBe(0);
    });

    it.each([".lead", "trail.", "dou..ble", "has space", "star*", "slash/", "nul\u0000"])("rejects the name %j", async (name) => {
      await rejects(withAttributes({ [name]: str("v") }), "InvalidParameterValue");
      expect(await depth()).toBe(0);
    });

    it("rejects a name longer than 256 bytes", async () => {
      await rejects(
        withAttributes({ ["x".repeat(257)]: str("v") }),
        "InvalidParameterValue",
        "Message (user) attribute name must be shorter than 256 bytes.",
      );
    });

    it("rejects an empty name", async () => {
      await rejects(withAttributes({ "": str("v") }), "InvalidParameterValue", "The request must contain non-empty message (user) attribute names.");
    });

    it.each([
      ["String", str("text")],
      ["Number", str("42", "Number")],
      ["Binary", bin("bytes")],
      ["String.custom", str("text", "String.custom")],
      ["Number.float", str("4563442423554324324264524243.32543234", "Number.float")],
      ["Binary.png", bin("png", "Binary.png")],
    ])("accepts the data type %s", async (_type, value) => {
      await withAttributes({ a: value });
      expect(await depth()).toBe(1);
    });

    it.each(["String.", "Binaryx", "string", "Strings", "Text", "Number."])("rejects the data type %j", async (DataType) => {
      await rejects(
        withAttributes({ a: { DataType, StringValue: "1", BinaryValue: Buffer.from("1") } }),
        "InvalidParameterValue",
        "The type of message (user) attribute 'a' is invalid. You must use only the following supported type prefixes: Binary, Number, String.",
      );
      expect(await depth()).toBe(0);
    });

    it("accepts a data type of 256 bytes", async () => {
      await withAttributes({ a: str("v", `String.${"x".repeat(249)}`) });
      expect(await depth()).toBe(1);
    });

    it("rejects a data type longer than 256 bytes", async () => {
      await rejects(
        withAttributes({ a: str("v", `String.${"x".repeat(250)}`) }),
        "InvalidParameterValue",
        "Message (user) attribute type must be shorter than 256 bytes.",
      );
    });

    it("rejects a missing data type", async () => {
      await rejects(withAttributes({ a: { StringValue: "v" } }), "InvalidParameterValue");
    });

    it("rejects an empty String value", async () => {
      await rejects(
        withAttributes({ user: str("") }),
        "InvalidParameterValue",
        "Message (user) attribute 'user' must contain a non-empty value of type 'String'.",
      );
    });

    it("rejects a String attribute without a StringValue", async () => {
      await rejects(withAttributes({ a: { DataType: "String" } }), "InvalidParameterValue");
    });

    it("rejects an empty Binary value", async () => {
      await rejects(withAttributes({ a: bin(new Uint8Array(0)) }), "InvalidParameterValue");
    });

    it("rejects a Binary attribute carrying only a StringValue", async () => {
      await rejects(withAttributes({ a: { DataType: "Binary", StringValue: "abc" } }), "InvalidParameterValue");
    });

    it("rejects list values", async () => {
      await rejects(
        withAttributes({ a: { DataType: "String", StringListValues: ["x"] } }),
        "InvalidParameterValue",
        "Message attribute list values in SendMessage operation are not supported.",
      );
    });

    it("rejects a String value with invalid characters with InvalidMessageContents", async () => {
      await rejects(withAttributes({ a: str("bad\u0000") }), "InvalidMessageContents");
      expect(await depth()).toBe(0);
    });

    it.each([
      ["a string", "v"],
      ["a number", 5],
      ["null", null],
      ["an array", [str("v")]],
    ])("rejects an attribute value given as %s", async (_label, value) => {
      await rejects(withAttributes({ a: value }), "InvalidParameterValue");
      expect(await depth()).toBe(0);
    });

    it.each([
      ["an array", [str("v")]],
      ["a string", "a=v"],
    ])("rejects MessageAttributes given as %s", async (_label, attrs) => {
      await rejects(withAttributes(attrs), "InvalidParameterValue");
    });

    describe("Number values", () => {
      it.each([
        ["38 digits", "9".repeat(38)],
        ["38 digits with a point", `${"1".repeat(20)}.${"2".repeat(18)}`],
        ["a negative decimal", "-0.5"],
        ["zero", "0"],
        ["10^126", "1e126"],
        ["10^-128", "1e-128"],
        ["-10^126", "-1e126"],
        ["leading and trailing zeroes beyond 38 digits", `000${"9".repeat(38)}.000`],
      ])("accepts %s", async (_label, value) => {
        await withAttributes({ n: str(value, "Number") });
        expect(await depth()).toBe(1);
      });

      it.each([
        ["39 significant digits", "9".repeat(39)],
        ["above 10^126", "1e127"],
        ["below 10^-128", "1e-129"],
        ["letters", "12abc"],
        ["a lone sign", "-"],
        ["hexadecimal", "0x10"],
        ["Infinity", "Infinity"],
        ["NaN", "NaN"],
      ])("rejects %s", async (_label, value) => {
        await rejects(
          withAttributes({ n: str(value, "Number") }),
          "InvalidParameterValue",
          "Can't cast the value of message (user) attribute 'n' to a number.",
        );
        expect(await depth()).toBe(0);
      });
    });
  });

  describe("message system attributes", () => {
    it("accepts AWSTraceHeader as a String", async () => {
      await send("m", { MessageSystemAttributes: { AWSTraceHeader: str("Root=1-5759e988-bd862e3fe1be46a994272793") } });
      expect(await depth()).toBe(1);
    });

    it("rejects any other system attribute name", async () => {
      await rejects(
        send("m", { MessageSystemAttributes: { SenderId: str("me") } }),
        "InvalidParameterValue",
        "Message system attribute name 'SenderId' is invalid.",
      );
      expect(await depth()).toBe(0);
    });

    it("rejects an AWSTraceHeader that is not a String", async () => {
      await rejects(send("m", { MessageSystemAttributes: { AWSTraceHeader: bin("trace") } }), "InvalidParameterValue");
      expect(await depth()).toBe(0);
    });

    it("rejects MessageSystemAttributes given as a list", async () => {
      await rejects(send("m", { MessageSystemAttributes: [str("x")] }), "InvalidParameterValue");
    });
  });

  describe("FIFO parameters", () => {
    let fifo: string;
    let cbd: string;
    beforeEach(async () => {
      fifo = (await q.createQueue({ QueueName: "f.fifo", Attributes: { FifoQueue: "true" } })).QueueUrl;
      cbd = (await q.createQueue({ QueueName: "c.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } })).QueueUrl;
    });

    it("requires MessageGroupId on SendMessage with MissingParameter", async () => {
      await rejects(
        send("m", { MessageDeduplicationId: "d" }, fifo),
        "MissingParameter",
        "The request must contain the parameter MessageGroupId.",
      );
      expect(await depth(fifo)).toBe(0);
    });

    it("requires a deduplication id when ContentBasedDeduplication is off", async () => {
      await rejects(
        send("m", { MessageGroupId: "g" }, fifo),
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      );
      expect(await depth(fifo)).toBe(0);
    });

    it("needs no deduplication id when ContentBasedDeduplication is on", async () => {
      await send("m", { MessageGroupId: "g" }, cbd);
      expect(await depth(cbd)).toBe(1);
    });

    it("rejects a per-message DelaySeconds above 0", async () => {
      await rejects(
        send("m", { MessageGroupId: "g", DelaySeconds: 5 }, cbd),
        "InvalidParameterValue",
        "Value 5 for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.",
      );
      expect(await depth(cbd)).toBe(0);
    });

    it("accepts an explicit DelaySeconds of 0", async () => {
      await send("m", { MessageGroupId: "g", DelaySeconds: 0 }, cbd);
      expect(await depth(cbd)).toBe(1);
    });

    it.each(["MessageGroupId", "MessageDeduplicationId"])("accepts a %s of 128 punctuation and alphanumeric characters", async (member) => {
      const value = `${"!#$%&'()*+,-./:;<=>?@[\\]^_\`{|}~\"".repeat(3)}${"a".repeat(128 - 96)}`;
      expect(value).toHaveLength(128);
      await send("m", { MessageGroupId: "g", MessageDeduplicationId: "d", [member]: value }, fifo);
      expect(await depth(fifo)).toBe(1);
    });

    it.each(["MessageGroupId", "MessageDeduplicationId"])("rejects a %s of 129 characters", async (member) => {
      const value = "a".repeat(129);
      await rejects(
        send("m", { MessageGroupId: "g", MessageDeduplicationId: "d", [member]: value }, fifo),
        "InvalidParameterValue",
        `Value ${value} for parameter ${member} is invalid. Reason: ${member} can only include alphanumeric and punctuation characters. 1 to 128 in length.`,
      );
      expect(await depth(fifo)).toBe(0);
    });

    it.each([
      ["a space", "has space"],
      ["a non-ASCII letter", "grüße"],
      ["nothing", ""],
      ["a number", 7],
    ])("rejects a MessageGroupId of %s", async (_label, value) => {
      await rejects(send("m", { MessageGroupId: value, MessageDeduplicationId: "d" }, fifo), "InvalidParameterValue");
      expect(await depth(fifo)).toBe(0);
    });

    it("rejects MessageDeduplicationId on a standard queue", async () => {
      await rejects(send("m", { MessageDeduplicationId: "d" }), "InvalidParameterValue");
      expect(await depth()).toBe(0);
    });

    it("accepts MessageGroupId on a standard queue (fair queues)", async () => {
      await send("m", { MessageGroupId: "tenant-1" });
      expect(await depth()).toBe(1);
    });

    it("rejects an over-long ReceiveRequestAttemptId", async () => {
      await send("m", { MessageGroupId: "g" }, cbd);
      await rejects(q.receiveMessage({ QueueUrl: cbd, ReceiveRequestAttemptId: "a".repeat(129) }), "InvalidParameterValue");
      expect((await q.receiveMessage({ QueueUrl: cbd })).Messages).toHaveLength(1);
    });

    it("fails the whole batch with InvalidParameterValue when an entry lacks MessageGroupId", async () => {
      await rejects(
        q.sendMessageBatch({
          QueueUrl: fifo,
          Entries: [
            { Id: "ok", MessageBody: "a", MessageGroupId: "g", MessageDeduplicationId: "1" },
            { Id: "bad", MessageBody: "b", MessageDeduplicationId: "2" },
          ],
        }),
        "InvalidParameterValue",
        "The request must contain the parameter MessageGroupId.",
      );
      expect(await depth(fifo)).toBe(0);
    });

    it("fails the whole batch when an entry has no deduplication id and ContentBasedDeduplication is off", async () => {
      await rejects(
        q.sendMessageBatch({
          QueueUrl: fifo,
          Entries: [
            { Id: "ok", MessageBody: "a", MessageGroupId: "g", MessageDeduplicationId: "1" },
            { Id: "bad", MessageBody: "b", MessageGroupId: "g" },
          ],
        }),
        "InvalidParameterValue",
        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
      );
      expect(await depth(fifo)).toBe(0);
    });
  });

  describe("SendMessageBatch", () => {
    const entries = (n: number): SendMessageBatchEntry[] => Array.from({ length: n }, (_, i) => ({ Id: `e${i}`, MessageBody: `m${i}` }));
    const batch = (Entries: unknown) => q.sendMessageBatch({ QueueUrl, Entries } as never);

    it("requires Entries with MissingParameter", async () => {
      await rejects(q.sendMessageBatch({ QueueUrl } as never), "MissingParameter", "The request must contain the parameter Entries.");
    });

    it("rejects an empty batch with EmptyBatchRequest", async () => {
      await rejects(batch([]), "EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.");
    });

    it("accepts 10 entries", async () => {
      const out = await batch(entries(10));
      expect(out.Successful).toHaveLength(10);
      expect(out.Failed).toEqual([]);
    });

    it("rejects 11 entries with TooManyEntriesInBatchRequest", async () => {
      await rejects(batch(entries(11)), "TooManyEntriesInBatchRequest", "Maximum number of entries per request are 10. You have sent 11.");
      expect(await depth()).toBe(0);
    });

    it("accepts an entry Id of 80 characters of letters, digits, hyphens and underscores", async () => {
      const Id = `${"a-Z_9".repeat(16)}`;
      expect(Id).toHaveLength(80);
      expect((await batch([{ Id, MessageBody: "m" }])).Successful[0]?.Id).toBe(Id);
    });

    it.each([
      ["empty", ""],
      ["81 characters", "a".repeat(81)],
      ["with a period", "a.b"],
      ["with a space", "a b"],
      ["a number", 1],
      ["missing", undefined],
    ])("rejects an entry Id that is %s with InvalidBatchEntryId", async (_label, Id) => {
      await rejects(batch([{ Id: "fine", MessageBody: "m" }, { Id, MessageBody: "m" }]), "InvalidBatchEntryId", BAD_ENTRY_ID);
      expect(await depth()).toBe(0);
    });

    it("rejects an entry that is not an object", async () => {
      await failure(batch([{ Id: "fine", MessageBody: "m" }, null]));
      expect(await depth()).toBe(0);
    });

    it("rejects repeated entry Ids with BatchEntryIdsNotDistinct", async () => {
      await rejects(
        batch([{ Id: "a", MessageBody: "1" }, { Id: "b", MessageBody: "2" }, { Id: "a", MessageBody: "3" }]),
        "BatchEntryIdsNotDistinct",
        "Id a repeated.",
      );
      expect(await depth()).toBe(0);
    });

    it("treats entry Ids case-sensitively", async () => {
      const out = await batch([{ Id: "a", MessageBody: "1" }, { Id: "A", MessageBody: "2" }]);
      expect(out.Successful).toHaveLength(2);
    });

    it("accepts bodies and attributes totalling exactly 1 MiB", async () => {
      // 524288 + (524274 + "a" 1 + "String" 6 + 7) = 1048576
      const out = await batch([
        { Id: "a", MessageBody: "x".repeat(524_288) },
        { Id: "b", MessageBody: "y".repeat(524_274), MessageAttributes: { a: str("1234567") } },
      ]);
      expect(out.Successful).toHaveLength(2);
    });

    it("rejects bodies and attributes totalling more than 1 MiB with BatchRequestTooLong", async () => {
      await rejects(
        batch([
          { Id: "a", MessageBody: "x".repeat(524_288) },
          { Id: "b", MessageBody: "y".repeat(524_274), MessageAttributes: { a: str("12345678") } },
        ]),
        "BatchRequestTooLong",
        "Batch requests cannot be longer than 1048576 bytes. You have sent 1048577 bytes.",
      );
      expect(await depth()).toBe(0);
    });

    it("reports per-entry failures in Failed while the other entries succeed", async () => {
      const out = await batch([
        { Id: "ok1", MessageBody: "fine" },
        { Id: "nul", MessageBody: "bad\u0000" },
        { Id: "delay", MessageBody: "m", DelaySeconds: 901 },
        { Id: "attrs", MessageBody: "m", MessageAttributes: { "AWS.x": str("v") } },
        { Id: "nobody", MessageBody: "" },
        { Id: "ok2", MessageBody: "also fine" },
      ]);
      expect(out.Successful.map((s) => s.Id)).toEqual(["ok1", "ok2"]);
      expect(out.Failed).toEqual([
        { Id: "nul", SenderFault: true, Code: "InvalidMessageContents", Message: INVALID_CHARACTERS },
        {
          Id: "delay",
          SenderFault: true,
          Code: "InvalidParameterValue",
          Message: "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.",
        },
        {
          Id: "attrs",
          SenderFault: true,
          Code: "InvalidParameterValue",
          Message: "You can't use message attribute names beginning with 'AWS.' or 'Amazon'. These strings are reserved for internal use.",
        },
        { Id: "nobody", SenderFault: true, Code: "MissingParameter", Message: "The request must contain the parameter MessageBody." },
      ]);
      expect(await depth()).toBe(2);
    });

    it("fails an oversized entry alone", async () => {
      const small = (await q.createQueue({ QueueName: "small", Attributes: { MaximumMessageSize: "1024" } })).QueueUrl;
      const out = await q.sendMessageBatch({
        QueueUrl: small,
        Entries: [
          { Id: "fits", MessageBody: "x".repeat(1024) },
          { Id: "big", MessageBody: "x".repeat(1025) },
        ],
      });
      expect(out.Successful.map((s) => s.Id)).toEqual(["fits"]);
      expect(out.Failed).toEqual([{ Id: "big", SenderFault: true, Code: "InvalidParameterValue", Message: tooLarge(1024) }]);
      expect(await depth(small)).toBe(1);
    });

    it("returns an empty Failed list when every entry succeeds", async () => {
      expect((await batch(entries(2))).Failed).toEqual([]);
    });

    it("answers QueueDoesNotExist for a missing queue", async () => {
      await rejects(q.sendMessageBatch({ QueueUrl: "missing", Entries: entries(1) }), "QueueDoesNotExist");
    });
  });

  describe("ReceiveMessage parameters", () => {
    beforeEach(async () => {
      await send("m");
    });

    it.each([1, 10])("accepts MaxNumberOfMessages %i", async (MaxNumberOfMessages) => {
      expect((await q.receiveMessage({ QueueUrl, MaxNumberOfMessages })).Messages).toHaveLength(1);
    });

    it.each([0, 11])("rejects MaxNumberOfMessages %i", async (MaxNumberOfMessages) => {
      await rejects(
        q.receiveMessage({ QueueUrl, MaxNumberOfMessages }),
        "InvalidParameterValue",
        `Value ${MaxNumberOfMessages} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    });

    it.each([-1, 21])("rejects WaitTimeSeconds %i", async (WaitTimeSeconds) => {
      await rejects(
        q.receiveMessage({ QueueUrl, WaitTimeSeconds }),
        "InvalidParameterValue",
        `Value ${WaitTimeSeconds} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
      );
    });

    it.each([-1, 43_201])("rejects VisibilityTimeout %i", async (VisibilityTimeout) => {
      await rejects(
        q.receiveMessage({ QueueUrl, VisibilityTimeout }),
        "InvalidParameterValue",
        `Value ${VisibilityTimeout} for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.`,
      );
    });

    it.each([
      ["MaxNumberOfMessages as an object", { MaxNumberOfMessages: { n: 1 } }],
      ["MaxNumberOfMessages as an array", { MaxNumberOfMessages: [1] }],
      ["MaxNumberOfMessages as a word", { MaxNumberOfMessages: "one" }],
      ["MaxNumberOfMessages as a decimal", { MaxNumberOfMessages: 1.5 }],
      ["WaitTimeSeconds as an object", { WaitTimeSeconds: {} }],
      ["VisibilityTimeout as an array", { VisibilityTimeout: [30] }],
      ["MessageAttributeNames as a string", { MessageAttributeNames: "All" }],
      ["AttributeNames holding a number", { AttributeNames: [1] }],
      ["MessageSystemAttributeNames as a map", { MessageSystemAttributeNames: { All: true } }],
    ])("rejects %s", async (_label, extra) => {
      await rejects(q.receiveMessage({ QueueUrl, ...extra } as never), "InvalidParameterValue");
    });

    it("leaves the message visible after a rejected receive", async () => {
      await rejects(q.receiveMessage({ QueueUrl, MaxNumberOfMessages: 11 }), "InvalidParameterValue");
      const a = (await q.getQueueAttributes({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages"] })).Attributes;
      expect(a).toEqual({ ApproximateNumberOfMessages: "1" });
    });
  });

  describe("DeleteMessage and ChangeMessageVisibility parameters", () => {
    let handle: string;
    beforeEach(async () => {
      await send("m");
      handle = (await q.receiveMessage({ QueueUrl })).Messages![0]!.ReceiptHandle;
    });

    it("requires ReceiptHandle on DeleteMessage with MissingParameter", async () => {
      await rejects(q.deleteMessage({ QueueUrl } as never), "MissingParameter", "The request must contain the parameter ReceiptHandle.");
      expect(await depth()).toBe(1);
    });

    it("rejects a garbage receipt handle with ReceiptHandleIsInvalid", async () => {
      await rejects(
        q.deleteMessage({ QueueUrl, ReceiptHandle: "garbage" }),
        "ReceiptHandleIsInvalid",
        'The input receipt handle "garbage" is not a valid receipt handle.',
      );
      expect(await depth()).toBe(1);
    });

    it("rejects a receipt handle of another queue", async () => {
      const other = (await q.createQueue({ QueueName: "other" })).QueueUrl;
      await rejects(q.deleteMessage({ QueueUrl: other, ReceiptHandle: handle }), "ReceiptHandleIsInvalid");
      expect(await depth()).toBe(1);
    });

    it("rejects a receipt handle that is not a string", async () => {
      const err = await failure(q.deleteMessage({ QueueUrl, ReceiptHandle: { handle } } as never));
      expect(["InvalidParameterValue", "ReceiptHandleIsInvalid"]).toContain(err.code);
      expect(await depth()).toBe(1);
    });

    it("requires VisibilityTimeout on ChangeMessageVisibility with MissingParameter", async () => {
      await rejects(
        q.changeMessageVisibility({ QueueUrl, ReceiptHandle: handle } as never),
        "MissingParameter",
        "The request must contain the parameter VisibilityTimeout.",
      );
    });

    it("requires ReceiptHandle on ChangeMessageVisibility with MissingParameter", async () => {
      await rejects(
        q.changeMessageVisibility({ QueueUrl, VisibilityTimeout: 5 } as never),
        "MissingParameter",
        "The request must contain the parameter ReceiptHandle.",
      );
    });

    it.each([-1, 43_201, 1.5, "soon", [5]])("rejects the VisibilityTimeout %j and keeps the old timeout", async (VisibilityTimeout) => {
      await rejects(q.changeMessageVisibility({ QueueUrl, ReceiptHandle: handle, VisibilityTimeout } as never), "InvalidParameterValue");
      await h.clock.advance(29_999);
      expect((await q.receiveMessage({ QueueUrl })).Messages).toBeUndefined();
      await h.clock.advance(1);
      expect((await q.receiveMessage({ QueueUrl })).Messages).toHaveLength(1);
    });

    it("rejects a garbage receipt handle on ChangeMessageVisibility", async () => {
      await rejects(
        q.changeMessageVisibility({ QueueUrl, ReceiptHandle: "garbage", VisibilityTimeout: 5 }),
        "ReceiptHandleIsInvalid",
        'The input receipt handle "garbage" is not a valid receipt handle.',
      );
    });

    it("requires Entries on DeleteMessageBatch with MissingParameter", async () => {
      await rejects(q.deleteMessageBatch({ QueueUrl } as never), "MissingParameter", "The request must contain the parameter Entries.");
    });

    it("rejects an empty DeleteMessageBatch", async () => {
      await rejects(
        q.deleteMessageBatch({ QueueUrl, Entries: [] }),
        "EmptyBatchRequest",
        "There should be at least one DeleteMessageBatchRequestEntry in the request.",
      );
    });

    it("rejects a DeleteMessageBatch of 11 entries", async () => {
      const Entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: handle }));
      await rejects(
        q.deleteMessageBatch({ QueueUrl, Entries }),
        "TooManyEntriesInBatchRequest",
        "Maximum number of entries per request are 10. You have sent 11.",
      );
      expect(await depth()).toBe(1);
    });

    it("rejects repeated Ids in DeleteMessageBatch", async () => {
      await rejects(
        q.deleteMessageBatch({ QueueUrl, Entries: [{ Id: "x", ReceiptHandle: handle }, { Id: "x", ReceiptHandle: handle }] }),
        "BatchEntryIdsNotDistinct",
        "Id x repeated.",
      );
      expect(await depth()).toBe(1);
    });

    it("rejects a bad Id in DeleteMessageBatch", async () => {
      await rejects(q.deleteMessageBatch({ QueueUrl, Entries: [{ Id: "x.y", ReceiptHandle: handle }] }), "InvalidBatchEntryId", BAD_ENTRY_ID);
      expect(await depth()).toBe(1);
    });

    it("fails a bad handle in DeleteMessageBatch per entry and deletes the good one", async () => {
      const out = await q.deleteMessageBatch({
        QueueUrl,
        Entries: [
          { Id: "good", ReceiptHandle: handle },
          { Id: "bad", ReceiptHandle: "junk" },
        ],
      });
      expect(out.Successful).toEqual([{ Id: "good" }]);
      expect(out.Failed).toEqual([
        { Id: "bad", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: 'The receipt handle "junk" is not valid for this queue.' },
      ]);
      expect(await depth()).toBe(0);
    });

    it("rejects an empty ChangeMessageVisibilityBatch", async () => {
      await rejects(
        q.changeMessageVisibilityBatch({ QueueUrl, Entries: [] }),
        "EmptyBatchRequest",
        "There should be at least one ChangeMessageVisibilityBatchRequestEntry in the request.",
      );
    });

    it("rejects a ChangeMessageVisibilityBatch of 11 entries", async () => {
      const Entries = Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: handle, VisibilityTimeout: 0 }));
      await rejects(q.changeMessageVisibilityBatch({ QueueUrl, Entries }), "TooManyEntriesInBatchRequest");
      expect((await q.receiveMessage({ QueueUrl })).Messages).toBeUndefined();
    });

    it("fails bad entries of ChangeMessageVisibilityBatch alone", async () => {
      const out = await q.changeMessageVisibilityBatch({
        QueueUrl,
        Entries: [
          { Id: "good", ReceiptHandle: handle, VisibilityTimeout: 0 },
          { Id: "bad", ReceiptHandle: "junk", VisibilityTimeout: 0 },
          { Id: "long", ReceiptHandle: handle, VisibilityTimeout: 43_201 },
        ],
      });
      expect(out.Successful).toEqual([{ Id: "good" }]);
      expect(out.Failed).toEqual([
        { Id: "bad", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: 'The receipt handle "junk" is not valid for this queue.' },
        expect.objectContaining({ Id: "long", SenderFault: true, Code: "InvalidParameterValue" }),
      ]);
      expect((await q.receiveMessage({ QueueUrl })).Messages).toHaveLength(1);
    });
  });
});
