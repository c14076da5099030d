/**
 * The two stream workloads every system runs, over a `StreamPeer`:
 *
 *  - put: P producers append N records of 1 KiB in batches (PutRecords of 500 on
 *    Sluice; 500 async publishes awaited together on JetStream) as fast as they are
 *    acknowledged; rate = N ÷ wall time from the first put to the last acknowledgement;
 *  - lag: records are put at a fixed rate while one reader per shard, positioned at the
 *    tip beforehand, reads as fast as it can; each record carries its put time, so
 *    lag = time read − time put, for every record read.
 *
 * CPU is counted for this process (all its threads) and for the server processes named
 * by the peer, from /proc; what neither used is other work on the machine.
 */
import { cpus } from "node:os";
import { cpuUsage } from "node:process";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import { coresBetween, cpuTicks, pidTicks, type CpuTicks } from "./cpu.js";
import { now, progress, Samples, sleep, type LatencySummary } from "./timing.js";

export const RECORD_BYTES = 1024;
/** Distinct partition keys: enough that MD5 spreads them evenly over a few shards. */
const KEYS = 4096;

export interface OutRecord {
  /** Which shard a peer without key hashing (JetStream subjects) puts it on. */
  readonly shard: number;
  readonly key: string;
  readonly data: Buffer;
}

export interface StreamPeer {
  /** What an acknowledged put survives, for the durability column (known after setup). */
  readonly durability: string;
  /** Creates the stream with `shards` shards. */
  setup(shards: number): Promise<void>;
  /** Appends one batch; resolves once every record in it is acknowledged. */
  put(records: readonly OutRecord[]): Promise<void>;
  /**
   * Positions one reader per shard at the tip, then reads until `signal` aborts, handing
   * every record's data to `onData`. Resolves once positioned; `done` settles when the
   * readers stop (wrapped, since an async function would wait for a promise it returns).
   */
  startReaders(onData: (data: Uint8Array) => void, signal: AbortSignal, pollMs: number): Promise<{ done: Promise<void> }>;
  teardown(): Promise<void>;
}

export interface Cores {
  readonly bench: number;
  readonly server: number;
  readonly others: number;
}

/** CPU used from construction to `stop`, in cores: this process, the servers, the rest of the machine. */
export class CpuMeter {
  private readonly cpu0 = cpuUsage();
  private readonly ticks0: CpuTicks = cpuTicks();
  private readonly server0: number;
  private readonly t0 = now();

  constructor(private readonly serverPids: readonly number[]) {
    this.server0 = pidTicks(serverPids);
  }

  stop(): Cores {
    const wallMs = now() - this.t0;
    const cpu = cpuUsage(this.cpu0);
    const ticks1 = cpuTicks();
    const server1 = pidTicks(this.serverPids);
    const cores = cpus().length;
    const machine = coresBetween(this.ticks0, ticks1, cores).machine;
    // Per-process jiffies are per core-second; the machine total sums them over cores.
    const perCore = (ticks1.total - this.ticks0.total) / cores;
    const server = perCore > 0 ? (server1 - this.server0) / perCore : NaN;
    const bench = (cpu.user + cpu.system) / 1000 / wallMs;
    return { bench, server, others: Math.max(0, machine - bench - server) };
  }
}

const template = Buffer.alloc(RECORD_BYTES, "abcdefghijklmnopqrstuvwxyz0123456789");

/** Record `seq`, stamped now: bytes 0–7 hold the put time (ms, monotonic clock of this process). */
export function makeRecord(seq: number, shards: number): OutRecord {
  const data = Buffer.allocUnsafe(RECORD_BYTES);
  template.copy(data);
  data.writeDoubleLE(now(), 0);
  return { shard: seq % shards, key: `pk-${seq % KEYS}`, data };
}

export function putTimeOf(data: Uint8Array): number {
  return new DataView(data.buffer, data.byteOffset, 8).getFloat64(0, true);
}

export function makeBatch(first: number, count: number, shards: number): OutRecord[] {
  return Array.from({ length: count }, (_, i) => makeRecord(first + i, shards));
}

/** Between polls that found nothing: a pause, or at least a turn of the event loop so timers and I/O run. */
export function idle(pollMs: number): Promise<unknown> {
  return pollMs > 0 ? sleep(pollMs) : yieldToLoop();
}

export interface PutSpec {
  readonly records: number;
  readonly producers: number;
  readonly batch: number;
  readonly shards: number;
  readonly label: string;
  readonly serverPids: readonly number[];
}

export interface PutResult {
  readonly records: number;
  readonly wallMs: number;
  readonly rate: number;
  /** Payload megabytes (10^6 bytes) per second. */
  readonly mbps: number;
  readonly put: LatencySummary | null;
  readonly cpu: Cores;
}

export async function runPut(peer: StreamPeer, spec: PutSpec): Promise<PutResult> {
  const latency = new Samples();
  let next = 0;
  let acked = 0;
  const producer = async (): Promise<void> => {
    while (next < spec.records) {
      const count = Math.min(spec.batch, spec.records - next);
      const batch = makeBatch(next, count, spec.shards);
      next += count;
      await latency.time(() => peer.put(batch));
      acked += count;
    }
  };
  const meter = new CpuMeter(spec.serverPids);
  const t0 = now();
  const ticker = setInterval(() => progress(`${spec.label}: ${acked}/${spec.records} records acknowledged after ${((now() - t0) / 1000).toFixed(1)} s`), 2000);
  try {
    await Promise.all(Array.from({ length: spec.producers }, producer));
  } finally {
    clearInterval(ticker);
  }
  const wallMs = now() - t0;
  const cpu = meter.stop();
  const rate = (spec.records / wallMs) * 1000;
  return { records: spec.records, wallMs, rate, mbps: (rate * RECORD_BYTES) / 1e6, put: latency.summary(), cpu };
}

export interface LagSpec {
  readonly rate: number;
  readonly seconds: number;
  readonly batch: number;
  readonly shards: number;
  readonly pollMs: number;
  readonly label: string;
  readonly serverPids: readonly number[];
}

export interface LagResult {
  readonly produced: number;
  readonly consumed: number;
  /** Records put per second, as achieved. */
  readonly achieved: number;
  readonly lag: LatencySummary | null;
  readonly put: LatencySummary | null;
  readonly cpu: Cores;
}

const TICK_MS = 20;
/** Puts in flight at once while pacing; a system that cannot keep up falls behind the rate instead of queueing without bound. */
const MAX_IN_FLIGHT = 16;
const DRAIN_MS = 15_000;

/** Puts what is due every tick until `seconds` have passed; returns how many it put and how long that took. */
async function pace(peer: StreamPeer, spec: LagSpec, latency: Samples, counted: (n: number) => void): Promise<{ produced: number; ms: number }> {
  const inFlight = new Set<Promise<void>>();
  let produced = 0;
  const t0 = now();
  while (now() - t0 < spec.seconds * 1000) {
    let due = Math.floor(((now() - t0) / 1000) * spec.rate) - produced;
    while (due > 0 && inFlight.size < MAX_IN_FLIGHT) {
      const count = Math.min(spec.batch, due);
      const batch = makeBatch(produced, count, spec.shards);
      produced += count;
      due -= count;
      const p: Promise<void> = latency.time(() => peer.put(batch)).then(() => {
        inFlight.delete(p);
        counted(count);
      });
      inFlight.add(p);
    }
    await Promise.race([sleep(TICK_MS), ...inFlight]);
  }
  await Promise.all(inFlight);
  return { produced, ms: now() - t0 };
}

export async function runLag(peer: StreamPeer, spec: LagSpec): Promise<LagResult> {
  const lag = new Samples();
  const latency = new Samples();
  let consumed = 0;
  let acked = 0;
  const abort = new AbortController();
  const { done: readers } = await peer.startReaders(
    (data) => {
      lag.add(now() - putTimeOf(data));
      consumed++;
    },
    abort.signal,
    spec.pollMs,
  );
  const failed = readers.then(() => Promise.reject(new Error("readers stopped early")));
  failed.catch(() => {});
  const meter = new CpuMeter(spec.serverPids);
  const t0 = now();
  const ticker = setInterval(() => progress(`${spec.label}: ${acked} records put, ${consumed} read after ${((now() - t0) / 1000).toFixed(1)} s`), 2000);
  try {
    const { produced, ms } = await Promise.race([pace(peer, spec, latency, (n) => (acked += n)), failed]);
    const deadline = now() + DRAIN_MS;
    while (consumed < produced && now() < deadline) await Promise.race([sleep(20), failed]);
    const cpu = meter.stop();
    return { produced, consumed, achieved: (produced / ms) * 1000, lag: lag.summary(), put: latency.summary(), cpu };
  } finally {
    clearInterval(ticker);
    abort.abort();
    await readers.catch(() => {});
  }
}
