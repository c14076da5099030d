/** handleSqsQuery and queryError through a real QueueService: decoding, the call, XML out. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InternalError, isServiceError, ServiceError } from "../../core/errors.js";
import { QueueDoesNotExist } from "../../services/queues/errors.js";
import type { CallContext } from "../../services/queues/types.js";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";
import type { WireResponse } from "../types.js";
import { handleSqsQuery, queryError } from "./query.js";
import { SQS_XML_NAMESPACE } from "./query-output.js";
import { childNamed, childNames, childrenNamed, readXml, textAt, type XmlElement } from "./query-testing.js";

const ctx: CallContext = { accountId: "000000000000", region: "us-east-1", baseUrl: "http://127.0.0.1:4566" };
const URL_Q = "http://127.0.0.1:4566/000000000000/q";

let h: QueueHarness;
let seq = 0;

beforeEach(async () => {
  h = await queueHarness();
});
afterEach(async () => {
  await h.close();
});

/** One request, answered as the server would: success XML or an ErrorResponse. */
async function call(body: string, pathQueueUrl?: string): Promise<WireResponse> {
  const id = `req-${++seq}`;
  try {
    return await handleSqsQuery(h.queues, [...new URLSearchParams(body)], pathQueueUrl, ctx, new AbortController().signal, id);
  } catch (err) {
    if (!isServiceError(err)) throw err;
    return queryError(err, id);
  }
}

/** The Result element of a successful response. */
async function ok(body: string, pathQueueUrl?: string): Promise<XmlElement> {
  const res = await call(body, pathQueueUrl);
  const doc = readXml(String(res.body));
  expect(res.status, String(res.body)).toBe(200);
  expect(res.headers["content-type"]).toBe("text/xml");
  const action = new URLSearchParams(body).get("Action") ?? "";
  expect(doc.name).toBe(`${action}Response`);
  return childrenNamed(doc, `${action}Result`)[0] ?? doc;
}

/** The status and Error element of a failed response. */
async function fail(body: string, pathQueueUrl?: string): Promise<{ status: number; code?: string; message?: string; type?: string }> {
  const res = await call(body, pathQueueUrl);
  const doc = readXml(String(res.body));
  expect(doc.name).toBe("ErrorResponse");
  expect(doc.attributes["xmlns"]).toBe(SQS_XML_NAMESPACE);
  expect(res.headers["content-type"]).toBe("text/xml");
  const error = childNamed(doc, "Error");
  expect(childNames(error)).toEqual(["Type", "Code", "Message", "Detail"]);
  expect(textAt(doc, "RequestId")).toBe(res.headers["x-amzn-requestid"]);
  return { status: res.status, code: textAt(error, "Code"), message: textAt(error, "Message"), type: textAt(error, "Type") };
}

describe("handleSqsQuery", () => {
  it("creates a queue and reads its attributes back, through the request path too", async () => {
    const created = await ok("Action=CreateQueue&Version=2012-11-05&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=45");
    expect(textAt(created, "QueueUrl")).toBe(URL_Q);
    const attrs = await ok("Action=GetQueueAttributes&AttributeName.1=VisibilityTimeout&AttributeName.2=QueueArn", URL_Q);
    expect(childrenNamed(attrs, "Attribute").map((a) => [textAt(a, "Name"), textAt(a, "Value")])).toEqual([
      ["QueueArn", "arn:aws:sqs:us-east-1:000000000000:q"],
      ["VisibilityTimeout", "45"],
    ]);
    const res = await call("Action=DeleteQueue", URL_Q);
    expect(res.status).toBe(200);
    expect(res.headers["x-amzn-requestid"]).toMatch(/^req-/);
    expect(childNames(readXml(String(res.body)))).toEqual(["ResponseMetadata"]);
  });

  it("sends and receives a message whose text needs escaping, byte for byte", async () => {
    await ok("Action=CreateQueue&QueueName=q");
    const body = "a\r\nb\rc <&> \"d\" 'e' ]]> é 😀";
    const sent = await ok(`Action=SendMessage&QueueUrl=${encodeURIComponent(URL_Q)}&MessageBody=${encodeURIComponent(body)}` +
      "&MessageAttribute.1.Name=bin&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=AP%2BA");
    const got = await ok(`Action=ReceiveMessage&QueueUrl=${URL_Q}&AttributeName.1=ApproximateReceiveCount&MessageAttributeName.1=All`);
    const m = childNamed(got, "Message");
    expect(textAt(m, "Body")).toBe(body);
    expect(textAt(m, "MessageId")).toBe(textAt(sent, "MessageId"));
    expect(textAt(m, "MD5OfBody")).toBe(textAt(sent, "MD5OfMessageBody"));
    expect(textAt(m, "MD5OfMessageAttributes")).toBe(textAt(sent, "MD5OfMessageAttributes"));
    expect(childrenNamed(m, "Attribute").map((a) => textAt(a, "Name"))).toEqual(["ApproximateReceiveCount"]);
    const value = childNamed(childNamed(m, "MessageAttribute"), "Value");
    expect([textAt(value, "BinaryValue"), textAt(value, "DataType")]).toEqual(["AP+A", "Binary"]);
  });

  it("runs a batch with per-entry failures and answers 200", async () => {
    await ok("Action=CreateQueue&QueueName=q");
    const r = await ok(
      `Action=SendMessageBatch&QueueUrl=${URL_Q}&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x` +
        "&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=y&SendMessageBatchRequestEntry.2.DelaySeconds=1000",
    );
    expect(childNames(r)).toEqual(["SendMessageBatchResultEntry", "BatchResultErrorEntry"]);
    expect(textAt(childNamed(r, "BatchResultErrorEntry"), "Code")).toBe("InvalidParameterValue");
  });

  it("rejects unknown, missing and Object.prototype action names", async () => {
    expect(await fail("Action=Frobnicate")).toEqual({
      status: 400, type: "Sender", code: "InvalidAction", message: "The action Frobnicate is not valid for this endpoint.",
    });
    for (const action of ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"]) {
      expect((await fail(`Action=${action}`)).code).toBe("InvalidAction");
    }
    expect(await fail("Version=2012-11-05")).toMatchObject({ code: "InvalidAction", message: "The request must contain the parameter Action." });
    expect((await fail("Action=")).code).toBe("InvalidAction");
    const long = await fail(`Action=${"<x>".repeat(1000)}`);
    expect(long.message?.length).toBeLessThan(400);
  });

  it("says QueueDoesNotExist the Query way, with its Query code", async () => {
    expect(await fail("Action=GetQueueUrl&QueueName=none")).toEqual({
      status: 400,
      type: "Sender",
      code: "AWS.SimpleQueueService.NonExistentQueue",
      message: "The specified queue does not exist for this wsdl version.",
    });
    const none = encodeURIComponent("http://127.0.0.1:4566/000000000000/none");
    expect((await fail(`Action=PurgeQueue&QueueUrl=${none}`)).code).toBe("AWS.SimpleQueueService.NonExistentQueue");
    expect((await fail("Action=PurgeQueue")).status).toBe(400);
  });

  it("answers validation errors with the service's codes and statuses", async () => {
    await ok("Action=CreateQueue&QueueName=q");
    expect(await fail(`Action=ReceiveMessage&QueueUrl=${URL_Q}&MaxNumberOfMessages=11`)).toMatchObject({
      status: 400, code: "InvalidParameterValue", message: "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
    });
    expect(await fail(`Action=ChangeMessageVisibility&QueueUrl=${URL_Q}&ReceiptHandle=junk&VisibilityTimeout=1`)).toMatchObject({
      status: 404, code: "ReceiptHandleIsInvalid",
    });
    expect((await fail(`Action=SendMessage&QueueUrl=${URL_Q}`)).code).toBe("MissingParameter");
    expect((await fail(`Action=DeleteMessageBatch&QueueUrl=${URL_Q}`)).code).toBe("MissingParameter");
    const tooMany = Array.from({ length: 11 }, (_, i) => `DeleteMessageBatchRequestEntry.${i + 1}.Id=e${i}&DeleteMessageBatchRequestEntry.${i + 1}.ReceiptHandle=r`);
    expect(await fail(`Action=DeleteMessageBatch&QueueUrl=${URL_Q}&${tooMany.join("&")}`)).toMatchObject({
      status: 400, code: "AWS.SimpleQueueService.TooManyEntriesInBatchRequest",
    });
    expect((await fail(`Action=SetQueueAttributes&QueueUrl=${URL_Q}&Attribute.1.Name=VisibilityTimeout`)).code).toBe("InvalidAttributeValue");
    expect((await fail(`Action=SetQueueAttributes&QueueUrl=${URL_Q}&Attribute.1.Value=1`)).code).toBe("InvalidAttributeName");
    expect((await fail(`Action=TagQueue&QueueUrl=${URL_Q}&Tag.1.Value=v`)).code).toBe("InvalidParameterValue");
    expect((await fail("Action=CreateQueue&QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=99")).code).toBe("QueueAlreadyExists");
    await ok(`Action=PurgeQueue&QueueUrl=${URL_Q}`);
    expect(await fail(`Action=PurgeQueue&QueueUrl=${URL_Q}`)).toMatchObject({ status: 403, code: "AWS.SimpleQueueService.PurgeQueueInProgress" });
  });

  it("survives hostile parameters without changing anything", async () => {
    await ok("Action=CreateQueue&QueueName=q");
    const hostile = [
      `Action=SendMessage&QueueUrl=${URL_Q}&MessageBody=x&MessageAttribute.${"9".repeat(300)}.Name=a`,
      `Action=SendMessage&QueueUrl=${URL_Q}&MessageBody=%00`,
      `Action=SendMessage&QueueUrl=${URL_Q}&MessageBody=x&DelaySeconds=1e3`,
      `Action=SendMessage&QueueUrl=${URL_Q}&MessageBody=x&MessageAttribute.1.Name=b&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=%25%25`,
      `Action=SendMessageBatch&QueueUrl=${URL_Q}&SendMessageBatchRequestEntry.1.MessageBody=x`,
      `Action=SendMessageBatch&QueueUrl=${URL_Q}&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.Id=b&SendMessageBatchRequestEntry.2.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x`,
      `Action=ReceiveMessage&QueueUrl=${URL_Q}&WaitTimeSeconds=-1`,
      `Action=ReceiveMessage&QueueUrl=${URL_Q}&VisibilityTimeout=%F0%9F%98%80`,
      `Action=AddPermission&QueueUrl=${URL_Q}&Label=l&ActionName.1=SendMessage`,
      `Action=UntagQueue&QueueUrl=${URL_Q}`,
      "Action=ListQueues&MaxResults=0",
      "Action=ListQueues&NextToken=%00%01",
      `Action=GetQueueAttributes&QueueUrl=${URL_Q}&AttributeName.1=Nope%3Cx%3E`,
      "Action=DeleteQueue&QueueUrl=http%3A%2F%2F%5B%3A%3A1",
      "Action=GetQueueUrl&QueueName=q&QueueOwnerAWSAccountId=%01%02",
      "Action=StartMessageMoveTask&SourceArn=arn",
      "Action=ListMessageMoveTasks&SourceArn=arn%3Aaws%3Asqs%3Aus-east-1%3A000000000000%3Aq&MaxResults=99",
      "Action=CancelMessageMoveTask&TaskHandle=%00",
    ];
    for (const body of hostile) {
      const res = await fail(body);
      expect([400, 403, 404], body).toContain(res.status);
      expect(res.code, body).toBeTruthy();
    }
    const partial = await ok(`Action=ChangeMessageVisibilityBatch&QueueUrl=${URL_Q}&ChangeMessageVisibilityBatchRequestEntry.5.Id=a`);
    expect(childNames(partial)).toEqual(["BatchResultErrorEntry"]);
    const attrs = await ok(`Action=GetQueueAttributes&QueueUrl=${URL_Q}&AttributeName.1=ApproximateNumberOfMessages`);
    expect(textAt(childNamed(attrs, "Attribute"), "Value")).toBe("0");
    const list = await ok("Action=ListQueues");
    expect(childNames(list)).toEqual(["QueueUrl"]);
  });

  it("hands an attribute called __proto__ to the service as data", async () => {
    // The service stores attributes in plain objects and so drops this one on receive
    // (reported); what the wire layer owes is to pass it on and digest it.
    await ok("Action=CreateQueue&QueueName=q");
    const sent = await ok(
      `Action=SendMessage&QueueUrl=${URL_Q}&MessageBody=x&MessageAttribute.1.Name=__proto__` +
        "&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=v",
    );
    expect(textAt(sent, "MD5OfMessageAttributes")).toMatch(/^[0-9a-f]{32}$/);
  });

  it("accepts the first of repeated parameters and ignores ones it does not know", async () => {
    await ok("Action=CreateQueue&Action=DeleteQueue&QueueName=q&QueueName=other&SignatureVersion=4&Unknown.1.x=y");
    expect(childrenNamed(await ok("Action=ListQueues"), "QueueUrl").length).toBe(1);
    await ok(`Action=GetQueueUrl&QueueName=q`);
  });
});

describe("queryError", () => {
  it("uses the Query code and status of each error, keeping other messages as they are", () => {
    const doc = (r: WireResponse): XmlElement => childNamed(readXml(String(r.body)), "Error");
    const custom = queryError(new QueueDoesNotExist("Something else."), "r1");
    expect(textAt(doc(custom), "Message")).toBe("Something else.");
    const internal = queryError(new InternalError(), "r2");
    expect(internal.status).toBe(500);
    expect([textAt(doc(internal), "Type"), textAt(doc(internal), "Code")]).toEqual(["Receiver", "InternalError"]);
    const unlisted = queryError(new ServiceError("InvalidMessageContents", "bad\u0001chars <x>"), "r3");
    expect(unlisted.status).toBe(400);
    expect(textAt(doc(unlisted), "Code")).toBe("InvalidMessageContents");
    expect(textAt(doc(unlisted), "Message")).toBe("bad\uFFFDchars <x>");
    expect(unlisted.headers).toEqual({ "content-type": "text/xml", "x-amzn-requestid": "r3" });
  });
});
