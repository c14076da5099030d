/**
 * The MD5 digests SQS returns and SDKs verify, against the test vectors of the SQS
 * reference (/tmp/research/sqs.md §6.1 and §6.4), through SendMessage,
 * SendMessageBatch and ReceiveMessage with MessageAttributeNames filters (§6.2: the
 * received digest covers only the returned attributes).
 */
import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";
import type { MessageAttributeMap, MessageAttributeValue } from "./types.js";

const str = (StringValue: string, DataType = "String"): MessageAttributeValue => ({ DataType, StringValue });
const bin = (bytes: Uint8Array, DataType = "Binary"): MessageAttributeValue => ({ DataType, BinaryValue: bytes });

/** §6.4 test vectors: attributes and the MD5OfMessageAttributes SQS gives them. */
const VECTORS: readonly (readonly [string, MessageAttributeMap, string])[] = [
  ["Foo=Bar", { Foo: str("Bar") }, "ae7155c6026991b6d54b11589678bf9c"],
  [
    "General=Kenobi, Hello=There, Help.Me=Me",
    { General: str("Kenobi"), Hello: str("There"), "Help.Me": str("Me") },
    "4c360f3fdafd970e05fae2f149d997f5",
  ],
  ["General=Kenobi, Hello=There", { General: str("Kenobi"), Hello: str("There") }, "fca026605781cb4126a1e9044df24232"],
  ["Hello=There", { Hello: str("There") }, "a311262e065454b75da111d535b8dacd"],
  ["Hello=There, Help.Me=Me", { Hello: str("There"), "Help.Me": str("Me") }, "83fee93c1bcd8b9a5a923ffacdc636c7"],
  [
    "attr1 = binary traceparent bytes",
    { attr1: bin(Buffer.from("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01", "latin1")) },
    "8cbe4db156db8a94db8b801b7addb984",
  ],
  ["attribName1=attribValue 1", { attribName1: str("attribValue 1") }, "19e27d4e946b072f3f58da80d94fd778"],
  [
    "customNumberTypeAttrib = Number.float",
    { customNumberTypeAttrib: str("4563442423554324324264524243.32543234", "Number.float") },
    "9fe1b90bbd9965bdf77bac517c7d2495",
  ],
  ["binaryAttribute = Binary 'Hello binary world!'", { binaryAttribute: bin(Buffer.from("Hello binary world!")) }, "31a92b15d92f8db860eda32aceb656c3"],
  ["Hello=World", { Hello: str("World") }, "7db7fb1ba7f41366a8ea5eb18220b26d"],
];

const TRACE_HEADER_MD5 = "fdce4f2818803f2f73becc09a54792c0"; // AWSTraceHeader = String "some-trace-id"

describe("MD5 digests", () => {
  let h: QueueHarness;
  let QueueUrl: string;
  beforeEach(async () => {
    h = await queueHarness();
    QueueUrl = (await h.queues.createQueue({ QueueName: "digests" })).QueueUrl;
  });
  afterEach(async () => {
    await h.close();
  });

  describe("MD5OfMessageBody", () => {
    it("is the hex MD5 of the body", async () => {
      const out = await h.queues.sendMessage({ QueueUrl, MessageBody: "msg" });
      expect(out.MD5OfMessageBody).toBe("6e2baaf3b97dbeef01c0043275f9a0e7");
    });

    it("digests the UTF-8 bytes of a non-ASCII body, on send and on receive", async () => {
      const body = "héllo \u{1F600} \uE000";
      const expected = createHash("md5").update(Buffer.from(body, "utf8")).digest("hex");
      expect((await h.queues.sendMessage({ QueueUrl, MessageBody: body })).MD5OfMessageBody).toBe(expected);
      expect((await h.queues.receiveMessage({ QueueUrl })).Messages?.[0]?.MD5OfBody).toBe(expected);
    });

    it("is returned as MD5OfBody on receive", async () => {
      await h.queues.sendMessage({ QueueUrl, MessageBody: "msg" });
      expect((await h.queues.receiveMessage({ QueueUrl })).Messages?.[0]?.MD5OfBody).toBe("6e2baaf3b97dbeef01c0043275f9a0e7");
    });
  });

  describe("MD5OfMessageAttributes on SendMessage", () => {
    it.each(VECTORS)("matches the vector %s", async (_label, MessageAttributes, md5) => {
      const out = await h.queues.sendMessage({ QueueUrl, MessageBody: "msg", MessageAttributes });
      expect(out.MD5OfMessageAttributes).toBe(md5);
    });

    it("does not depend on the order attributes are given in", async () => {
      const out = await h.queues.sendMessage({
        QueueUrl,
        MessageBody: "msg",
        MessageAttributes: { "Help.Me": str("Me"), Hello: str("There"), General: str("Kenobi") },
      });
      expect(out.MD5OfMessageAttributes).toBe("4c360f3fdafd970e05fae2f149d997f5");
    });

    it("accepts a binary value given as base64 text, as the JSON protocol carries it", async () => {
      const out = await h.queues.sendMessage({
        QueueUrl,
        MessageBody: "msg",
        MessageAttributes: { binaryAttribute: { DataType: "Binary", BinaryValue: Buffer.from("Hello binary world!").toString("base64") } } as never,
      });
      expect(out.MD5OfMessageAttributes).toBe("31a92b15d92f8db860eda32aceb656c3");
    });

    it("is absent when the message has no attributes", async () => {
      const out = await h.queues.sendMessage({ QueueUrl, MessageBody: "msg" });
      expect(out).not.toHaveProperty("MD5OfMessageAttributes");
    });

    it("is absent when the message has an empty attribute map", async () => {
      const out = await h.queues.sendMessage({ QueueUrl, MessageBody: "msg", MessageAttributes: {} });
      expect(out).not.toHaveProperty("MD5OfMessageAttributes");
    });
  });

  describe("MD5OfMessageSystemAttributes", () => {
    it("digests AWSTraceHeader with the attribute algorithm", async () => {
      const out = await h.queues.sendMessage({
        QueueUrl,
        MessageBody: "msg",
        MessageSystemAttributes: { AWSTraceHeader: str("some-trace-id") },
      });
      expect(out.MD5OfMessageSystemAttributes).toBe(TRACE_HEADER_MD5);
      expect(out).not.toHaveProperty("MD5OfMessageAttributes");
    });

    it("is independent of the user attributes' digest", async () => {
      const out = await h.queues.sendMessage({
        QueueUrl,
        MessageBody: "msg",
        MessageAttributes: { Foo: str("Bar") },
        MessageSystemAttributes: { AWSTraceHeader: str("some-trace-id") },
      });
      expect(out.MD5OfMessageAttributes).toBe("ae7155c6026991b6d54b11589678bf9c");
      expect(out.MD5OfMessageSystemAttributes).toBe(TRACE_HEADER_MD5);
    });

    it("is absent when no system attributes are sent", async () => {
      const out = await h.queues.sendMessage({ QueueUrl, MessageBody: "msg" });
      expect(out).not.toHaveProperty("MD5OfMessageSystemAttributes");
    });

    it("is not part of a received message, which carries AWSTraceHeader in Attributes instead", async () => {
      await h.queues.sendMessage({ QueueUrl, MessageBody: "msg", MessageSystemAttributes: { AWSTraceHeader: str("some-trace-id") } });
      const m = (await h.queues.receiveMessage({ QueueUrl, MessageSystemAttributeNames: ["AWSTraceHeader"] })).Messages?.[0];
      expect(m).not.toHaveProperty("MD5OfMessageSystemAttributes");
      expect(m?.Attributes).toEqual({ AWSTraceHeader: "some-trace-id" });
      expect(m).not.toHaveProperty("MD5OfMessageAttributes");
    });
  });

  describe("SendMessageBatch", () => {
    it("returns the same digests per entry as SendMessage", async () => {
      const out = await h.queues.sendMessageBatch({
        QueueUrl,
        Entries: VECTORS.map(([, MessageAttributes], i) => ({ Id: `v${i}`, MessageBody: "msg", MessageAttributes })),
      });
      expect(out.Failed).toEqual([]);
      expect(out.Successful.map((s) => [s.Id, s.MD5OfMessageBody, s.MD5OfMessageAttributes])).toEqual(
        VECTORS.map(([, , md5], i) => [`v${i}`, "6e2baaf3b97dbeef01c0043275f9a0e7", md5]),
      );
    });

    it("returns MD5OfMessageSystemAttributes for an entry with AWSTraceHeader", async () => {
      const out = await h.queues.sendMessageBatch({
        QueueUrl,
        Entries: [
          { Id: "traced", MessageBody: "msg", MessageSystemAttributes: { AWSTraceHeader: str("some-trace-id") } },
          { Id: "plain", MessageBody: "msg" },
        ],
      });
      const byId = Object.fromEntries(out.Successful.map((s) => [s.Id, s]));
      expect(byId["traced"]?.MD5OfMessageSystemAttributes).toBe(TRACE_HEADER_MD5);
      expect(byId["plain"]).not.toHaveProperty("MD5OfMessageSystemAttributes");
      expect(byId["plain"]).not.toHaveProperty("MD5OfMessageAttributes");
    });
  });

  describe("ReceiveMessage with MessageAttributeNames", () => {
    const KENOBI: MessageAttributeMap = { "Help.Me": str("Me"), Hello: str("There"), General: str("Kenobi") };

    beforeEach(async () => {
      await h.queues.sendMessage({ QueueUrl, MessageBody: "msg", MessageAttributes: KENOBI });
    });

    /** Receives the one message again (VisibilityTimeout 0 keeps it visible). */
    const receive = async (MessageAttributeNames?: string[]) => {
      const out = await h.queues.receiveMessage({
        QueueUrl,
        VisibilityTimeout: 0,
        ...(MessageAttributeNames ? { MessageAttributeNames } : {}),
      });
      expect(out.Messages).toHaveLength(1);
      return out.Messages![0]!;
    };
    const names = (m: { MessageAttributes?: MessageAttributeMap }): string[] => Object.keys(m.MessageAttributes ?? {}).sort();

    it("returns every attribute and the full digest for All", async () => {
      const m = await receive(["All"]);
      expect(m.MessageAttributes).toEqual(KENOBI);
      expect(m.MD5OfMessageAttributes).toBe("4c360f3fdafd970e05fae2f149d997f5");
    });

    it("returns every attribute and the full digest for .*", async () => {
      const m = await receive([".*"]);
      expect(names(m)).toEqual(["General", "Hello", "Help.Me"]);
      expect(m.MD5OfMessageAttributes).toBe("4c360f3fdafd970e05fae2f149d997f5");
    });

    it("digests only the exact names asked for", async () => {
      const m = await receive(["Hello", "General"]);
      expect(names(m)).toEqual(["General", "Hello"]);
      expect(m.MD5OfMessageAttributes).toBe("fca026605781cb4126a1e9044df24232");
    });

    it("ignores names the message does not have", async () => {
      const m = await receive(["Foo", "Hello"]);
      expect(names(m)).toEqual(["Hello"]);
      expect(m.MD5OfMessageAttributes).toBe("a311262e065454b75da111d535b8dacd");
    });

    it("treats Hel.* as the prefix Hel, matching Hello and Help.Me", async () => {
      const m = await receive(["Hel.*"]);
      expect(names(m)).toEqual(["Hello", "Help.Me"]);
      expect(m.MD5OfMessageAttributes).toBe("83fee93c1bcd8b9a5a923ffacdc636c7");
    });

    it("treats Help.* as the prefix Help", async () => {
      const m = await receive(["Help.*"]);
      expect(names(m)).toEqual(["Help.Me"]);
    });

    it("returns no attributes and no digest when only unknown names are asked for", async () => {
      const m = await receive(["Foo", "Help"]);
      expect(m).not.toHaveProperty("MessageAttributes");
      expect(m).not.toHaveProperty("MD5OfMessageAttributes");
    });

    it.each([["AWS."], ["..foo"]])("answers the illegal name %j with no attributes rather than an error", async (name) => {
      const m = await receive([name]);
      expect(m).not.toHaveProperty("MessageAttributes");
      expect(m).not.toHaveProperty("MD5OfMessageAttributes");
    });

    it("returns no attributes when none are asked for", async () => {
      for (const m of [await receive(), await receive([])]) {
        expect(m).not.toHaveProperty("MessageAttributes");
        expect(m).not.toHaveProperty("MD5OfMessageAttributes");
      }
    });

    it("returns binary values as the bytes sent, with their digest", async () => {
      const bytes = Buffer.from("traceparent\x1e00-774062d6c37081a5a0b9b5b88e30627c-2d2482211f6489da-01", "latin1");
      const other = (await h.queues.createQueue({ QueueName: "binary" })).QueueUrl;
      await h.queues.sendMessage({ QueueUrl: other, MessageBody: "msg", MessageAttributes: { attr1: bin(bytes) } });
      const m = (await h.queues.receiveMessage({ QueueUrl: other, MessageAttributeNames: ["All"] })).Messages![0]!;
      expect(m.MessageAttributes?.["attr1"]?.DataType).toBe("Binary");
      expect(Buffer.from(m.MessageAttributes?.["attr1"]?.BinaryValue ?? new Uint8Array()).equals(bytes)).toBe(true);
      expect(m.MD5OfMessageAttributes).toBe("8cbe4db156db8a94db8b801b7addb984");
    });

    it("keeps custom data types on receive so the digest still matches", async () => {
      const other = (await h.queues.createQueue({ QueueName: "custom" })).QueueUrl;
      const attrs = { customNumberTypeAttrib: str("4563442423554324324264524243.32543234", "Number.float") };
      await h.queues.sendMessage({ QueueUrl: other, MessageBody: "msg", MessageAttributes: attrs });
      const m = (await h.queues.receiveMessage({ QueueUrl: other, MessageAttributeNames: ["All"] })).Messages![0]!;
      expect(m.MessageAttributes).toEqual(attrs);
      expect(m.MD5OfMessageAttributes).toBe("9fe1b90bbd9965bdf77bac517c7d2495");
    });
  });
});
