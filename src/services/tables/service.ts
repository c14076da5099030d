/**
 * Tables with DynamoDB's behaviour, and their change streams with DynamoDB Streams'.
 * `TableService` serves every DynamoDB action by name (`call`) and every DynamoDB
 * Streams action (`callStreams`), taking and returning the APIs' shapes, and sweeps
 * expired items (TTL) in the background.
 *
 * Terms: a *table* holds *items* (maps of *attribute values*) under a *primary key*:
 * a *partition key* and optionally a *sort key*. *Secondary indexes* (global or local)
 * hold projected copies under another key. Every write bumps the item's *version*;
 * writes apply only if the items they read are still at the versions read. A table's
 * *stream* holds a *change record* per write (INSERT, MODIFY, REMOVE) in *shards*,
 * read through *shard iterators* by *sequence number*.
 */
import type { Clock, Timer } from "../../core/clock.js";
import { ServiceError } from "../../core/errors.js";
import type { Lifecycle } from "../../core/lifecycle.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import type { CallContext } from "../queues/types.js";
import type { StreamStore } from "../streams/store.js";
import { batchGetItem, batchWriteItem } from "./batch.js";
import { compileTableOptions, type TableServiceConfig, type TableServiceOptions } from "./config.js";
import { TableDirectory, type TableDeps } from "./context.js";
import type { Input, Output } from "./input.js";
import { deleteItem, getItem, putItem, updateItem } from "./items.js";
import * as manage from "./management.js";
import { query, scan } from "./query.js";
import type { TableStore } from "./store.js";
import * as streams from "./streams-api.js";
import { listTagsOfResource, tagResource, untagResource } from "./tags.js";
import { transactGetItems, transactWriteItems } from "./transact.js";
import { describeTimeToLive, sweepExpired, updateTimeToLive } from "./ttl.js";
import { updateTable } from "./update-table.js";

export interface TableServiceDeps {
  readonly store: TableStore;
  readonly streams: StreamStore;
  readonly clock: Clock;
  /** @default a silent logger */
  readonly logger?: Logger;
  readonly options?: TableServiceOptions;
}

type Action = (d: TableDeps, input: Input, ctx: CallContext) => Promise<Output>;

const describeLimits: Action = () =>
  Promise.resolve({ AccountMaxReadCapacityUnits: 80000, AccountMaxWriteCapacityUnits: 80000, TableMaxReadCapacityUnits: 40000, TableMaxWriteCapacityUnits: 40000 });

/** Every DynamoDB action Sluice serves, by its API name. */
export const TABLE_ACTIONS: Readonly<Record<string, Action>> = {
  CreateTable: manage.createTable,
  DescribeTable: manage.describeTable,
  ListTables: manage.listTables,
  UpdateTable: updateTable,
  DeleteTable: manage.deleteTable,
  UpdateTimeToLive: updateTimeToLive,
  DescribeTimeToLive: describeTimeToLive,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsOfResource: listTagsOfResource,
  DescribeLimits: describeLimits,
  PutItem: putItem,
  GetItem: getItem,
  UpdateItem: updateItem,
  DeleteItem: deleteItem,
  Query: query,
  Scan: scan,
  BatchGetItem: batchGetItem,
  BatchWriteItem: batchWriteItem,
  TransactWriteItems: transactWriteItems,
  TransactGetItems: transactGetItems,
};

/** Every DynamoDB Streams action, by its API name. */
export const TABLE_STREAM_ACTIONS: Readonly<Record<string, Action>> = {
  ListStreams: streams.listStreams,
  DescribeStream: streams.describeStream,
  GetShardIterator: streams.getShardIterator,
  GetRecords: streams.getRecords,
};

export class UnknownTableAction extends ServiceError {
  constructor(action: string) {
    super("UnknownOperationException", `Operation ${action} is not supported by Sluice's DynamoDB endpoint.`);
  }
}

export class TableService implements Lifecycle {
  readonly config: TableServiceConfig;
  private readonly deps: TableDeps;
  private readonly logger: Logger;
  private sweepTimer?: Timer;
  private stopped = true;

  constructor(d: TableServiceDeps) {
    this.config = compileTableOptions(d.options);
    this.logger = (d.logger ?? silentLogger()).child({ component: "tables" });
    const directory = new TableDirectory(d.store, d.clock, this.config.definitionCacheMs);
    this.deps = { store: d.store, streams: d.streams, clock: d.clock, config: this.config, logger: this.logger, directory };
  }

  get defaultContext(): CallContext {
    return { accountId: this.config.defaultAccount, region: this.config.defaultRegion, baseUrl: "http://127.0.0.1:4566" };
  }

  /** Serves one DynamoDB action; `input` is the decoded JSON request. */
  call(action: string, input: Input, ctx: CallContext = this.defaultContext): Promise<Output> {
    return dispatch(TABLE_ACTIONS, action, this.deps, input, ctx);
  }

  /** Serves one DynamoDB Streams action. */
  callStreams(action: string, input: Input, ctx: CallContext = this.defaultContext): Promise<Output> {
    return dispatch(TABLE_STREAM_ACTIONS, action, this.deps, input, ctx);
  }

  /** Internal access for the stream mapping engine. */
  get internals(): TableDeps {
    return this.deps;
  }

  start(): Promise<void> {
    this.stopped = false;
    this.armSweep();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.sweepTimer?.cancel();
    return Promise.resolve();
  }

  /** Deletes expired items now (one batch); the background timer calls this. */
  sweep(): Promise<number> {
    return sweepExpired(this.deps);
  }

  private armSweep(): void {
    if (this.stopped) return;
    this.sweepTimer = this.deps.clock.setTimer(this.config.ttlIntervalMs, () => {
      void this.sweepAll()
        .catch((err: unknown) => this.logger.warn({ err }, "TTL sweep failed"))
        .finally(() => this.armSweep());
    });
  }

  private async sweepAll(): Promise<void> {
    let removed = 0;
    for (let n = await this.sweep(); n > 0 && !this.stopped; n = await this.sweep()) removed += n;
    await this.deps.store.trimTokens(this.deps.clock.now() - this.config.tokenWindowMs);
    if (removed > 0) this.logger.debug({ removed }, "deleted expired items");
  }
}

function dispatch(actions: Readonly<Record<string, Action>>, action: string, d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const fn = Object.hasOwn(actions, action) ? actions[action] : undefined;
  if (!fn) return Promise.reject(new UnknownTableAction(action));
  return fn(d, input, ctx);
}
