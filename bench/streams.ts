/**
 * `npm run bench -- streams`: Sluice's Kinesis Data Streams against NATS JetStream,
 * in the same run:
 *
 *  - put: P producers append N records of 1 KiB in batches of 500 to a stream of S
 *    shards — Sluice in process (built dist/, fsync-durable, writer inline and thread),
 *    Sluice's endpoint (`sluice start`) through @aws-sdk/client-kinesis (HTTP/2) and
 *    through a lean signed client (HTTP/1.1), and JetStream with FILE storage;
 *  - lag: records put at a fixed rate for a few seconds while one reader per shard reads
 *    as fast as it can; lag = time read − time put, per record.
 *
 * Each trial runs in a fresh child process (lib/child.ts); the endpoint under test is a
 * fresh `sluice start` per trial. Helpers: lib/streams-*.ts.
 */
import { mkdirSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ArgError, checkKnown, flag, intOpt, listOpt, parseArgs, stringOpt, type ParsedArgs } from "./lib/args.js";
import { runInChild } from "./lib/child.js";
import { pidsNamed, settle } from "./lib/cpu.js";
import { loadAverage, machineInfo, machinePairs, packageVersion } from "./lib/machine.js";
import { summarizeProfile } from "./lib/profile.js";
import { startSluice, type Endpoint } from "./lib/servers.js";
import { DEFAULT_NATS, NatsStreamPeer, natsServerVersion, sweepNatsStreams } from "./lib/streams-nats.js";
import { durabilityNotes, lagTable, putTable, targetLines, type Row } from "./lib/streams-report.js";
import { SluiceStreamPeer } from "./lib/streams-sluice.js";
import { RECORD_BYTES, runLag, runPut, type LagResult, type PutResult, type StreamPeer } from "./lib/streams-workload.js";
import { renderPairs } from "./lib/table.js";
import { formatMs, formatRate, progress } from "./lib/timing.js";

export const description = "streams: PutRecords rate and consumer lag, in process and over the API, vs NATS JetStream";

const SYSTEMS = ["sluice-inline", "sluice-thread", "api-sdk", "api-lean", "nats"] as const;
type System = (typeof SYSTEMS)[number];
const PHASES = ["put", "lag"] as const;
type Phase = (typeof PHASES)[number];
type Writer = "inline" | "thread";

const DEFAULTS = { records: 200_000, producers: 8, shards: 4, batch: 500, rate: 5000, seconds: 10 } as const;
const QUICK = { records: 20_000, seconds: 3 } as const;
/** Kinesis takes at most 500 records per PutRecords. */
const MAX_BATCH = 500;

interface TrialSpec {
  readonly system: System;
  readonly phase: Phase;
  readonly records: number;
  readonly producers: number;
  readonly shards: number;
  readonly batch: number;
  readonly rate: number;
  readonly seconds: number;
  readonly pollMs: number;
  readonly url: string;
  readonly serverPids: number[];
}

type TrialResult =
  | { readonly status: "ok"; readonly durability: string; readonly put?: PutResult; readonly lag?: LagResult }
  | { readonly status: "error"; readonly error: string };

// ---------------------------------------------------------------- child side

function peerFor(spec: TrialSpec): StreamPeer {
  switch (spec.system) {
    case "sluice-inline":
      return new SluiceStreamPeer({ kind: "in-process", writer: "inline" });
    case "sluice-thread":
      return new SluiceStreamPeer({ kind: "in-process", writer: "thread" });
    case "api-sdk":
      return new SluiceStreamPeer({ kind: "sdk", url: spec.url });
    case "api-lean":
      return new SluiceStreamPeer({ kind: "lean", url: spec.url, sockets: spec.producers + spec.shards + 2 });
    case "nats":
      return new NatsStreamPeer(spec.url);
  }
}

export async function trial(raw: unknown): Promise<TrialResult> {
  const spec = raw as TrialSpec;
  const peer = peerFor(spec);
  try {
    await peer.setup(spec.shards);
    const label = `${spec.phase} · ${spec.system}`;
    const common = { batch: spec.batch, shards: spec.shards, label, serverPids: spec.serverPids };
    if (spec.phase === "put") return { status: "ok", durability: peer.durability, put: await runPut(peer, { ...common, records: spec.records, producers: spec.producers }) };
    return { status: "ok", durability: peer.durability, lag: await runLag(peer, { ...common, rate: spec.rate, seconds: spec.seconds, pollMs: spec.pollMs }) };
  } finally {
    await peer.teardown();
  }
}

// ---------------------------------------------------------------- parent side

interface Options {
  readonly records: number;
  readonly producers: number;
  readonly shards: number;
  readonly batch: number;
  readonly rate: number;
  readonly seconds: number;
  readonly pollMs: number;
  readonly systems: System[];
  readonly phases: Phase[];
  readonly apiWriter: Writer;
  readonly natsUrl: string;
  readonly timeoutMs: number;
  readonly quick: boolean;
  readonly settleMs: number;
  readonly profileDir?: string;
}

const KNOWN = ["records", "producers", "shards", "batch", "rate", "seconds", "poll-ms", "systems", "phases", "api-writer", "nats", "timeout", "settle", "quick", "profile", "help"];

const USAGE = `usage: npm run bench -- streams [options]
  --records N         records of ${RECORD_BYTES} bytes per put trial (default ${DEFAULTS.records}; ${QUICK.records} with --quick)
  --producers P       concurrent producers, each with one batch in flight (default ${DEFAULTS.producers})
  --shards S          shards of the stream; subjects of the JetStream stream (default ${DEFAULTS.shards})
  --batch B           records per PutRecords / publishes awaited together, at most ${MAX_BATCH} (default ${DEFAULTS.batch})
  --rate R            records per second put during the lag trials (default ${DEFAULTS.rate})
  --seconds T         length of each lag trial (default ${DEFAULTS.seconds}; ${QUICK.seconds} with --quick)
  --poll-ms M         Sluice readers: pause after a GetRecords that found nothing (default 0: next call at once)
  --systems a,b       any of: ${SYSTEMS.join(", ")} (default all)
  --phases put,lag    which workloads (default both)
  --api-writer W      writer of the \`sluice start\` endpoint: inline or thread (default thread, Sluice's default)
  --nats URL          NATS server with JetStream (default ${DEFAULT_NATS})
  --profile DIR       write a V8 CPU profile of each trial process to DIR and print its top functions
                      (the bench side only: for the endpoint's own, set BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR")
  --timeout S         seconds before a trial is killed (default 1800)
  --settle S          before each trial, wait up to S seconds for other work on the machine to drop below 0.25 cores (default 60; 0 with --quick)
  --quick             smoke run: ${QUICK.records} records, ${QUICK.seconds} s lag trials`;

function options(args: ParsedArgs): Options {
  checkKnown(args, KNOWN);
  const quick = flag(args, "quick");
  const batch = intOpt(args, "batch") ?? DEFAULTS.batch;
  if (batch > MAX_BATCH) throw new ArgError(`--batch: at most ${MAX_BATCH} (PutRecords' limit)`);
  const apiWriter = stringOpt(args, "api-writer") ?? "thread";
  if (apiWriter !== "inline" && apiWriter !== "thread") throw new ArgError("--api-writer must be inline or thread");
  const profile = stringOpt(args, "profile");
  return {
    records: intOpt(args, "records") ?? (quick ? QUICK.records : DEFAULTS.records),
    producers: intOpt(args, "producers") ?? DEFAULTS.producers,
    shards: intOpt(args, "shards") ?? DEFAULTS.shards,
    batch,
    rate: intOpt(args, "rate") ?? DEFAULTS.rate,
    seconds: intOpt(args, "seconds") ?? (quick ? QUICK.seconds : DEFAULTS.seconds),
    pollMs: intOpt(args, "poll-ms", 0) ?? 0,
    systems: listOpt(args, "systems", SYSTEMS) ?? [...SYSTEMS],
    phases: listOpt(args, "phases", PHASES) ?? [...PHASES],
    apiWriter,
    natsUrl: stringOpt(args, "nats") ?? DEFAULT_NATS,
    timeoutMs: (intOpt(args, "timeout") ?? 1800) * 1000,
    quick,
    settleMs: (intOpt(args, "settle", 0) ?? (quick ? 0 : 60)) * 1000,
    ...(profile !== undefined ? { profileDir: resolve(profile) } : {}),
  };
}

function labelOf(system: System, apiWriter: Writer): string {
  switch (system) {
    case "sluice-inline":
      return "Sluice in process, writer inline";
    case "sluice-thread":
      return "Sluice in process, writer thread";
    case "api-sdk":
    case "api-lean":
      return `Sluice endpoint (sluice start, writer ${apiWriter})`;
    case "nats":
      return "NATS JetStream, FILE storage";
  }
}

function clientOf(system: System, o: Options): string {
  switch (system) {
    case "sluice-inline":
    case "sluice-thread":
      return "platform.streams.call";
    case "api-sdk":
      return `@aws-sdk/client-kinesis ${packageVersion("@aws-sdk/client-kinesis")} (HTTP/2)`;
    case "api-lean":
      return `lean SigV4 JSON 1.1 (HTTP/1.1, ${o.producers + o.shards + 2} sockets)`;
    case "nats":
      return `nats.js ${packageVersion("nats")} (async publish, ≤${o.batch} acks in flight per producer, noAsyncTraces)`;
  }
}

/** The server processes whose CPU counts as the system's: the endpoint child, or nats-server when it runs here. */
async function startServer(system: System, o: Options): Promise<{ endpoint?: Endpoint; url: string; pids: number[] }> {
  if (system === "api-sdk" || system === "api-lean") {
    const endpoint = await startSluice(["--writer", o.apiWriter]);
    return { endpoint, url: endpoint.url, pids: endpoint.pid !== undefined ? [endpoint.pid] : [] };
  }
  if (system === "nats") return { url: o.natsUrl, pids: pidsNamed("nats-server") };
  return { url: "", pids: [] };
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
  const c = (out.put ?? out.lag)!.cpu;
  const cpu = `CPU cores: bench ${c.bench.toFixed(2)}, server ${c.server.toFixed(2)}, others ${c.others.toFixed(2)}`;
  if (out.put) return `${formatRate(out.put.rate)} records/s in ${(out.put.wallMs / 1000).toFixed(1)} s; ${cpu}`;
  const lag = out.lag!;
  return `${lag.consumed}/${lag.produced} read, lag p50 ${formatMs(lag.lag?.p50 ?? NaN)} ms, p99 ${formatMs(lag.lag?.p99 ?? NaN)} ms; ${cpu}`;
}

async function runTrial(o: Options, system: System, phase: Phase): Promise<TrialResult> {
  const tag = `${phase} · ${system}`;
  let quiet = "";
  if (o.settleMs > 0) {
    const load = await settle(o.settleMs, 0.25, (l) => progress(`${tag}: waiting for the machine to settle (others use ${l.toFixed(2)} cores)`));
    quiet = `, others at start ${load.toFixed(2)} cores`;
  }
  progress(`${tag}: starting (load ${loadAverage()}${quiet})`);
  const before = o.profileDir ? new Set(readdirSync(o.profileDir)) : undefined;
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    server = await startServer(system, o);
    const spec: TrialSpec = { system, phase, records: o.records, producers: o.producers, shards: o.shards, batch: o.batch, rate: o.rate, seconds: o.seconds, pollMs: o.pollMs, url: server.url, serverPids: server.pids };
    const out = await runInChild<TrialSpec, TrialResult>("streams", spec, { timeoutMs: o.timeoutMs, ...(o.profileDir ? { profileDir: o.profileDir } : {}) });
    progress(`${tag}: ${describe(out)}`);
    return out;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    progress(`${tag}: FAILED: ${error}`);
    return { status: "error", error };
  } finally {
    await server?.endpoint?.stop();
    printProfiles(o, before, tag);
  }
}

function groupOf(system: System): Row["group"] {
  return system === "nats" ? "nats" : system.startsWith("api-") ? "api" : "in-process";
}

function rowOf(o: Options, system: System, out: TrialResult): Row {
  const base = { group: groupOf(system), label: labelOf(system, o.apiWriter), client: clientOf(system, o) };
  if (out.status === "error") return { ...base, durability: "-", failed: out.error.split("\n", 1)[0] ?? "failed" };
  return { ...base, durability: out.durability, ...(out.put ? { put: out.put } : {}), ...(out.lag ? { lag: out.lag } : {}) };
}

async function machineTable(o: Options): Promise<string> {
  const info = await machineInfo({ dataDir: tmpdir() });
  const pairs = machinePairs(info).filter(([k]) => k !== "PostgreSQL" && k !== "Redis" && k !== "peer clients");
  pairs.push(["NATS", `${await natsServerVersion(o.natsUrl)} at ${o.natsUrl}`]);
  pairs.push(["clients", `@aws-sdk/client-kinesis ${packageVersion("@aws-sdk/client-kinesis")}, nats ${packageVersion("nats")}`]);
  return renderPairs(pairs, ["machine", ""]);
}

async function sweep(o: Options, when: string): Promise<void> {
  if (!o.systems.includes("nats")) return;
  const left = await sweepNatsStreams(o.natsUrl).catch(() => []);
  if (left.length) progress(`${when}: deleted leftover JetStream streams ${left.join(", ")}`);
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) {
    console.log(USAGE);
    return;
  }
  const o = options(args);
  if (o.profileDir) mkdirSync(o.profileDir, { recursive: true });
  await sweep(o, "before");
  console.log(`# streams bench${o.quick ? " (quick)" : ""}\n\n${await machineTable(o)}\n`);
  console.log(
    `workload: records of ${RECORD_BYTES} bytes (put time in the first 8), ${o.shards} shards; put: ${o.records} records, ${o.producers} producers, ` +
      `batches of ${o.batch} (PutRecords / ${o.batch} JetStream publishes awaited together); lag: ${o.rate} records/s for ${o.seconds} s, one reader per shard. ` +
      `Readers: Sluice, a LATEST iterator per shard, then GetRecords back to back${o.pollMs ? ` (${o.pollMs} ms pause after an empty one)` : ""}; ` +
      `JetStream, one ordered consumer per shard subject (pull-based, consume(), no acks) from the next sequence. ` +
      `Each trial in a fresh child process; a fresh \`sluice start\` per endpoint trial.`,
  );
  try {
    for (const phase of o.phases) {
      const rows: Row[] = [];
      for (const system of o.systems) rows.push(rowOf(o, system, await runTrial(o, system, phase)));
      console.log(phase === "put" ? `\n## put: ${o.records} records\n\n${putTable(rows)}` : `\n## lag: ${o.rate} records/s for ${o.seconds} s\n\n${lagTable(rows)}`);
      if (phase === "put") console.log(`\nTargets:\n${targetLines(rows).join("\n")}\n\n${durabilityNotes(rows).join("\n")}`);
    }
  } finally {
    await sweep(o, "after");
  }
  console.log(
    `\nload average at end: ${loadAverage()}. CPU = cores used by the trial process (client and, in process, Sluice with its writer thread) / the server ` +
      `(the \`sluice start\` child, or nats-server) / everything else on the machine, over the trial's wall time.`,
  );
}
