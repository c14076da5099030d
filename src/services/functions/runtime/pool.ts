/**
 * A pool of warm worker threads for one function configuration. Each worker runs one
 * invocation at a time; idle workers are reused (warm starts) and retired after
 * `idleMs`. The pool enforces the timeout (on the injected clock) and turns a worker
 * that dies under an invocation (out of memory, process.exit, crash) into Lambda's
 * failure, then replaces it. It does not limit concurrency: callers do.
 */
import type { Worker } from "node:worker_threads";
import type { Clock, Timer } from "../../../core/clock.js";
import type { Failure } from "../../../core/errors.js";
import type { Logger } from "../../../core/logger.js";
import { spawnWorker } from "../../../core/threads.js";
import { exitFailure, responseTooLarge, timeoutFailure } from "./failures.js";
import type { FromWorker, InitRequest, LogLevel, ThreadData, WorkerInit } from "./protocol.js";
import { LogTail } from "./log-tail.js";
import { WORKER_ENTRY, type SpareWorkers } from "./spares.js";

export interface PoolSpec extends WorkerInit {
  readonly timeoutSeconds: number;
  /** Nice value of the pool's worker threads (Linux). @default 0 */
  readonly nice?: number;
  /** The whole environment the handler sees. */
  readonly env: Readonly<Record<string, string>>;
}

export interface InvokeInput {
  readonly requestId: string;
  readonly event: string;
  readonly invokedFunctionArn: string;
  readonly clientContext?: string;
  readonly traceId?: string;
}

export interface InvokeOutcome {
  /** JSON text of the result, or absent when the invocation failed. */
  readonly payload?: string;
  readonly failure?: Failure;
  /** The invocation's log lines, START to REPORT. */
  readonly log: string;
  readonly durationMs: number;
  /** Set on a cold start: how long loading the handler took. */
  readonly initMs?: number;
}

/** Lambda's largest synchronous response. */
export const MAX_RESPONSE_BYTES = 6_291_556;

interface Slot {
  readonly worker: Worker;
  readonly ready: Promise<{ initMs: number } | { failure: Failure }>;
  lastUsed: number;
  running?: Running;
  dead: boolean;
  idleTimer?: Timer;
}

interface Running {
  readonly requestId: string;
  readonly log: LogTail;
  finish(o: { payload?: string; failure?: Failure; fatal?: boolean }): void;
}

export class FunctionPool {
  private readonly idle: Slot[] = [];
  private readonly slots = new Set<Slot>();
  private stopped = false;

  constructor(
    readonly spec: PoolSpec,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly idleMs: number,
    /** Blank workers a cold start may adopt. */
    private readonly spares?: SpareWorkers,
  ) {}

  get size(): number {
    return this.slots.size;
  }

  async invoke(input: InvokeInput): Promise<InvokeOutcome> {
    if (this.stopped) throw new Error("function pool is stopped");
    const reused = this.idle.pop();
    const slot = reused ?? this.spawn();
    slot.idleTimer?.cancel();
    const log = new LogTail();
    log.line(`START RequestId: ${input.requestId} Version: ${this.spec.version}`);
    const started = performance.now();
    const ready = await slot.ready;
    if ("failure" in ready) {
      void this.retire(slot);
      return this.report(input.requestId, log, started, { failure: ready.failure }, undefined);
    }
    const result = await this.run(slot, input, log);
    if (!slot.dead && !result.fatal) this.release(slot);
    else void this.retire(slot);
    return this.report(input.requestId, log, started, result, reused ? undefined : ready.initMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.slots].map((s) => this.retire(s)));
  }

  private run(slot: Slot, input: InvokeInput, log: LogTail): Promise<{ payload?: string; failure?: Failure; fatal?: boolean }> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(this.spec.timeoutSeconds * 1000, () => {
        slot.running?.finish({ failure: timeoutFailure(input.requestId, this.spec.timeoutSeconds), fatal: true });
      });
      slot.running = {
        requestId: input.requestId,
        log,
        finish: (o) => {
          timer.cancel();
          slot.running = undefined;
          resolve(o);
        },
      };
      slot.worker.postMessage({
        t: "invoke",
        requestId: input.requestId,
        event: input.event,
        invokedFunctionArn: input.invokedFunctionArn,
        remainingMs: this.spec.timeoutSeconds * 1000,
        ...(input.clientContext ? { clientContext: input.clientContext } : {}),
        ...(input.traceId ? { traceId: input.traceId } : {}),
      });
    });
  }

  private report(requestId: string, log: LogTail, started: number, r: { payload?: string; failure?: Failure }, initMs: number | undefined): InvokeOutcome {
    const durationMs = performance.now() - started;
    let { payload, failure } = r;
    if (payload !== undefined && Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) {
      payload = undefined;
      failure = responseTooLarge(MAX_RESPONSE_BYTES);
    }
    const status = failure ? (failure.errorType === "Sandbox.Timedout" ? "\tStatus: timeout" : failure.errorType.startsWith("Runtime.ExitError") ? "\tStatus: error\tError Type: Runtime.ExitError" : "") : "";
    log.line(`END RequestId: ${requestId}`);
    log.line(
      `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(durationMs)} ms\tMemory Size: ${this.spec.memoryMb} MB` +
        (initMs !== undefined ? `\tInit Duration: ${initMs.toFixed(2)} ms` : "") +
        status,
    );
    return { ...(payload !== undefined ? { payload } : {}), ...(failure ? { failure } : {}), log: log.text(), durationMs, ...(initMs !== undefined ? { initMs } : {}) };
  }

  private spawn(): Slot {
    const init: WorkerInit = {
      codeRoot: this.spec.codeRoot,
      handler: this.spec.handler,
      functionName: this.spec.functionName,
      version: this.spec.version,
      memoryMb: this.spec.memoryMb,
      logGroupName: this.spec.logGroupName,
      logStreamName: this.spec.logStreamName,
    };
    const spare = this.spares?.take(this.spec.memoryMb);
    if (spare) spare.postMessage({ t: "init", init, env: { ...this.spec.env } } satisfies InitRequest);
    const worker =
      spare ??
      spawnWorker(WORKER_ENTRY, {
        workerData: { ...init, nice: this.spec.nice ?? 0 } satisfies WorkerInit & ThreadData,
        env: { ...this.spec.env },
        resourceLimits: { maxOldGenerationSizeMb: this.spec.memoryMb },
        stdout: true,
        stderr: true,
      });
    let onReady!: (r: { initMs: number } | { failure: Failure }) => void;
    const slot: Slot = { worker, ready: new Promise((r) => (onReady = r)), lastUsed: this.clock.now(), dead: false };
    this.slots.add(slot);
    worker.on("message", (m: FromWorker) => this.onMessage(slot, m, onReady));
    worker.on("error", (err: Error & { code?: string }) => {
      slot.dead = true;
      const reason = err.code === "ERR_WORKER_OUT_OF_MEMORY" ? "signal: killed" : `${err.name}: ${err.message}`;
      onReady({ failure: exitFailure("init", reason) });
      slot.running?.finish({ failure: exitFailure(slot.running.requestId, reason), fatal: true });
    });
    worker.on("exit", (code) => {
      slot.dead = true;
      this.slots.delete(slot);
      onReady({ failure: exitFailure("init", `exit status ${code}`) });
      slot.running?.finish({ failure: exitFailure(slot.running.requestId, `exit status ${code}`), fatal: true });
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => this.userLog(slot, "INFO", chunk.replace(/\n$/, "")));
    }
    return slot;
  }

  private onMessage(slot: Slot, m: FromWorker, onReady: (r: { initMs: number } | { failure: Failure }) => void): void {
    switch (m.t) {
      case "ready":
        onReady({ initMs: m.initMs });
        return;
      case "initError":
        onReady({ failure: m.failure });
        return;
      case "log":
        this.userLog(slot, m.level, m.text);
        return;
      case "result":
        if (slot.running?.requestId === m.requestId) slot.running.finish({ payload: m.payload });
        return;
      case "failure":
        if (slot.running?.requestId === m.requestId || m.fatal) slot.running?.finish({ failure: m.failure, fatal: m.fatal });
        return;
    }
  }

  private userLog(slot: Slot, level: LogLevel, text: string): void {
    const id = slot.running?.requestId ?? "undefined";
    slot.running?.log.line(`${new Date().toISOString()}\t${id}\t${level}\t${text.replace(/\n/g, "\r")}`);
    this.logger.info({ fn: this.spec.functionName, requestId: id, level, msg: text.length > 2048 ? `${text.slice(0, 2048)}…` : text }, "function log");
  }

  private release(slot: Slot): void {
    slot.lastUsed = this.clock.now();
    if (this.stopped) {
      void this.retire(slot);
      return;
    }
    this.idle.push(slot);
    slot.idleTimer = this.clock.setTimer(this.idleMs, () => {
      const i = this.idle.indexOf(slot);
      if (i >= 0) {
        this.idle.splice(i, 1);
        void this.retire(slot);
      }
    });
  }

  private async retire(slot: Slot): Promise<void> {
    slot.dead = true;
    slot.idleTimer?.cancel();
    const i = this.idle.indexOf(slot);
    if (i >= 0) this.idle.splice(i, 1);
    this.slots.delete(slot);
    await slot.worker.terminate();
  }
}
