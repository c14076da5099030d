/**
 * S3 on the PostgreSQL backend: object records, uploads and the notification outbox in
 * PostgreSQL, bytes under the data directory. Skipped when no database answers, unless
 * SLUICE_TEST_PG_URL asks for it.
 */
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketNotificationConfigurationCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Upload } from "@aws-sdk/lib-storage";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import postgres from "postgres";
import { postgresTestUrl, randomSchema } from "../../src/testing/postgres.js";
import { assertBuilt, ROOT } from "../lib/process.js";
import { startServer, stopServer, type Server } from "../lib/server.js";

const url = await postgresTestUrl();
const credentials = { accessKeyId: "AKIDS3PG", secretAccessKey: "s3-pg-secret" };

describe.skipIf(!url)("S3 API end to end on PostgreSQL", () => {
  let dir: string;
  let server: Server;
  // A database of its own (the CLI always uses the default schema), dropped afterwards.
  const database = randomSchema("sluice_s3_e2e");
  const admin = url ? postgres(url, { max: 1, onnotice: () => undefined }) : undefined;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(ROOT, ".sluice-e2e-s3pg-"));
    await admin!.unsafe(`CREATE DATABASE "${database}"`);
    const store = new URL(url!);
    store.pathname = `/${database}`;
    server = await startServer(dir, { key: credentials.accessKeyId, secret: credentials.secretAccessKey, args: ["--store", store.href] });
  });
  afterAll(async () => {
    if (server) await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
    await admin?.unsafe(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await admin?.end({ timeout: 1 });
  });

  it("stores, lists, uploads in parts and notifies", async () => {
    const s3 = new S3Client({ endpoint: server.url, region: "us-east-1", credentials, forcePathStyle: true });
    const sqs = new SQSClient({ endpoint: server.url, region: "us-east-1", credentials });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "pg-events" }));
      await s3.send(new CreateBucketCommand({ Bucket: "pg-bucket" }));
      await s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: "pg-bucket", NotificationConfiguration: { QueueConfigurations: [{ QueueArn: "arn:aws:sqs:us-east-1:000000000000:pg-events", Events: ["s3:ObjectCreated:*"], Filter: { Key: { FilterRules: [{ Name: "suffix", Value: ".bin" }] } } }] } }));
      for (const Key of ["a/1", "a/2", "b", "é", "~"]) await s3.send(new PutObjectCommand({ Bucket: "pg-bucket", Key, Body: Key }));
      const listed = await s3.send(new ListObjectsV2Command({ Bucket: "pg-bucket", Delimiter: "/" }));
      expect(listed.Contents?.map((c) => c.Key)).toEqual(["b", "~", "é"]);
      expect(listed.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["a/"]);
      const data = randomBytes(11 * 1024 * 1024);
      await new Upload({ client: s3, params: { Bucket: "pg-bucket", Key: "big.bin", Body: data }, partSize: 5 * 1024 * 1024 }).done();
      const got = await s3.send(new GetObjectCommand({ Bucket: "pg-bucket", Key: "big.bin" }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
      const events: string[] = [];
      for (let i = 0; i < 10 && events.length < 2; i++) {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 2 }));
        events.push(...Messages.map((m) => (JSON.parse(m.Body!) as { Event?: string; Records?: { eventName: string }[] }).Records?.[0]?.eventName ?? "test"));
      }
      expect(events).toEqual(["test", "ObjectCreated:CompleteMultipartUpload"]);
    } finally {
      s3.destroy();
      sqs.destroy();
    }
  });
});
