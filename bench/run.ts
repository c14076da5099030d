/**
 * Benchmarks against peers: `npm run bench -- <name> [options]`.
 * A missing or unknown name lists the benches; `<name> --help` lists its options.
 * Each bench measures every system in the same run and prints one table per workload
 * with ratios against Sluice; results and conditions are recorded in docs/benchmarks.md.
 */
import type { BenchModule } from "./lib/bench.js";
import { ArgError } from "./lib/args.js";
import { CHILD_FLAG, serveChild } from "./lib/child.js";

const BENCHES: Record<string, () => Promise<BenchModule>> = {
  queue: () => import("./queue.js"),
  "sqs-api": () => import("./sqs-api.js"),
  functions: () => import("./functions.js"),
  streams: () => import("./streams.js"),
  buckets: () => import("./buckets.js"),
  tables: () => import("./tables.js"),
  "csv-ingest": () => import("./csv-ingest.js"),
  transact: () => import("./transact.js"),
  "sdk-cost": () => import("./sdk-cost.js"),
  "csv-floor": () => import("./csv-floor.js"),
};

async function list(): Promise<void> {
  console.log("usage: npm run bench -- <name> [options]   (<name> --help for its options)\n\nbenches:");
  for (const [name, load] of Object.entries(BENCHES)) console.log(`  ${name.padEnd(10)} ${(await load()).description}`);
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  const load = name === undefined ? undefined : BENCHES[name];
  if (!load) {
    if (name !== undefined && name !== "--help" && name !== "help") console.error(`unknown bench: ${name}\n`);
    await list();
    return name === undefined || name === "--help" || name === "help" ? 0 : 2;
  }
  const bench = await load();
  if (rest.includes(CHILD_FLAG)) {
    const trial = bench.trial?.bind(bench);
    if (!trial) throw new Error(`bench ${name} runs no trials in child processes`);
    serveChild(trial);
    return -1;
  }
  try {
    await bench.main(rest);
    return 0;
  } catch (err) {
    if (err instanceof ArgError) {
      console.error(`bench ${name}: ${err.message}`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
