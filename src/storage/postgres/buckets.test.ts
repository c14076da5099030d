/**
 * The BucketStore conformance suite on PostgreSQL, in a fresh schema dropped afterwards;
 * several stores (pools) on one schema race for outbox leases. Skipped when no database
 * answers, unless SLUICE_TEST_PG_URL asks for it (then it fails).
 */
import { describe, it } from "vitest";
import { dropSchema, postgresTestUrl, randomSchema } from "../../testing/postgres.js";
import { bucketStoreConformance } from "../conformance/buckets.js";
import { openPostgresStorage } from "./storage.js";

const url = await postgresTestUrl();

if (url) {
  const schema = randomSchema();
  bucketStoreConformance(
    "postgres",
    () => openPostgresStorage({ url, schema, poolSize: 4 }),
    () => dropSchema(url, schema),
    { durable: true },
  );
} else {
  describe.skip("BucketStore conformance: postgres (no database; set SLUICE_TEST_PG_URL to require it)", () => {
    it("needs PostgreSQL", () => undefined);
  });
}
