/**
 * Buckets survive `kill -9`: a server killed in the middle of a streaming upload comes
 * back with every acknowledged object intact, no trace of the unfinished one (its
 * temporary file is swept at start), and every acknowledged upload's notification
 * delivered at least once — the outbox row was committed with the object.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../src/testing/assert.js";
import { assertBuilt, ROOT } from "../lib/process.js";
import { startServer, stopServer, type Server } from "../lib/server.js";

const KEY = "AKIDSLUICES3CRASH";
const SECRET = "sluice-s3-crash-secret";
const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };

describe("buckets across kill -9", () => {
  let dir: string;
  let server: Server;

  beforeAll(() => {
    assertBuilt();
    dir = mkdtempSync(join(ROOT, ".sluice-crash-s3-"));
  });
  afterAll(async () => {
    if (server) await stopServer(server, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  const clients = (url: string) => ({
    s3: new S3Client({ endpoint: url, region: "us-east-1", credentials, forcePathStyle: true }),
    sqs: new SQSClient({ endpoint: url, region: "us-east-1", credentials }),
  });

  it("keeps acknowledged objects and their events, and sweeps the unfinished upload", async () => {
    server = await startServer(dir, { key: KEY, secret: SECRET });
    let c = clients(server.url);
    const { QueueUrl } = await c.sqs.send(new CreateQueueCommand({ QueueName: "crash-events" }));
    await c.s3.send(new CreateBucketCommand({ Bucket: "crash" }));
    await c.s3.send(new PutBucketNotificationConfigurationCommand({
      Bucket: "crash",
      NotificationConfiguration: { QueueConfigurations: [{ QueueArn: "arn:aws:sqs:us-east-1:000000000000:crash-events", Events: ["s3:ObjectCreated:*"] }] },
    }));
    const acked = new Map<string, string>();
    await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const body = `object ${i} `.repeat(100 + i);
      await c.s3.send(new PutObjectCommand({ Bucket: "crash", Key: `acked/${i}`, Body: body }));
      acked.set(`acked/${i}`, body);
    }));
    // An upload that never finishes: the server dies while it streams.
    let sent = 0;
    const endless = new Readable({
      read() {
        sent += 65536;
        setTimeout(() => this.push(Buffer.alloc(65536, 7)), 5);
      },
    });
    const hanging = c.s3.send(new PutObjectCommand({ Bucket: "crash", Key: "unfinished", Body: endless, ContentLength: 1024 ** 3 })).catch(() => "failed");
    await eventually(() => (sent > 2 * 1024 * 1024 ? true : undefined));
    expect(readdirSync(join(dir, "buckets", "tmp")).length).toBeGreaterThan(0);
    await stopServer(server, "SIGKILL");
    expect(await hanging).toBe("failed");
    c.s3.destroy();
    c.sqs.destroy();

    server = await startServer(dir, { key: KEY, secret: SECRET });
    c = clients(server.url);
    const tmp = join(dir, "buckets", "tmp");
    expect(existsSync(tmp) ? readdirSync(tmp) : []).toEqual([]);
    await expect(c.s3.send(new HeadObjectCommand({ Bucket: "crash", Key: "unfinished" }))).rejects.toMatchObject({ name: "NotFound" });
    for (const [Key, body] of acked) {
      const got = await c.s3.send(new GetObjectCommand({ Bucket: "crash", Key }));
      expect(await got.Body!.transformToString()).toBe(body);
    }
    const seen = new Set<string>();
    await eventually(async () => {
      const { Messages = [] } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
      for (const m of Messages) {
        const parsed = JSON.parse(m.Body!) as { Records?: { s3: { object: { key: string; eTag: string } } }[] };
        const o = parsed.Records?.[0]?.s3.object;
        if (o) {
          expect(o.eTag).toBe(createHash("md5").update(acked.get(o.key) ?? "").digest("hex"));
          seen.add(o.key);
        }
        await c.sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
      }
      return seen.size === acked.size ? true : undefined;
    }, 30_000);
    c.s3.destroy();
    c.sqs.destroy();
  });
});
