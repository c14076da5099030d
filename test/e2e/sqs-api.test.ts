/**
 * The SQS API end to end: a `sluice start` process driven by the real AWS SDK
 * (@aws-sdk/client-sqs), which checks MD5 digests itself.
 */
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from "@aws-sdk/client-sqs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer as start, stopServer, type Server } from "../lib/server.js";

const KEY = "AKIDSLUICETEST";
const SECRET = "sluice-e2e-secret";

const startServer = (dataDir: string): Promise<Server> => start(dataDir, { key: KEY, secret: SECRET });

function client(url: string, secret = SECRET): SQSClient {
  return new SQSClient({ endpoint: url, region: "eu-west-1", credentials: { accessKeyId: KEY, secretAccessKey: secret }, maxAttempts: 1 });
}

describe("SQS API with the AWS SDK", () => {
  let dir: string;
  let server: Server;
  let sqs: SQSClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sluice-e2e-"));
    server = await startServer(dir);
    sqs = client(server.url);
  });
  afterAll(async () => {
    sqs.destroy();
    if (server.child.exitCode === null) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates, lists and describes queues with URLs on this endpoint", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-basic", Attributes: { VisibilityTimeout: "5" } }));
    expect(QueueUrl).toBe(`${server.url}/000000000000/e2e-basic`);
    const { QueueUrls } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "e2e-" }));
    expect(QueueUrls).toContain(QueueUrl);
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn", "VisibilityTimeout"] }));
    expect(Attributes).toEqual({ QueueArn: "arn:aws:sqs:eu-west-1:000000000000:e2e-basic", VisibilityTimeout: "5" });
  });

  it("round-trips messages with attributes (the SDK verifies every MD5)", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-attrs" }));
    await sqs.send(
      new SendMessageCommand({
        QueueUrl,
        MessageBody: "héllo <&> wörld",
        MessageAttributes: {
          Kind: { DataType: "String", StringValue: "order" },
          Price: { DataType: "Number.float", StringValue: "12.50" },
          Blob: { DataType: "Binary", BinaryValue: Uint8Array.from([0, 1, 2, 255]) },
        },
        MessageSystemAttributes: { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793" } },
      }),
    );
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"] }),
    );
    const m = Messages![0]!;
    expect(m.Body).toBe("héllo <&> wörld");
    expect(m.MessageAttributes?.["Blob"]?.BinaryValue).toEqual(Uint8Array.from([0, 1, 2, 255]));
    expect(m.Attributes?.["AWSTraceHeader"]).toBe("Root=1-5759e988-bd862e3fe1be46a994272793");
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
  });

  it("wakes a long poll as soon as a message arrives", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-longpoll" }));
    const started = Date.now();
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 10 }));
    await new Promise((r) => setTimeout(r, 300));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "wake up" }));
    const { Messages } = await poll;
    expect(Messages?.[0]?.Body).toBe("wake up");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("moves a message to the dead-letter queue after maxReceiveCount", async () => {
    const dlq = (await sqs.send(new CreateQueueCommand({ QueueName: "e2e-dlq" }))).QueueUrl!;
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq, AttributeNames: ["QueueArn"] }))).Attributes!["QueueArn"]!;
    const QueueUrl = (
      await sqs.send(
        new CreateQueueCommand({
          QueueName: "e2e-redrive",
          Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 2 }) },
        }),
      )
    ).QueueUrl!;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: "poison" }));
    for (let i = 0; i < 2; i++) {
      const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }));
      await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: Messages![0]!.ReceiptHandle, VisibilityTimeout: 0 }));
    }
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl }))).Messages).toBeUndefined();
    const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq, MessageSystemAttributeNames: ["All"] }));
    expect(Messages?.[0]?.Body).toBe("poison");
    expect(Messages?.[0]?.Attributes?.["ApproximateReceiveCount"]).toBe("3");
  });

  it("delivers FIFO groups in order", async () => {
    const { QueueUrl } = await sqs.send(
      new CreateQueueCommand({ QueueName: "e2e-order.fifo", Attributes: { FifoQueue: "true", ContentBasedDeduplication: "true" } }),
    );
    for (const group of ["a", "b"]) {
      await sqs.send(
        new SendMessageBatchCommand({
          QueueUrl,
          Entries: [1, 2, 3].map((i) => ({ Id: `${group}${i}`, MessageBody: `${group}${i}`, MessageGroupId: group })),
        }),
      );
    }
    const seen: string[] = [];
    for (let i = 0; i < 6 && seen.length < 6; i++) {
      const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 2 }));
      for (const m of Messages) {
        seen.push(m.Body!);
        await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
    }
    expect(seen.filter((b) => b.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
    expect(seen.filter((b) => b.startsWith("b"))).toEqual(["b1", "b2", "b3"]);
  });

  it("reports partial batch failures", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-batch" }));
    const out = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl,
        Entries: [
          { Id: "ok", MessageBody: "fine" },
          { Id: "bad", MessageBody: "nul\u0000char" },
        ],
      }),
    );
    expect(out.Successful?.map((s) => s.Id)).toEqual(["ok"]);
    expect(out.Failed).toEqual([expect.objectContaining({ Id: "bad", SenderFault: true, Code: "InvalidMessageContents" })]);
  });

  it("returns SQS's errors with their names", async () => {
    await expect(sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${server.url}/000000000000/missing`, AttributeNames: ["All"] }))).rejects.toMatchObject({
      name: "QueueDoesNotExist",
      message: "The specified queue does not exist.",
      $metadata: { httpStatusCode: 400 },
    });
  });

  it("refuses requests signed with a wrong secret and changes nothing", async () => {
    const bad = client(server.url, "not-the-secret");
    await expect(bad.send(new CreateQueueCommand({ QueueName: "e2e-forbidden" }))).rejects.toMatchObject({
      name: "SignatureDoesNotMatch",
      $metadata: { httpStatusCode: 403 },
    });
    bad.destroy();
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: "e2e-forbidden" }));
    expect(QueueUrls).toEqual([]);
  });

  it("serves health and metrics", async () => {
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${server.url}/metrics`)).text()).toContain("sluice_queue_messages_sent_total");
  });

  it("keeps messages across a crash (kill -9) and restart", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-crash" }));
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl, Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `kept ${i}` })) }),
    );
    await stopServer(server, "SIGKILL");
    sqs.destroy();
    server = await startServer(dir);
    sqs = client(server.url);
    const url = QueueUrl!.replace(/^http:\/\/[^/]+/, server.url);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
    expect(Messages.map((m) => m.Body).sort()).toEqual(["kept 1", "kept 2", "kept 3"]);
  });

  it("shuts down cleanly on SIGTERM, ending long polls", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-shutdown" }));
    const poll = sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 })).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    expect(await stopServer(server, "SIGTERM")).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    const result = await poll;
    expect(result).toEqual(expect.objectContaining({ $metadata: expect.objectContaining({ httpStatusCode: 200 }) as unknown }));
  });
});
