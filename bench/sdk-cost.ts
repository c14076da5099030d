/**
 * `npm run bench -- sdk-cost`: how much CPU the AWS SDK for JavaScript v3 client alone
 * costs per call on this machine, with no server and no network. Real clients
 * (`SQSClient`, `DynamoDBClient`) send the workloads' real requests through a request
 * handler that never opens a socket and answers what a real server answers, so the SDK
 * does all its normal work: building the command, middleware, endpoint resolution,
 * SigV4 signing, serialisation, response parsing and the SQS MD5 checks. Each call is
 * awaited before the next; the CPU time of the process (user + system, GC threads
 * included) over N calls, after a warm-up, is the client's own cost per call. Inputs are
 * built before the timed loop.
 *
 * It sets a floor under two targets whose SDK clients share the machine's 2 cores with
 * the server: issue 3's ≥ 20,000 msgs/s through @aws-sdk/client-sqs (SendMessageBatch of
 * 10, ReceiveMessage of 10, DeleteMessageBatch of 10: 3 requests per 10 messages) and
 * issue 8's 558,000-row CSV pipeline in ≤ 20 s (each row one conditional Put and one
 * conditional Update, both in TransactWriteItems of 100 actions). A real client also
 * pays for node:http and its socket on top of this.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { randomBytes, randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { checkKnown, flag, intOpt, parseArgs } from "./lib/args.js";
import { putAction, updateAction } from "./lib/csv-actions.js";
import { loadAverage, machineInfo, machinePairs, packageVersion } from "./lib/machine.js";
import { md5, measure, pool, POOL, QUEUE_URL, sendBatchCase, sqsClient, ten, transactCase, type Case, type Measured } from "./lib/sdk-calls.js";
import { renderPairs, renderTable } from "./lib/table.js";
import { formatRate, median } from "./lib/timing.js";
import { BODY } from "./lib/workload.js";

export const description = "CPU of the AWS SDK v3 client alone per call (no server, no network): the floor under the SQS and CSV targets";

const DEFAULTS = { calls: 5000, warmup: 300, repeat: 3 } as const;
const TARGETS = { sqsRate: 20_000, csvRows: 558_000, csvSeconds: 20, cores: 2 } as const;
const USAGE = `usage: npm run bench -- sdk-cost [options]

  --calls N    timed calls of each request per run (default ${DEFAULTS.calls}; DynamoDB's
               transactions of 100 run N/10)
  --warmup N   untimed calls of each request first (default ${DEFAULTS.warmup})
  --repeat R   runs of each request, interleaved; the median is reported (default ${DEFAULTS.repeat})
  --help       this text`;

const us = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

// ---- the SQS calls of issue 3's workload ----

const sendCase = (): Case => sendBatchCase("SendMessageBatch", "10 entries of the sqs-api bench's 100-byte body", () => BODY);

function receiveCase(): Case {
  const Messages = ten(() => ({ MessageId: randomUUID(), ReceiptHandle: randomBytes(150).toString("base64"), MD5OfBody: md5(BODY), Body: BODY, Attributes: {} }));
  const sqs = sqsClient({ Messages });
  const inputs = pool(() => ({ QueueUrl: QUEUE_URL, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
  return {
    name: "ReceiveMessage",
    shape: "MaxNumberOfMessages 10; 10 messages with MD5OfBody and 200-char receipt handles",
    units: 10,
    unit: "message",
    scale: 1,
    call: async (i) => {
      const out = await sqs.send(new ReceiveMessageCommand(inputs[i % POOL]!));
      if (out.Messages?.length !== 10 || out.Messages[9]?.Body !== BODY) throw new Error("ReceiveMessage: expected 10 messages");
    },
  };
}

function deleteCase(): Case {
  const sqs = sqsClient({ Successful: ten((k) => ({ Id: `d${k}` })), Failed: [] });
  const inputs = pool(() => ({ QueueUrl: QUEUE_URL, Entries: ten((k) => ({ Id: `d${k}`, ReceiptHandle: randomBytes(150).toString("base64") })) }));
  return {
    name: "DeleteMessageBatch",
    shape: "10 entries with 200-char receipt handles",
    units: 10,
    unit: "message",
    scale: 1,
    call: async (i) => {
      const out = await sqs.send(new DeleteMessageBatchCommand(inputs[i % POOL]!));
      if (out.Successful?.length !== 10) throw new Error("DeleteMessageBatch: expected 10 successful entries");
    },
  };
}

function cases(): Case[] {
  return [
    sendCase(),
    receiveCase(),
    deleteCase(),
    transactCase("TransactWriteItems, puts", "100 conditional Puts of 16-attribute items (store.ts)", putAction),
    transactCase("TransactWriteItems, updates", "100 conditional Updates (update.ts)", updateAction),
  ];
}

// ---- reporting ----

const cpuOf = (m: Measured): number => median(m.cpuUs);

function resultTable(results: readonly Measured[]): string {
  return renderTable<Measured>(
    [
      { header: "call", cell: (m) => m.c.name },
      { header: "request", cell: (m) => m.c.shape },
      { header: "CPU µs / call", align: "right", cell: (m) => us(cpuOf(m)) },
      { header: "runs (min–max)", align: "right", cell: (m) => `${us(Math.min(...m.cpuUs))}–${us(Math.max(...m.cpuUs))}` },
      { header: "CPU µs / message or item", align: "right", cell: (m) => us(cpuOf(m) / m.c.units) },
      { header: "wall µs / call", align: "right", cell: (m) => us(median(m.wallUs)) },
    ],
    results,
  );
}

function cpuNamed(results: readonly Measured[], name: string): number {
  const m = results.find((r) => r.c.name === name);
  if (!m) throw new Error(`no result for ${name}`);
  return cpuOf(m);
}

function sqsFloor(results: readonly Measured[]): [string, string][] {
  const per10 = cpuNamed(results, "SendMessageBatch") + cpuNamed(results, "ReceiveMessage") + cpuNamed(results, "DeleteMessageBatch");
  const perMsg = per10 / 10;
  const rate = (cores: number): number => (cores * 1e6) / perMsg;
  const needed = (TARGETS.sqsRate * perMsg) / 1e6;
  return [
    ["client CPU per 10 messages (send + receive + delete)", `${us(per10)} µs (${us(perMsg)} µs per message)`],
    [`most msgs/s the client alone allows on ${TARGETS.cores} whole cores`, formatRate(rate(TARGETS.cores))],
    ["most msgs/s the client alone allows on 1 core", formatRate(rate(1))],
    [`cores the client alone needs at ${formatRate(TARGETS.sqsRate)} msgs/s`, `${needed.toFixed(2)} of ${TARGETS.cores} (${((needed / TARGETS.cores) * 100).toFixed(0)}%), leaving ${Math.max(0, TARGETS.cores - needed).toFixed(2)} for the server`],
  ];
}

function csvFloor(results: readonly Measured[]): [string, string][] {
  const perRow = (cpuNamed(results, "TransactWriteItems, puts") + cpuNamed(results, "TransactWriteItems, updates")) / 100;
  const cpuSeconds = (TARGETS.csvRows * perRow) / 1e6;
  const wall = cpuSeconds / TARGETS.cores;
  return [
    ["SDK CPU per row (one put + one update)", `${us(perRow)} µs`],
    [`SDK CPU for ${TARGETS.csvRows.toLocaleString("en-US")} rows`, `${cpuSeconds.toFixed(1)} CPU s`],
    [`as wall time on ${TARGETS.cores} cores at 100%`, `${wall.toFixed(1)} s = ${((wall / TARGETS.csvSeconds) * 100).toFixed(0)}% of the ${TARGETS.csvSeconds} s target`],
  ];
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) {
    console.log(USAGE);
    return;
  }
  checkKnown(args, ["calls", "warmup", "repeat", "help"]);
  const n = intOpt(args, "calls", 10) ?? DEFAULTS.calls;
  const warmup = intOpt(args, "warmup", 0) ?? DEFAULTS.warmup;
  const repeat = intOpt(args, "repeat") ?? DEFAULTS.repeat;
  const info = await machineInfo({ dataDir: tmpdir() });
  const machine = machinePairs(info).filter(([k]) => ["CPU", "memory", "OS", "Node", "load average at start"].includes(k));
  machine.push(["AWS SDK", `@aws-sdk/client-sqs ${packageVersion("@aws-sdk/client-sqs")}, @aws-sdk/client-dynamodb ${packageVersion("@aws-sdk/client-dynamodb")}`]);
  console.log(`# sdk-cost: the AWS SDK client's own CPU per call, no server, no network\n`);
  console.log(renderPairs(machine, ["machine", ""]));
  const results = await measure(cases(), n, warmup, repeat);
  console.log(`\n## CPU per call: median of ${repeat} runs of ${n} calls (${n / 10} for the transactions of 100), after ${warmup} warm-up calls\n`);
  console.log(resultTable(results));
  console.log(`\n## Issue 3: SQS API, ≥ ${formatRate(TARGETS.sqsRate)} msgs/s\n`);
  console.log(renderPairs(sqsFloor(results), ["floor", ""]));
  console.log(`\n## Issue 8: CSV pipeline, ${TARGETS.csvRows.toLocaleString("en-US")} rows in ≤ ${TARGETS.csvSeconds} s\n`);
  console.log(renderPairs(csvFloor(results), ["floor", ""]));
  console.log(`\nload average at end: ${loadAverage()}`);
}
