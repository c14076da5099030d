/** Test helpers: a table service on a private in-memory store with a manual clock. */
import { ManualClock } from "../core/clock.js";
import type { TableServiceOptions } from "../services/tables/config.js";
import type { Output } from "../services/tables/input.js";
import { TableService } from "../services/tables/service.js";
import { openSqliteStorage } from "../storage/sqlite/storage.js";
import type { Storage } from "../storage/types.js";

export interface TableHarness {
  readonly clock: ManualClock;
  readonly tables: TableService;
  readonly storage: Storage;
  /** Calls a DynamoDB action in the default context. */
  call(action: string, input: Record<string, unknown>): Promise<Output>;
  /** Calls a DynamoDB Streams action in the default context. */
  callStreams(action: string, input: Record<string, unknown>): Promise<Output>;
  close(): Promise<void>;
}

export async function tableHarness(options: TableServiceOptions = {}, storage?: Storage): Promise<TableHarness> {
  const clock = new ManualClock();
  const store = storage ?? (await openSqliteStorage({ dataDir: ":memory:" }));
  const tables = new TableService({ store: store.tables, streams: store.streams, clock, options });
  await tables.start();
  return {
    clock,
    tables,
    storage: store,
    call: (action, input) => tables.call(action, input),
    callStreams: (action, input) => tables.callStreams(action, input),
    async close() {
      await tables.stop();
      await store.close();
    },
  };
}

/** Anything that calls DynamoDB actions: a TableHarness, or a platform's `tables`. */
export interface TableCaller {
  call(action: string, input: Record<string, unknown>): Promise<Output>;
}

/**
 * Creates an on-demand table keyed by `hash` (and `range`), each given as [name, type];
 * `more` adds CreateTable members (a StreamSpecification, for one).
 */
export async function createKeyedTable(h: TableCaller, name: string, hash: [string, "S" | "N" | "B"], range?: [string, "S" | "N" | "B"], more: Record<string, unknown> = {}): Promise<Output> {
  const keys = range ? [hash, range] : [hash];
  return h.call("CreateTable", {
    TableName: name,
    AttributeDefinitions: keys.map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keys.map(([AttributeName], i) => ({ AttributeName, KeyType: i === 0 ? "HASH" : "RANGE" })),
    BillingMode: "PAY_PER_REQUEST",
    ...more,
  });
}

/** Creates a table keyed by the string `key` with a stream of `viewType`; resolves with the stream's ARN. */
export async function createStreamTable(h: TableCaller, name: string, viewType: string, key = "pk"): Promise<string> {
  const out = (await createKeyedTable(h, name, [key, "S"], undefined, { StreamSpecification: { StreamEnabled: true, StreamViewType: viewType } })) as { TableDescription: { LatestStreamArn: string } };
  return out.TableDescription.LatestStreamArn;
}
