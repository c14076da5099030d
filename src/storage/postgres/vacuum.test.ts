/** The vacuum keeper: it runs only where the server's autovacuum is off, and its pass reclaims dead rows. */
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../core/logger.js";
import { dropSchema, postgresTestUrl, randomSchema } from "../../testing/postgres.js";
import { connect, migrate } from "./database.js";
import { HOT_TABLES, VacuumKeeper } from "./vacuum.js";

const url = await postgresTestUrl();

describe.skipIf(!url)("VacuumKeeper", () => {
  const schema = randomSchema();
  const sql = connect({ url: url ?? "", schema, poolSize: 2 });
  afterAll(async () => {
    await sql.end({ timeout: 1 });
    await dropSchema(url ?? "", schema);
  });

  it("starts only when the server's autovacuum is off, and reclaims dead rows of the hot tables", async () => {
    await migrate(sql, schema);
    const [setting] = await sql<{ on: string }[]>`SELECT current_setting('autovacuum') AS on`;
    const keeper = new VacuumKeeper(sql, 60_000, silentLogger());
    expect(await keeper.start()).toBe(setting?.on !== "on");
    await keeper.stop();
    await sql`INSERT INTO receive_attempts (queue_id, attempt_id, expires_at, handles) SELECT 1, g::text, 0, '[]' FROM generate_series(1, 500) g`;
    await sql`DELETE FROM receive_attempts`;
    const dead = async (): Promise<number> => {
      const [row] = await sql<{ n: number }[]>`SELECT n_dead_tup AS n FROM pg_stat_user_tables WHERE schemaname = ${schema} AND relname = 'receive_attempts'`;
      return Number(row?.n ?? 0);
    };
    // Statistics reach pg_stat_user_tables shortly after the transaction ends.
    for (let i = 0; i < 50 && (await dead()) < 500; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await dead()).toBeGreaterThanOrEqual(500);
    await keeper.vacuum();
    for (let i = 0; i < 50 && (await dead()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await dead()).toBe(0);
    expect(HOT_TABLES).toContain("messages");
  });

  it("does nothing when its interval is 0", async () => {
    const keeper = new VacuumKeeper(sql, 0, silentLogger());
    expect(await keeper.start()).toBe(false);
    await keeper.stop();
  });
});
