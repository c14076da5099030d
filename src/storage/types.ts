/** What a storage backend provides: one store per building block. */
import type { BucketStore } from "../services/buckets/store.js";
import type { MappingStore } from "../services/event-sources/store.js";
import type { FunctionStore } from "../services/functions/store.js";
import type { QueueStore } from "../services/queues/store.js";
import type { StreamStore } from "../services/streams/store.js";
import type { TableStore } from "../services/tables/store.js";

export const StorageKind = { Sqlite: "sqlite", Postgres: "postgres" } as const;
export type StorageKind = (typeof StorageKind)[keyof typeof StorageKind];

export interface Storage {
  readonly kind: StorageKind;
  readonly queues: QueueStore;
  readonly functions: FunctionStore;
  readonly mappings: MappingStore;
  readonly streams: StreamStore;
  readonly tables: TableStore;
  readonly buckets: BucketStore;
  close(): Promise<void>;
}
