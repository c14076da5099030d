/**
 * `npm run bench -- sqs-api`: the queue workload through the SQS API with the AWS SDK
 * (@aws-sdk/client-sqs, JSON protocol): producers send batches of 10, consumers receive
 * up to 10 and delete them in a batch, all at once, with a fixed number of requests in
 * flight. The same client drives Sluice's endpoint (`sluice start`, fsync-durable SQLite)
 * and fauxqs (an in-memory SQS emulator) in the same run. Both servers and the client
 * share this machine's cores.
 */
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { Agent } from "node:http";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkKnown, intOpt, listOpt, parseArgs } from "./lib/args.js";
import { loadAverage, machineInfo, machinePairs } from "./lib/machine.js";
import { LeanSqs } from "./lib/lean-sqs.js";
import { KEY, SECRET, startFauxqs, startSluice, type Endpoint } from "./lib/servers.js";
import { renderPairs, renderTable, ratioColumn } from "./lib/table.js";
import { formatLatency, formatRate, now, progress, Samples, type LatencySummary } from "./lib/timing.js";
import { BODY } from "./lib/workload.js";

export const description = "SQS API through the AWS SDK, batches of 10: Sluice's endpoint vs fauxqs";

const SYSTEMS = ["sluice", "fauxqs"] as const;
type System = (typeof SYSTEMS)[number];
const TARGETS = { rate: 20_000, vsFauxqs: 5 } as const;

type Client = "sdk" | "lean";

interface Result {
  readonly system: System;
  readonly client: Client;
  readonly rate: number;
  readonly send: LatencySummary | null;
  readonly receive: LatencySummary | null;
  readonly inFlight: number;
}

function client(url: string, sockets: number): SQSClient {
  return new SQSClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
    maxAttempts: 1,
    useQueueUrlAsEndpoint: false,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }) }),
  });
}

/** The three calls of the workload, through the AWS SDK or the lean client. */
interface Calls {
  create(name: string): Promise<string>;
  send(url: string, entries: { Id: string; MessageBody: string }[]): Promise<void>;
  receive(url: string): Promise<{ ReceiptHandle: string }[]>;
  remove(url: string, entries: { Id: string; ReceiptHandle: string }[]): Promise<void>;
  close(): void;
}

function sdkCalls(url: string, sockets: number): Calls {
  const sqs = client(url, sockets);
  return {
    create: async (name) => (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl ?? "",
    send: async (QueueUrl, Entries) => void (await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries }))),
    receive: async (QueueUrl) => ((await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }))).Messages ?? []).map((m) => ({ ReceiptHandle: m.ReceiptHandle ?? "" })),
    remove: async (QueueUrl, Entries) => void (await sqs.send(new DeleteMessageBatchCommand({ QueueUrl, Entries }))),
    close: () => sqs.destroy(),
  };
}

function leanCalls(url: string, sockets: number): Calls {
  const c = new LeanSqs({ url, accessKeyId: KEY, secretAccessKey: SECRET, region: "us-east-1", sockets });
  return {
    create: async (name) => (await c.call<{ QueueUrl: string }>("CreateQueue", { QueueName: name })).QueueUrl,
    send: async (QueueUrl, Entries) => void (await c.call("SendMessageBatch", { QueueUrl, Entries })),
    receive: async (QueueUrl) => (await c.call<{ Messages?: { ReceiptHandle: string }[] }>("ReceiveMessage", { QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 })).Messages ?? [],
    remove: async (QueueUrl, Entries) => void (await c.call("DeleteMessageBatch", { QueueUrl, Entries })),
    close: () => c.close(),
  };
}

async function workload(system: System, kind: Client, e: Endpoint, messages: number, inFlight: number): Promise<Result> {
  const calls = kind === "sdk" ? sdkCalls(e.url, inFlight + 4) : leanCalls(e.url, inFlight + 4);
  const QueueUrl = await calls.create(`bench-${Date.now()}`);
  const send = new Samples();
  const receive = new Samples();
  const producers = Math.max(1, Math.floor(inFlight / 2));
  let sent = 0;
  let acked = 0;
  const started = now();
  const produce = async (): Promise<void> => {
    while (sent < messages) {
      const n = Math.min(10, messages - sent);
      sent += n;
      const Entries = Array.from({ length: n }, (_, i) => ({ Id: `m${i}`, MessageBody: BODY }));
      await send.time(() => calls.send(QueueUrl, Entries));
    }
  };
  const consume = async (): Promise<void> => {
    while (acked < messages) {
      const t0 = now();
      const Messages = await calls.receive(QueueUrl);
      if (!Messages.length) continue;
      await calls.remove(QueueUrl, Messages.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })));
      receive.add(now() - t0);
      acked += Messages.length;
    }
  };
  const ticker = setInterval(() => progress(`${system}: sent ${sent}, acknowledged ${acked}`), 2000);
  try {
    await Promise.all([...Array.from({ length: producers }, produce), ...Array.from({ length: inFlight - producers }, consume)]);
  } finally {
    clearInterval(ticker);
    calls.close();
  }
  const seconds = (now() - started) / 1000;
  return { system, client: kind, rate: messages / seconds, send: send.summary(), receive: receive.summary(), inFlight };
}

async function run(system: System, kind: Client, messages: number, inFlight: number): Promise<Result> {
  const e = system === "sluice" ? await startSluice() : await startFauxqs();
  try {
    return await workload(system, kind, e, messages, inFlight);
  } finally {
    await e.stop();
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  checkKnown(args, ["messages", "in-flight", "systems", "clients"]);
  const clients = listOpt(args, "clients", ["lean", "sdk"] as const) ?? ["lean", "sdk"];
  const messages = intOpt(args, "messages") ?? 100_000;
  const inFlights = (listOpt(args, "in-flight") ?? ["16", "32", "64"]).map(Number);
  const systems = listOpt(args, "systems", SYSTEMS) ?? [...SYSTEMS];
  const m = await machineInfo({ dataDir: mkdtempSync(join(tmpdir(), "sluice-bench-probe-")) });
  console.log(`# sqs-api: ${messages} messages, batches of 10, ${inFlights.join("/")} requests in flight\n`);
  console.log(renderPairs(machinePairs(m), ["machine", ""]));
  const results: Result[] = [];
  for (const kind of clients) {
    for (const inFlight of inFlights) {
      for (const s of systems) {
        progress(`${s}, ${kind} client, ${inFlight} in flight (load ${loadAverage()})`);
        results.push(await run(s, kind, kind === "sdk" ? Math.min(messages, 20_000) : messages, inFlight));
      }
    }
  }
  for (const kind of clients) for (const inFlight of inFlights) {
    const rows = results.filter((r) => r.inFlight === inFlight && r.client === kind);
    const base = rows.find((r) => r.system === "fauxqs")?.rate;
    console.log(`\n## ${kind === "sdk" ? "AWS SDK client (@aws-sdk/client-sqs)" : "lean signed-HTTP client"}, ${inFlight} requests in flight\n`);
    console.log(
      renderTable<Result>(
        [
          { header: "system", cell: (r) => (r.system === "sluice" ? "Sluice endpoint (SQLite, fsync-durable)" : "fauxqs (in memory)") },
          { header: "msgs/s", align: "right", cell: (r) => formatRate(r.rate) },
          { header: "send batch p50 / p99 ms", align: "right", cell: (r) => formatLatency(r.send) },
          { header: "receive+delete p50 / p99 ms", align: "right", cell: (r) => formatLatency(r.receive) },
          ratioColumn<Result>("vs fauxqs", (r) => r.rate, base),
        ],
        rows,
      ),
    );
  }
  const best = Math.max(...results.filter((r) => r.system === "sluice").map((r) => r.rate));
  const bestFaux = Math.max(...results.filter((r) => r.system === "fauxqs").map((r) => r.rate));
  console.log("\nThe AWS SDK client's own work costs about 0.3 ms of CPU per request here before node:http (npm run bench -- sdk-cost), so its rows measure the client as much as the servers; the lean client signs and sends the same requests without it.");
  console.log(`\ntargets: ≥ ${formatRate(TARGETS.rate)} msgs/s through the API: ${best >= TARGETS.rate ? "met" : "missed"} (${formatRate(best)}); ≥ ${TARGETS.vsFauxqs}× fauxqs: ${best / bestFaux >= TARGETS.vsFauxqs ? "met" : "missed"} (${(best / bestFaux).toFixed(2)}×)`);
}

export function trial(): Promise<unknown> {
  return Promise.reject(new Error("sqs-api runs its servers as child processes; it has no trials"));
}
