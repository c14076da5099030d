/**
 * Kinesis end to end: a `sluice start` process driven by @aws-sdk/client-kinesis (which
 * talks HTTP/2 to the endpoint by default), the Lambda API for stream mappings, and a
 * raw CBOR request as the Java SDK sends it. Mapped handlers append what they see to a
 * file, so the test can check order per key, retries and redelivery after a crash.
 */
import {
  CreateStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordCommand,
  PutRecordsCommand,
  ResourceNotFoundException,
  UpdateShardCountCommand,
  waitUntilStreamExists,
} from "@aws-sdk/client-kinesis";
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { zipSync } from "fflate";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeCbor, encodeCbor } from "../../src/wire/cbor.js";
import { eventually } from "../../src/testing/assert.js";
import { assertBuilt, ROOT } from "../lib/process.js";
import { startServer, stopServer, type Server } from "../lib/server.js";

const KEY = "AKIDSLUICEKINESIS";
const SECRET = "sluice-kinesis-e2e-secret";
const REGION = "us-east-1";
const ROLE = "arn:aws:iam::000000000000:role/lambda-role";
const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };

const RECORDER = `const fs = require("fs");
exports.handler = async (event) => {
  const items = event.Records.map((r) => Buffer.from(r.kinesis.data, "base64").toString());
  fs.appendFileSync(process.env.OUT, JSON.stringify(items) + "\\n");
  if (items.some((d) => d.includes("poison"))) throw new Error("poison record");
  return {};
};`;

describe("Kinesis API end to end", () => {
  let dir: string;
  let server: Server;
  let kinesis: KinesisClient;
  let lambda: LambdaClient;
  let sqs: SQSClient;
  let n = 0;

  const clients = (url: string): void => {
    kinesis = new KinesisClient({ endpoint: url, region: REGION, credentials });
    lambda = new LambdaClient({ endpoint: url, region: REGION, credentials });
    sqs = new SQSClient({ endpoint: url, region: REGION, credentials });
  };
  const seen = (out: string): string[][] => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as string[]) : []);

  async function mapped(shards: number, mapping: Record<string, unknown> = {}) {
    const id = ++n;
    const stream = `e2e-${id}`;
    const out = join(dir, `out-${id}.jsonl`);
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: shards }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: stream });
    const zip = zipSync({ "index.cjs": Buffer.from(RECORDER) });
    await lambda.send(new CreateFunctionCommand({ FunctionName: `rec-${id}`, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zip }, Environment: { Variables: { OUT: out } } }));
    const arn = `arn:aws:kinesis:${REGION}:000000000000:stream/${stream}`;
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: `rec-${id}`, EventSourceArn: arn, StartingPosition: "TRIM_HORIZON", ...mapping }));
    return { stream, out };
  }

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(ROOT, ".sluice-e2e-kinesis-"));
    server = await startServer(dir, { key: KEY, secret: SECRET });
    clients(server.url);
  });
  afterAll(async () => {
    kinesis.destroy();
    if (server) await stopServer(server);
    rmSync(dir, { recursive: true, force: true });
  });

  it("creates a stream, writes and reads records through the SDK over HTTP/2", async () => {
    await kinesis.send(new CreateStreamCommand({ StreamName: "basic", ShardCount: 2 }));
    await waitUntilStreamExists({ client: kinesis, maxWaitTime: 30 }, { StreamName: "basic" });
    const summary = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "basic" }));
    expect(summary.StreamDescriptionSummary).toMatchObject({ StreamStatus: "ACTIVE", OpenShardCount: 2, RetentionPeriodHours: 24 });
    expect(summary.StreamDescriptionSummary?.StreamCreationTimestamp).toBeInstanceOf(Date);
    const one = await kinesis.send(new PutRecordCommand({ StreamName: "basic", PartitionKey: "k", Data: Buffer.from("hello") }));
    const many = await kinesis.send(new PutRecordsCommand({ StreamName: "basic", Records: Array.from({ length: 20 }, (_, i) => ({ PartitionKey: "k", Data: Buffer.from(`r${i}`) })) }));
    expect(many.FailedRecordCount).toBe(0);
    const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: "basic", ShardId: one.ShardId, ShardIteratorType: "AT_SEQUENCE_NUMBER", StartingSequenceNumber: one.SequenceNumber }));
    const page = await kinesis.send(new GetRecordsCommand({ ShardIterator }));
    expect(page.Records?.map((r) => Buffer.from(r.Data ?? new Uint8Array()).toString())).toEqual(["hello", ...Array.from({ length: 20 }, (_, i) => `r${i}`)]);
    expect(page.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    expect(page.MillisBehindLatest).toBe(0);
    await expect(kinesis.send(new DescribeStreamSummaryCommand({ StreamName: "missing" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it("answers CBOR requests as the Java SDK sends them", async () => {
    const signer = new SignatureV4({ credentials, region: REGION, service: "kinesis", sha256: Sha256 });
    const url = new URL(server.url);
    const call = async (action: string, input: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
      const body = encodeCbor(input);
      const signed = await signer.sign({ method: "POST", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/", headers: { host: url.host, "content-type": "application/x-amz-cbor-1.1", "x-amz-target": `Kinesis_20131202.${action}` }, body });
      const res = await fetch(server.url, { method: "POST", headers: signed.headers, body });
      expect(res.headers.get("content-type")).toBe("application/x-amz-cbor-1.1");
      return { status: res.status, body: decodeCbor(Buffer.from(await res.arrayBuffer())) as Record<string, unknown> };
    };
    expect((await call("CreateStream", { StreamName: "cbor", ShardCount: 1 })).status).toBe(200);
    const put = await call("PutRecord", { StreamName: "cbor", PartitionKey: "k", Data: Buffer.from([0, 1, 2, 255]) });
    const it_ = await call("GetShardIterator", { StreamName: "cbor", ShardId: put.body["ShardId"], ShardIteratorType: "TRIM_HORIZON" });
    const page = await call("GetRecords", { ShardIterator: it_.body["ShardIterator"] });
    const [record] = page.body["Records"] as { Data: Uint8Array; ApproximateArrivalTimestamp: Date }[];
    expect([...(record?.Data ?? [])]).toEqual([0, 1, 2, 255]);
    expect(record?.ApproximateArrivalTimestamp).toBeInstanceOf(Date);
    const missing = await call("DescribeStream", { StreamName: "nope" });
    expect(missing).toMatchObject({ status: 400, body: { __type: "ResourceNotFoundException" } });
  });

  it("maps a stream to a function: order per key under parallelization, and resharding mid-stream", async () => {
    const { stream, out } = await mapped(2, { BatchSize: 10, ParallelizationFactor: 3 });
    const put = (from: number, to: number) =>
      kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: to - from }, (_, i) => ({ PartitionKey: `key-${(from + i) % 6}`, Data: Buffer.from(`key-${(from + i) % 6}:${from + i}`) })) }));
    await put(0, 60);
    await kinesis.send(new UpdateShardCountCommand({ StreamName: stream, TargetShardCount: 3, ScalingType: "UNIFORM_SCALING" }));
    await put(60, 120);
    await eventually(() => (seen(out).flat().length >= 120 ? true : undefined), 40_000);
    for (let k = 0; k < 6; k++) {
      const order = seen(out).flat().filter((d) => d.startsWith(`key-${k}:`)).map((d) => Number(d.split(":")[1]));
      expect(order).toEqual(Array.from({ length: 20 }, (_, j) => j * 6 + k));
    }
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
    expect(shards.Shards?.filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)).toHaveLength(3);
  }, 60_000);

  it("bisects to a poison record and sends it to the on-failure queue after its retries", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "stream-failures" }));
    const dest = `arn:aws:sqs:${REGION}:000000000000:stream-failures`;
    const { stream, out } = await mapped(1, { BatchSize: 10, BisectBatchOnFunctionError: true, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: dest } } });
    await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: 10 }, (_, i) => ({ PartitionKey: "k", Data: Buffer.from(i === 6 ? "poison" : `ok-${i}`) })) }));
    const messages = await eventually(async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 2 }))).Messages, 40_000);
    const failure = JSON.parse(messages[0]?.Body ?? "{}") as { requestContext: { condition: string; approximateInvokeCount: number }; KinesisBatchInfo: { batchSize: number; streamArn: string } };
    expect(failure.requestContext).toMatchObject({ condition: "RetryAttemptsExhausted", approximateInvokeCount: 3 });
    expect(failure.KinesisBatchInfo).toMatchObject({ batchSize: 1, streamArn: `arn:aws:kinesis:${REGION}:000000000000:stream/${stream}` });
    // The halves after the poison record run once it is given up on, so they may come after the failure record.
    const succeeded = (): string[] => [...new Set(seen(out).filter((b) => !b.includes("poison")).flat())].sort();
    await eventually(() => (succeeded().length >= 9 ? true : undefined), 20_000);
    expect(succeeded()).toEqual(["ok-0", "ok-1", "ok-2", "ok-3", "ok-4", "ok-5", "ok-7", "ok-8", "ok-9"]);
  }, 60_000);

  it("resumes after kill -9 from its checkpoints without re-delivering acknowledged batches", async () => {
    const { stream, out } = await mapped(2, { BatchSize: 5 });
    await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: 30 }, (_, i) => ({ PartitionKey: `k${i % 4}`, Data: Buffer.from(`before-${i}`) })) }));
    await eventually(() => (seen(out).flat().length >= 30 ? true : undefined), 30_000);
    // Checkpoints are saved right after each batch; give the last one a moment to commit.
    await new Promise((r) => setTimeout(r, 500));
    await stopServer(server, "SIGKILL");
    server = await startServer(dir, { key: KEY, secret: SECRET });
    kinesis.destroy();
    clients(server.url);
    await kinesis.send(new PutRecordsCommand({ StreamName: stream, Records: Array.from({ length: 30 }, (_, i) => ({ PartitionKey: `k${i % 4}`, Data: Buffer.from(`after-${i}`) })) }));
    await eventually(() => (seen(out).flat().filter((d) => d.startsWith("after-")).length >= 30 ? true : undefined), 40_000);
    const all = seen(out).flat();
    expect(all.filter((d) => d.startsWith("before-"))).toHaveLength(30);
    expect(new Set(all.filter((d) => d.startsWith("after-"))).size).toBe(30);
  }, 90_000);
});
