/**
 * The queue workload every system runs: P producers and C consumers, concurrently,
 * until N messages have been sent, received and acknowledged. Throughput is N divided
 * by the wall time from the first send to the last acknowledgement.
 *
 * A system plugs in as a `QueuePeer`: `produce(n)` is one producer step; consumers are
 * either pull loops over `consume(max)` (Sluice, pg-boss) or push workers started once
 * (BullMQ). Acknowledgements are reported as they commit, so the run ends the moment
 * the last one does, whatever other consumers are waiting for.
 */
import { cpuUsage } from "node:process";
import { setMaxListeners } from "node:events";
import { cpus } from "node:os";
import { performance } from "node:perf_hooks";
import { coresBetween, cpuTicks } from "./cpu.js";
import { now, progress, Samples, type LatencySummary } from "./timing.js";

export interface ConsumeContext {
  readonly signal: AbortSignal;
  /** Call as soon as `n` acknowledgements have committed. */
  acked(n: number): void;
  /** Record the latency of one acknowledgement call (delete/complete), if the peer has one. */
  readonly ackLatency: Samples;
}

export interface QueuePeer {
  setup(): Promise<void>;
  /** One producer step of `count` messages; resolves when the peer has accepted them. */
  produce(count: number): Promise<void>;
  /** One pull-consumer step: takes up to `max` messages and acknowledges them. */
  consume?(max: number, ctx: ConsumeContext): Promise<void>;
  /** Push consumers: starts `count` of them taking up to `max` each; ready when it resolves. */
  startConsumers?(count: number, max: number, ctx: ConsumeContext): Promise<void>;
  /** Null when the queue holds nothing any more, or a description of what is left. */
  leftover(): Promise<string | null>;
  teardown(): Promise<void>;
}

export interface WorkloadSpec {
  readonly messages: number;
  /** Messages per producer step and most per consumer step. */
  readonly step: number;
  readonly producers: number;
  readonly consumers: number;
  /** Fail when no acknowledgement arrives for this long. @default 60000 */
  readonly stallMs?: number;
  /** Label for progress lines. */
  readonly label: string;
}

export interface WorkloadResult {
  readonly messages: number;
  readonly acked: number;
  readonly wallMs: number;
  readonly rate: number;
  /** When the last producer step returned, as a share of the wall time. */
  readonly sendDoneAt: number;
  readonly send: LatencySummary | null;
  readonly ack: LatencySummary | null;
  /** CPU time of this process (all its threads) over wall time, in cores. */
  readonly processCores: number;
  /** Busy CPU of the whole machine over wall time, in cores (servers and other work included). */
  readonly machineCores: number;
  /** CPU of the PostgreSQL and Redis server processes over wall time, in cores. */
  readonly serverCores: number;
  /** Machine CPU used by neither this process nor the servers: other work on the machine. */
  readonly otherCores: number;
  /** Event-loop utilization of the main thread, 0..1. */
  readonly elu: number;
  readonly leftover: string | null;
}

class Counter {
  acked = 0;
  endedAt = 0;
  lastProgressAt = now();
  private nextReport: number;
  private readonly quarter: number;

  constructor(
    private readonly spec: WorkloadSpec,
    private readonly onDone: () => void,
  ) {
    this.quarter = Math.max(1, Math.floor(spec.messages / 4));
    this.nextReport = this.quarter;
  }

  add(n: number, startedAt: number): void {
    this.acked += n;
    this.lastProgressAt = now();
    while (this.acked >= this.nextReport && this.nextReport < this.spec.messages) {
      const secs = (now() - startedAt) / 1000;
      progress(`${this.spec.label}: ${this.acked}/${this.spec.messages} acknowledged after ${secs.toFixed(1)} s`);
      this.nextReport += this.quarter;
    }
    if (this.acked >= this.spec.messages && !this.endedAt) {
      this.endedAt = now();
      this.onDone();
    }
  }
}

export async function runWorkload(peer: QueuePeer, spec: WorkloadSpec): Promise<WorkloadResult> {
  const abort = new AbortController();
  // Every long-polling receive listens on this one signal.
  setMaxListeners(0, abort.signal);
  const send = new Samples();
  const ackLatency = new Samples();
  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const counter = new Counter(spec, () => {
    abort.abort();
    resolveDone();
  });
  let startedAt = 0;
  const ctx: ConsumeContext = { signal: abort.signal, acked: (n) => counter.add(n, startedAt), ackLatency };

  if (peer.startConsumers) await peer.startConsumers(spec.consumers, spec.step, ctx);
  let toSend = spec.messages;
  let sendDoneAt = 0;
  const producer = async (): Promise<void> => {
    while (toSend > 0 && !abort.signal.aborted) {
      const n = Math.min(spec.step, toSend);
      toSend -= n;
      await send.time(() => peer.produce(n));
    }
    sendDoneAt = Math.max(sendDoneAt, now());
  };
  const consumer = async (): Promise<void> => {
    while (!abort.signal.aborted) await peer.consume!(spec.step, ctx);
  };

  const cpu0 = cpuUsage();
  const ticks0 = cpuTicks();
  const elu0 = performance.eventLoopUtilization();
  startedAt = now();
  counter.lastProgressAt = startedAt;
  const workers = [
    ...Array.from({ length: spec.producers }, producer),
    ...(peer.consume ? Array.from({ length: spec.consumers }, consumer) : []),
  ];
  const failed = Promise.race(workers.map((w) => w.then(() => new Promise<never>(() => {}))));
  const stall = spec.stallMs ?? 60_000;
  let watchdog: NodeJS.Timeout | undefined;
  const stalled = new Promise<never>((_, reject) => {
    watchdog = setInterval(() => {
      if (now() - counter.lastProgressAt > stall) {
        reject(new Error(`stalled: ${counter.acked}/${spec.messages} acknowledged, none in the last ${stall / 1000} s`));
      }
    }, 1000);
  });
  try {
    await Promise.race([done, failed, stalled]);
  } finally {
    clearInterval(watchdog);
    abort.abort();
  }
  const wallMs = counter.endedAt - startedAt;
  const cpu = cpuUsage(cpu0);
  const ticks1 = cpuTicks();
  const elu = performance.eventLoopUtilization(elu0);
  await Promise.allSettled(workers);
  const used = coresBetween(ticks0, ticks1, cpus().length);
  const processCores = (cpu.user + cpu.system) / 1000 / wallMs;
  return {
    messages: spec.messages,
    acked: counter.acked,
    wallMs,
    rate: (spec.messages / wallMs) * 1000,
    sendDoneAt: sendDoneAt ? (sendDoneAt - startedAt) / wallMs : NaN,
    send: send.summary(),
    ack: ackLatency.summary(),
    processCores,
    machineCores: used.machine,
    serverCores: used.servers,
    otherCores: Math.max(0, used.machine - used.servers - processCores),
    elu: elu.utilization,
    leftover: await peer.leftover(),
  };
}

/** The fixed message body every system sends: 100 bytes of ASCII JSON. */
export const BODY = (() => {
  const base = JSON.stringify({ type: "order.created", orderId: "ord-000000000001", amount: 4999, pad: "" });
  return base.replace('"pad":""', `"pad":"${"x".repeat(100 - base.length)}"`);
})();
