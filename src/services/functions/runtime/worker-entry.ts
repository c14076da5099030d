/**
 * The worker thread that runs one function's handler, one invocation at a time, with
 * Lambda's context object, console lines tagged with the request id, and Lambda's
 * rules for async, callback and plain handlers. A crash inside user code ends the
 * thread after reporting; the pool starts a fresh one, as Lambda restarts a sandbox.
 */
import { once } from "node:events";
import { setPriority } from "node:os";
import { parentPort, workerData } from "node:worker_threads";
import { format } from "node:util";
import type { Failure } from "../../../core/errors.js";
import { toFailure } from "./failures.js";
import { loadHandler, needsTypeScript, RuntimeError, type Handler } from "./handler-loader.js";
import type { FromWorker, InitRequest, InvokeRequest, LogLevel, SpareData, ThreadData, ToWorker, WorkerInit } from "./protocol.js";

const port = parentPort;
let init = workerData as WorkerInit;
let current: string | null = null;
const post = (m: FromWorker): void => port?.postMessage(m);

function patchConsole(): void {
  const levels: [keyof Console, LogLevel][] = [["log", "INFO"], ["info", "INFO"], ["warn", "WARN"], ["error", "ERROR"], ["debug", "DEBUG"], ["trace", "TRACE"]];
  for (const [method, level] of levels) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => post({ t: "log", requestId: current, level, text: format(...args) });
  }
}

/** A rejection with something other than an Error; Lambda reports its type and text. */
class Thrown extends Error {
  constructor(readonly value: unknown) {
    super("non-Error rejection");
  }
}

function context(req: InvokeRequest, done: (err: unknown, result?: unknown) => void): Record<string, unknown> {
  const started = Date.now();
  let waits = true;
  return {
    get callbackWaitsForEmptyEventLoop() {
      return waits;
    },
    set callbackWaitsForEmptyEventLoop(v: boolean) {
      waits = v;
    },
    succeed: (result: unknown) => done(null, result),
    fail: (err: unknown) => done(err ?? "handled"),
    done,
    functionVersion: init.version,
    functionName: init.functionName,
    memoryLimitInMB: String(init.memoryMb),
    logGroupName: init.logGroupName,
    logStreamName: init.logStreamName,
    clientContext: req.clientContext ? (JSON.parse(req.clientContext) as unknown) : undefined,
    identity: undefined,
    invokedFunctionArn: req.invokedFunctionArn,
    awsRequestId: req.requestId,
    getRemainingTimeInMillis: () => req.remainingMs - (Date.now() - started),
  };
}

function serialize(result: unknown): string {
  try {
    return JSON.stringify(result === undefined ? null : result) ?? "null";
  } catch {
    throw new RuntimeError("JSONStringifyError", "Unable to stringify response body");
  }
}

/** Runs one invocation; resolves with the JSON payload or rejects with what failed it. */
function invoke(handler: Handler, req: InvokeRequest): Promise<string> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err: unknown, result?: unknown): void => {
      if (settled) return;
      settled = true;
      if (err !== null && err !== undefined) reject(err instanceof Error ? err : new Thrown(err));
      else {
        try {
          resolve(serialize(result));
        } catch (e) {
          reject(e instanceof Error ? e : new Thrown(e));
        }
      }
    };
    const ctx = context(req, done);
    const out = handler(JSON.parse(req.event) as unknown, ctx, handler.length >= 3 ? done : undefined);
    if (out && typeof (out as Promise<unknown>).then === "function") {
      (out as Promise<unknown>).then((r) => done(null, r), (e: unknown) => done(e ?? "handled"));
    } else if (handler.length < 3) {
      // A plain handler's return value is ignored; it succeeds with null.
      done(null, null);
    }
  });
}

function failureOf(err: unknown): Failure {
  return toFailure(err instanceof Thrown ? err.value : err);
}

/**
 * Lowers this thread's priority before it loads anything, so threads it starts (a
 * TypeScript loader's) inherit it. Only on Linux, where a nice value belongs to one
 * thread: elsewhere it would lower the whole process.
 */
function lowerPriority(): void {
  const nice = (workerData as ThreadData | null)?.nice ?? 0;
  if (nice <= 0 || process.platform !== "linux") return;
  try {
    setPriority(0, nice);
  } catch {
    // Not permitted here: the handler runs at the platform's priority.
  }
}

/** A spare waits blank until a pool adopts it, then takes the function's configuration and environment. */
async function adopt(): Promise<void> {
  if (!port || !(workerData as SpareData | null)?.spare) return;
  const [msg] = (await once(port, "message")) as [InitRequest];
  init = msg.init;
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, msg.env);
}

async function main(): Promise<void> {
  if (!port) return;
  lowerPriority();
  await adopt();
  patchConsole();
  const started = performance.now();
  let handler: Handler | undefined;
  let initFailure: Failure | undefined;
  try {
    if (needsTypeScript(init.codeRoot, init.handler)) (await import("tsx/esm/api")).register();
    handler = await loadHandler(init.codeRoot, init.handler);
    post({ t: "ready", initMs: performance.now() - started });
  } catch (err) {
    initFailure = toFailure(err instanceof RuntimeError ? err : new RuntimeError("ImportModuleError", String(err)));
    post({ t: "initError", failure: initFailure });
  }
  process.on("uncaughtException", (err) => {
    post({ t: "failure", requestId: current ?? "", failure: toFailure(err), fatal: true });
    process.exit(129);
  });
  process.on("unhandledRejection", (reason) => {
    post({ t: "failure", requestId: current ?? "", failure: { errorType: "Runtime.UnhandledPromiseRejection", errorMessage: String(reason), trace: [] }, fatal: true });
    process.exit(128);
  });
  port.on("message", (req: ToWorker) => {
    current = req.requestId;
    if (req.traceId) process.env["_X_AMZN_TRACE_ID"] = req.traceId;
    else delete process.env["_X_AMZN_TRACE_ID"];
    if (!handler) {
      post({ t: "failure", requestId: req.requestId, failure: initFailure ?? toFailure(new Error("no handler")), fatal: false });
      return;
    }
    invoke(handler, req).then(
      (payload) => post({ t: "result", requestId: req.requestId, payload }),
      (err: unknown) => post({ t: "failure", requestId: req.requestId, failure: failureOf(err), fatal: false }),
    ).finally(() => (current = null));
  });
}

void main();
