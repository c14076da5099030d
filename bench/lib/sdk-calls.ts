/**
 * Real AWS SDK v3 clients timed alone: each client sends its requests through a request
 * handler that never opens a socket and answers what the service answers, so the SDK
 * does all its normal work (command, middleware, endpoint resolution, SigV4 signing,
 * serialisation, response parsing, SQS MD5 checks) and nothing else runs. A `Case` is
 * one request of a workload; `measure` times cases interleaved by process CPU time.
 * Used by the sdk-cost and csv-floor benches.
 */
import { DynamoDBClient, TransactWriteItemsCommand, type TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { HttpResponse, type HttpHandler } from "@smithy/protocol-http";
import { createHash, randomUUID } from "node:crypto";
import { cpuUsage } from "node:process";
import { Readable } from "node:stream";
import { loadAverage } from "./machine.js";
import { KEY, SECRET } from "./servers.js";
import { now, progress } from "./timing.js";

const ENDPOINT = "http://127.0.0.1:1";
export const QUEUE_URL = `${ENDPOINT}/000000000000/bench-sdk-cost`;
/** Distinct inputs cycled through, so no call sends the same objects as the one before. */
export const POOL = 16;

/** One request of a workload, timed alone. */
export interface Case {
  readonly name: string;
  readonly shape: string;
  /** Messages (SQS) or items (DynamoDB) per call. */
  readonly units: number;
  readonly unit: "message" | "item";
  /** Calls per run, as a share of the run's calls. */
  readonly scale: number;
  /** One call with the i-th input; throws when the answer is not what the server sent. */
  call(i: number): Promise<void>;
}

export interface Measured {
  readonly c: Case;
  readonly cpuUs: number[];
  readonly wallUs: number[];
}

export function md5(s: string): string {
  return createHash("md5").update(s).digest("hex");
}

/** A handler that answers every request with the same JSON body, as the service would. */
function canned(contentType: string, answer: unknown): HttpHandler {
  const body = Buffer.from(JSON.stringify(answer));
  return {
    handle: () =>
      Promise.resolve({
        response: new HttpResponse({
          statusCode: 200,
          headers: { "content-type": contentType, "content-length": String(body.length), "x-amzn-requestid": randomUUID(), date: new Date().toUTCString() },
          body: Readable.from([body]),
        }),
      }),
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

const AWS_JSON_1_0 = "application/x-amz-json-1.0";
const clientBase = { endpoint: ENDPOINT, region: "us-east-1", credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, maxAttempts: 1 } as const;

export function sqsClient(answer: unknown): SQSClient {
  return new SQSClient({ ...clientBase, useQueueUrlAsEndpoint: false, requestHandler: canned(AWS_JSON_1_0, answer) });
}

function dynamoClient(): DynamoDBClient {
  return new DynamoDBClient({ ...clientBase, requestHandler: canned(AWS_JSON_1_0, {}) });
}

export const ten = <T>(f: (k: number) => T): T[] => Array.from({ length: 10 }, (_, k) => f(k));
export const pool = <T>(f: (p: number) => T): T[] => Array.from({ length: POOL }, (_, p) => f(p));

/** SendMessageBatch of 10 entries; `body(p, k)` is the k-th entry's body of the p-th input. */
export function sendBatchCase(name: string, shape: string, body: (p: number, k: number) => string): Case {
  const inputs = pool((p) => ({ QueueUrl: QUEUE_URL, Entries: ten((k) => ({ Id: `m${k}`, MessageBody: body(p, k) })) }));
  // The answer's digests must match the bodies sent: inputs with the same bodies share a client.
  const byBodies = new Map<string, SQSClient>();
  const clients = inputs.map((input) => {
    const digests = input.Entries.map((e) => md5(e.MessageBody));
    const key = digests.join();
    const client = byBodies.get(key) ?? sqsClient({ Successful: input.Entries.map((e, k) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: digests[k] })), Failed: [] });
    byBodies.set(key, client);
    return client;
  });
  return {
    name,
    shape,
    units: 10,
    unit: "message",
    scale: 1,
    call: async (i) => {
      const out = await clients[i % POOL]!.send(new SendMessageBatchCommand(inputs[i % POOL]!));
      if (out.Successful?.length !== 10) throw new Error(`${name}: expected 10 successful entries`);
    },
  };
}

/** TransactWriteItems of 100 actions, `action(n)` for distinct n. */
export function transactCase(name: string, shape: string, action: (n: number) => TransactWriteItem): Case {
  const dynamo = dynamoClient();
  const inputs = pool((p) => ({ TransactItems: Array.from({ length: 100 }, (_, k) => action(p * 100 + k + 1)) }));
  return {
    name,
    shape,
    units: 100,
    unit: "item",
    scale: 0.1,
    call: async (i) => {
      const out = await dynamo.send(new TransactWriteItemsCommand(inputs[i % POOL]!));
      if (out.$metadata.httpStatusCode !== 200) throw new Error(`${name}: expected HTTP 200`);
    },
  };
}

async function calls(c: Case, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await c.call(i);
}

/** CPU and wall microseconds per call over `n` sequential calls. */
async function timed(c: Case, n: number): Promise<{ cpu: number; wall: number }> {
  const t0 = now();
  const cpu0 = cpuUsage();
  await calls(c, n);
  const cpu = cpuUsage(cpu0);
  const wall = now() - t0;
  return { cpu: (cpu.user + cpu.system) / n, wall: (wall * 1000) / n };
}

/** Each case checked once, warmed up, then timed `repeat` times interleaved with the others. */
export async function measure(all: readonly Case[], n: number, warmup: number, repeat: number): Promise<Measured[]> {
  for (const c of all) await c.call(0);
  const out = all.map((c) => ({ c, cpuUs: [] as number[], wallUs: [] as number[] }));
  for (const c of all) {
    progress(`${c.name}: warm-up, ${warmup} calls`);
    await calls(c, warmup);
  }
  for (let r = 1; r <= repeat; r++) {
    for (const m of out) {
      const runCalls = Math.max(1, Math.round(n * m.c.scale));
      const t = await timed(m.c, runCalls);
      m.cpuUs.push(t.cpu);
      m.wallUs.push(t.wall);
      progress(`run ${r}/${repeat}: ${m.c.name}, ${runCalls} calls, ${t.cpu.toFixed(0)} µs CPU per call (load ${loadAverage()})`);
    }
  }
  return out;
}
