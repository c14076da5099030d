/**
 * The PostgreSQL backend: a connection pool on one schema, its migrations, the LISTEN
 * connection for wake-ups, and the stores over them. Many processes may open the
 * same database and schema at once; they share the work through row locks.
 */
import { PostgresBucketStore } from "./buckets.js";
import { checkSchema, connect, DEFAULT_SCHEMA, migrate } from "./database.js";
import { PostgresFunctionStore, PostgresMappingStore } from "./functions.js";
import { Notifier } from "./notify.js";
import type { PostgresOptions } from "./options.js";
import { PostgresQueueStore } from "./queues.js";
import { PostgresStreamStore } from "./streams.js";
import { PostgresTableStore } from "./tables.js";
import { StorageKind, type Storage } from "../types.js";
import { silentLogger } from "../../core/logger.js";
import { VacuumKeeper } from "./vacuum.js";

export async function openPostgresStorage(options: PostgresOptions): Promise<Storage> {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  const sql = connect(options);
  try {
    await migrate(sql, schema);
    const notifier = new Notifier(sql, `sluice:${schema}:queues`);
    await notifier.start();
    const queues = new PostgresQueueStore(sql, notifier);
    const vacuum = new VacuumKeeper(sql, options.vacuumIntervalMs ?? 5_000, options.logger ?? silentLogger());
    await vacuum.start();
    return {
      kind: StorageKind.Postgres,
      queues,
      functions: new PostgresFunctionStore(sql),
      mappings: new PostgresMappingStore(sql),
      streams: new PostgresStreamStore(sql),
      tables: new PostgresTableStore(sql),
      buckets: new PostgresBucketStore(sql),
      async close() {
        await vacuum.stop();
        await queues.close();
        // Lets statements under way finish (up to five seconds) before closing connections.
        await sql.end({ timeout: 5 });
      },
    };
  } catch (err) {
    await sql.end({ timeout: 0 });
    throw err;
  }
}
