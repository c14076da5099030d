/**
 * Streams with Kinesis Data Streams' behaviour. `StreamService` serves every Kinesis
 * action by name (`call`), taking and returning Kinesis' shapes, and trims records past
 * retention in the background.
 *
 * Terms: a *stream* is split into *shards*, each owning an inclusive range of the
 * 128-bit *hash key* space; a record goes to the open shard holding the MD5 of its
 * *partition key* (or its explicit hash key) and gets the next *sequence number* of that
 * shard. A *shard iterator* is a five-minute token for a position in one shard.
 * *Resharding* closes shards and opens children (*lineage*: parent and adjacent parent).
 * *Retention* (24 h to 8760 h) bounds how long records stay readable.
 */
import type { Clock, Timer } from "../../core/clock.js";
import type { Lifecycle } from "../../core/lifecycle.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { ServiceError } from "../../core/errors.js";
import type { CallContext } from "../queues/types.js";
import { compileStreamOptions, type StreamServiceConfig, type StreamServiceOptions } from "./config.js";
import * as consumers from "./consumers.js";
import { InvalidArgumentException } from "./errors.js";
import type { Input } from "./input.js";
import { listShards } from "./list-shards.js";
import * as manage from "./management.js";
import * as records from "./records.js";
import * as reshard from "./reshard.js";
import type { StreamStore } from "./store.js";
import * as tags from "./tags.js";
import { ShardThroughput } from "./throughput.js";
import type { Output } from "./types.js";

export interface StreamServiceDeps {
  readonly store: StreamStore;
  readonly clock: Clock;
  /** @default a silent logger */
  readonly logger?: Logger;
  readonly options?: StreamServiceOptions;
}

type Action = (d: records.RecordDeps, input: Input, ctx: CallContext) => Promise<Output>;

const unsupported: Action = () =>
  Promise.reject(new InvalidArgumentException("SubscribeToShard (enhanced fan-out over an HTTP/2 event stream) is not served by Sluice; read with GetRecords."));

/** Every Kinesis action Sluice serves, by its API name. */
export const STREAM_ACTIONS: Readonly<Record<string, Action>> = {
  CreateStream: manage.createStream,
  DeleteStream: manage.deleteStream,
  DescribeStream: manage.describeStream,
  DescribeStreamSummary: manage.describeStreamSummary,
  ListStreams: manage.listStreams,
  ListShards: listShards,
  IncreaseStreamRetentionPeriod: manage.increaseRetention,
  DecreaseStreamRetentionPeriod: manage.decreaseRetention,
  UpdateStreamMode: manage.updateStreamMode,
  StartStreamEncryption: (d, i, c) => manage.setEncryption(d, i, c, true),
  StopStreamEncryption: (d, i, c) => manage.setEncryption(d, i, c, false),
  EnableEnhancedMonitoring: (d, i, c) => manage.setMonitoring(d, i, c, true),
  DisableEnhancedMonitoring: (d, i, c) => manage.setMonitoring(d, i, c, false),
  DescribeLimits: manage.describeLimits,
  AddTagsToStream: tags.addTags,
  RemoveTagsFromStream: tags.removeTags,
  ListTagsForStream: tags.listTagsForStream,
  TagResource: tags.tagResource,
  UntagResource: tags.untagResource,
  ListTagsForResource: tags.listTagsForResource,
  PutRecord: records.putRecord,
  PutRecords: records.putRecords,
  GetShardIterator: records.getShardIterator,
  GetRecords: records.getRecords,
  SplitShard: reshard.splitShard,
  MergeShards: reshard.mergeShards,
  UpdateShardCount: reshard.updateShardCount,
  RegisterStreamConsumer: consumers.registerConsumer,
  DescribeStreamConsumer: consumers.describeConsumer,
  DeregisterStreamConsumer: consumers.deregisterConsumer,
  ListStreamConsumers: consumers.listConsumers,
  SubscribeToShard: unsupported,
};

export class UnknownStreamAction extends ServiceError {
  constructor(action: string) {
    super("UnknownOperationException", `Operation ${action} is not supported by Kinesis.`);
  }
}

export class StreamService implements Lifecycle {
  readonly config: StreamServiceConfig;
  private readonly deps: records.RecordDeps;
  private readonly logger: Logger;
  private trimTimer?: Timer;
  private stopped = true;

  constructor(d: StreamServiceDeps) {
    this.config = compileStreamOptions(d.options);
    this.logger = (d.logger ?? silentLogger()).child({ component: "streams" });
    this.deps = { store: d.store, clock: d.clock, config: this.config, throughput: new ShardThroughput(d.clock, this.config.enforceThroughput) };
  }

  get defaultContext(): CallContext {
    return { accountId: this.config.defaultAccount, region: this.config.defaultRegion, baseUrl: "http://127.0.0.1:4566" };
  }

  /** Serves one Kinesis action; `input` is the decoded request (blobs as Buffers). */
  async call(action: string, input: Input, ctx: CallContext = this.defaultContext): Promise<Output> {
    const fn = Object.hasOwn(STREAM_ACTIONS, action) ? STREAM_ACTIONS[action] : undefined;
    if (!fn) throw new UnknownStreamAction(action);
    return fn(this.deps, input, ctx);
  }

  start(): Promise<void> {
    this.stopped = false;
    this.armTrim();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.trimTimer?.cancel();
    return Promise.resolve();
  }

  /** Deletes records past retention now; the background timer calls this. */
  trim(): Promise<number> {
    return this.deps.store.trim(this.deps.clock.now());
  }

  private armTrim(): void {
    if (this.stopped) return;
    this.trimTimer = this.deps.clock.setTimer(this.config.trimIntervalMs, () => {
      void this.trim().then(
        (n) => {
          if (n > 0) this.logger.debug({ trimmed: n }, "trimmed records past retention");
        },
        (err: unknown) => this.logger.warn({ err }, "stream trim failed"),
      ).finally(() => this.armTrim());
    });
  }
}
