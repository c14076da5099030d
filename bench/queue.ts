/**
 * `npm run bench -- queue`: send, receive and acknowledge N messages (default 200k, a
 * fixed 100-byte body) with producers and consumers running concurrently, in steps of
 * 10 and of 100 messages, on every system in the same run:
 *
 *   - Sluice in process on SQLite (fsync-durable, writer inline and in a thread; one
 *     relaxed-durability row for information) and on PostgreSQL;
 *   - BullMQ on the local Redis; pg-boss on the local PostgreSQL.
 *
 * Throughput = N ÷ wall time from the first send to the last acknowledgement. Each
 * trial runs in a fresh child process. See docs/benchmarks.md for the conditions.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { checkKnown, flag, intListOpt, intOpt, listOpt, parseArgs, stringOpt, type ParsedArgs } from "./lib/args.js";
import { runInChild } from "./lib/child.js";
import { settle } from "./lib/cpu.js";
import { DEFAULT_PG_URL, loadAverage, machineInfo, machinePairs, redisHasNoPersistence } from "./lib/machine.js";
import { summarizeProfile } from "./lib/profile.js";
import { BullmqPeer } from "./lib/queue-bullmq.js";
import { IDLE_MS, PgBossPeer } from "./lib/queue-pgboss.js";
import { NotAvailable, SluicePeer } from "./lib/queue-sluice.js";
import { formatRatio, renderPairs, renderTable, ratioColumn, type Column } from "./lib/table.js";
import { formatLatency, formatRate, median, progress } from "./lib/timing.js";
import { runWorkload, type QueuePeer, type WorkloadResult } from "./lib/workload.js";

export const description = "queue send + receive + delete: Sluice (SQLite, PostgreSQL) vs BullMQ (Redis) and pg-boss";

const SYSTEMS = ["sluice-sqlite-inline", "sluice-sqlite-thread", "sluice-sqlite-relaxed", "sluice-postgres", "bullmq", "pgboss"] as const;
type System = (typeof SYSTEMS)[number];
type Writer = "inline" | "thread";

interface Concurrency {
  readonly producers: number;
  readonly consumers: number;
}

/**
 * Producers × consumers per system and step size: the best of the settings tried with
 * `--tune` on the reference machine (see docs/benchmarks.md, "Concurrency"). Sluice
 * rows share one setting so the writer comparison is like for like; it was within noise
 * of the best for both writers and both step sizes. Override with --producers/--consumers.
 */
const CONCURRENCY: Record<System, Record<number, Concurrency>> = {
  "sluice-sqlite-inline": { 10: { producers: 16, consumers: 16 }, 100: { producers: 16, consumers: 16 } },
  "sluice-sqlite-thread": { 10: { producers: 16, consumers: 16 }, 100: { producers: 16, consumers: 16 } },
  "sluice-sqlite-relaxed": { 10: { producers: 16, consumers: 16 }, 100: { producers: 16, consumers: 16 } },
  // Few producers, more consumers: fewer concurrent transactions than pool connections × pipeline.
  "sluice-postgres": { 10: { producers: 2, consumers: 8 }, 100: { producers: 2, consumers: 8 } },
  bullmq: { 10: { producers: 4, consumers: 4 }, 100: { producers: 4, consumers: 4 } },
  // More consumers than producers keeps pg-boss's backlog short, and its fetch sorts the backlog.
  pgboss: { 10: { producers: 2, consumers: 8 }, 100: { producers: 2, consumers: 8 } },
};
const FALLBACK: Concurrency = { producers: 4, consumers: 4 };

const DEFAULT_MESSAGES = 200_000;
const QUICK_MESSAGES = 20_000;
const TUNE_MESSAGES = 50_000;
const DEFAULT_GRID = "1x1,2x2,4x4,8x8,16x16,2x8,8x2";

const TARGETS = { sluiceRate: 50_000, vsBullmq: 5, vsPgboss: 20 } as const;

interface TrialSpec {
  readonly system: System;
  readonly batch: number;
  readonly messages: number;
  readonly producers: number;
  readonly consumers: number;
  readonly pgUrl: string;
  /** For the relaxed row: the writer of the faster fsync-durable row. */
  readonly writer?: Writer;
  readonly threadBatch?: number;
}

type TrialResult =
  | { readonly status: "ok"; readonly result: WorkloadResult }
  | { readonly status: "n/a"; readonly reason: string }
  | { readonly status: "error"; readonly error: string };

interface Row {
  readonly system: System;
  readonly label: string;
  readonly durability: string;
  readonly concurrency: Concurrency;
  readonly runs: WorkloadResult[];
  readonly notes: string[];
  readonly writer?: Writer;
}

// ---------------------------------------------------------------- child side

function peerFor(spec: TrialSpec): QueuePeer {
  switch (spec.system) {
    case "sluice-sqlite-inline":
      return new SluicePeer({ store: "sqlite", durability: "full", writer: "inline" });
    case "sluice-sqlite-thread":
      return new SluicePeer({ store: "sqlite", durability: "full", writer: "thread", ...threadBatch(spec) });
    case "sluice-sqlite-relaxed":
      return new SluicePeer({ store: "sqlite", durability: "relaxed", writer: spec.writer ?? "thread", ...threadBatch(spec) });
    case "sluice-postgres":
      return new SluicePeer({ store: "postgres", pgUrl: spec.pgUrl });
    case "bullmq":
      return new BullmqPeer();
    case "pgboss":
      return new PgBossPeer(spec.pgUrl, spec.producers + spec.consumers + 2);
  }
}

function threadBatch(spec: TrialSpec): { threadBatch?: number } {
  return spec.threadBatch === undefined ? {} : { threadBatch: spec.threadBatch };
}

export async function trial(raw: unknown): Promise<TrialResult> {
  const spec = raw as TrialSpec;
  const peer = peerFor(spec);
  try {
    await peer.setup();
  } catch (err) {
    if (err instanceof NotAvailable) return { status: "n/a", reason: err.message };
    throw err;
  }
  try {
    const result = await runWorkload(peer, {
      messages: spec.messages,
      step: spec.batch,
      producers: spec.producers,
      consumers: spec.consumers,
      label: `${spec.system} batch ${spec.batch}`,
    });
    return { status: "ok", result };
  } finally {
    await peer.teardown();
  }
}

// ---------------------------------------------------------------- parent side

interface Options {
  readonly messages: number;
  readonly batches: number[];
  readonly systems: System[];
  readonly repeat: number;
  readonly producers?: number;
  readonly consumers?: number;
  readonly pgUrl: string;
  readonly timeoutMs: number;
  readonly profileDir?: string;
  readonly threadBatch?: number;
  readonly tune: boolean;
  readonly grid: Concurrency[];
  readonly quick: boolean;
  readonly settleMs: number;
  readonly retries: number;
}

const KNOWN = ["settle", "retries", "messages", "quick", "batch", "systems", "repeat", "producers", "consumers", "pg", "timeout", "profile", "thread-batch", "tune", "grid", "help"];

const USAGE = `usage: npm run bench -- queue [options]
  --messages N        messages per trial (default ${DEFAULT_MESSAGES}; ${TUNE_MESSAGES} with --tune)
  --quick             smoke run: ${QUICK_MESSAGES} messages, one repetition
  --batch 10,100      step sizes (messages per producer call / most per consumer call)
  --systems a,b       any of: ${SYSTEMS.join(", ")}
  --repeat K          runs per system and step size, interleaved; the table shows the median and the spread (default 1)
  --producers P       producers for every system (default: the tuned setting per system)
  --consumers C       consumers for every system
  --tune              try each producers×consumers setting of --grid and print the best per system
  --grid 1x1,4x4      settings for --tune (default ${DEFAULT_GRID})
  --pg URL            PostgreSQL for Sluice-on-PostgreSQL and pg-boss (default ${DEFAULT_PG_URL})
  --thread-batch N    Sluice writer thread: most jobs per transaction (default: Sluice's)
  --profile DIR       write a V8 CPU profile of each trial to DIR and print its top functions
  --timeout S         seconds before a trial is killed (default 1800)
  --retries N         run a trial again (up to N times) when other work used ≥ 0.3 cores during it; keep the least disturbed run (default 2; 0 with --quick)
  --settle S          before each trial, wait up to S seconds for other work on the machine to drop below 0.25 cores (default 60; 0 to skip)`;

function parseGrid(text: string): Concurrency[] {
  return text.split(",").map((item) => {
    const m = /^(\d+)x(\d+)$/.exec(item.trim());
    if (!m) throw new Error(`--grid: ${item} is not PxC`);
    return { producers: Number(m[1]), consumers: Number(m[2]) };
  });
}

function options(args: ParsedArgs): Options {
  checkKnown(args, KNOWN);
  const quick = flag(args, "quick");
  const tune = flag(args, "tune");
  const profile = stringOpt(args, "profile");
  const producers = intOpt(args, "producers");
  const consumers = intOpt(args, "consumers");
  const threadBatchOpt = intOpt(args, "thread-batch");
  return {
    messages: intOpt(args, "messages") ?? (quick ? QUICK_MESSAGES : tune ? TUNE_MESSAGES : DEFAULT_MESSAGES),
    batches: intListOpt(args, "batch") ?? [10, 100],
    systems: listOpt(args, "systems", SYSTEMS) ?? [...SYSTEMS],
    repeat: quick ? 1 : (intOpt(args, "repeat") ?? 1),
    pgUrl: stringOpt(args, "pg") ?? DEFAULT_PG_URL,
    timeoutMs: (intOpt(args, "timeout") ?? 1800) * 1000,
    settleMs: (intOpt(args, "settle", 0) ?? (quick ? 0 : 60)) * 1000,
    retries: intOpt(args, "retries", 0) ?? (quick ? 0 : 2),
    tune,
    quick,
    grid: parseGrid(stringOpt(args, "grid") ?? DEFAULT_GRID),
    ...(producers !== undefined ? { producers } : {}),
    ...(consumers !== undefined ? { consumers } : {}),
    ...(profile !== undefined ? { profileDir: resolve(profile) } : {}),
    ...(threadBatchOpt !== undefined ? { threadBatch: threadBatchOpt } : {}),
  };
}

function concurrencyOf(o: Options, system: System, batch: number): Concurrency {
  const tuned = CONCURRENCY[system][batch] ?? FALLBACK;
  return { producers: o.producers ?? tuned.producers, consumers: o.consumers ?? tuned.consumers };
}

function labelOf(system: System, writer?: Writer): string {
  switch (system) {
    case "sluice-sqlite-inline":
      return "Sluice, SQLite, writer inline";
    case "sluice-sqlite-thread":
      return "Sluice, SQLite, writer thread";
    case "sluice-sqlite-relaxed":
      return `Sluice, SQLite relaxed, writer ${writer ?? "thread"} (info)`;
    case "sluice-postgres":
      return "Sluice, PostgreSQL";
    case "bullmq":
      return "BullMQ, Redis";
    case "pgboss":
      return "pg-boss, PostgreSQL";
  }
}

function durabilityOf(system: System, redisVolatile: boolean): string {
  switch (system) {
    case "sluice-sqlite-inline":
    case "sluice-sqlite-thread":
      return "fsync per commit (synchronous=FULL)";
    case "sluice-sqlite-relaxed":
      return "no fsync per commit (synchronous=NORMAL)";
    case "sluice-postgres":
    case "pgboss":
      return "fsync per commit (synchronous_commit=on)";
    case "bullmq":
      return redisVolatile ? "NONE: Redis without persistence" : "Redis persistence (see machine table)";
  }
}

const isFullSluice = (s: System): boolean => s === "sluice-sqlite-inline" || s === "sluice-sqlite-thread";

function medianRate(row: Row | undefined): number | undefined {
  return row?.runs.length ? median(row.runs.map((r) => r.rate)) : undefined;
}

/** The fsync-durable SQLite row with the higher median: the baseline. */
function baselineOf(rows: readonly Row[]): Row | undefined {
  let best: Row | undefined;
  for (const r of rows) if (isFullSluice(r.system) && (medianRate(r) ?? 0) > (medianRate(best) ?? 0)) best = r;
  return best;
}

function bestWriter(rows: readonly Row[]): Writer | undefined {
  const b = baselineOf(rows);
  return b ? (b.system === "sluice-sqlite-inline" ? "inline" : "thread") : undefined;
}

function describeRun(r: WorkloadResult): string {
  return (
    `${formatRate(r.rate)} msgs/s, ${(r.wallMs / 1000).toFixed(1)} s, producers done at ${(r.sendDoneAt * 100).toFixed(0)}%, ` +
    `CPU cores: bench ${r.processCores.toFixed(2)}, servers ${r.serverCores.toFixed(2)}, others ${r.otherCores.toFixed(2)}; ELU ${(r.elu * 100).toFixed(0)}%` +
    (r.leftover ? `, LEFT IN QUEUE: ${r.leftover}` : "")
  );
}

/** A run during which other work on the machine used at least this many cores is retried. */
const DISTURBED_CORES = 0.3;

async function runOnce(o: Options, spec: TrialSpec, tag: string): Promise<TrialResult> {
  const before = o.profileDir ? new Set(readdirSync(o.profileDir)) : undefined;
  let quiet = "";
  if (o.settleMs > 0) {
    const load = await settle(o.settleMs, 0.25, (l) => progress(`${tag}: waiting for the machine to settle (others use ${l.toFixed(2)} cores)`));
    quiet = `, others at start ${load.toFixed(2)} cores`;
  }
  progress(`${tag}: ${spec.producers} producers × ${spec.consumers} consumers, ${spec.messages} messages (load ${loadAverage()}${quiet})`);
  let out: TrialResult;
  try {
    out = await runInChild<TrialSpec, TrialResult>("queue", spec, { timeoutMs: o.timeoutMs, ...(o.profileDir ? { profileDir: o.profileDir } : {}) });
  } catch (err) {
    out = { status: "error", error: err instanceof Error ? err.message : String(err) };
  }
  if (out.status === "ok") progress(`${tag}: ${describeRun(out.result)}`);
  else progress(`${tag}: ${out.status === "n/a" ? `n/a (${out.reason})` : `FAILED: ${out.error}`}`);
  if (o.profileDir && before) {
    for (const f of readdirSync(o.profileDir).filter((n) => !before.has(n) && n.endsWith(".cpuprofile"))) {
      progress(`${tag}: profile ${join(o.profileDir, f)}`);
      process.stderr.write(`${summarizeProfile(join(o.profileDir, f), 15)}\n`);
    }
  }
  return out;
}

/**
 * Runs a trial; when other work on the (shared) machine took ≥ DISTURBED_CORES during
 * it, runs it again, up to `--retries` times, and keeps the least disturbed run.
 */
async function runTrial(o: Options, spec: TrialSpec, tag: string): Promise<TrialResult> {
  let best: TrialResult | undefined;
  for (let attempt = 0; attempt <= o.retries; attempt++) {
    const out = await runOnce(o, spec, attempt ? `${tag} (retry ${attempt})` : tag);
    if (out.status !== "ok") return best ?? out;
    if (best?.status !== "ok" || out.result.otherCores < best.result.otherCores) best = out;
    if (out.result.otherCores < DISTURBED_CORES) break;
    if (attempt < o.retries) progress(`${tag}: disturbed (others used ${out.result.otherCores.toFixed(2)} cores); again`);
  }
  return best!;
}

function firstLine(text: string): string {
  const line = (text.split("\n", 1)[0] ?? "").replace(/^Error: /, "");
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

function fmtRange(row: Row): string {
  if (!row.runs.length) return "-";
  const rates = row.runs.map((r) => r.rate);
  return row.runs.length === 1 ? "(1 run)" : `${formatRate(Math.min(...rates))} – ${formatRate(Math.max(...rates))} (${rates.length})`;
}

/** The run with the median rate (the lower middle one for an even count). */
function medianRun(row: Row): WorkloadResult | undefined {
  const sorted = [...row.runs].sort((a, b) => a.rate - b.rate);
  return sorted[(sorted.length - 1) >> 1];
}

function medianOf(row: Row, pick: (r: WorkloadResult) => number): number {
  return median(row.runs.map(pick));
}

function resultTable(rows: readonly Row[]): string {
  const base = medianRate(baselineOf(rows));
  const columns: Column<Row>[] = [
    { header: "system", cell: (r) => r.label },
    { header: "durability", cell: (r) => r.durability },
    { header: "P×C", cell: (r) => `${r.concurrency.producers}×${r.concurrency.consumers}`, align: "right" },
    { header: "msgs/s (median)", cell: (r) => (r.runs.length ? formatRate(medianRate(r)!) : r.notes.join("; ") || "n/a"), align: "right" },
    { header: "min – max (runs)", cell: fmtRange, align: "right" },
    ratioColumn("vs Sluice SQLite", medianRate, base),
    { header: "send p50 / p99 ms", cell: (r) => formatLatency(medianRun(r)?.send), align: "right" },
    { header: "ack p50 / p99 ms", cell: (r) => formatLatency(medianRun(r)?.ack), align: "right" },
    {
      header: "CPU bench / servers / others",
      cell: (r) =>
        r.runs.length
          ? [medianOf(r, (x) => x.processCores), medianOf(r, (x) => x.serverCores), medianOf(r, (x) => x.otherCores)].map((c) => c.toFixed(2)).join(" / ")
          : "-",
      align: "right",
    },
  ];
  return renderTable(columns, rows);
}

function targetLines(rows: readonly Row[]): string[] {
  const base = baselineOf(rows);
  const rate = medianRate(base);
  const find = (s: System): number | undefined => medianRate(rows.find((r) => r.system === s));
  const verdict = (ok: boolean | undefined): string => (ok === undefined ? "not measured" : ok ? "MET" : "MISSED");
  const bull = find("bullmq");
  const boss = find("pgboss");
  const vsBull = rate !== undefined && bull ? rate / bull : undefined;
  const vsBoss = rate !== undefined && boss ? rate / boss : undefined;
  const who = base ? base.label : "Sluice SQLite";
  return [
    `- ${who}: ${rate === undefined ? "n/a" : formatRate(rate)} msgs/s, target ≥ ${formatRate(TARGETS.sluiceRate)}: ${verdict(rate === undefined ? undefined : rate >= TARGETS.sluiceRate)}`,
    `- Sluice SQLite ÷ BullMQ: ${formatRatio(vsBull)}, target ≥ ${TARGETS.vsBullmq}×: ${verdict(vsBull === undefined ? undefined : vsBull >= TARGETS.vsBullmq)}`,
    `- Sluice SQLite ÷ pg-boss: ${formatRatio(vsBoss)}, target ≥ ${TARGETS.vsPgboss}×: ${verdict(vsBoss === undefined ? undefined : vsBoss >= TARGETS.vsPgboss)}`,
  ];
}

function stepMapping(batch: number): string {
  const calls = Math.ceil(batch / 10);
  const sluice = calls === 1 ? "1 SendMessageBatch(10); 1 ReceiveMessage(max 10) + DeleteMessageBatch" : `${calls} concurrent SendMessageBatch(10); ${calls} concurrent ReceiveMessage(max 10) + DeleteMessageBatch`;
  return `step ${batch}: Sluice ${sluice} · BullMQ addBulk(${batch}), Worker concurrency ${batch} · pg-boss insert(${batch}), fetch(batchSize ${batch}) + complete(ids)`;
}

async function measure(o: Options): Promise<void> {
  const redisVolatile = await redisHasNoPersistence().catch(() => false);
  for (const batch of o.batches) {
    console.log(`\n## batch ${batch}\n\n${stepMapping(batch)}\n`);
    const rows = new Map<System, Row>();
    for (let rep = 1; rep <= o.repeat; rep++) {
      for (const system of o.systems) {
        const c = concurrencyOf(o, system, batch);
        // The relaxed row uses the writer that was faster fsync-durable in the first repetition.
        const writer = rows.get(system)?.writer ?? (system === "sluice-sqlite-relaxed" ? (bestWriter([...rows.values()]) ?? "thread") : undefined);
        const row = rows.get(system) ?? {
          system,
          label: labelOf(system, writer),
          durability: durabilityOf(system, redisVolatile),
          concurrency: c,
          runs: [],
          notes: [],
          ...(writer ? { writer } : {}),
        };
        rows.set(system, row);
        const spec: TrialSpec = {
          system, batch, messages: o.messages, pgUrl: o.pgUrl, ...c,
          ...(writer ? { writer } : {}),
          ...(o.threadBatch !== undefined ? { threadBatch: o.threadBatch } : {}),
        };
        const out = await runTrial(o, spec, `batch ${batch} · ${system} · run ${rep}/${o.repeat}`);
        if (out.status === "ok") row.runs.push(out.result);
        else if (!row.notes.length) row.notes.push(out.status === "n/a" ? "n/a (not built yet)" : `failed: ${firstLine(out.error)}`);
        if (out.status === "ok" && out.result.leftover) row.notes.push(`left: ${out.result.leftover}`);
      }
    }
    const list = [...rows.values()];
    console.log(`### batch ${batch}: ${o.messages} messages, ${o.repeat} run(s) each\n\n${resultTable(list)}\n\nTargets (batch ${batch}):\n${targetLines(list).join("\n")}`);
  }
  console.log(
    `\nload average at end: ${loadAverage()}.\nLatencies are those of the median run. send = one producer step (batch 100 on Sluice: the 10 concurrent calls); ack = one DeleteMessageBatch (≤10) / pg-boss complete(ids); ` +
      `BullMQ acknowledges jobs one by one inside the worker (no ack call to time). CPU: cores used by the bench process (all threads) / the PostgreSQL and Redis servers / everything else on the machine (medians).`,
  );
}

async function tune(o: Options): Promise<void> {
  const lines: string[] = [];
  for (const batch of o.batches) {
    for (const system of o.systems) {
      const rates: { c: Concurrency; rate: number | undefined }[] = [];
      for (const c of o.grid) {
        const spec: TrialSpec = { system, batch, messages: o.messages, pgUrl: o.pgUrl, ...c, ...(o.threadBatch !== undefined ? { threadBatch: o.threadBatch } : {}) };
        const out = await runTrial(o, spec, `tune batch ${batch} · ${system} · ${c.producers}×${c.consumers}`);
        rates.push({ c, rate: out.status === "ok" ? out.result.rate : undefined });
        if (out.status === "n/a") break;
      }
      const best = rates.filter((r) => r.rate !== undefined).sort((a, b) => b.rate! - a.rate!)[0];
      const all = rates.map((r) => `${r.c.producers}×${r.c.consumers} ${r.rate === undefined ? "n/a" : formatRate(r.rate)}`).join(", ");
      lines.push(`| ${batch} | ${system} | ${best ? `${best.c.producers}×${best.c.consumers}` : "n/a"} | ${all} |`);
    }
  }
  console.log(`\n## tuning: ${o.messages} messages per setting\n\n| batch | system | best P×C | msgs/s per setting |\n| --- | --- | --- | --- |\n${lines.join("\n")}`);
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) {
    console.log(USAGE);
    return;
  }
  const o = options(args);
  if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
  const info = await machineInfo({ dataDir: tmpdir(), pgUrl: o.pgUrl });
  console.log(`# queue bench${o.quick ? " (quick)" : ""}${o.tune ? " (tuning)" : ""}\n\n${renderPairs(machinePairs(info), ["machine", ""])}\n`);
  console.log(
    `workload: ${o.messages} messages of a fixed 100-byte body; producers and consumers concurrent; ` +
      `throughput = messages ÷ (last acknowledgement − first send); each trial in a fresh child process; ` +
      `pg-boss idle fetch sleeps ${IDLE_MS} ms; Sluice receives long-poll (WaitTimeSeconds 20).`,
  );
  if (o.tune) await tune(o);
  else await measure(o);
}
