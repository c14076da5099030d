/**
 * `npm run bench -- csv-floor`: the least CPU the 558k-row CSV pipeline (issue 8) needs
 * on this machine, as a sum of parts each measured alone:
 *
 * - what the example's handlers must do as written: their AWS SDK calls (real clients,
 *   no network; bench/lib/sdk-calls.ts) and the cleaner's CSV reading and cleaning over
 *   the generated file in memory;
 * - the least HTTP between them: node:http keep-alive round trips carrying those
 *   requests to a server that only reads them (bench/lib/bare-http.ts);
 * - a lower bound of the server's share: SHA-256 and JSON.parse of the request bodies,
 *   the table's and change stream's rows written with raw SQL at one fsync'd commit
 *   per 100 items, the stream read back 1,000 records per event and parsed by the
 *   handler (bench/lib/bare-store.ts).
 *
 * Everything else a real run does — SigV4 verification beyond the payload hash,
 * validation, conditions, Lambda events and thread hand-offs, the queues' receives and
 * deletes, the finished queue, counters, GC under concurrency — is left out, so the
 * sum is a floor: the pipeline cannot take less CPU. Divided by the machine's 2 cores,
 * it is the least wall time any implementation of the pipeline as the issue states it
 * could reach here.
 */
import { existsSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { cpuUsage } from "node:process";
import { defaultCsv, FULL_ROWS, generate } from "../examples/csv-ingest/generate.js";
import { cleanRecord } from "../examples/csv-ingest/handlers/lib/clean-row.js";
import { readRecord } from "../examples/csv-ingest/handlers/lib/csv.js";
import { pack, type Row } from "../examples/csv-ingest/handlers/lib/rows.js";
import { checkKnown, flag, intOpt, parseArgs } from "./lib/args.js";
import { httpCostUs } from "./lib/bare-http.js";
import { bareStoreParts, requestBodies, type Part } from "./lib/bare-store.js";
import { putAction, row, updateAction } from "./lib/csv-actions.js";
import { loadAverage, machineInfo, machinePairs, packageVersion } from "./lib/machine.js";
import { measure, QUEUE_URL, sendBatchCase, ten, transactCase, type Measured } from "./lib/sdk-calls.js";
import { renderPairs, renderTable } from "./lib/table.js";
import { median, progress } from "./lib/timing.js";

export const description = "csv-floor: the least CPU the 558k-row CSV pipeline needs here (its SDK calls, its cleaner, bare durable storage), vs the 20 s target";

const DEFAULTS = { rows: 100_000, repeat: 3, calls: 2000, warmup: 300 } as const;
const TARGET = { rows: FULL_ROWS, seconds: 20, cores: 2 } as const;
/** Queues whose messages carry 50 rows, each sent once per row: rows (clean.ts) and process (fan.ts). */
const FIFTY_ROW_HOPS = 2;
/** Timed HTTP requests of each kind per run. */
const HTTP_REQUESTS = 1000;

const USAGE = `usage: npm run bench -- csv-floor [options]

  --rows N     rows for the cleaner and the bare store parts (default ${DEFAULTS.rows.toLocaleString("en-US")};
               results are per row, scaled to ${TARGET.rows.toLocaleString("en-US")})
  --repeat R   runs of every part; the median is reported (default ${DEFAULTS.repeat})
  --help       this text`;

interface PartResult {
  readonly name: string;
  readonly side: "handlers" | "http" | "server";
  readonly runs: number[];
}

/** The cleaner's own work per record: the example's reader, cleaner and packing, file in memory. */
function cleanPart(file: Buffer): Part {
  const t0 = cpuUsage();
  let records = 0;
  let batch: Row[] = [];
  for (let pos = 0; pos < file.length; ) {
    const rec = readRecord(file, pos, true)!;
    pos = rec.end;
    records++;
    const c = cleanRecord(rec.fields);
    if (c.ok) batch.push(c.row);
    if (batch.length >= 500) {
      pack(batch, 50);
      batch = [];
    }
  }
  const t = cpuUsage(t0);
  return { name: "clean handler: read, clean and pack the CSV (its own code, in memory)", usPerRow: (t.user + t.system) / records };
}

function csvFile(rows: number): Buffer {
  const file = defaultCsv(rows);
  if (!existsSync(file)) {
    progress(`generating ${file}`);
    generate(file, rows);
  }
  return readFileSync(file);
}

const fiftyRows = (p: number, k: number): string => pack(Array.from({ length: 50 }, (_, j) => row((p * 10 + k) * 50 + j)), 50)[0]!;

async function sdkParts(repeat: number): Promise<{ name: string; runs: number[] }[]> {
  const cases = [
    transactCase("put", "", putAction),
    transactCase("update", "", updateAction),
    sendBatchCase("send", "", fiftyRows),
  ];
  const [put, update, send] = (await measure(cases, DEFAULTS.calls, DEFAULTS.warmup, repeat)) as [Measured, Measured, Measured];
  return [
    { name: "handlers' AWS SDK: conditional Put in TransactWriteItems of 100 (store.ts)", runs: put.cpuUs.map((us) => us / 100) },
    { name: "handlers' AWS SDK: conditional Update in TransactWriteItems of 100 (update.ts)", runs: update.cpuUs.map((us) => us / 100) },
    { name: `handlers' AWS SDK: SendMessageBatch of 10 × 50 rows, ${FIFTY_ROW_HOPS} queues (clean.ts, fan.ts)`, runs: send.cpuUs.map((us) => (FIFTY_ROW_HOPS * us) / 500) },
  ];
}

/** The handlers' requests over node:http: a put and an update transaction per 100 rows, a SendMessageBatch per 500 rows on each of the two queues. */
async function httpPart(rows: number): Promise<Part> {
  const n = Math.min(rows, 20_000);
  const sends = Array.from({ length: 16 }, (_, p) => JSON.stringify({ QueueUrl: QUEUE_URL, Entries: ten((k) => ({ Id: `m${k}`, MessageBody: fiftyRows(p, k) })) }));
  const put = await httpCostUs(requestBodies(n, putAction), HTTP_REQUESTS, DEFAULTS.warmup);
  const update = await httpCostUs(requestBodies(n, updateAction), HTTP_REQUESTS, DEFAULTS.warmup);
  const send = await httpCostUs(sends, HTTP_REQUESTS, DEFAULTS.warmup);
  return { name: `HTTP, both sides: node:http round trips (2 per 100 rows, ${FIFTY_ROW_HOPS} per 500 rows)`, usPerRow: (put + update) / 100 + (FIFTY_ROW_HOPS * send) / 500 };
}

async function measureAll(rows: number, repeat: number): Promise<PartResult[]> {
  const file = csvFile(rows);
  const sdk = await sdkParts(repeat);
  const http: PartResult = { name: "", side: "http", runs: [] };
  for (let r = 1; r <= repeat; r++) {
    progress(`run ${r}/${repeat}: HTTP round trips (load ${loadAverage()})`);
    const p = await httpPart(rows);
    Object.assign(http, { name: p.name });
    http.runs.push(p.usPerRow);
  }
  const local = new Map<string, PartResult>();
  cleanPart(file); // warm-up: the floor is the cleaner's compiled speed, not its first pass
  for (let r = 1; r <= repeat; r++) {
    progress(`run ${r}/${repeat}: cleaner and bare store over ${rows.toLocaleString("en-US")} rows (load ${loadAverage()})`);
    const parts = [cleanPart(file), ...bareStoreParts(rows)];
    for (const p of parts) {
      const side = p.name.startsWith("clean") || p.name.startsWith("fan") ? "handlers" : "server";
      const got = local.get(p.name) ?? { name: p.name, side, runs: [] };
      got.runs.push(p.usPerRow);
      local.set(p.name, got);
    }
  }
  return [...sdk.map((s) => ({ ...s, side: "handlers" as const })), http, ...local.values()];
}

const fmt = (us: number): string => us.toFixed(1);
const cpuSeconds = (usPerRow: number): number => (usPerRow * TARGET.rows) / 1e6;

function report(results: readonly PartResult[]): string {
  const table = renderTable<PartResult>(
    [
      { header: "part", cell: (p) => p.name },
      { header: "CPU µs / row", align: "right", cell: (p) => fmt(median(p.runs)) },
      { header: "runs (min–max)", align: "right", cell: (p) => `${fmt(Math.min(...p.runs))}–${fmt(Math.max(...p.runs))}` },
      { header: `CPU s for ${TARGET.rows.toLocaleString("en-US")} rows`, align: "right", cell: (p) => cpuSeconds(median(p.runs)).toFixed(1) },
    ],
    results,
  );
  const sum = (side?: string): number => results.filter((p) => !side || p.side === side).reduce((a, p) => a + median(p.runs), 0);
  const all = cpuSeconds(sum());
  const least = all / TARGET.cores;
  const pairs: [string, string][] = [
    ["handlers (their code and SDK)", `${fmt(sum("handlers"))} µs/row = ${cpuSeconds(sum("handlers")).toFixed(1)} CPU s`],
    ["HTTP between them", `${fmt(sum("http"))} µs/row = ${cpuSeconds(sum("http")).toFixed(1)} CPU s`],
    ["server and store, lower bound", `${fmt(sum("server"))} µs/row = ${cpuSeconds(sum("server")).toFixed(1)} CPU s`],
    ["the floor", `${fmt(sum())} µs/row = ${all.toFixed(1)} CPU s`],
    [`least wall time on ${TARGET.cores} cores at 100%`, `${least.toFixed(1)} s = ${((least / TARGET.seconds) * 100).toFixed(0)}% of the ${TARGET.seconds} s target`],
  ];
  return `${table}\n\n${renderPairs(pairs, ["floor", ""])}`;
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) {
    console.log(USAGE);
    return;
  }
  checkKnown(args, ["rows", "repeat", "help"]);
  const rows = intOpt(args, "rows", 1000) ?? DEFAULTS.rows;
  const repeat = intOpt(args, "repeat") ?? DEFAULTS.repeat;
  const info = await machineInfo({ dataDir: tmpdir() });
  const machine = machinePairs(info).filter(([k]) => ["CPU", "memory", "OS", "Node", "SQLite", "data dir", "fsync cost", "load average at start"].includes(k));
  machine.push(["AWS SDK", `@aws-sdk/client-sqs ${packageVersion("@aws-sdk/client-sqs")}, @aws-sdk/client-dynamodb ${packageVersion("@aws-sdk/client-dynamodb")}`]);
  console.log(`# csv-floor: the least CPU of the ${TARGET.rows.toLocaleString("en-US")}-row CSV pipeline on this machine\n`);
  console.log(renderPairs(machine, ["machine", ""]));
  const results = await measureAll(rows, repeat);
  console.log(`\n## Parts, each measured alone: median of ${repeat} runs\n`);
  console.log(report(results));
  console.log(`\nLeft out, each only adding: SigV4 verification beyond the payload hash, request validation and condition checks, Lambda events and thread hand-offs, the queues' receives and deletes, the finished queue, counters, GC under concurrency.`);
  console.log(`\nload average at end: ${loadAverage()}`);
}
