/**
 * The per-shard limits Kinesis enforces, when enabled: writes of 1000 records and
 * 1 MiB per second, reads of 5 calls and 2 MiB per second. Each is a one-second window
 * per shard; a request over the window's budget is refused, not queued.
 */
import type { Clock } from "../../core/clock.js";

export const LIMITS = { writeRecords: 1000, writeBytes: 1_048_576, readCalls: 5, readBytes: 2_097_152 } as const;

interface Window {
  start: number;
  records: number;
  bytes: number;
  calls: number;
}

export class ShardThroughput {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    readonly enabled: boolean,
  ) {}

  private window(key: string): Window {
    const now = this.clock.now();
    let w = this.windows.get(key);
    if (!w || now - w.start >= 1000) {
      w = { start: now, records: 0, bytes: 0, calls: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 100_000) this.prune(now);
    }
    return w;
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= 1000) this.windows.delete(k);
  }

  /** Takes room for one record of `bytes` on the shard; false when the shard is over its write limit. */
  admitWrite(streamId: number, shard: number, bytes: number): boolean {
    if (!this.enabled) return true;
    const w = this.window(`w:${streamId}:${shard}`);
    if (w.records + 1 > LIMITS.writeRecords || w.bytes + bytes > LIMITS.writeBytes) return false;
    w.records += 1;
    w.bytes += bytes;
    return true;
  }

  /** Counts one GetRecords call; false when the shard is over its read limit. */
  admitRead(streamId: number, shard: number): boolean {
    if (!this.enabled) return true;
    const w = this.window(`r:${streamId}:${shard}`);
    if (w.calls + 1 > LIMITS.readCalls || w.bytes >= LIMITS.readBytes) return false;
    w.calls += 1;
    return true;
  }

  /** Charges bytes returned by a read against the shard's window. */
  chargeRead(streamId: number, shard: number, bytes: number): void {
    if (this.enabled) this.window(`r:${streamId}:${shard}`).bytes += bytes;
  }
}
