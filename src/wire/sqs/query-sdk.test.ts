/**
 * The Query protocol against a real client: the AWS SDK for JavaScript v3's SQS client,
 * switched to its own awsQuery protocol implementation (the one its Query-protocol
 * services use), over HTTP to a tiny server that calls handleSqsQuery directly. The
 * SDK serialises the requests, parses the XML (and errors), and checks the MD5 digests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { AwsQueryProtocol } from "@aws-sdk/core/protocols";
import {
  ChangeMessageVisibilityBatchCommand,
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  DeleteQueueCommand,
  errorTypeRegistries,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ListQueueTagsCommand,
  PurgeQueueCommand,
  PurgeQueueInProgress,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  SQSServiceException,
  StartMessageMoveTaskCommand,
  TagQueueCommand,
  UntagQueueCommand,
  AddPermissionCommand,
  RemovePermissionCommand,
  ChangeMessageVisibilityCommand,
  CancelMessageMoveTaskCommand,
  TooManyEntriesInBatchRequest,
} from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isServiceError } from "../../core/errors.js";
import { queueHarness, type QueueHarness } from "../../testing/queues.js";
import { handleSqsQuery, queryError } from "./query.js";
import { SQS_XML_NAMESPACE } from "./query-output.js";

let h: QueueHarness;
let server: Server;
let sqs: SQSClient;
let base = "";
let requests = 0;
const contentTypes = new Set<string>();

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  contentTypes.add(req.headers["content-type"] ?? "");
  const url = new URL(req.url ?? "/", base);
  const params = [...url.searchParams, ...new URLSearchParams(await readBody(req))];
  const pathQueueUrl = url.pathname === "/" ? undefined : `${base}${url.pathname}`;
  const ctx = { accountId: "000000000000", region: "us-east-1", baseUrl: base };
  const requestId = `req-${++requests}`;
  let out;
  try {
    out = await handleSqsQuery(h.queues, params, pathQueueUrl, ctx, new AbortController().signal, requestId);
  } catch (err) {
    if (!isServiceError(err)) throw err;
    out = queryError(err, requestId);
  }
  res.writeHead(out.status, out.headers).end(out.body);
}

beforeAll(async () => {
  h = await queueHarness();
  server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  sqs = new SQSClient({
    endpoint: base,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
    protocol: AwsQueryProtocol,
    protocolSettings: {
      defaultNamespace: "com.amazonaws.sqs",
      xmlNamespace: SQS_XML_NAMESPACE,
      version: "2012-11-05",
      errorTypeRegistries,
    },
  });
});

afterAll(async () => {
  sqs.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await h.close();
});

describe("the AWS SDK v3 speaking awsQuery", () => {
  it("creates, finds, lists, tags and deletes queues", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: "sdk-a", Attributes: { VisibilityTimeout: "45" }, tags: { team: "core" } }),
    );
    expect(QueueUrl).toBe(`${base}/000000000000/sdk-a`);
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: "sdk-a" }))).QueueUrl).toBe(QueueUrl);
    expect((await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "sdk-" }))).QueueUrls).toEqual([QueueUrl]);
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["VisibilityTimeout", "QueueArn"] }));
    expect(attrs.Attributes).toEqual({ VisibilityTimeout: "45", QueueArn: "arn:aws:sqs:us-east-1:000000000000:sdk-a" });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: { DelaySeconds: "3" } }));
    await sqs.send(new TagQueueCommand({ QueueUrl, Tags: { env: "test", "k.1": "x y/z=+-@" } }));
    await sqs.send(new UntagQueueCommand({ QueueUrl, TagKeys: ["team"] }));
    expect((await sqs.send(new ListQueueTagsCommand({ QueueUrl }))).Tags).toEqual({ env: "test", "k.1": "x y/z=+-@" });
    await sqs.send(new AddPermissionCommand({ QueueUrl, Label: "l1", AWSAccountIds: ["111111111111"], Actions: ["SendMessage"] }));
    await sqs.send(new RemovePermissionCommand({ QueueUrl, Label: "l1" }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    expect([...contentTypes]).toEqual(["application/x-www-form-urlencoded"]);
    const empty = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "sdk-a" }));
    expect(empty.QueueUrls ?? []).toEqual([]);
  });

  it("sends and receives messages with attributes, awkward text and binary values (the SDK checks the MD5s)", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "sdk-msgs" }));
    const body = `line1\r\nline2\rline3\n<&>"' \t\u00e9\u{1F600}]]>`;
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: body,
        MessageAttributes: {
          s: { DataType: "String", StringValue: "a\r\nb & <c>" },
          n: { DataType: "Number.int", StringValue: "42" },
          b: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 255, 62, 63]) },
        },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" } },
      }),
    );
    expect(sent.MessageId).toBeTruthy();
    expect(sent.MD5OfMessageSystemAttributes).toMatch(/^[0-9a-f]{32}$/);
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"], MaxNumberOfMessages: 10 }),
    );
    const [m] = got.Messages ?? [];
    expect(m?.Body).toBe(body);
    expect(m?.MessageId).toBe(sent.MessageId);
    expect(m?.MessageAttributes?.["s"]).toEqual({ DataType: "String", StringValue: "a\r\nb & <c>" });
    expect(m?.MessageAttributes?.["n"]).toEqual({ DataType: "Number.int", StringValue: "42" });
    expect([...(m?.MessageAttributes?.["b"]?.BinaryValue ?? [])]).toEqual([0, 1, 2, 255, 62, 63]);
    expect(m?.Attributes?.["AWSTraceHeader"]).toBe("Root=1-abc");
    expect(m?.Attributes?.["ApproximateReceiveCount"]).toBe("1");
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: m?.ReceiptHandle, VisibilityTimeout: 60 }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m?.ReceiptHandle }));
    const none = await sqs.send(new ReceiveMessageCommand({ QueueUrl }));
    expect(none.Messages ?? []).toEqual([]);
  });

  it("runs the batch actions with partial failures", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "sdk-batch" }));
    const sent = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "a", MessageBody: "one", MessageAttributes: { k: { DataType: "String", StringValue: "v" } } },
          { Id: "b", MessageBody: "two", DelaySeconds: 901 },
          { Id: "c", MessageBody: "three" },
        ],
      }),
    );
    expect(sent.Successful?.map((e) => e.Id)).toEqual(["a", "c"]);
    expect(sent.Successful?.[0]?.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    expect(sent.Failed).toEqual([
      expect.objectContaining({ Id: "b", SenderFault: true, Code: "InvalidParameterValue" }),
    ]);
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ["k"] }));
    const handles = (got.Messages ?? []).map((m) => m.ReceiptHandle ?? "");
    expect(handles).toHaveLength(2);
    const vis = await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "x", ReceiptHandle: handles[0], VisibilityTimeout: 5 },
          { Id: "y", ReceiptHandle: "bogus", VisibilityTimeout: 5 },
        ],
      }),
    );
    expect(vis.Successful).toEqual([{ Id: "x" }]);
    expect(vis.Failed?.[0]).toMatchObject({ Id: "y", Code: "ReceiptHandleIsInvalid", SenderFault: true });
    const del = await sqs.send(
      new DeleteMessageBatchCommand({ QueueUrl, Entries: handles.map((ReceiptHandle, i) => ({ Id: `d${i}`, ReceiptHandle })) }),
    );
    expect(del.Successful).toEqual([{ Id: "d0" }, { Id: "d1" }]);
    expect(del.Failed ?? []).toEqual([]);
  });

  it("surfaces modelled errors as the SDK's exception classes", async () => {
    const missing = await sqs.send(new GetQueueUrlCommand({ QueueName: "nope" })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(QueueDoesNotExist);
    expect((missing as QueueDoesNotExist).message).toBe("The specified queue does not exist for this wsdl version.");
    expect((missing as QueueDoesNotExist).$metadata.httpStatusCode).toBe(400);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "sdk-errors" }));
    await sqs.send(new PurgeQueueCommand({ QueueUrl }));
    const again = await sqs.send(new PurgeQueueCommand({ QueueUrl })).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(PurgeQueueInProgress);
    const tooMany = await sqs
      .send(new DeleteMessageBatchCommand({ QueueUrl, Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, ReceiptHandle: "r" })) }))
      .catch((e: unknown) => e);
    expect(tooMany).toBeInstanceOf(TooManyEntriesInBatchRequest);
    const bad = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 11 })).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(SQSServiceException);
    expect((bad as SQSServiceException).name).toBe("InvalidParameterValue");
    expect((bad as SQSServiceException).message).toBe(
      "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
    );
  });

  it("lists dead-letter sources and runs message move tasks", async () => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: "sdk-dlq" }));
    const dlqArn = "arn:aws:sqs:us-east-1:000000000000:sdk-dlq";
    const src = await sqs.send(
      new CreateQueueCommand({
        QueueName: "sdk-src",
        Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 1 }) },
      }),
    );
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: dlq.QueueUrl }));
    expect(sources.queueUrls).toEqual([src.QueueUrl]);
    await sqs.send(new SendMessageCommand({ QueueUrl: dlq.QueueUrl, MessageBody: "dead" }));
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 5 }));
    expect(TaskHandle).toBeTruthy();
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 10 }));
    expect(tasks.Results?.[0]).toMatchObject({ Status: "RUNNING", SourceArn: dlqArn, MaxNumberOfMessagesPerSecond: 5, TaskHandle });
    expect(typeof tasks.Results?.[0]?.StartedTimestamp).toBe("number");
    const cancelled = await sqs.send(new CancelMessageMoveTaskCommand({ TaskHandle }));
    expect(typeof cancelled.ApproximateNumberOfMessagesMoved).toBe("number");
  });
});
