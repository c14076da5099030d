/**
 * Finding queues: resolves a QueueUrl (or name) to its stored record and compiled
 * config, caching both for `cacheMs` so the message path does not read the queue
 * table on every call. Local changes drop the cache entry at once.
 */
import type { Clock } from "../../core/clock.js";
import { compileConfig, type QueueConfig } from "./attributes.js";
import type { QueueServiceConfig } from "./config.js";
import { QueueDoesNotExist } from "./errors.js";
import type { QueueMetrics } from "./metrics.js";
import { parseQueueUrl, queueArn, type QueueRef } from "./names.js";
import type { QueueRecord, QueueStore } from "./store.js";
import type { CallContext } from "./types.js";

/** What every queue action needs. */
export interface QueueDeps {
  readonly store: QueueStore;
  readonly clock: Clock;
  readonly config: QueueServiceConfig;
  readonly directory: QueueDirectory;
  readonly metrics: QueueMetrics;
}

export interface ResolvedQueue {
  readonly record: QueueRecord;
  readonly config: QueueConfig;
  readonly ref: QueueRef;
}

interface Entry {
  readonly queue: ResolvedQueue | null;
  readonly at: number;
}

export class QueueDirectory {
  private readonly cache = new Map<string, Entry>();

  constructor(
    private readonly store: QueueStore,
    private readonly clock: Clock,
    private readonly config: QueueServiceConfig,
  ) {}

  /** The queue a QueueUrl names; QueueDoesNotExist if there is none. */
  async byUrl(url: unknown, ctx: CallContext): Promise<ResolvedQueue> {
    return this.byRef(parseQueueUrl(url, ctx));
  }

  async byRef(ref: QueueRef): Promise<ResolvedQueue> {
    const q = await this.find(ref);
    if (!q) throw new QueueDoesNotExist();
    return q;
  }

  async find(ref: QueueRef): Promise<ResolvedQueue | null> {
    const key = `${ref.account}/${ref.name}`;
    const hit = this.cache.get(key);
    const now = this.clock.now();
    if (hit && now - hit.at < this.config.cacheMs) return hit.queue;
    const record = await this.store.getQueue(ref.account, ref.name);
    const queue = record ? resolved(record) : null;
    this.cache.set(key, { queue, at: now });
    if (this.cache.size > 10_000) this.cache.clear();
    return queue;
  }

  /** Records a queue this process just wrote, so the next lookup needs no read. */
  remember(record: QueueRecord): ResolvedQueue {
    const queue = resolved(record);
    this.cache.set(`${record.account}/${record.name}`, { queue, at: this.clock.now() });
    return queue;
  }

  forget(ref: QueueRef): void {
    this.cache.delete(`${ref.account}/${ref.name}`);
  }

  arn(ctx: CallContext, q: ResolvedQueue): string {
    return queueArn(ctx, q.ref);
  }
}

function resolved(record: QueueRecord): ResolvedQueue {
  return {
    record,
    config: compileConfig(record.fifo, record.attributes),
    ref: { account: record.account, name: record.name },
  };
}
