/** The embedded backend: one SQLite database, its writer, and the stores over it. */
import { SqliteBucketStore } from "./buckets.js";
import { openDatabase, type SqliteOptions } from "./database.js";
import { InlineExecutor, type Executor } from "./executor.js";
import { sqliteOps, type SqliteOps } from "./ops.js";
import { SqliteFunctionStore, SqliteMappingStore } from "./functions.js";
import { SqliteQueueStore } from "./queues.js";
import { SqliteStreamStore } from "./streams.js";
import { SqliteTableStore } from "./tables.js";
import { ThreadExecutor } from "./thread-executor.js";
import { StorageKind, type Storage } from "../types.js";

export const WriterMode = { Inline: "inline", Thread: "thread" } as const;
export type WriterMode = (typeof WriterMode)[keyof typeof WriterMode];

export interface SqliteStorageOptions extends SqliteOptions {
  /**
   * Where the writer runs: `inline` on the calling thread; `thread` in a worker thread,
   * which keeps fsync off the event loop but pays for messaging between threads. The
   * queue and stream benches measured inline faster with lower tail latency on this
   * class of machine (docs/storage.md). `:memory:` is always inline. @default "inline"
   */
  writer?: WriterMode;
}

export async function openSqliteStorage(options: SqliteStorageOptions = {}): Promise<Storage> {
  const memory = options.dataDir === ":memory:";
  const mode = memory ? WriterMode.Inline : (options.writer ?? WriterMode.Inline);
  // Only plain options cross into the writer thread.
  const db: SqliteOptions = {};
  if (options.dataDir !== undefined) db.dataDir = options.dataDir;
  if (options.durability !== undefined) db.durability = options.durability;
  if (options.threadBatch !== undefined) db.threadBatch = options.threadBatch;
  const exec: Executor<SqliteOps> =
    mode === WriterMode.Thread ? await ThreadExecutor.open(db, sqliteOps) : new InlineExecutor(openDatabase(db), sqliteOps);
  const queues = new SqliteQueueStore(exec);
  return {
    kind: StorageKind.Sqlite,
    queues,
    functions: new SqliteFunctionStore(exec),
    mappings: new SqliteMappingStore(exec),
    streams: new SqliteStreamStore(exec),
    tables: new SqliteTableStore(exec),
    buckets: new SqliteBucketStore(exec),
    async close() {
      await queues.close();
      await exec.close();
    },
  };
}
