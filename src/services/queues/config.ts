/** Options of the queue service, their defaults, and the compiled form it runs on. */
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from "./names.js";
import type { CallContext } from "./types.js";

export interface QueueServiceOptions {
  /** Account of callers that do not name one. @default "000000000000" */
  defaultAccount?: string;
  /** Region ARNs are minted in when the caller does not say. @default "us-east-1" */
  region?: string;
  /** Start of queue URLs when the caller does not say. @default "http://127.0.0.1:4566" */
  baseUrl?: string;
  /**
   * How long a queue's attributes are reused before being read again. Other processes'
   * changes show up within this time (AWS allows up to 60 s). @default 1000
   */
  cacheMs?: number;
  /** How often expired messages and deduplication entries are swept. @default 60000 */
  sweepIntervalMs?: number;
  /** A deleted queue's name cannot be reused for this long (QueueDeletedRecently). @default 60000 */
  recreateAfterMs?: number;
  /** Minimum time between two purges of a queue (PurgeQueueInProgress). @default 60000 */
  purgeIntervalMs?: number;
  /** FIFO deduplication and ReceiveRequestAttemptId window. @default 300000 */
  dedupWindowMs?: number;
  /** How often running message move tasks take a step. @default 1000 */
  moveTickMs?: number;
  /**
   * A long poll also looks again this often, so messages written by another process
   * that cannot notify this one (a CLI on the same SQLite file) are found. @default 1000
   */
  recheckMs?: number;
}

export type QueueServiceConfig = Required<QueueServiceOptions>;

export function compileOptions(o: QueueServiceOptions = {}): QueueServiceConfig {
  const positive = (v: number | undefined, d: number, name: string): number => {
    const n = v ?? d;
    if (!Number.isFinite(n) || n < 0) throw new Error(`queue option ${name} must be a non-negative number`);
    return n;
  };
  return {
    defaultAccount: o.defaultAccount ?? DEFAULT_ACCOUNT,
    region: o.region ?? DEFAULT_REGION,
    baseUrl: o.baseUrl ?? "http://127.0.0.1:4566",
    cacheMs: positive(o.cacheMs, 1000, "cacheMs"),
    sweepIntervalMs: positive(o.sweepIntervalMs, 60_000, "sweepIntervalMs"),
    recreateAfterMs: positive(o.recreateAfterMs, 60_000, "recreateAfterMs"),
    purgeIntervalMs: positive(o.purgeIntervalMs, 60_000, "purgeIntervalMs"),
    dedupWindowMs: positive(o.dedupWindowMs, 300_000, "dedupWindowMs"),
    moveTickMs: positive(o.moveTickMs, 1000, "moveTickMs"),
    recheckMs: positive(o.recheckMs, 1000, "recheckMs"),
  };
}

export function defaultContext(c: QueueServiceConfig): CallContext {
  return { accountId: c.defaultAccount, region: c.region, baseUrl: c.baseUrl };
}
