/**
 * `npm run bench -- csv-ingest`: the CSV ingestion pipeline of examples/csv-ingest end
 * to end — upload, clean, queue, store, stream, process, update, reconcile — on the
 * embedded store (SQLite, fsync-durable) and on PostgreSQL, beside the article's figures
 * (about 90 s to clean 558k rows, about 5 minutes to load them, about 7 minutes in all).
 *
 * Each trial is a fresh run of the example's runner (`examples/csv-ingest/run.ts --exit
 * --json`) in a child process, which starts its own `sluice dev` (built dist/) on a free
 * port with a fresh data directory — or a fresh PostgreSQL database, dropped afterwards —
 * and reports its times as one JSON line. The CSV is generated once (seeded) and reused.
 * End to end = from the first byte uploaded until every row is updated or dead-lettered;
 * the reconciliation (a full scan and every DLQ) is timed separately.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import postgres from "postgres";
import { checkKnown, flag, intOpt, listOpt, parseArgs, stringOpt } from "./lib/args.js";
import { loadAverage, machineInfo, machinePairs, DEFAULT_PG_URL } from "./lib/machine.js";
import { summarizeProfile } from "./lib/profile.js";
import { freePort } from "./lib/servers.js";
import { renderPairs, renderTable, type Column } from "./lib/table.js";
import { formatRate, progress } from "./lib/timing.js";

export const description = "csv-ingest: the 558k-row CSV pipeline end to end on SQLite and PostgreSQL, rates per stage, vs the article";

const SYSTEMS = ["sqlite", "postgres"] as const;
type System = (typeof SYSTEMS)[number];
const STAGES = ["cleaned", "queued", "stored", "streamed", "processed", "updated"] as const;
/** The article's figures for 558k rows, in seconds. */
const ARTICLE = { cleaned: 90, stored: 300, total: 420 } as const;

interface Report {
  rows: number;
  bytes: number;
  uploadS: number;
  endToEndS: number;
  reconcileS: number;
  started: number;
  ok: boolean;
  lost: number;
  doubled: number;
  dead: number;
  updated: number;
  timings: Record<string, { first?: number; last?: number; value: number }>;
}

type Outcome = { system: System; report?: Report; error?: string };

const USAGE = `usage: npm run bench -- csv-ingest [options]
  --rows N         rows in the CSV (default 558000; 20000 with --quick)
  --systems a,b    any of: ${SYSTEMS.join(", ")} (default both)
  --pg URL         PostgreSQL server (default ${DEFAULT_PG_URL}; a fresh database per trial, dropped after)
  --profile DIR    CPU profiles of the Sluice server (every thread) into DIR, with a summary of its main thread
  --timeout S      seconds before a trial is stopped (default 1800)
  --quick          a 20,000-row smoke run`;

function stageTime(r: Report, stage: string): number | undefined {
  const last = r.timings[stage]?.last;
  return last === undefined ? undefined : (last - r.started) / 1000;
}

async function freshDatabase(pgUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `sluice_csv_${Date.now().toString(36)}`;
  const admin = postgres(pgUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`CREATE DATABASE "${name}"`);
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => undefined);
      await admin.end({ timeout: 1 });
    },
  };
}

function runTrial(args: string[], timeoutMs: number, env: Record<string, string>, tag: string): Promise<Report> {
  const child = spawn(process.execPath, ["--import", "tsx", resolve("examples/csv-ingest/run.ts"), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] });
  let report: Report | undefined;
  const lines = createInterface({ input: child.stdout });
  lines.on("line", (line) => {
    if (line.startsWith("RESULT ")) report = JSON.parse(line.slice(7)) as Report;
    else if (/^\[|^Reconciliation|result:|lost|doubled/.test(line)) progress(`${tag}: ${line.trim()}`);
  });
  const timer = setTimeout(() => child.kill("SIGTERM"), timeoutMs);
  return new Promise((res, rej) => {
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (report) res(report);
      else rej(new Error(`the run exited with ${code} without a result`));
    });
  });
}

async function trial(system: System, o: { rows: number; pgUrl: string; timeoutMs: number; profileDir?: string }): Promise<Outcome> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-csv-"));
  const db = system === "postgres" ? await freshDatabase(o.pgUrl) : undefined;
  const env: Record<string, string> = o.profileDir ? { CSV_INGEST_NODE_ARGS: `--cpu-prof --cpu-prof-dir=${join(o.profileDir, system)}` } : {};
  try {
    progress(`${system}: starting (load ${loadAverage()})`);
    const args = ["--rows", String(o.rows), "--port", String(await freePort()), "--data", join(dir, "data"), "--exit", "--json", "--fresh", ...(db ? ["--store", db.url] : [])];
    const report = await runTrial(args, o.timeoutMs, env, system);
    progress(`${system}: ${report.rows} rows end to end in ${report.endToEndS.toFixed(1)} s, reconciliation ${report.ok ? "exact" : "MISMATCH"}`);
    return { system, report };
  } catch (err) {
    return { system, error: err instanceof Error ? err.message : String(err) };
  } finally {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rateCell(o: Outcome, stage: string): string {
  const r = o.report;
  const t = r ? stageTime(r, stage) : undefined;
  if (!r || t === undefined) return o.error ? "failed" : "-";
  return `${formatRate((r.timings[stage]?.value ?? 0) / Math.max(0.001, t - r.uploadS))}/s by ${t.toFixed(1)} s`;
}

function resultTable(outcomes: Outcome[], rows: number): string {
  const scale = rows / 558_000;
  const columns: Column<Outcome>[] = [
    { header: "store", cell: (o) => (o.system === "sqlite" ? "Sluice, embedded SQLite (fsync-durable)" : "Sluice on PostgreSQL (synchronous_commit=on)") },
    { header: "end to end", align: "right", cell: (o) => (o.report ? `${o.report.endToEndS.toFixed(1)} s` : `failed: ${o.error ?? "?"}`) },
    { header: "speed vs the article (~420 s for 558k)", align: "right", cell: (o) => (o.report ? `${((ARTICLE.total * scale) / o.report.endToEndS).toFixed(2)}×` : "n/a") },
    { header: "upload", align: "right", cell: (o) => (o.report ? `${o.report.uploadS.toFixed(1)} s` : "-") },
    ...STAGES.map((s): Column<Outcome> => ({ header: s, align: "right", cell: (o) => rateCell(o, s) })),
    { header: "reconciliation", cell: (o) => (o.report ? `${o.report.ok ? "exact" : "MISMATCH"}: ${o.report.updated} updated, ${o.report.dead} dead-lettered, lost ${o.report.lost}, doubled ${o.report.doubled} (${o.report.reconcileS.toFixed(1)} s)` : "-") },
  ];
  return renderTable(columns, outcomes);
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) {
    console.log(USAGE);
    return;
  }
  checkKnown(args, ["rows", "systems", "pg", "profile", "timeout", "quick", "help"]);
  const quick = flag(args, "quick");
  const rows = intOpt(args, "rows") ?? (quick ? 20_000 : 558_000);
  const systems = listOpt(args, "systems", SYSTEMS) ?? [...SYSTEMS];
  const pgUrl = stringOpt(args, "pg") ?? DEFAULT_PG_URL;
  const profile = stringOpt(args, "profile");
  const profileDir = profile ? resolve(profile) : undefined;
  const timeoutMs = (intOpt(args, "timeout") ?? 1800) * 1000;
  const info = await machineInfo({ dataDir: tmpdir(), pgUrl });
  console.log(`# csv-ingest bench\n\n${renderPairs(machinePairs(info).filter(([k]) => k !== "Redis" && k !== "peer clients"), ["machine", ""])}\n`);
  console.log(`workload: examples/csv-ingest, ${rows.toLocaleString("en-US")} rows × 16 columns; the full pipeline with its DLQs, then the reconciliation. Rates are rows per second from the end of the upload to the moment the stage's count last moved.`);
  const outcomes: Outcome[] = [];
  for (const system of systems) {
    if (profileDir) mkdirSync(join(profileDir, system), { recursive: true });
    outcomes.push(await trial(system, { rows, pgUrl, timeoutMs, ...(profileDir ? { profileDir } : {}) }));
    if (profileDir) {
      const main = readdirSync(join(profileDir, system)).filter((f) => f.endsWith(".cpuprofile")).sort()[0];
      if (main) process.stderr.write(`${system}: the server's first thread (main)\n${summarizeProfile(join(profileDir, system, main), 20)}\n`);
    }
  }
  console.log(`\n${resultTable(outcomes, rows)}\n`);
  console.log(`The article (AWS, 2021): cleaning 558k rows about ${ARTICLE.cleaned} s, loading them into DynamoDB about ${ARTICLE.stored / 60} min, about ${ARTICLE.total / 60} min in all${rows !== 558_000 ? ` (scaled to ${rows} rows for the ratio)` : ""}. Target: ≤ 20 s end to end.`);
  console.log(`load average at end: ${loadAverage()}`);
}
