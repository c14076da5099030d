/**
 * `npm run bench -- tables`: Sluice's DynamoDB tables — put, get, query and batch-write
 * rates — in process and over the API, side by side in one run:
 *
 *  - put: N PutItem calls of 1 KiB items, C concurrent callers;
 *  - get: N GetItem calls of random existing keys, C callers (table loaded first);
 *  - query: every partition (100 items), three times over, paged by Query 25 at a time,
 *    plus one begins_with range query of 10 items per partition read, C callers;
 *  - batch: N items written by BatchWriteItem calls of 25, C callers.
 *
 * Systems: Sluice in process (`platform.tables.call`, built dist/) on the embedded
 * SQLite store (fsync-durable, writer inline) and on PostgreSQL; Sluice's endpoint
 * (`sluice start`, same SQLite store) through @aws-sdk/client-dynamodb and through a
 * lean SigV4 client. Each trial runs in a fresh child process (lib/child.ts) on a fresh
 * store; an endpoint trial gets a fresh `sluice start`. Helpers: lib/tables-*.ts.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkKnown, flag, intOpt, listOpt, parseArgs, stringOpt, type ParsedArgs } from "./lib/args.js";
import { runInChild } from "./lib/child.js";
import { pidsNamed, settle } from "./lib/cpu.js";
import { DEFAULT_PG_URL, loadAverage, machineInfo, machinePairs, packageVersion } from "./lib/machine.js";
import { summarizeProfile } from "./lib/profile.js";
import { startSluice, type Endpoint } from "./lib/servers.js";
import { renderPairs } from "./lib/table.js";
import { openDoor, type DoorSpec, type TableDoor } from "./lib/tables-doors.js";
import { summaryTable, workloadTable, type Row } from "./lib/tables-report.js";
import { BATCH_ITEMS, createTable, deleteTable, ITEM_BYTES, load, needsLoad, PAGE_ITEMS, PARTITION_ITEMS, PREFIX_ITEMS, QUERY_PASSES, runWorkload, warmUp, WORKLOADS, type Workload, type WorkloadResult } from "./lib/tables-workload.js";
import { formatLatency, formatRate, progress } from "./lib/timing.js";

export const description = "tables: PutItem, GetItem, Query and BatchWriteItem rates, in process (SQLite, PostgreSQL) and over the API";

const SYSTEMS = ["sluice-sqlite", "sluice-postgres", "api-sdk", "api-lean"] as const;
type System = (typeof SYSTEMS)[number];

const DEFAULTS = { items: 10_000, concurrency: 32, settle: 30 } as const;
const QUICK = { items: 2_000 } as const;
/** A run during which other work on the machine used at least this many cores is retried. */
const DISTURBED_CORES = 0.3;

interface TrialSpec {
  readonly system: System;
  readonly workload: Workload;
  readonly items: number;
  readonly concurrency: number;
  readonly url: string;
  readonly pgUrl: string;
  readonly serverPids: number[];
}

type TrialResult = { readonly status: "ok"; readonly result: WorkloadResult } | { readonly status: "error"; readonly error: string };

// ---------------------------------------------------------------- child side

function doorOf(spec: TrialSpec): DoorSpec {
  switch (spec.system) {
    case "sluice-sqlite":
      return { kind: "sqlite" };
    case "sluice-postgres":
      return { kind: "postgres", pgUrl: spec.pgUrl };
    case "api-sdk":
      return { kind: "sdk", url: spec.url };
    case "api-lean":
      return { kind: "lean", url: spec.url, sockets: spec.concurrency };
  }
}

export async function trial(raw: unknown): Promise<TrialResult> {
  const spec = raw as TrialSpec;
  const label = `${spec.workload} · ${spec.system}`;
  const door: TableDoor = await openDoor(doorOf(spec));
  try {
    await createTable(door);
    if (needsLoad(spec.workload)) await load(door, spec.items, spec.concurrency, label);
    await warmUp(door, spec.concurrency);
    // PostgreSQL's backends for this process exist once the warm-up filled the pool; their CPU is the server's.
    const serverPids = spec.system === "sluice-postgres" ? pidsNamed("postgres") : spec.serverPids;
    const result = await runWorkload(door, { workload: spec.workload, items: spec.items, concurrency: spec.concurrency, label, serverPids });
    return { status: "ok", result };
  } finally {
    await deleteTable(door).catch(() => {});
    await door.close();
  }
}

// ---------------------------------------------------------------- parent side

interface Options {
  readonly items: number;
  readonly concurrency: number;
  readonly systems: System[];
  readonly workloads: Workload[];
  readonly repeat: number;
  readonly retries: number;
  readonly pgUrl: string;
  readonly timeoutMs: number;
  readonly settleMs: number;
  readonly quick: boolean;
  readonly profileDir?: string;
}

const KNOWN = ["items", "concurrency", "systems", "workloads", "repeat", "retries", "pg", "timeout", "settle", "quick", "profile", "help"];

const USAGE = `usage: npm run bench -- tables [options]
  --items N           items per trial: put and batch write N new items, get reads N random keys of N loaded,
                      query pages ${QUERY_PASSES} times through the N loaded items (default ${DEFAULTS.items}; ${QUICK.items} with --quick)
  --concurrency C     concurrent callers, each with one call in flight (default ${DEFAULTS.concurrency})
  --systems a,b       any of: ${SYSTEMS.join(", ")} (default all)
  --workloads a,b     any of: ${WORKLOADS.join(", ")} (default all)
  --repeat K          runs per system and workload, interleaved; tables show the median run and the range (default 1)
  --retries N         run a trial again (up to N times) when other work used ≥ ${DISTURBED_CORES} cores during it; keep the least disturbed run (default 2; 0 with --quick)
  --pg URL            PostgreSQL for sluice-postgres (default ${DEFAULT_PG_URL}; a fresh schema per trial, dropped after)
  --profile DIR       write a V8 CPU profile of each trial process to DIR and print its top functions
                      (the bench side only: for the endpoint's own, set BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR")
  --timeout S         seconds before a trial is killed (default 600)
  --settle S          before each trial, wait up to S seconds for other work on the machine to drop below 0.25 cores (default ${DEFAULTS.settle}; 0 with --quick)
  --quick             smoke run: ${QUICK.items} items per trial, no settling, no retries`;

function options(args: ParsedArgs): Options {
  checkKnown(args, KNOWN);
  const quick = flag(args, "quick");
  const profile = stringOpt(args, "profile");
  return {
    items: intOpt(args, "items") ?? (quick ? QUICK.items : DEFAULTS.items),
    concurrency: intOpt(args, "concurrency") ?? DEFAULTS.concurrency,
    systems: listOpt(args, "systems", SYSTEMS) ?? [...SYSTEMS],
    workloads: listOpt(args, "workloads", WORKLOADS) ?? [...WORKLOADS],
    repeat: intOpt(args, "repeat") ?? 1,
    retries: intOpt(args, "retries", 0) ?? (quick ? 0 : 2),
    pgUrl: stringOpt(args, "pg") ?? DEFAULT_PG_URL,
    timeoutMs: (intOpt(args, "timeout") ?? 600) * 1000,
    settleMs: (intOpt(args, "settle", 0) ?? (quick ? 0 : DEFAULTS.settle)) * 1000,
    quick,
    ...(profile !== undefined ? { profileDir: resolve(profile) } : {}),
  };
}

function labelOf(system: System): string {
  switch (system) {
    case "sluice-sqlite":
      return "Sluice in process, SQLite";
    case "sluice-postgres":
      return "Sluice in process, PostgreSQL";
    case "api-sdk":
    case "api-lean":
      return "Sluice endpoint (sluice start, SQLite)";
  }
}

function clientOf(system: System, o: Options): string {
  switch (system) {
    case "sluice-sqlite":
    case "sluice-postgres":
      return "platform.tables.call";
    case "api-sdk":
      return `@aws-sdk/client-dynamodb ${packageVersion("@aws-sdk/client-dynamodb")} (HTTP/1.1)`;
    case "api-lean":
      return `lean SigV4 JSON 1.0 (HTTP/1.1, ${o.concurrency} sockets)`;
  }
}

function durabilityOf(system: System): string {
  return system === "sluice-postgres" ? "commit fsynced (PostgreSQL)" : "fsync per commit (SQLite synchronous=FULL)";
}

async function startServer(system: System): Promise<{ endpoint?: Endpoint; url: string; pids: number[] }> {
  if (system !== "api-sdk" && system !== "api-lean") return { url: "", pids: [] };
  const endpoint = await startSluice(["--writer", "inline", "--durability", "full"]);
  return { endpoint, url: endpoint.url, pids: endpoint.pid !== undefined ? [endpoint.pid] : [] };
}

function printProfiles(o: Options, before: Set<string> | undefined, tag: string): void {
  if (!o.profileDir || !before) return;
  for (const f of readdirSync(o.profileDir).filter((n) => !before.has(n) && n.endsWith(".cpuprofile"))) {
    progress(`${tag}: profile ${join(o.profileDir, f)}`);
    process.stderr.write(`${summarizeProfile(join(o.profileDir, f), 15)}\n`);
  }
}

function describe(out: TrialResult): string {
  if (out.status === "error") return `FAILED: ${out.error.split("\n", 1)[0]}`;
  const r = out.result;
  const c = r.cpu;
  const cpu = `CPU cores: bench ${c.bench.toFixed(2)}, server ${c.server.toFixed(2)}, others ${c.others.toFixed(2)}`;
  return `${formatRate(r.opsRate)} calls/s, ${formatRate(r.itemsRate)} items/s in ${(r.wallMs / 1000).toFixed(1)} s, p50 / p99 ${formatLatency(r.latency)} ms; ${cpu}`;
}

async function runOnce(o: Options, system: System, workload: Workload, tag: string): Promise<TrialResult> {
  let quiet = "";
  if (o.settleMs > 0) {
    const load = await settle(o.settleMs, 0.25, (l) => progress(`${tag}: waiting for the machine to settle (others use ${l.toFixed(2)} cores)`));
    quiet = `, others at start ${load.toFixed(2)} cores`;
  }
  progress(`${tag}: starting (load ${loadAverage()}${quiet})`);
  const before = o.profileDir ? new Set(readdirSync(o.profileDir)) : undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(system);
    const spec: TrialSpec = { system, workload, items: o.items, concurrency: o.concurrency, url: server.url, pgUrl: o.pgUrl, serverPids: server.pids };
    const out = await runInChild<TrialSpec, TrialResult>("tables", spec, { timeoutMs: o.timeoutMs, ...(o.profileDir ? { profileDir: o.profileDir } : {}) });
    progress(`${tag}: ${describe(out)}`);
    return out;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    progress(`${tag}: FAILED: ${error.split("\n", 1)[0]}`);
    return { status: "error", error };
  } finally {
    await server?.endpoint?.stop();
    printProfiles(o, before, tag);
  }
}

/**
 * Runs a trial; when other work on the (shared) machine took ≥ DISTURBED_CORES during
 * it, runs it again, up to `--retries` times, and keeps the least disturbed run.
 */
async function runTrial(o: Options, system: System, workload: Workload, tag: string): Promise<TrialResult> {
  let best: TrialResult | undefined;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    const out = await runOnce(o, system, workload, attempt ? `${tag} (retry ${attempt})` : tag);
    if (out.status !== "ok") return best ?? out;
    if (best?.status !== "ok" || out.result.cpu.others < best.result.cpu.others) best = out;
    if (out.result.cpu.others < DISTURBED_CORES) break;
    if (attempt < o.retries) progress(`${tag}: disturbed (others used ${out.result.cpu.others.toFixed(2)} cores); again`);
  }
  return best!;
}

async function measureWorkload(o: Options, workload: Workload): Promise<Row[]> {
  const rows = o.systems.map((system): Row => ({ system, label: labelOf(system), client: clientOf(system, o), durability: durabilityOf(system), baseline: system === "sluice-sqlite", runs: [] }));
  for (let rep = 1; rep <= o.repeat; rep++) {
    for (const row of rows) {
      const system = row.system as System;
      const out = await runTrial(o, system, workload, `${workload} · ${system}${o.repeat > 1 ? ` · run ${rep}/${o.repeat}` : ""}`);
      if (out.status === "ok") row.runs.push(out.result);
      else row.failed ??= out.error.split("\n", 1)[0] ?? "failed";
    }
  }
  return rows;
}

function workloadLine(o: Options): string {
  const partitions = Math.ceil(o.items / PARTITION_ITEMS);
  return (
    `workload: items of ${ITEM_BYTES} bytes (DynamoDB's size rule), partitions of ${PARTITION_ITEMS}; ${o.concurrency} concurrent callers, one call in flight each. ` +
    `put: ${o.items} PutItem of new items. get: ${o.items} GetItem of random keys among ${o.items} loaded. ` +
    `query: ${partitions} partitions, each read ${QUERY_PASSES} times, paged by Query (Limit ${PAGE_ITEMS}, until no LastEvaluatedKey) plus one begins_with(sk) Query of ${PREFIX_ITEMS} items per read. ` +
    `batch: ${o.items} new items in BatchWriteItem calls of ${BATCH_ITEMS}. Loading (get, query) uses BatchWriteItem and is not timed. ` +
    `Each trial in a fresh child process on a fresh store (a fresh \`sluice start\` for endpoint trials). ` +
    `Ratios: items/s against Sluice in process on SQLite.`
  );
}

async function machineTable(o: Options): Promise<string> {
  const info = await machineInfo({ dataDir: tmpdir(), pgUrl: o.pgUrl });
  const pairs = machinePairs(info).filter(([k]) => k !== "Redis" && k !== "peer clients");
  pairs.push(["SQLite store", "fsync-durable (durability full, synchronous=FULL), writer inline — in process and behind `sluice start`"]);
  pairs.push(["clients", `@aws-sdk/client-dynamodb ${packageVersion("@aws-sdk/client-dynamodb")}, postgres ${packageVersion("postgres")}`]);
  return renderPairs(pairs, ["machine", ""]);
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) {
    console.log(USAGE);
    return;
  }
  const o = options(args);
  if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
  console.log(`# tables bench${o.quick ? " (quick)" : ""}\n\n${await machineTable(o)}\n\n${workloadLine(o)}`);
  const results = new Map<Workload, Row[]>();
  for (const workload of o.workloads) {
    const rows = await measureWorkload(o, workload);
    results.set(workload, rows);
    console.log(`\n## ${workload}: ${o.items} items, ${o.repeat} run(s) each\n\n${workloadTable(workload, rows)}`);
  }
  console.log(`\n## summary: items/s (vs Sluice in process on SQLite)\n\n${summaryTable(results)}`);
  console.log(
    `\nload average at end: ${loadAverage()}. Latencies are those of the median run. CPU = cores used by the trial process (client and, in process, Sluice) / ` +
      `the server (the \`sluice start\` child, or the PostgreSQL backends) / everything else on the machine, over the trial's wall time.`,
  );
}
