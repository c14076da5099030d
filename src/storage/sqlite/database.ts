/**
 * Opening the embedded store: one SQLite database per data directory, WAL journal,
 * `synchronous=FULL` unless the user chose relaxed durability, and numbered
 * migrations applied once, in order, inside one transaction each.
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { migrations } from "./migrations.js";

export type Db = Database.Database;

export const Durability = { Full: "full", Relaxed: "relaxed" } as const;
export type Durability = (typeof Durability)[keyof typeof Durability];

export interface SqliteOptions {
  /** Directory holding `sluice.db`; `":memory:"` for a private in-memory database. @default "./.sluice" */
  dataDir?: string;
  /**
   * `full`: every acknowledged write is fsynced (`synchronous=FULL`).
   * `relaxed`: `synchronous=NORMAL`; a power loss may drop the last commits, a crash of
   * the process never does. @default "full"
   */
  durability?: Durability;
  /**
   * Most jobs one writer-thread transaction takes. Smaller batches let the thread hand
   * back results while it commits the rest, so both threads stay busy. @default 16
   */
  threadBatch?: number;
  /** `reader` connections skip migrations; they serve reads beside a writer thread. @default "writer" */
  role?: "writer" | "reader";
}

export function databasePath(dataDir: string): string {
  return dataDir === ":memory:" ? ":memory:" : join(dataDir, "sluice.db");
}

export function openDatabase(options: SqliteOptions = {}): Db {
  const dataDir = options.dataDir ?? "./.sluice";
  if (dataDir !== ":memory:") mkdirSync(dataDir, { recursive: true });
  const db = new Database(databasePath(dataDir));
  db.pragma("busy_timeout = 10000");
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.durability === Durability.Relaxed ? "NORMAL" : "FULL"}`);
  db.pragma("cache_size = -65536");
  db.pragma("temp_store = MEMORY");
  if (options.role !== "reader") migrate(db);
  return db;
}

function migrate(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`);
  const applied = new Set(
    db.prepare("SELECT version FROM schema_migrations").pluck().all() as number[],
  );
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.prepare("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)").run(
        m.version,
        m.name,
        Date.now(),
      );
    }).immediate();
  }
}

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

/** A prepared statement, compiled once per connection. */
export function stmt(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) {
    cache = new Map();
    statements.set(db, cache);
  }
  let s = cache.get(sql);
  if (!s) {
    s = db.prepare(sql);
    cache.set(sql, s);
  }
  return s;
}
