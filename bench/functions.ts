/**
 * `npm run bench -- functions`: what Sluice's functions cost.
 *
 *  - pipeline: N messages sent to a queue, consumed by an event source mapping, handed
 *    to a trivial handler and deleted — messages per second from the first send until
 *    the queue is empty, for batch sizes 10 and 100;
 *  - latency: synchronous Invoke of a trivial handler, p50 and p99, warm (a worker kept
 *    between calls) and cold (a new function each time: worker thread start, handler
 *    load, first call).
 *
 * Runs the built package (dist/), as users do, in-process on the embedded store.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type * as SluiceModule from "../src/index.js";
import { checkKnown, intOpt, parseArgs } from "./lib/args.js";
import { loadAverage, machineInfo, machinePairs } from "./lib/machine.js";
import { renderPairs, renderTable } from "./lib/table.js";
import { formatLatency, formatRate, now, progress, Samples, type LatencySummary } from "./lib/timing.js";
import { BODY } from "./lib/workload.js";

export const description = "functions: queue → mapping → handler → delete throughput; invoke latency warm and cold";

type Sluice = typeof SluiceModule;
const ROLE = "arn:aws:iam::000000000000:role/bench";
const COLD_TARGET_MS = 50;

async function load(): Promise<Sluice> {
  return (await import(pathToFileURL(resolve("dist/index.js")).href)) as Sluice;
}

function handlerDir(root: string): string {
  const dir = join(root, "code");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), '{"type":"commonjs"}');
  writeFileSync(join(dir, "index.js"), "exports.handler = async (event) => ({ n: event.Records ? event.Records.length : 0 });\n");
  return dir;
}

async function platform(s: Sluice, root: string, spareWorkers = 1) {
  const p = await s.createPlatform({ dataDir: join(root, "data"), functions: { dataDir: join(root, "fn"), accountConcurrency: 64, spareWorkers } });
  await p.start();
  return p;
}

interface PipelineRow {
  readonly batch: number;
  readonly rate: number;
}

async function pipeline(s: Sluice, messages: number, batch: number): Promise<PipelineRow> {
  const root = mkdtempSync(join(tmpdir(), "sluice-bench-fn-"));
  const p = await platform(s, root);
  try {
    const { QueueUrl } = await p.queues.createQueue({ QueueName: "work" });
    await p.functions.deployFromDirectory({ FunctionName: "sink", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler" }, { kind: "dir", path: handlerDir(root), sha256: "bench", size: 0 });
    const t0 = now();
    await p.mappings.createEventSourceMapping({ FunctionName: "sink", EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:work", BatchSize: batch, ...(batch > 10 ? { MaximumBatchingWindowInSeconds: 1 } : {}), ScalingConfig: { MaximumConcurrency: 8 } });
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < messages; i += 10) {
      sends.push(p.queues.sendMessageBatch({ QueueUrl, Entries: Array.from({ length: 10 }, (_, k) => ({ Id: `m${k}`, MessageBody: BODY })) }));
      if (sends.length >= 32) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);
    for (;;) {
      const { Attributes = {} } = await p.queues.getQueueAttributes({ QueueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] });
      const left = Number(Attributes["ApproximateNumberOfMessages"]) + Number(Attributes["ApproximateNumberOfMessagesNotVisible"]);
      if (left === 0) break;
      progress(`batch ${batch}: ${messages - left} of ${messages} processed`);
      await new Promise((r) => setTimeout(r, 500));
    }
    return { batch, rate: messages / ((now() - t0) / 1000) };
  } finally {
    await p.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

interface LatencyRow {
  readonly kind: "warm" | "cold, spare ready" | "cold, back to back" | "cold, no spares";
  readonly summary: LatencySummary | null;
  readonly init: LatencySummary | null;
}

/**
 * Cold starts of new functions: `pauseMs` after each deployment lets the spare worker
 * taken by the previous cold start be replaced (as when cold starts are spread out);
 * 0 measures them back to back.
 */
async function coldStarts(p: Awaited<ReturnType<typeof platform>>, deploy: (name: string) => Promise<unknown>, tag: string, calls: number, pauseMs: number): Promise<{ summary: LatencySummary | null; init: LatencySummary | null }> {
  const cold = new Samples();
  const init = new Samples();
  for (let i = 0; i < calls; i++) {
    await deploy(`${tag}${i}`);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
    const out = await cold.time(() => p.functions.invoke({ FunctionName: `${tag}${i}`, Payload: "{}", LogType: "Tail" }));
    const m = /Init Duration: ([\d.]+) ms/.exec(Buffer.from(out.LogResult ?? "", "base64").toString());
    if (m?.[1]) init.add(Number(m[1]));
  }
  return { summary: cold.summary(), init: init.summary() };
}

async function latency(s: Sluice, warmCalls: number, coldCalls: number): Promise<LatencyRow[]> {
  const rows = await latencyWith(s, warmCalls, coldCalls, 1);
  const none = await latencyWith(s, 0, coldCalls, 0);
  return [...rows, ...none.filter((r) => r.kind === "cold, back to back").map((r) => ({ ...r, kind: "cold, no spares" as const }))];
}

async function latencyWith(s: Sluice, warmCalls: number, coldCalls: number, spares: number): Promise<LatencyRow[]> {
  const root = mkdtempSync(join(tmpdir(), "sluice-bench-fn-"));
  const p = await platform(s, root, spares);
  const code = handlerDir(root);
  const deploy = (name: string) => p.functions.deployFromDirectory({ FunctionName: name, Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler" }, { kind: "dir", path: code, sha256: name, size: 0 });
  try {
    const warm = new Samples();
    await deploy("warm");
    if (warmCalls > 0) await p.functions.invoke({ FunctionName: "warm" });
    for (let i = 0; i < warmCalls; i++) await warm.time(() => p.functions.invoke({ FunctionName: "warm", Payload: "{}" }));
    const ready = await coldStarts(p, deploy, "ready", coldCalls, 300);
    const back = await coldStarts(p, deploy, "back", coldCalls, 0);
    return [
      { kind: "warm", summary: warm.summary(), init: null },
      { kind: "cold, spare ready", ...ready },
      { kind: "cold, back to back", ...back },
    ];
  } finally {
    await p.stop();
    rmSync(root, { recursive: true, force: true });
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  checkKnown(args, ["messages", "warm", "cold"]);
  const messages = intOpt(args, "messages") ?? 50_000;
  const s = await load();
  const m = await machineInfo({ dataDir: mkdtempSync(join(tmpdir(), "sluice-bench-probe-")) });
  console.log(`# functions: ${messages} messages through a mapping; invoke latency\n`);
  console.log(renderPairs(machinePairs(m), ["machine", ""]));
  const rows: PipelineRow[] = [];
  for (const batch of [10, 100]) {
    progress(`pipeline, batch ${batch} (load ${loadAverage()})`);
    rows.push(await pipeline(s, messages, batch));
  }
  console.log("\n## queue → mapping → handler → delete (SQLite, fsync-durable)\n");
  console.log(renderTable<PipelineRow>([{ header: "batch size", align: "right", cell: (r) => String(r.batch) }, { header: "msgs/s", align: "right", cell: (r) => formatRate(r.rate) }], rows));
  progress(`latency (load ${loadAverage()})`);
  const lat = await latency(s, intOpt(args, "warm") ?? 2000, intOpt(args, "cold") ?? 30);
  console.log("\n## synchronous Invoke of a trivial handler\n");
  console.log(
    renderTable<LatencyRow>(
      [
        { header: "start", cell: (r) => r.kind },
        { header: "invoke p50 / p99 ms", align: "right", cell: (r) => formatLatency(r.summary) },
        { header: "handler load (Init Duration) p50 / p99 ms", align: "right", cell: (r) => formatLatency(r.init) },
      ],
      lat,
    ),
  );
  console.log("\nA cold start adopts a spare worker thread (started ahead, blank) when one is ready and only loads the handler; without one it starts a thread first. Spares are replaced after each cold start, so back-to-back cold starts often find none ready.");
  const cold = lat.find((r) => r.kind === "cold, spare ready")?.summary;
  console.log(`\ntarget: cold start ≤ ${COLD_TARGET_MS} ms: ${cold && cold.p50 <= COLD_TARGET_MS ? "met" : "missed"} (p50 ${cold ? cold.p50.toFixed(1) : "n/a"} ms)`);
}

export function trial(): Promise<unknown> {
  return Promise.reject(new Error("functions has no trials"));
}
