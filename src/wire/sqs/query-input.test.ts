import { describe, expect, it } from "vitest";
import { ServiceError } from "../../core/errors.js";
import { SQS_ACTIONS } from "./actions.js";
import { decodeQueryInput, INPUT_SHAPES } from "./query-input.js";

const URL_A = "http://127.0.0.1:4566/000000000000/a";

/** Parses a form body into pairs, as the server does. */
function form(body: string): [string, string][] {
  return [...new URLSearchParams(body)];
}

function decode(action: string, body: string, pathQueueUrl?: string): Record<string, unknown> | undefined {
  return decodeQueryInput(action, form(`Action=${action}&Version=2012-11-05&${body}`), pathQueueUrl);
}

/** Deep copy into plain objects, so null-prototype maps compare with literals. */
function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return [...value];
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

describe("decodeQueryInput: every action", () => {
  it("knows every action the endpoint serves, and no others", () => {
    expect(Object.keys(INPUT_SHAPES).sort()).toEqual(Object.keys(SQS_ACTIONS).sort());
  });

  const cases: [action: string, body: string, expected: Record<string, unknown>][] = [
    [
      "CreateQueue",
      "QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Attribute.2.Name=DelaySeconds&Attribute.2.Value=5&Tag.1.Key=team&Tag.1.Value=core",
      { QueueName: "q", Attributes: { VisibilityTimeout: "40", DelaySeconds: "5" }, tags: { team: "core" } },
    ],
    ["DeleteQueue", `QueueUrl=${encodeURIComponent(URL_A)}`, { QueueUrl: URL_A }],
    ["GetQueueUrl", "QueueName=q&QueueOwnerAWSAccountId=123456789012", { QueueName: "q", QueueOwnerAWSAccountId: "123456789012" }],
    ["ListQueues", "QueueNamePrefix=p&MaxResults=5&NextToken=t", { QueueNamePrefix: "p", MaxResults: "5", NextToken: "t" }],
    ["ListQueues", "", {}],
    [
      "GetQueueAttributes",
      `QueueUrl=${URL_A}&AttributeName.1=QueueArn&AttributeName.2=VisibilityTimeout`,
      { QueueUrl: URL_A, AttributeNames: ["QueueArn", "VisibilityTimeout"] },
    ],
    [
      "SetQueueAttributes",
      `QueueUrl=${URL_A}&Attribute.1.Name=Policy&Attribute.1.Value=`,
      { QueueUrl: URL_A, Attributes: { Policy: "" } },
    ],
    [
      "ListDeadLetterSourceQueues",
      `QueueUrl=${URL_A}&MaxResults=10&NextToken=n`,
      { QueueUrl: URL_A, MaxResults: "10", NextToken: "n" },
    ],
    ["TagQueue", `QueueUrl=${URL_A}&Tag.1.Key=a&Tag.1.Value=1&Tag.2.Key=b&Tag.2.Value=2`, { QueueUrl: URL_A, Tags: { a: "1", b: "2" } }],
    ["UntagQueue", `QueueUrl=${URL_A}&TagKey.1=a&TagKey.2=b`, { QueueUrl: URL_A, TagKeys: ["a", "b"] }],
    ["ListQueueTags", `QueueUrl=${URL_A}`, { QueueUrl: URL_A }],
    [
      "AddPermission",
      `QueueUrl=${URL_A}&Label=l&AWSAccountId.1=111111111111&AWSAccountId.2=222222222222&ActionName.1=SendMessage`,
      { QueueUrl: URL_A, Label: "l", AWSAccountIds: ["111111111111", "222222222222"], Actions: ["SendMessage"] },
    ],
    ["RemovePermission", `QueueUrl=${URL_A}&Label=l`, { QueueUrl: URL_A, Label: "l" }],
    [
      "SendMessage",
      `QueueUrl=${URL_A}&MessageBody=hi+there%0D%0A&DelaySeconds=3&MessageGroupId=g&MessageDeduplicationId=d` +
        "&MessageAttribute.1.Name=s&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v" +
        "&MessageAttribute.2.Name=b&MessageAttribute.2.Value.DataType=Binary&MessageAttribute.2.Value.BinaryValue=AAH%2F" +
        "&MessageSystemAttribute.1.Name=AWSTraceHeader&MessageSystemAttribute.1.Value.DataType=String" +
        "&MessageSystemAttribute.1.Value.StringValue=Root%3D1",
      {
        QueueUrl: URL_A,
        MessageBody: "hi there\r\n",
        DelaySeconds: "3",
        MessageGroupId: "g",
        MessageDeduplicationId: "d",
        MessageAttributes: { s: { DataType: "String", StringValue: "v" }, b: { DataType: "Binary", BinaryValue: [0, 1, 255] } },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1" } },
      },
    ],
    [
      "SendMessageBatch",
      `QueueUrl=${URL_A}&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=one` +
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=k&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number" +
        "&SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=1" +
        "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=two&SendMessageBatchRequestEntry.2.DelaySeconds=4" +
        "&SendMessageBatchRequestEntry.2.MessageGroupId=g&SendMessageBatchRequestEntry.2.MessageDeduplicationId=d" +
        "&SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Name=AWSTraceHeader" +
        "&SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.DataType=String" +
        "&SendMessageBatchRequestEntry.2.MessageSystemAttribute.1.Value.StringValue=t",
      {
        QueueUrl: URL_A,
        Entries: [
          { Id: "a", MessageBody: "one", MessageAttributes: { k: { DataType: "Number", StringValue: "1" } } },
          {
            Id: "b",
            MessageBody: "two",
            DelaySeconds: "4",
            MessageGroupId: "g",
            MessageDeduplicationId: "d",
            MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "t" } },
          },
        ],
      },
    ],
    [
      "ReceiveMessage",
      `QueueUrl=${URL_A}&AttributeName.1=All&MessageAttributeName.1=foo.*&MessageAttributeName.2=bar` +
        "&MaxNumberOfMessages=10&VisibilityTimeout=30&WaitTimeSeconds=20&ReceiveRequestAttemptId=r",
      {
        QueueUrl: URL_A,
        AttributeNames: ["All"],
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["foo.*", "bar"],
        MaxNumberOfMessages: "10",
        VisibilityTimeout: "30",
        WaitTimeSeconds: "20",
        ReceiveRequestAttemptId: "r",
      },
    ],
    ["DeleteMessage", `QueueUrl=${URL_A}&ReceiptHandle=rh%2B%2F%3D`, { QueueUrl: URL_A, ReceiptHandle: "rh+/=" }],
    [
      "DeleteMessageBatch",
      `QueueUrl=${URL_A}&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=r1` +
        "&DeleteMessageBatchRequestEntry.2.Id=b&DeleteMessageBatchRequestEntry.2.ReceiptHandle=r2",
      { QueueUrl: URL_A, Entries: [{ Id: "a", ReceiptHandle: "r1" }, { Id: "b", ReceiptHandle: "r2" }] },
    ],
    [
      "ChangeMessageVisibility",
      `QueueUrl=${URL_A}&ReceiptHandle=r&VisibilityTimeout=60`,
      { QueueUrl: URL_A, ReceiptHandle: "r", VisibilityTimeout: "60" },
    ],
    [
      "ChangeMessageVisibilityBatch",
      `QueueUrl=${URL_A}&ChangeMessageVisibilityBatchRequestEntry.1.Id=a` +
        "&ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle=r1&ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout=9" +
        "&ChangeMessageVisibilityBatchRequestEntry.2.Id=b&ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle=r2",
      { QueueUrl: URL_A, Entries: [{ Id: "a", ReceiptHandle: "r1", VisibilityTimeout: "9" }, { Id: "b", ReceiptHandle: "r2" }] },
    ],
    ["PurgeQueue", `QueueUrl=${URL_A}`, { QueueUrl: URL_A }],
    [
      "StartMessageMoveTask",
      "SourceArn=arn%3Aaws%3Asqs%3Aus-east-1%3A000000000000%3Adlq&DestinationArn=d&MaxNumberOfMessagesPerSecond=50",
      { SourceArn: "arn:aws:sqs:us-east-1:000000000000:dlq", DestinationArn: "d", MaxNumberOfMessagesPerSecond: "50" },
    ],
    ["ListMessageMoveTasks", "SourceArn=s&MaxResults=10", { SourceArn: "s", MaxResults: "10" }],
    ["CancelMessageMoveTask", "TaskHandle=h%3D%3D", { TaskHandle: "h==" }],
  ];

  it.each(cases)("%s", (action, body, expected) => {
    expect(plain(decode(action, body))).toEqual(expected);
  });

  it("has no shape for unknown actions or Object.prototype names", () => {
    for (const action of ["Nope", "constructor", "toString", "__proto__", "hasOwnProperty", ""]) {
      expect(decodeQueryInput(action, [])).toBeUndefined();
    }
  });
});

describe("decodeQueryInput: the queue URL from the request path", () => {
  it("fills a missing QueueUrl from the path, and the parameter wins over it", () => {
    expect(decode("PurgeQueue", "", URL_A)).toEqual({ QueueUrl: URL_A });
    expect(decode("PurgeQueue", "QueueUrl=other", URL_A)).toEqual({ QueueUrl: "other" });
  });

  it("does not add a QueueUrl to actions that have none", () => {
    expect(decode("CreateQueue", "QueueName=q", URL_A)).toEqual({ QueueName: "q" });
    expect(decode("ListQueues", "", URL_A)).toEqual({});
  });
});

describe("decodeQueryInput: hostile and odd input", () => {
  it("reads lists in index order, skipping gaps, with indexes of any size", () => {
    const huge = "9".repeat(400);
    expect(decode("UntagQueue", `TagKey.${huge}=z&TagKey.10=c&TagKey.2=b&TagKey.1=a&TagKey.1000000000000=y`)).toMatchObject({
      TagKeys: ["a", "b", "c", "y", "z"],
    });
  });

  it("ignores malformed indexes and unindexed members", () => {
    const input = decode("UntagQueue", "TagKey.0=zero&TagKey.01=lead&TagKey.-1=neg&TagKey.x=x&TagKey=bare&TagKey.1.5=deep&TagKey.3=ok");
    expect(input).toEqual({ TagKeys: ["ok"] });
  });

  it("keeps the first of repeated parameters", () => {
    expect(decode("GetQueueUrl", "QueueName=first&QueueName=second")).toEqual({ QueueName: "first" });
    const pairs = form("Action=GetQueueUrl&Action=DeleteQueue&QueueName=q");
    expect(decodeQueryInput("GetQueueUrl", pairs)).toEqual({ QueueName: "q" });
  });

  it("lets a later map entry with the same key win, and keeps missing keys and values for the service to reject", () => {
    const input = decode("CreateQueue", "QueueName=q&Attribute.1.Name=A&Attribute.1.Value=1&Attribute.2.Name=A&Attribute.2.Value=2&Attribute.3.Value=x&Attribute.4.Name=B");
    expect(plain(input)).toEqual({ QueueName: "q", Attributes: { A: "2", "": "x", B: undefined } });
  });

  it("treats __proto__ and friends as plain map keys", () => {
    const input = decode(
      "SendMessage",
      "MessageBody=b&MessageAttribute.1.Name=__proto__&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=x" +
        "&MessageAttribute.2.Name=constructor",
    );
    const attrs = input?.["MessageAttributes"] as Record<string, unknown>;
    expect(Object.keys(attrs)).toEqual(["__proto__", "constructor"]);
    expect(plain(attrs["__proto__"])).toEqual({ DataType: "String", StringValue: "x" });
    expect(attrs["constructor"]).toBeUndefined();
    expect(({} as Record<string, unknown>)["DataType"]).toBeUndefined();
  });

  it("decodes an attribute's list values and an empty value structure, for the service to judge", () => {
    const input = decode(
      "SendMessage",
      "MessageAttribute.1.Name=l&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringListValue.1=a" +
        "&MessageAttribute.1.Value.BinaryListValue.1=AA%3D%3D&MessageAttribute.2.Name=e&MessageAttribute.2.Value.Nothing=1" +
        "&MessageAttribute.3.Value.DataType=String",
    );
    expect(plain(input?.["MessageAttributes"])).toEqual({
      l: { DataType: "String", StringListValues: ["a"], BinaryListValues: [[0]] },
      e: {},
      "": { DataType: "String" },
    });
  });

  it("rejects binary values that are not base64, naming the parameter", () => {
    const bad = (value: string): unknown => {
      try {
        decode("SendMessage", `MessageBody=b&MessageAttribute.1.Name=b&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=${value}`);
      } catch (err) {
        return err;
      }
      return null;
    };
    for (const value of ["a+b", "abc", "ab$=", "YQ", "YQ==="]) {
      const err = bad(encodeURIComponent(value).replace(/%2B/g, "+"));
      expect(err).toBeInstanceOf(ServiceError);
      expect((err as ServiceError).code).toBe("InvalidParameterValue");
      expect((err as ServiceError).message).toContain("parameter MessageAttribute.1.Value.BinaryValue is invalid");
    }
    expect(bad("")).toBeNull();
    expect(() =>
      decode(
        "SendMessageBatch",
        "SendMessageBatchRequestEntry.3.Id=a&SendMessageBatchRequestEntry.3.MessageAttribute.2.Name=b" +
          "&SendMessageBatchRequestEntry.3.MessageAttribute.2.Value.BinaryValue=%25",
      ),
    ).toThrow("parameter SendMessageBatchRequestEntry.3.MessageAttribute.2.Value.BinaryValue is invalid");
  });

  it("leaves an empty batch, a batch of empty entries and huge batches to the service", () => {
    expect(decode("DeleteMessageBatch", "")).toEqual({});
    expect(decode("DeleteMessageBatch", "DeleteMessageBatchRequestEntry.1.Foo=x")).toEqual({ Entries: [{}] });
    const body = Array.from({ length: 5000 }, (_, i) => `DeleteMessageBatchRequestEntry.${i + 1}.Id=e${i}`).join("&");
    expect((decode("DeleteMessageBatch", body)?.["Entries"] as unknown[]).length).toBe(5000);
  });

  it("ignores parameters the action does not read, however deep", () => {
    const deep = `${"x.".repeat(10_000)}y=1`;
    expect(decode("ListQueues", `${deep}&SignatureVersion=4&Timestamp=t&QueueUrl=u`)).toEqual({});
    const tooDeep = `SendMessageBatchRequestEntry.1.Id.${"1.".repeat(100_000)}x=1`;
    expect(decode("SendMessageBatch", `${tooDeep}&SendMessageBatchRequestEntry.1.Id=a`)).toEqual({ Entries: [{ Id: "a" }] });
  });

  it("reads the deepest member there is", () => {
    const key = "SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.BinaryListValue.1";
    const input = decode("SendMessageBatch", `SendMessageBatchRequestEntry.1.Id=a&${key}=AQ%3D%3D&${key}.x=1`);
    expect(plain(input)).toEqual({ Entries: [{ Id: "a", MessageAttributes: { "": { BinaryListValues: [[1]] } } }] });
  });
});
