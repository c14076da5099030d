import { describe, expect, it } from "vitest";
import { escapeXml, xmlElement, xmlText } from "../xml.js";
import { SQS_ACTIONS } from "./actions.js";
import { encodeQueryError, encodeQueryResponse, hasQueryOutput, SQS_XML_NAMESPACE } from "./query-output.js";
import { childNamed, childNames, childrenNamed, readXml, textAt, textOf, type XmlElement } from "./query-testing.js";

/** Encodes, parses, checks the envelope and returns the Result element (or null). */
function result(action: string, output: unknown): XmlElement | null {
  const doc = readXml(encodeQueryResponse(action, output, "req-1"));
  expect(doc.name).toBe(`${action}Response`);
  expect(doc.attributes).toEqual({ xmlns: SQS_XML_NAMESPACE });
  expect(textAt(childNamed(doc, "ResponseMetadata"), "RequestId")).toBe("req-1");
  const results = childrenNamed(doc, `${action}Result`);
  expect(childNames(doc)).toEqual([...results.map((r) => r.name), "ResponseMetadata"]);
  return results[0] ?? null;
}

function pairs(el: XmlElement, tag: string, key = "Name", value = "Value"): [string | undefined, string | undefined][] {
  return childrenNamed(el, tag).map((e) => [textAt(e, key), textAt(e, value)]);
}

describe("escapeXml", () => {
  it("escapes markup, quotes and carriage returns, and leaves other text alone", () => {
    expect(escapeXml(`a&b<c>d"e'f\rg\nh\ti`)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;f&#xD;g\nh\ti");
    const plain = "plain text é 😀 \uE000 \uFFFD";
    expect(escapeXml(plain)).toBe(plain);
  });

  it("replaces characters XML cannot carry", () => {
    expect(escapeXml("a\u0000b\u0008c\u001fd\uFFFEe\uFFFF")).toBe("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFD");
    expect(escapeXml("lone \uD800 high, lone \uDC00 low, pair \uD83D\uDE00")).toBe("lone \uFFFD high, lone \uFFFD low, pair 😀");
  });

  it("round-trips every kind of text through an XML parser", () => {
    const text = `x\r\ny\rz\n<&>"']]> \t é 😀`;
    expect(textOf(readXml(`<a>${escapeXml(text)}</a>`))).toBe(text);
  });

  it("writes elements, omitting absent values", () => {
    expect(xmlText("A", undefined) + xmlText("B", null) + xmlText("C", 0) + xmlText("D", false) + xmlText("E", "")).toBe(
      "<C>0</C><D>false</D><E></E>",
    );
    expect(xmlElement("X", "")).toBe("<X/>");
  });
});

describe("encodeQueryResponse", () => {
  it("has a writer for every action the endpoint serves", () => {
    for (const action of Object.keys(SQS_ACTIONS)) expect(hasQueryOutput(action)).toBe(true);
    for (const action of ["Nope", "constructor", "__proto__", "toString"]) {
      expect(hasQueryOutput(action)).toBe(false);
      expect(() => encodeQueryResponse(action, {}, "r")).toThrow();
    }
  });

  it("writes the exact envelope", () => {
    expect(encodeQueryResponse("CreateQueue", { QueueUrl: "http://h/000000000000/q" }, "rid")).toBe(
      `<?xml version="1.0"?><CreateQueueResponse xmlns="${SQS_XML_NAMESPACE}"><CreateQueueResult>` +
        "<QueueUrl>http://h/000000000000/q</QueueUrl></CreateQueueResult>" +
        "<ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></CreateQueueResponse>",
    );
    expect(encodeQueryResponse("DeleteQueue", undefined, "r<&>")).toBe(
      `<?xml version="1.0"?><DeleteQueueResponse xmlns="${SQS_XML_NAMESPACE}">` +
        "<ResponseMetadata><RequestId>r&lt;&amp;&gt;</RequestId></ResponseMetadata></DeleteQueueResponse>",
    );
  });

  it.each([
    "DeleteQueue", "SetQueueAttributes", "TagQueue", "UntagQueue", "AddPermission", "RemovePermission", "DeleteMessage",
    "ChangeMessageVisibility", "PurgeQueue",
  ])("writes %s with no Result element", (action) => {
    expect(result(action, {})).toBeNull();
  });

  it("writes CreateQueue and GetQueueUrl", () => {
    for (const action of ["CreateQueue", "GetQueueUrl"]) {
      expect(textAt(result(action, { QueueUrl: "u&1" })!, "QueueUrl")).toBe("u&1");
    }
  });

  it("writes ListQueues and ListDeadLetterSourceQueues as flattened QueueUrl lists", () => {
    const list = result("ListQueues", { QueueUrls: ["a", "b"], NextToken: "t" })!;
    expect(childNames(list)).toEqual(["QueueUrl", "QueueUrl", "NextToken"]);
    expect(childrenNamed(list, "QueueUrl").map(textOf)).toEqual(["a", "b"]);
    expect(textAt(list, "NextToken")).toBe("t");
    expect(childNames(result("ListQueues", {})!)).toEqual([]);
    const dlq = result("ListDeadLetterSourceQueues", { queueUrls: ["x"] })!;
    expect(childNames(dlq)).toEqual(["QueueUrl"]);
    expect(childNames(result("ListDeadLetterSourceQueues", { queueUrls: [], NextToken: "n" })!)).toEqual(["NextToken"]);
  });

  it("writes GetQueueAttributes and ListQueueTags as flattened maps", () => {
    const attrs = result("GetQueueAttributes", { Attributes: { VisibilityTimeout: "30", Policy: '{"a":"<b>"}' } })!;
    expect(pairs(attrs, "Attribute")).toEqual([["VisibilityTimeout", "30"], ["Policy", '{"a":"<b>"}']]);
    expect(childNames(result("GetQueueAttributes", {})!)).toEqual([]);
    const tags = result("ListQueueTags", { Tags: { team: "core", "k:1": "v/2" } })!;
    expect(pairs(tags, "Tag", "Key", "Value")).toEqual([["team", "core"], ["k:1", "v/2"]]);
  });

  it("writes SendMessage", () => {
    const r = result("SendMessage", {
      MessageId: "m",
      MD5OfMessageBody: "b",
      MD5OfMessageAttributes: "a",
      MD5OfMessageSystemAttributes: "s",
      SequenceNumber: "10000000000000000001",
    })!;
    expect(childNames(r)).toEqual(["MD5OfMessageBody", "MD5OfMessageAttributes", "MD5OfMessageSystemAttributes", "MessageId", "SequenceNumber"]);
    expect(childNames(result("SendMessage", { MessageId: "m", MD5OfMessageBody: "b" })!)).toEqual(["MD5OfMessageBody", "MessageId"]);
  });

  it("writes SendMessageBatch with result and error entries", () => {
    const r = result("SendMessageBatch", {
      Successful: [{ Id: "a", MessageId: "m", MD5OfMessageBody: "b", MD5OfMessageAttributes: "x" }],
      Failed: [{ Id: "b", SenderFault: true, Code: "InvalidParameterValue", Message: "bad <value>" }],
    })!;
    expect(childNames(r)).toEqual(["SendMessageBatchResultEntry", "BatchResultErrorEntry"]);
    const ok = childNamed(r, "SendMessageBatchResultEntry");
    expect(childNames(ok)).toEqual(["Id", "MD5OfMessageBody", "MD5OfMessageAttributes", "MessageId"]);
    const bad = childNamed(r, "BatchResultErrorEntry");
    expect([textAt(bad, "Id"), textAt(bad, "SenderFault"), textAt(bad, "Code"), textAt(bad, "Message")]).toEqual([
      "b", "true", "InvalidParameterValue", "bad <value>",
    ]);
    const noMessage = childNamed(result("SendMessageBatch", { Successful: [], Failed: [{ Id: "c", SenderFault: false, Code: "InternalError" }] })!, "BatchResultErrorEntry");
    expect(childNames(noMessage)).toEqual(["Id", "SenderFault", "Code"]);
    expect(textAt(noMessage, "SenderFault")).toBe("false");
  });

  it("writes DeleteMessageBatch and ChangeMessageVisibilityBatch", () => {
    for (const [action, tag] of [
      ["DeleteMessageBatch", "DeleteMessageBatchResultEntry"],
      ["ChangeMessageVisibilityBatch", "ChangeMessageVisibilityBatchResultEntry"],
    ] as const) {
      const r = result(action, { Successful: [{ Id: "a" }, { Id: "b" }], Failed: [{ Id: "c", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: "m" }] })!;
      expect(childNames(r)).toEqual([tag, tag, "BatchResultErrorEntry"]);
      expect(childrenNamed(r, tag).map((e) => textAt(e, "Id"))).toEqual(["a", "b"]);
    }
  });

  it("writes ReceiveMessage with attributes, message attributes and binary values", () => {
    const r = result("ReceiveMessage", {
      Messages: [
        {
          MessageId: "m1",
          ReceiptHandle: "rh+/=",
          MD5OfBody: "md5",
          Body: "a\r\nb <&> 'q' \"d\"",
          Attributes: { SenderId: "000000000000", ApproximateReceiveCount: "2" },
          MD5OfMessageAttributes: "mda",
          MessageAttributes: {
            s: { DataType: "String", StringValue: "v\r" },
            b: { DataType: "Binary.png", BinaryValue: new Uint8Array([0, 255, 128]) },
            l: { DataType: "String", StringListValues: ["x", "y"], BinaryListValues: [Buffer.from("hi")] },
          },
        },
        { MessageId: "m2", ReceiptHandle: "r2", MD5OfBody: "x", Body: "plain" },
      ],
    })!;
    const [m1, m2] = childrenNamed(r, "Message");
    expect(childNames(m1!)).toEqual([
      "MessageId", "ReceiptHandle", "MD5OfBody", "Body", "Attribute", "Attribute", "MD5OfMessageAttributes",
      "MessageAttribute", "MessageAttribute", "MessageAttribute",
    ]);
    expect(textAt(m1!, "Body")).toBe("a\r\nb <&> 'q' \"d\"");
    expect(textAt(m1!, "ReceiptHandle")).toBe("rh+/=");
    expect(pairs(m1!, "Attribute")).toEqual([["SenderId", "000000000000"], ["ApproximateReceiveCount", "2"]]);
    const values = childrenNamed(m1!, "MessageAttribute").map((a) => [textAt(a, "Name"), childNamed(a, "Value")] as const);
    const [s, b, l] = values.map(([, v]) => v);
    expect(values.map(([n]) => n)).toEqual(["s", "b", "l"]);
    expect(childNames(s!)).toEqual(["StringValue", "DataType"]);
    expect(textAt(s!, "StringValue")).toBe("v\r");
    expect(childNames(b!)).toEqual(["BinaryValue", "DataType"]);
    expect([textAt(b!, "BinaryValue"), textAt(b!, "DataType")]).toEqual(["AP+A", "Binary.png"]);
    expect(childNames(l!)).toEqual(["StringListValue", "StringListValue", "BinaryListValue", "DataType"]);
    expect(childrenNamed(l!, "BinaryListValue").map(textOf)).toEqual(["aGk="]);
    expect(childNames(m2!)).toEqual(["MessageId", "ReceiptHandle", "MD5OfBody", "Body"]);
    expect(childNames(result("ReceiveMessage", {})!)).toEqual([]);
  });

  it("writes base64 of a byte view without its neighbours in the buffer", () => {
    const view = new Uint8Array(Buffer.from("xxhiyy")).subarray(2, 4);
    const r = result("ReceiveMessage", {
      Messages: [{ MessageId: "m", ReceiptHandle: "r", MD5OfBody: "x", Body: "b", MessageAttributes: { b: { DataType: "Binary", BinaryValue: view } } }],
    })!;
    const value = childNamed(childNamed(childNamed(r, "Message"), "MessageAttribute"), "Value");
    expect(textAt(value, "BinaryValue")).toBe("aGk=");
  });

  it("writes the message move task actions", () => {
    expect(textAt(result("StartMessageMoveTask", { TaskHandle: "h==" })!, "TaskHandle")).toBe("h==");
    expect(textAt(result("CancelMessageMoveTask", { ApproximateNumberOfMessagesMoved: 0 })!, "ApproximateNumberOfMessagesMoved")).toBe("0");
    const list = result("ListMessageMoveTasks", {
      Results: [
        {
          TaskHandle: "h",
          Status: "RUNNING",
          SourceArn: "s",
          DestinationArn: "d",
          MaxNumberOfMessagesPerSecond: 5,
          ApproximateNumberOfMessagesMoved: 1,
          ApproximateNumberOfMessagesToMove: 9,
          StartedTimestamp: 1700000000000,
        },
        { Status: "FAILED", SourceArn: "s", ApproximateNumberOfMessagesMoved: 0, ApproximateNumberOfMessagesToMove: 2, FailureReason: "x", StartedTimestamp: 1 },
      ],
    })!;
    const [running, failed] = childrenNamed(list, "ListMessageMoveTasksResultEntry");
    expect(childNames(list)).toEqual(["ListMessageMoveTasksResultEntry", "ListMessageMoveTasksResultEntry"]);
    expect(childNames(running!)).toEqual([
      "TaskHandle", "Status", "SourceArn", "DestinationArn", "MaxNumberOfMessagesPerSecond", "ApproximateNumberOfMessagesMoved",
      "ApproximateNumberOfMessagesToMove", "StartedTimestamp",
    ]);
    expect(textAt(running!, "StartedTimestamp")).toBe("1700000000000");
    expect(childNames(failed!)).toEqual([
      "Status", "SourceArn", "ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesToMove", "FailureReason", "StartedTimestamp",
    ]);
  });
});

describe("encodeQueryError", () => {
  it("writes an ErrorResponse with an empty Detail", () => {
    expect(encodeQueryError("Sender", "AWS.SimpleQueueService.NonExistentQueue", "No <queue> & 'x'", "r1")).toBe(
      `<?xml version="1.0"?><ErrorResponse xmlns="${SQS_XML_NAMESPACE}"><Error><Type>Sender</Type>` +
        "<Code>AWS.SimpleQueueService.NonExistentQueue</Code><Message>No &lt;queue&gt; &amp; &apos;x&apos;</Message>" +
        "<Detail/></Error><RequestId>r1</RequestId></ErrorResponse>",
    );
  });
});
