/** The Failure records Lambda returns, for user errors and for platform-made ones. */
import type { Failure } from "../../../core/errors.js";

/** Lambda's shape for a thrown or rejected value (Errors.toRapidResponse). */
export function toFailure(value: unknown): Failure {
  if (value instanceof Error || (typeof value === "object" && value !== null && typeof (value as Error).message === "string" && typeof (value as Error).name === "string")) {
    const err = value as Error;
    return { errorType: err.name, errorMessage: err.message, trace: typeof err.stack === "string" ? err.stack.split("\n") : [] };
  }
  if (value === undefined || value === null) return { errorType: "string", errorMessage: "handled", trace: [] };
  return { errorType: typeof value, errorMessage: text(value), trace: [] };
}

/** What String(value) gives, as Lambda reports it ("[object Object]" for objects). */
function text(value: unknown): string {
  switch (typeof value) {
    case "object":
      return Object.prototype.toString.call(value);
    case "function":
    case "symbol":
      return value.toString();
    default:
      return `${value as string | number | boolean | bigint}`;
  }
}

export function runtimeError(type: string, message: string, trace: readonly string[] = []): Failure {
  return { errorType: `Runtime.${type}`, errorMessage: message, trace: [...trace] };
}

/** "Task timed out after 3.00 seconds", as Lambda words it. */
export function timeoutFailure(requestId: string, timeoutSeconds: number): Failure {
  return {
    errorType: "Sandbox.Timedout",
    errorMessage: `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
    trace: [],
  };
}

/** The worker died under the invocation: out of memory, process.exit, or a crash. */
export function exitFailure(requestId: string, reason: string): Failure {
  return { errorType: "Runtime.ExitError", errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${reason}`, trace: [] };
}

export function responseTooLarge(limit: number): Failure {
  return {
    errorType: "Function.ResponseSizeTooLarge",
    errorMessage: `Response payload size exceeded maximum allowed payload size (${limit} bytes).`,
    trace: [],
  };
}
