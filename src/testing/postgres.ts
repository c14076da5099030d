/**
 * Test helpers for the PostgreSQL backend. Tests run against `SLUICE_TEST_PG_URL`, or
 * a local default. When the database does not answer, PostgreSQL tests are skipped,
 * unless `SLUICE_TEST_PG_URL` was set: then the caller asked for them, and
 * `postgresTestUrl` throws so the run fails loudly instead of passing without them.
 */
import { randomBytes } from "node:crypto";
import postgres from "postgres";

export const PG_URL_ENV = "SLUICE_TEST_PG_URL";
export const DEFAULT_TEST_PG_URL = "postgres://postgres@127.0.0.1:5432/test";

/** Whether a database answers at `url` within a few seconds; the error if not. */
export async function probePostgres(url: string): Promise<Error | null> {
  const sql = postgres(url, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await sql`SELECT 1`;
    return null;
  } catch (err) {
    return err instanceof Error ? err : new Error(String(err));
  } finally {
    await sql.end({ timeout: 0 });
  }
}

/**
 * The URL PostgreSQL tests should use, or null when they should be skipped.
 * Throws when `SLUICE_TEST_PG_URL` is set and that database does not answer.
 */
export async function postgresTestUrl(env: NodeJS.ProcessEnv = process.env, fallback = DEFAULT_TEST_PG_URL): Promise<string | null> {
  const given = env[PG_URL_ENV];
  const url = given || fallback;
  const failure = await probePostgres(url);
  if (!failure) return url;
  if (given) throw new Error(`${PG_URL_ENV} is set but PostgreSQL at ${given} does not answer: ${failure.message}`);
  return null;
}

/** A fresh schema name, so suites never see each other's tables. */
export function randomSchema(prefix = "sluice_test"): string {
  return `${prefix}_${randomBytes(6).toString("hex")}`;
}

/** Drops a schema a test created, with everything in it. */
export async function dropSchema(url: string, schema: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`refusing to drop schema "${schema}"`);
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  try {
    await sql.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await sql.end({ timeout: 0 });
  }
}
