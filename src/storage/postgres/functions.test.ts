/**
 * The FunctionStore and MappingStore conformance suites on PostgreSQL, each in a fresh
 * schema dropped afterwards; several stores (pools) on one schema race each other.
 * Skipped when no database answers, unless SLUICE_TEST_PG_URL asks for it (then it fails).
 */
import { describe, it } from "vitest";
import { dropSchema, postgresTestUrl, randomSchema } from "../../testing/postgres.js";
import { functionStoreConformance } from "../conformance/functions.js";
import { mappingStoreConformance } from "../conformance/mappings.js";
import { openPostgresStorage } from "./storage.js";

const url = await postgresTestUrl();

if (url) {
  const functions = randomSchema();
  functionStoreConformance(
    "postgres",
    () => openPostgresStorage({ url, schema: functions, poolSize: 4 }),
    () => dropSchema(url, functions),
    { durable: true },
  );
  const mappings = randomSchema();
  mappingStoreConformance(
    "postgres",
    () => openPostgresStorage({ url, schema: mappings, poolSize: 4 }),
    () => dropSchema(url, mappings),
    { durable: true },
  );
} else {
  describe.skip("FunctionStore and MappingStore conformance: postgres (no database; set SLUICE_TEST_PG_URL to require it)", () => {
    it("needs PostgreSQL", () => undefined);
  });
}
