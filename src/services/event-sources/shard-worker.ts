/**
 * Processes one leased shard for a stream mapping: reads batches in order from the
 * checkpoint (or the mapping's starting position), drops records the filter rejects,
 * runs each batch through the function (stream-batch.ts) and saves the checkpoint
 * after it, so a restart resumes after the last handled batch. With a
 * ParallelizationFactor above 1, a batch's records are split by partition key into
 * that many groups run at once, so each key keeps its order. With tumbling windows
 * (tumbling.ts) records go through in window order, one group, carrying the window's
 * state, which is saved with the checkpoint.
 */
import { createHash } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { CompiledFilter } from "./filter.js";
import type { ShardSource, StartAt } from "./shard-source.js";
import { runBatch, type BatchIo, type BatchPolicy, type InvokeResult } from "./stream-batch.js";
import type { SourceRecord, StreamEventFormat } from "./stream-event.js";
import type { MappingRecord, MappingStore } from "./store.js";
import { segments, stateFrom, windowFields, type OpenWindow } from "./tumbling.js";

/** Invokes the function with `records` (and, for tumbling windows, the window's members); gives up on records. */
export interface WorkerIo extends Pick<BatchIo, "giveUp"> {
  invoke(records: readonly SourceRecord[], extra?: Record<string, unknown>): Promise<InvokeResult>;
}

/** How often an idle shard is polled, as Lambda polls each shard once a second. */
export const POLL_MS = 1_000;

/** A batch's event must fit Lambda's 6 MB synchronous payload; this leaves room for the envelope. */
const PAYLOAD_BUDGET = 6_000_000;

/** Splits records into runs whose events (records `sizeOf` bytes each) fit the synchronous payload limit. */
export function byPayload(records: readonly SourceRecord[], sizeOf: (r: SourceRecord) => number): SourceRecord[][] {
  const out: SourceRecord[][] = [];
  let run: SourceRecord[] = [];
  let bytes = 0;
  for (const r of records) {
    const size = sizeOf(r);
    if (run.length > 0 && bytes + size > PAYLOAD_BUDGET) {
      out.push(run);
      run = [];
      bytes = 0;
    }
    run.push(r);
    bytes += size;
  }
  if (run.length > 0) out.push(run);
  return out;
}

/** The shard a worker reads and the key its checkpoint is saved under. */
export interface ShardRef {
  readonly shardId: string;
  readonly key: string;
}

export interface WorkerDeps {
  readonly source: ShardSource;
  readonly store: MappingStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly filter: CompiledFilter;
  /** The source's event format (the filters match its view of each record). */
  readonly format: StreamEventFormat;
  readonly owner: string;
  readonly roleArn: string;
  /** The source's retention: with MaximumRecordAgeInSeconds -1, records are retried until they expire. */
  readonly retentionMs: number;
  /** Builds the BatchIo for a shard (invocation, failure destination). */
  io(shardId: string, signal: AbortSignal): WorkerIo;
}

function group(records: readonly SourceRecord[], n: number): SourceRecord[][] {
  if (n <= 1) return [[...records]];
  const groups: SourceRecord[][] = Array.from({ length: n }, () => []);
  for (const r of records) {
    const h = createHash("md5").update(r.partitionKey).digest().readUInt32BE(0);
    groups[h % n]?.push(r);
  }
  return groups.filter((g) => g.length > 0);
}

export class ShardWorker {
  private readonly ac = new AbortController();
  private running: Promise<void> = Promise.resolve();

  private readonly shardId: string;
  private readonly key: string;

  constructor(
    private readonly m: MappingRecord,
    shard: ShardRef,
    private position: string | null,
    private window: OpenWindow | null,
    private readonly initial: StartAt,
    private readonly d: WorkerDeps,
  ) {
    this.shardId = shard.shardId;
    this.key = shard.key;
  }

  start(onExit: () => void): void {
    this.running = this.loop()
      .catch((err: unknown) => this.d.logger.error({ err, mapping: this.m.uuid, shard: this.shardId }, "shard worker stopped"))
      .finally(onExit);
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.running;
  }

  private get policy(): BatchPolicy {
    const s = this.m.settings;
    return {
      bisect: s.BisectBatchOnFunctionError ?? false,
      maxRetries: s.MaximumRetryAttempts ?? -1,
      maxAgeMs: (s.MaximumRecordAgeInSeconds ?? -1) < 0 ? this.d.retentionMs : (s.MaximumRecordAgeInSeconds ?? 0) * 1000,
      reportItemFailures: s.FunctionResponseTypes.includes("ReportBatchItemFailures"),
    };
  }

  private startAt(): StartAt {
    return this.position === null ? this.initial : { type: "AFTER_SEQUENCE_NUMBER", sequence: this.position };
  }

  private async loop(): Promise<void> {
    let iterator: string | null = await this.d.source.iterator(this.shardId, this.startAt());
    while (!this.ac.signal.aborted) {
      const { records, next } = await this.collect(iterator);
      if (records.length > 0 && !(await this.handle(records))) return;
      if (this.windowEnded(next === null) && !(await this.closeWindow())) return;
      if (next === null) {
        await this.save(true);
        return;
      }
      iterator = next;
    }
  }

  /** A batch: BatchSize records, or what arrived within the batching window, read from `iterator`. */
  private async collect(iterator: string): Promise<{ records: SourceRecord[]; next: string | null }> {
    const { BatchSize, MaximumBatchingWindowInSeconds: window } = this.m.settings;
    const records: SourceRecord[] = [];
    const deadline = this.d.clock.now() + window * 1000;
    let it: string | null = iterator;
    for (;;) {
      const page = await this.readPage(it, BatchSize - records.length);
      records.push(...page.records);
      it = page.next;
      if (it === null || records.length >= BatchSize || this.ac.signal.aborted) return { records, next: it };
      const now = this.d.clock.now();
      if (records.length > 0 && now >= deadline) return { records, next: it };
      if (page.records.length === 0) {
        if (records.length === 0) {
          await this.d.clock.sleep(POLL_MS, this.ac.signal);
          return { records, next: it };
        }
        await this.d.clock.sleep(Math.min(POLL_MS, Math.max(1, deadline - now)), this.ac.signal);
      }
    }
  }

  /** Reads a page, re-creating an expired iterator from the checkpoint. */
  private async readPage(iterator: string, limit: number): Promise<{ records: SourceRecord[]; next: string | null }> {
    try {
      return await this.d.source.read(iterator, limit);
    } catch (err) {
      if ((err as { code?: string }).code !== "ExpiredIteratorException") throw err;
      return this.d.source.read(await this.d.source.iterator(this.shardId, this.startAt()), limit);
    }
  }

  private batchIo(extra?: () => Record<string, unknown>, onResult?: (r: InvokeResult) => void): BatchIo {
    const io = this.d.io(this.shardId, this.ac.signal);
    return {
      giveUp: (records, condition, last, count) => io.giveUp(records, condition, last, count),
      invoke: async (records) => {
        const out = await io.invoke(records, extra?.());
        onResult?.(out);
        return out;
      },
      now: () => this.d.clock.now(),
      aborted: () => this.ac.signal.aborted,
      sleep: (ms) => this.d.clock.sleep(ms, this.ac.signal),
    };
  }

  private async handle(records: SourceRecord[]): Promise<boolean> {
    const at = { shardId: this.shardId, sourceArn: this.m.sourceArn, roleArn: this.d.roleArn };
    // Building each record's event just to match it is skipped when nothing filters.
    const keep = this.d.filter.filterCount === 0 ? records : records.filter((r) => this.d.filter.matches(this.d.format.filterView(r, at)));
    const ok = this.windowMs > 0 ? await this.handleWindowed(keep) : await this.handleGroups(keep);
    if (!ok) return false;
    this.position = records[records.length - 1]?.sequenceNumber ?? this.position;
    return this.save(false);
  }

  private async handleGroups(keep: SourceRecord[]): Promise<boolean> {
    const groups = keep.length > 0 ? group(keep, this.m.settings.ParallelizationFactor ?? 1) : [];
    const io = this.batchIo();
    const outcomes = await Promise.allSettled(groups.map((g) => this.runRuns(g, io)));
    // Every group has stopped before a failure ends the worker, so none runs on behind it.
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    if (failed) throw failed.reason;
    return outcomes.every((o) => o.status === "fulfilled" && o.value);
  }

  /** A group's records as payload-sized batches, one after another. */
  private async runRuns(records: SourceRecord[], io: BatchIo): Promise<boolean> {
    for (const run of byPayload(records, this.d.format.size)) if (!(await runBatch(run, this.policy, io))) return false;
    return true;
  }

  private get windowMs(): number {
    return (this.m.settings.TumblingWindowInSeconds ?? 0) * 1000;
  }

  /** Each window's records in order, closing the open window when a later one begins. */
  private async handleWindowed(keep: SourceRecord[]): Promise<boolean> {
    for (const seg of segments(keep, this.windowMs)) {
      if (this.window && this.window.start !== seg.start && !(await this.closeWindow())) return false;
      const open: OpenWindow = this.window ?? { start: seg.start, state: "{}" };
      let state = open.state;
      const io = this.batchIo(
        () => windowFields({ start: open.start, state }, this.windowMs, this.shardId, this.m.sourceArn, false),
        (r) => {
          if (r.invoked && !r.functionError) state = stateFrom(r.payload);
        },
      );
      if (!(await this.runRuns(seg.records, io))) return false;
      this.window = { start: open.start, state };
    }
    return true;
  }

  private windowEnded(drained: boolean): boolean {
    return this.window !== null && (drained || this.d.clock.now() >= this.window.start + this.windowMs);
  }

  /** The final invocation of the open window (no records, its state), retried like a batch. */
  private async closeWindow(): Promise<boolean> {
    const w = this.window;
    if (!w) return true;
    const io = this.d.io(this.shardId, this.ac.signal);
    const fields = windowFields(w, this.windowMs, this.shardId, this.m.sourceArn, true);
    for (let attempt = 0; !this.ac.signal.aborted; attempt++) {
      const out = await io.invoke([], fields);
      const failed = !out.invoked || out.functionError !== undefined;
      const retries = this.m.settings.MaximumRetryAttempts ?? -1;
      if (!failed || (out.invoked && retries >= 0 && attempt >= retries)) break;
      await this.d.clock.sleep(Math.min(100 * 2 ** attempt, 5_000), this.ac.signal);
    }
    if (this.ac.signal.aborted) return false;
    this.window = null;
    return this.save(false);
  }

  private async save(done: boolean): Promise<boolean> {
    const kept = await this.d.store.saveCheckpoint(this.m.uuid, this.key, this.d.owner, this.position, done, this.window);
    if (!kept) this.d.logger.warn({ mapping: this.m.uuid, shard: this.shardId }, "shard lease lost; another process took the shard");
    return kept;
  }
}
