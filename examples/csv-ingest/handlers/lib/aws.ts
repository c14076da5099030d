/**
 * The AWS SDK clients the handlers share (created once per worker, so warm invocations
 * reuse connections) and the calls every stage makes: sending packed message bodies
 * in batches of 10, setting a row aside in a FIFO retry queue, and counting progress.
 * The SDK finds the endpoint and keys in the environment Sluice gives handlers
 * (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID…), exactly as it would in Lambda.
 */
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient, type SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import type { Row } from "./rows.js";

export const sqs = new SQSClient({});
export const dynamo = new DynamoDBClient({});

/** Resource names, from the function's environment (sluice.config.ts sets them). */
export const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is not set`);
  return v;
};

const urls = new Map<string, Promise<string>>();

export function queueUrl(name: string): Promise<string> {
  let u = urls.get(name);
  if (!u) {
    u = sqs.send(new GetQueueUrlCommand({ QueueName: name })).then((r) => r.QueueUrl ?? "");
    u.catch(() => urls.delete(name));
    urls.set(name, u);
  }
  return u;
}

const MAX_BATCH_BYTES = 900_000;

/** Groups entries into SendMessageBatch calls: 10 entries and under 1 MiB each. */
function batches(entries: SendMessageBatchRequestEntry[]): SendMessageBatchRequestEntry[][] {
  const out: SendMessageBatchRequestEntry[][] = [];
  let cur: SendMessageBatchRequestEntry[] = [];
  let bytes = 0;
  for (const e of entries) {
    const size = Buffer.byteLength(e.MessageBody ?? "");
    if (cur.length === 10 || (cur.length && bytes + size > MAX_BATCH_BYTES)) {
      out.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(e);
    bytes += size;
  }
  if (cur.length) out.push(cur);
  return out;
}

/** Sends every entry, resending the ones a batch reports as failed; rejects if some never go. */
export async function sendEntries(queue: string, entries: SendMessageBatchRequestEntry[], inFlight = 4): Promise<void> {
  const QueueUrl = await queueUrl(queue);
  const todo = batches(entries);
  const worker = async (): Promise<void> => {
    for (let b = todo.shift(); b; b = todo.shift()) {
      let pending = b;
      for (let attempt = 0; pending.length; attempt++) {
        if (attempt === 5) throw new Error(`${pending.length} messages to ${queue} failed 5 times`);
        const r = await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: pending }));
        const failed = new Set((r.Failed ?? []).map((f) => f.Id));
        pending = pending.filter((e) => failed.has(e.Id));
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
}

export function sendBodies(queue: string, bodies: string[], inFlight = 4): Promise<void> {
  return sendEntries(queue, bodies.map((MessageBody, i) => ({ Id: `m${i}`, MessageBody })), inFlight);
}

/**
 * Sets rows aside in a FIFO retry queue, one message each with its reason. The
 * deduplication id is the row id, so a redelivered batch that sets the same row aside
 * again within SQS's 5-minute window adds nothing: each row reaches the DLQ once.
 */
export function setAside(queue: string, stage: string, failed: { row: Row; reason: string }[]): Promise<void> {
  const entries = failed.map(({ row, reason }, i) => ({
    Id: `r${i}`,
    MessageBody: JSON.stringify({ rows: [row], stage, reason }),
    MessageGroupId: row[0] ?? "row",
    MessageDeduplicationId: `${stage}-${row[0] ?? i}`,
  }));
  return sendEntries(queue, entries, 1);
}

/** Adds to a progress counter (display only: the reconciliation counts rows itself). */
export async function count(name: string, n: number): Promise<void> {
  if (n <= 0) return;
  await dynamo.send(
    new UpdateItemCommand({
      TableName: env("STATE_TABLE"),
      Key: { id: { S: `count#${name}` } },
      UpdateExpression: "ADD #n :n",
      ExpressionAttributeNames: { "#n": "n" },
      ExpressionAttributeValues: { ":n": { N: String(n) } },
    }),
  );
}

/** The error's name (the AWS error code for SDK errors). */
export const errorName = (err: unknown): string => (err instanceof Error ? err.name : typeof err);
export const errorMessage = (err: unknown): string => (err instanceof Error ? err.message : String(err));
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
