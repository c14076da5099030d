/**
 * Runs one stream mapping across its shards. Every few seconds it lists the shards,
 * and starts a worker for each shard it can lease whose parents are done (a child
 * starts only after its parents drain, so records of one key stay in order across
 * resharding). Leases let several processes share a mapping: each shard is read by
 * one process at a time, and a shard whose holder died is taken over when its lease
 * expires. The source (a ShardSource) and its event format (a StreamEventFormat:
 * Kinesis or DynamoDB) are given per mapping; everything else is shared.
 */
import { randomUUID } from "node:crypto";
import type { Clock, Timer } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { Counter } from "../../core/metrics.js";
import { TooManyRequestsException } from "../functions/errors.js";
import type { FunctionService } from "../functions/service.js";
import { JsonText } from "../functions/types.js";
import { parseQueueArn } from "../queues/names.js";
import type { QueueService } from "../queues/service.js";
import type { CallContext } from "../queues/types.js";
import { compileFilterCriteria, type CompiledFilter } from "./filter.js";
import type { ShardSource, SourceShard, StartAt } from "./shard-source.js";
import { ShardWorker, type WorkerIo } from "./shard-worker.js";
import type { InvokeResult } from "./stream-batch.js";
import type { FailureCondition, SourceRecord, StreamEventFormat } from "./stream-event.js";
import type { MappingRecord, MappingStore, ShardCheckpoint } from "./store.js";

/** How long a lease lasts without renewal, and how often the poller renews and looks for shards. */
export const LEASE_MS = 30_000;
export const SCAN_MS = 5_000;

export interface StreamPollerDeps {
  readonly store: MappingStore;
  readonly functions: FunctionService;
  readonly queues: QueueService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly invocations: Counter;
  /** This process's name in leases. @default a random id */
  readonly owner?: string;
}

export class StreamPoller {
  private readonly workers = new Map<string, ShardWorker>();
  private readonly filter: CompiledFilter;
  private readonly ctx: CallContext;
  private readonly owner: string;
  private timer?: Timer;
  private stopped = false;
  private scanning: Promise<void> = Promise.resolve();
  private roleArn = "";

  constructor(
    private readonly m: MappingRecord,
    private readonly source: ShardSource,
    private readonly format: StreamEventFormat,
    private readonly d: StreamPollerDeps,
  ) {
    this.filter = compileFilterCriteria(m.settings.FilterCriteria, { source: format.filterSource });
    this.ctx = { ...d.queues.defaultContext, accountId: m.account, region: m.region };
    this.owner = d.owner ?? randomUUID();
  }

  start(): void {
    this.scan();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.scanning;
    const ids = [...this.workers.keys()];
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    await Promise.all(ids.map((id) => this.d.store.releaseShard(this.m.uuid, id, this.owner).catch(() => undefined)));
  }

  private scan(): void {
    this.scanning = this.scanOnce()
      .catch((err: unknown) => this.d.logger.warn({ err, mapping: this.m.uuid }, "stream mapping cannot read its source"))
      .finally(() => {
        if (!this.stopped) this.timer = this.d.clock.setTimer(SCAN_MS, () => this.scan());
      });
  }

  private async scanOnce(): Promise<void> {
    if (!this.roleArn) this.roleArn = (await this.d.functions.getFunction({ FunctionName: this.m.functionArn }, this.ctx)).Configuration.Role;
    const info = await this.source.info();
    const shards = await this.source.shards();
    // Checkpoints are kept per incarnation of the source: a stream deleted and created
    // again under the same name reuses shard ids, not positions.
    const key = (shardId: string): string => `${shardId}@${info.generation}`;
    const checkpoints = new Map((await this.d.store.checkpoints(this.m.uuid)).map((c) => [c.shardId, c]));
    const present = new Set(shards.map((s) => s.id));
    for (const shard of shards) {
      if (this.stopped) return;
      if (checkpoints.get(key(shard.id))?.done) continue;
      const ready = shard.parents.every((p) => !present.has(p) || checkpoints.get(key(p))?.done === true);
      if (!ready) continue;
      const lease = await this.d.store.leaseShard(this.m.uuid, key(shard.id), this.owner, this.d.clock.now(), this.d.clock.now() + LEASE_MS);
      if (!lease || this.workers.has(lease.shardId)) continue;
      this.startWorker(shard, lease, this.startAt(), info.retentionMs);
    }
  }

  /**
   * Where a shard without a checkpoint starts: at the mapping's starting position, for
   * children too. A child made after that moment holds only later records, so this reads
   * it whole; one made before it (an earlier reshard) is not replayed from its start.
   */
  private startAt(): StartAt {
    const s = this.m.settings;
    if (s.StartingPosition === "TRIM_HORIZON") return { type: "TRIM_HORIZON" };
    if (s.StartingPosition === "AT_TIMESTAMP") return { type: "AT_TIMESTAMP", timestamp: (s.StartingPositionTimestamp ?? 0) * 1000 };
    return { type: "AT_TIMESTAMP", timestamp: this.m.createdAt ?? this.m.lastModified };
  }

  private startWorker(shard: SourceShard, lease: ShardCheckpoint, start: StartAt, retentionMs: number): void {
    const worker = new ShardWorker(this.m, { shardId: shard.id, key: lease.shardId }, lease.position, lease.window, start, {
      source: this.source,
      store: this.d.store,
      clock: this.d.clock,
      logger: this.d.logger,
      filter: this.filter,
      format: this.format,
      owner: this.owner,
      roleArn: this.roleArn,
      retentionMs,
      io: (shardId) => this.io(shardId),
    });
    this.workers.set(lease.shardId, worker);
    worker.start(() => {
      this.workers.delete(lease.shardId);
    });
  }

  private io(shardId: string): WorkerIo {
    return {
      invoke: (records, extra) => this.invoke(shardId, records, extra),
      giveUp: (records, condition, last, count) => this.giveUp(shardId, records, condition, last, count),
    };
  }

  private async invoke(shardId: string, records: readonly SourceRecord[], extra?: Record<string, unknown>): Promise<InvokeResult> {
    const at = { shardId, sourceArn: this.m.sourceArn, roleArn: this.roleArn };
    const event = { Records: records.map((r) => this.format.record(r, at)), ...extra };
    try {
      const out = await this.d.functions.invoke({ FunctionName: this.m.functionArn, Payload: new JsonText(JSON.stringify(event)) }, this.ctx);
      this.d.invocations.inc({ mapping: this.m.uuid, outcome: out.FunctionError ? "failed" : "ok" });
      return { invoked: true, requestId: out.RequestId, ...(out.FunctionError ? { functionError: out.FunctionError } : {}), ...(out.Payload !== undefined ? { payload: out.Payload } : {}) };
    } catch (err) {
      const throttled = err instanceof TooManyRequestsException;
      this.d.invocations.inc({ mapping: this.m.uuid, outcome: throttled ? "throttled" : "error" });
      if (!throttled) this.d.logger.error({ err, mapping: this.m.uuid }, "mapping could not invoke its function");
      return { invoked: false, throttled };
    }
  }

  private async giveUp(shardId: string, records: readonly SourceRecord[], condition: FailureCondition, last: InvokeResult | null, count: number): Promise<void> {
    const dest = this.m.settings.DestinationConfig?.OnFailure?.Destination;
    this.d.logger.warn({ mapping: this.m.uuid, shard: shardId, records: records.length, condition }, "stream records given up on");
    const q = dest ? parseQueueArn(dest) : null;
    if (!q) return;
    const body = this.format.failureRecord(records, {
      requestId: last?.requestId ?? randomUUID(),
      functionArn: this.m.functionArn,
      condition,
      invokeCount: count,
      ...(last?.functionError ? { functionError: last.functionError } : {}),
      now: this.d.clock.now(),
      shardId,
      streamArn: this.m.sourceArn,
    });
    try {
      await this.d.queues.sendMessage({ QueueUrl: `/${q.account}/${q.name}`, MessageBody: JSON.stringify(body) }, { ...this.ctx, accountId: q.account });
    } catch (err) {
      // The records are given up on either way; a missing destination must not stall the shard.
      this.d.logger.error({ err, mapping: this.m.uuid, shard: shardId, destination: dest }, "cannot send the stream failure record to the on-failure destination");
    }
  }
}
