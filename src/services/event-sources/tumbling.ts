/**
 * Tumbling windows for stream mappings: fixed, non-overlapping windows of
 * TumblingWindowInSeconds aligned to the epoch, by each record's arrival time. Within a
 * window the function's returned `state` is handed to its next invocation; when a
 * record of a later window arrives, or the window's end passes, the function gets a
 * final invocation for the window (`isFinalInvokeForWindow`) and the state starts over.
 */
import type { SourceRecord } from "./stream-event.js";
import type { WindowCheckpoint } from "./store.js";

export type OpenWindow = WindowCheckpoint;

export function windowStart(at: number, sizeMs: number): number {
  return Math.floor(at / sizeMs) * sizeMs;
}

/** Consecutive runs of records that fall in the same window. */
export function segments(records: readonly SourceRecord[], sizeMs: number): { start: number; records: SourceRecord[] }[] {
  const out: { start: number; records: SourceRecord[] }[] = [];
  for (const r of records) {
    const start = windowStart(r.arrivedAt, sizeMs);
    const last = out[out.length - 1];
    if (last && last.start === start) last.records.push(r);
    else out.push({ start, records: [r] });
  }
  return out;
}

/** The members Lambda adds to a tumbling-window event. */
export function windowFields(w: OpenWindow, sizeMs: number, shardId: string, arn: string, final: boolean): Record<string, unknown> {
  return {
    window: { start: new Date(w.start).toISOString(), end: new Date(w.start + sizeMs).toISOString() },
    state: JSON.parse(w.state) as unknown,
    shardId,
    eventSourceARN: arn,
    isFinalInvokeForWindow: final,
    isWindowTerminatedEarly: false,
  };
}

/** The `state` a tumbling-window response returns, as JSON text ("{}" when absent or malformed). */
export function stateFrom(payload: string | undefined): string {
  if (!payload) return "{}";
  try {
    const parsed = JSON.parse(payload) as { state?: unknown } | null;
    const state = parsed && typeof parsed === "object" ? parsed.state : undefined;
    return state !== undefined && state !== null && typeof state === "object" ? JSON.stringify(state) : "{}";
  } catch {
    return "{}";
  }
}
