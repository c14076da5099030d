/**
 * One batch of stream records through the function, with Lambda's failure handling for
 * stream sources: a failed batch is retried (MaximumRetryAttempts, -1 for no limit)
 * until its records are older than MaximumRecordAgeInSeconds; with
 * BisectBatchOnFunctionError it is split in two first (splitting does not use up
 * retries); with ReportBatchItemFailures the records before the lowest failed sequence
 * number count as done and the rest is retried. Records given up on go to the
 * on-failure destination as one failure record per batch, and the shard moves on.
 */
import { FailureCondition, type SourceRecord } from "./stream-event.js";

export interface BatchPolicy {
  readonly bisect: boolean;
  /** -1: retry until the records expire. */
  readonly maxRetries: number;
  /** -1: no age limit. */
  readonly maxAgeMs: number;
  readonly reportItemFailures: boolean;
}

export interface InvokeResult {
  /** The invocation ran; false when it could not be made (throttled, function gone). */
  readonly invoked: boolean;
  readonly throttled?: boolean;
  readonly functionError?: string;
  readonly payload?: string;
  readonly requestId?: string;
}

export interface BatchIo {
  invoke(records: readonly SourceRecord[]): Promise<InvokeResult>;
  /** Sends the failure record for records given up on. */
  giveUp(records: readonly SourceRecord[], condition: FailureCondition, last: InvokeResult | null, invokeCount: number): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
  aborted(): boolean;
}

/** Where the first failed record is, per the function's response; "all" if the response is malformed. */
export function firstFailure(payload: string | undefined, records: readonly SourceRecord[]): number | "all" | null {
  if (payload === undefined || payload.trim() === "") return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return "all";
  }
  // Parsed rather than compared as text, so "null\n" is the null response it is, not a malformed one.
  if (parsed === null) return null;
  if (typeof parsed !== "object" || Array.isArray(parsed)) return "all";
  const list = (parsed as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return null;
  if (!Array.isArray(list)) return "all";
  let lowest: number | null = null;
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    const at = typeof id === "string" ? records.findIndex((r) => r.sequenceNumber === id) : -1;
    if (at < 0) return "all";
    lowest = lowest === null ? at : Math.min(lowest, at);
  }
  return lowest;
}

function tooOld(records: readonly SourceRecord[], p: BatchPolicy, now: number): boolean {
  const first = records[0];
  return p.maxAgeMs >= 0 && first !== undefined && now - first.arrivedAt > p.maxAgeMs;
}

const backoff = (attempt: number): number => Math.min(100 * 2 ** attempt, 5_000);

/** Runs `batch` until each record is done or given up on; false if stopped before that. */
export async function runBatch(batch: readonly SourceRecord[], p: BatchPolicy, io: BatchIo): Promise<boolean> {
  const pending: SourceRecord[][] = [[...batch]];
  while (pending.length > 0) {
    if (io.aborted()) return false;
    if (!(await runPart(pending, p, io))) return false;
  }
  return true;
}

/** Takes the first part off `pending` and runs it to an end (done, split, or given up); false if stopped. */
async function runPart(pending: SourceRecord[][], p: BatchPolicy, io: BatchIo): Promise<boolean> {
  let part = pending.shift() ?? [];
  let retries = 0;
  let invokes = 0;
  // Records that expire after failed invocations are reported with the last one's outcome.
  let last: InvokeResult | null = null;
  while (part.length > 0) {
    if (io.aborted()) return false;
    if (tooOld(part, p, io.now())) {
      await io.giveUp(part, FailureCondition.RecordAge, last, invokes);
      return true;
    }
    const out = await io.invoke(part);
    if (!out.invoked && out.throttled) {
      await io.sleep(1_000);
      continue;
    }
    if (out.invoked) {
      invokes++;
      last = out;
    }
    // An invocation that could not be made (payload too large, function gone) fails like an error.
    const failedAt = !out.invoked || out.functionError ? 0 : p.reportItemFailures ? firstFailure(out.payload, part) : null;
    if (failedAt === null) return true;
    part = failedAt === "all" ? part : part.slice(failedAt);
    if (p.bisect && part.length > 1) {
      const half = Math.ceil(part.length / 2);
      pending.unshift(part.slice(0, half), part.slice(half));
      return true;
    }
    retries++;
    if (p.maxRetries >= 0 && retries > p.maxRetries) {
      await io.giveUp(part, FailureCondition.RetriesExhausted, last, invokes);
      return true;
    }
    await io.sleep(backoff(retries));
  }
  return true;
}
