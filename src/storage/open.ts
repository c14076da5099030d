/**
 * Opens the storage a platform runs on: PostgreSQL when given a `postgres://` URL,
 * otherwise the embedded SQLite store in a data directory.
 */
import type { Logger } from "../core/logger.js";
import type { PostgresOptions } from "./postgres/options.js";
import type { SqliteStorageOptions } from "./sqlite/storage.js";
import { openSqliteStorage } from "./sqlite/storage.js";
import type { Storage } from "./types.js";

export interface StorageOptions extends SqliteStorageOptions {
  /** `postgres://…` selects PostgreSQL; anything else, or nothing, the embedded store. */
  store?: string;
  /** PostgreSQL schema. @default "sluice" */
  schema?: string;
  /** PostgreSQL pool size. @default 10 */
  poolSize?: number;
  /** Where storage reports maintenance (PostgreSQL's vacuum keeper). @default silent */
  logger?: Logger;
}

export function isPostgresUrl(value: string | undefined): value is string {
  return !!value && /^postgres(ql)?:\/\//.test(value);
}

export async function openStorage(options: StorageOptions = {}): Promise<Storage> {
  if (isPostgresUrl(options.store)) {
    const pg: PostgresOptions = { url: options.store };
    if (options.schema !== undefined) pg.schema = options.schema;
    if (options.poolSize !== undefined) pg.poolSize = options.poolSize;
    if (options.logger !== undefined) pg.logger = options.logger;
    // Loaded only when asked for, so the embedded store never loads the PostgreSQL client.
    const { openPostgresStorage } = await import("./postgres/storage.js");
    return openPostgresStorage(pg);
  }
  return openSqliteStorage(options);
}
