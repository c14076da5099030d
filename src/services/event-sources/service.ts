/**
 * Event source mappings with Lambda's behaviour. `MappingService` is the API (one method
 * per Lambda mapping action) and runs the mappings. Terms: a *mapping* connects a source
 * (an SQS queue, a Kinesis stream or a DynamoDB table's stream) to a function; it is *Enabled* or *Disabled*; an
 * enabled mapping's *poller* reads *batches* from the source, filters them, invokes the
 * function and deletes (queues) or *checkpoints* (streams) what succeeded. Every process
 * runs every enabled mapping (receives are safe to share; stream shards are *leased* to
 * one process at a time) and re-reads the mappings every `refreshMs`.
 */
import type { Clock, Timer } from "../../core/clock.js";
import type { Lifecycle } from "../../core/lifecycle.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { MetricsRegistry } from "../../core/metrics.js";
import type { FunctionService } from "../functions/service.js";
import type { QueueService } from "../queues/service.js";
import type { CallContext } from "../queues/types.js";
import type { StreamService } from "../streams/service.js";
import type { TableService } from "../tables/service.js";
import * as control from "./control.js";
import { dynamodbFormat } from "./dynamodb-event.js";
import { kinesisFormat } from "./kinesis-event.js";
import { KinesisShardSource } from "./shard-source.js";
import { SqsPoller, type PollerDeps } from "./sqs-poller.js";
import { StreamPoller } from "./stream-poller.js";
import { TableShardSource } from "./table-source.js";
import { SourceKind, type MappingRecord, type MappingStore } from "./store.js";
import type * as T from "./types.js";

export interface MappingServiceDeps {
  readonly store: MappingStore;
  readonly functions: FunctionService;
  readonly queues: QueueService;
  /** Needed for mappings from Kinesis streams. */
  readonly streams?: StreamService;
  /** Needed for mappings from DynamoDB table streams. */
  readonly tables?: TableService;
  readonly clock: Clock;
  /** @default a silent logger */
  readonly logger?: Logger;
  /** @default a private registry */
  readonly metrics?: MetricsRegistry;
  /** How often mappings are re-read from the store. @default 5000 */
  readonly refreshMs?: number;
}

interface Running {
  readonly poller: { stop(): Promise<void> };
  readonly lastModified: number;
}

export class MappingService implements Lifecycle {
  private readonly control: control.MappingDeps;
  private readonly poller: PollerDeps;
  private readonly running = new Map<string, Running>();
  private timer?: Timer;
  private stopped = true;
  private syncing: Promise<void> = Promise.resolve();

  constructor(private readonly d: MappingServiceDeps) {
    const logger = (d.logger ?? silentLogger()).child({ component: "event-sources" });
    this.control = { store: d.store, functions: d.functions, queues: d.queues, ...(d.streams ? { streams: d.streams } : {}), ...(d.tables ? { tables: d.tables } : {}), clock: d.clock, changed: () => void this.sync() };
    this.poller = {
      queues: d.queues,
      functions: d.functions,
      clock: d.clock,
      logger,
      invocations: (d.metrics ?? new MetricsRegistry()).counter("sluice_mapping_invocations_total", "Batches an event source mapping handed to its function, by outcome."),
    };
  }

  get defaultContext(): CallContext {
    return this.d.functions.defaultContext;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.sync();
    this.arm();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.syncing;
    await Promise.all([...this.running.values()].map((r) => r.poller.stop()));
    this.running.clear();
  }

  createEventSourceMapping(input: T.CreateEventSourceMappingInput, ctx = this.defaultContext): Promise<T.EventSourceMappingConfiguration> {
    return control.createMapping(this.control, input, ctx);
  }
  getEventSourceMapping(input: { UUID: string }, ctx = this.defaultContext): Promise<T.EventSourceMappingConfiguration> {
    return control.getMapping(this.control, input.UUID, ctx);
  }
  listEventSourceMappings(input: T.ListEventSourceMappingsInput = {}, ctx = this.defaultContext): Promise<{ EventSourceMappings: T.EventSourceMappingConfiguration[]; NextMarker?: string }> {
    return control.listMappings(this.control, input, ctx);
  }
  updateEventSourceMapping(input: T.UpdateEventSourceMappingInput, ctx = this.defaultContext): Promise<T.EventSourceMappingConfiguration> {
    return control.updateMapping(this.control, input, ctx);
  }
  deleteEventSourceMapping(input: { UUID: string }, ctx = this.defaultContext): Promise<T.EventSourceMappingConfiguration> {
    return control.deleteMapping(this.control, input.UUID, ctx);
  }

  /** Brings the running pollers in line with the stored mappings. */
  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.reconcile()).catch((err: unknown) => this.poller.logger.error({ err }, "mapping sync failed"));
    return this.syncing;
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const wanted = new Map<string, MappingRecord>();
    for (const m of await this.d.store.allMappings()) if (m.enabled && this.runnable(m)) wanted.set(m.uuid, m);
    for (const [uuid, r] of this.running) {
      const m = wanted.get(uuid);
      if (m && m.lastModified === r.lastModified) continue;
      this.running.delete(uuid);
      await r.poller.stop();
    }
    for (const m of wanted.values()) {
      if (this.running.has(m.uuid)) continue;
      const poller = this.pollerFor(m);
      this.running.set(m.uuid, { poller, lastModified: m.lastModified });
      poller.start();
    }
  }

  private runnable(m: MappingRecord): boolean {
    switch (m.sourceKind) {
      case SourceKind.Sqs:
        return true;
      case SourceKind.Kinesis:
        return this.d.streams !== undefined;
      case SourceKind.DynamoDb:
        return this.d.tables !== undefined;
    }
  }

  private pollerFor(m: MappingRecord): { start(): void; stop(): Promise<void> } {
    const deps = { ...this.poller, store: this.d.store };
    // The source's own account reads it (a mapping may name another account's stream).
    const ctx = { ...this.d.queues.defaultContext, accountId: m.sourceArn.split(":")[4] ?? m.account, region: m.region };
    if (m.sourceKind === SourceKind.Kinesis && this.d.streams) return new StreamPoller(m, new KinesisShardSource(this.d.streams, m.sourceArn, ctx), kinesisFormat, deps);
    if (m.sourceKind === SourceKind.DynamoDb && this.d.tables) return new StreamPoller(m, new TableShardSource(this.d.tables.internals, m.sourceArn), dynamodbFormat, deps);
    return new SqsPoller(m, this.poller);
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.d.clock.setTimer(this.d.refreshMs ?? 5_000, () => {
      void this.sync().finally(() => this.arm());
    });
  }
}
