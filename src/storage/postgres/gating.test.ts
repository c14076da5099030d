/** When PostgreSQL tests run, skip, or fail: see src/testing/postgres.ts. */
import { describe, expect, it } from "vitest";
import { DEFAULT_TEST_PG_URL, PG_URL_ENV, postgresTestUrl } from "../../testing/postgres.js";

const NOWHERE = "postgres://nobody@127.0.0.1:1/none";

describe("PostgreSQL test gating", () => {
  it("skips (null) when the default database does not answer and no URL was asked for", async () => {
    expect(await postgresTestUrl({}, NOWHERE)).toBeNull();
  });

  it("fails loudly when SLUICE_TEST_PG_URL names a database that does not answer", async () => {
    await expect(postgresTestUrl({ [PG_URL_ENV]: NOWHERE })).rejects.toThrow(/SLUICE_TEST_PG_URL is set but PostgreSQL/);
  });

  it("uses the local default when nothing is set", async () => {
    const url = await postgresTestUrl({});
    expect(url === null || url === DEFAULT_TEST_PG_URL).toBe(true);
  });
});
