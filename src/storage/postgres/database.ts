/**
 * Connecting to PostgreSQL with postgres.js: a pool whose connections all use Sluice's
 * schema (via `search_path`), commit durably (`synchronous_commit=on`) and return
 * BIGINT columns as JS numbers (ids, seqs and epoch-ms times stay far below 2^53).
 * Migrations run in one transaction under a transaction-scoped advisory lock, so any
 * number of processes may start against an empty database at once: the first
 * applies them, the rest wait and then find nothing left to do.
 * Every store operation is one transaction; `transaction` retries the ones PostgreSQL
 * aborts to break a deadlock or a serialization conflict, which leave nothing behind.
 */
import postgres from "postgres";
import { migrations } from "./migrations.js";
import type { PostgresOptions } from "./options.js";

type Types = { bigint: number };
export type Sql = postgres.Sql<Types>;
/** A connection reserved for one transaction (see `inTransaction`). */
export type Tx = postgres.ReservedSql<Types>;
/** Either the pool (a single statement is its own transaction) or an open transaction. */
export type Conn = postgres.ISql<Types>;

/** The schema Sluice uses when none is given. */
export const DEFAULT_SCHEMA = "sluice";

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/** Schema names are plain lower-case identifiers, short enough to build channel names from. */
export function checkSchema(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new Error(`invalid PostgreSQL schema name "${schema}": use 1-48 lower-case letters, digits or underscores`);
  }
  return schema;
}

const int8 = {
  to: 20,
  from: [20],
  serialize: (x: number): string => String(x),
  parse: (x: string): number => Number(x),
};

/** Opens a pool; no connection is made until the first query. */
export function connect(options: PostgresOptions): Sql {
  const schema = checkSchema(options.schema ?? DEFAULT_SCHEMA);
  return postgres(options.url, {
    max: options.poolSize ?? 10,
    types: { bigint: int8 },
    onnotice: () => undefined,
    connection: { search_path: `"${schema}"`, synchronous_commit: "on", application_name: "sluice" },
  });
}

/** Creates the schema and applies every migration it has not seen yet. */
export async function migrate(sql: Sql, schema: string): Promise<void> {
  await inTransaction(sql, async (tx) => {
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${"sluice.migrate:" + schema}, 0))`;
    await tx.unsafe(`CREATE SCHEMA IF NOT EXISTS "${checkSchema(schema)}"`);
    await tx`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`;
    const rows = await tx<{ version: number }[]>`SELECT version FROM schema_migrations`;
    const applied = new Set(rows.map((r) => r.version));
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await tx.unsafe(m.sql);
      await tx`INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, ${m.name}, ${Date.now()})`;
    }
  });
}

/** SQLSTATEs of transactions PostgreSQL aborted on purpose and that may simply run again. */
const RETRYABLE = new Set(["40P01", "40001"]);
const ATTEMPTS = 8;

function retryable(err: unknown): boolean {
  return err instanceof postgres.PostgresError && RETRYABLE.has(err.code);
}

/**
 * One transaction on a connection reserved before BEGIN is sent. postgres.js 3.4.9's
 * `sql.begin` can write BEGIN without reserving its connection when BEGIN fills the
 * connection's pipeline (porsager/postgres#1189, #823): the call fails with
 * UNSAFE_TRANSACTION and the server is left inside a transaction that unrelated queries
 * then join. Reserving first closes that gap.
 */
async function inTransaction<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await sql.reserve();
  try {
    await tx`BEGIN`;
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      await tx`ROLLBACK`.catch(() => undefined);
      throw err;
    }
    await tx`COMMIT`;
    return result;
  } finally {
    tx.release();
  }
}

/** Runs `fn` in one transaction, again (with a short random pause) if it was chosen as a deadlock victim. */
export async function transaction<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(sql, fn);
    } catch (err) {
      if (attempt >= ATTEMPTS || !retryable(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}
