/**
 * Messages between a function's pool (main thread) and its worker thread. Events and
 * results cross as JSON text, so they obey JSON's rules exactly as in Lambda
 * (`undefined` becomes `null`, functions vanish, dates become strings).
 */
import type { Failure } from "../../../core/errors.js";

/** Everything a worker needs to load one function. */
export interface WorkerInit {
  /** Directory holding the function's code (Lambda's LAMBDA_TASK_ROOT). */
  readonly codeRoot: string;
  /** Lambda's handler string, e.g. "src/index.handler". */
  readonly handler: string;
  readonly functionName: string;
  readonly version: string;
  readonly memoryMb: number;
  readonly logGroupName: string;
  readonly logStreamName: string;
}

export interface InvokeRequest {
  readonly t: "invoke";
  readonly requestId: string;
  /** The event as JSON text. */
  readonly event: string;
  readonly invokedFunctionArn: string;
  /** Milliseconds the invocation may still run when it starts. */
  readonly remainingMs: number;
  readonly clientContext?: string;
  readonly traceId?: string;
}

/** Adopts a spare worker for one function: its configuration and environment. */
export interface InitRequest {
  readonly t: "init";
  readonly init: WorkerInit;
  readonly env: Readonly<Record<string, string>>;
}

/** What a worker thread is started with, besides its function (a spare has none yet). */
export interface ThreadData {
  /** The thread's nice value, set before anything else runs in it; 0 leaves it alone. */
  readonly nice: number;
}

/** A worker started as a spare waits for an InitRequest before it loads anything. */
export interface SpareData extends ThreadData {
  readonly spare: true;
}

export type ToWorker = InvokeRequest;

export type LogLevel = "INFO" | "WARN" | "ERROR" | "DEBUG" | "TRACE";

export type FromWorker =
  | { readonly t: "ready"; readonly initMs: number }
  | { readonly t: "initError"; readonly failure: Failure }
  | { readonly t: "log"; readonly requestId: string | null; readonly level: LogLevel; readonly text: string }
  | { readonly t: "result"; readonly requestId: string; readonly payload: string }
  | { readonly t: "failure"; readonly requestId: string; readonly failure: Failure; readonly fatal: boolean };
