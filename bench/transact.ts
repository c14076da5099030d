/**
 * `npm run bench -- transact`: the table write path of the CSV pipeline, in process.
 * TransactWriteItems of 100 conditional puts (the `store` stage's call), then of 100
 * conditional updates of the same items (the `update` stage's), on a table with a
 * NEW_IMAGE stream, so every item write also appends its change record. The table
 * service runs in this process on a fresh fsync-durable SQLite store or a fresh
 * PostgreSQL schema, with a fixed number of transactions in flight; the rate is items
 * per second, and the CPU is this process's (user + system) per item — on PostgreSQL
 * the database server's own CPU is not in it. Every transaction must succeed.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { checkKnown, flag, intOpt, listOpt, parseArgs, stringOpt } from "./lib/args.js";
import { CSV_TABLE, putAction, updateAction } from "./lib/csv-actions.js";
import { DEFAULT_PG_URL, loadAverage, machineInfo, machinePairs } from "./lib/machine.js";
import { renderPairs, renderTable } from "./lib/table.js";
import { openDoor, type Json, type TableDoor } from "./lib/tables-doors.js";
import { formatLatency, formatRate, now, progress, Samples, type LatencySummary } from "./lib/timing.js";

export const description = "TransactWriteItems of 100 conditional puts and updates (the CSV pipeline's table writes), in process";

const SYSTEMS = ["sqlite", "postgres"] as const;
type System = (typeof SYSTEMS)[number];
const PHASES = ["puts", "updates"] as const;
type Phase = (typeof PHASES)[number];
const DEFAULTS = { transactions: 400, inFlight: 8 } as const;
const ACTIONS_PER_TRANSACTION = 100;

const USAGE = `usage: npm run bench -- transact [options]

  --transactions N  transactions of 100 actions per phase (default ${DEFAULTS.transactions})
  --in-flight C     transactions in flight (default ${DEFAULTS.inFlight})
  --systems LIST    sqlite,postgres (default both)
  --pg URL          PostgreSQL (default ${DEFAULT_PG_URL})
  --help            this text`;

interface Result {
  readonly system: System;
  readonly phase: Phase;
  readonly itemsRate: number;
  readonly cpuUsPerItem: number;
  readonly latency: LatencySummary | null;
}

const LABEL: Record<System, string> = { sqlite: "embedded SQLite (fsync-durable, writer inline)", postgres: "PostgreSQL (synchronous_commit=on)" };

async function createTable(door: TableDoor): Promise<void> {
  await door.call("CreateTable", {
    TableName: CSV_TABLE,
    AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
    KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
    BillingMode: "PAY_PER_REQUEST",
    StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" },
  });
}

/** The phase's transactions, built before timing: transaction t holds items t·100+1 … t·100+100. */
function inputs(phase: Phase, transactions: number): Json[] {
  const action = phase === "puts" ? putAction : updateAction;
  return Array.from({ length: transactions }, (_, t) => ({ TransactItems: Array.from({ length: ACTIONS_PER_TRANSACTION }, (_, k) => action(t * ACTIONS_PER_TRANSACTION + k + 1)) }));
}

async function phase(door: TableDoor, system: System, which: Phase, transactions: number, inFlight: number): Promise<Result> {
  const all = inputs(which, transactions);
  const latency = new Samples();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let t = next++; t < all.length; t = next++) {
      const out = await latency.time(() => door.call("TransactWriteItems", all[t] as Json));
      if (Object.keys(out).length !== 0) throw new Error(`${system} ${which}: unexpected answer ${JSON.stringify(out).slice(0, 200)}`);
    }
  };
  const cpu0 = cpuUsage();
  const t0 = now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = (now() - t0) / 1000;
  const cpu = cpuUsage(cpu0);
  const items = transactions * ACTIONS_PER_TRANSACTION;
  return { system, phase: which, itemsRate: items / seconds, cpuUsPerItem: (cpu.user + cpu.system) / items, latency: latency.summary() };
}

async function trial(system: System, o: { transactions: number; inFlight: number; pgUrl: string }): Promise<Result[]> {
  const door = await openDoor(system === "sqlite" ? { kind: "sqlite" } : { kind: "postgres", pgUrl: o.pgUrl });
  try {
    await createTable(door);
    const out: Result[] = [];
    for (const which of PHASES) {
      progress(`${system}: ${which}, ${o.transactions} transactions of 100, ${o.inFlight} in flight (load ${loadAverage()})`);
      out.push(await phase(door, system, which, o.transactions, o.inFlight));
    }
    return out;
  } finally {
    await door.close();
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) {
    console.log(USAGE);
    return;
  }
  checkKnown(args, ["transactions", "in-flight", "systems", "pg", "help"]);
  const o = { transactions: intOpt(args, "transactions") ?? DEFAULTS.transactions, inFlight: intOpt(args, "in-flight") ?? DEFAULTS.inFlight, pgUrl: stringOpt(args, "pg") ?? DEFAULT_PG_URL };
  const systems = listOpt(args, "systems", SYSTEMS) ?? [...SYSTEMS];
  const info = await machineInfo({ dataDir: mkdtempSync(join(tmpdir(), "sluice-bench-probe-")), ...(systems.includes("postgres") ? { pgUrl: o.pgUrl } : {}) });
  console.log(`# transact: TransactWriteItems of 100 conditional puts, then updates, on a table with a NEW_IMAGE stream; ${o.transactions} transactions per phase, ${o.inFlight} in flight\n`);
  console.log(renderPairs(machinePairs(info), ["machine", ""]));
  const results: Result[] = [];
  for (const s of systems) results.push(...(await trial(s, o)));
  console.log(
    `\n${renderTable<Result>(
      [
        { header: "store", cell: (r) => LABEL[r.system] },
        { header: "transactions of 100", cell: (r) => (r.phase === "puts" ? "conditional puts" : "conditional updates") },
        { header: "items/s", align: "right", cell: (r) => formatRate(r.itemsRate) },
        { header: "CPU µs per item (this process)", align: "right", cell: (r) => r.cpuUsPerItem.toFixed(1) },
        { header: "transaction p50 / p99 ms", align: "right", cell: (r) => formatLatency(r.latency) },
      ],
      results,
    )}`,
  );
  console.log(`\nload average at end: ${loadAverage()}`);
}
