/**
 * The table service on PostgreSQL: two services on one schema (as two worker
 * processes would be) race conditional updates and stream writes on the same items.
 * Skipped when no database answers, unless SLUICE_TEST_PG_URL asks for it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { dropSchema, postgresTestUrl, randomSchema } from "../../testing/postgres.js";
import { tableHarness, type TableHarness } from "../../testing/tables.js";
import { openPostgresStorage } from "../../storage/postgres/storage.js";

const url = await postgresTestUrl();

if (url) {
  const schema = randomSchema();
  afterAll(() => dropSchema(url, schema));

  describe("tables on PostgreSQL", () => {
    it("applies racing updates from two services exactly once each, with one stream record per write", async () => {
      const a = await tableHarness({}, await openPostgresStorage({ url, schema, poolSize: 4 }));
      const b = await tableHarness({}, await openPostgresStorage({ url, schema, poolSize: 4 }));
      try {
        const created = (await a.call("CreateTable", {
          TableName: "counters",
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          BillingMode: "PAY_PER_REQUEST",
          StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
        })) as { TableDescription: { LatestStreamArn: string } };
        const inc = { TableName: "counters", Key: { id: { S: "c" } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } };
        await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).call("UpdateItem", inc)));
        const got = (await b.call("GetItem", { TableName: "counters", Key: { id: { S: "c" } }, ConsistentRead: true })) as { Item: { n: { N: string } } };
        expect(got.Item.n.N).toBe("40");
        const seen = await readStream(a, created.TableDescription.LatestStreamArn);
        expect(seen).toEqual(Array.from({ length: 40 }, (_, i) => String(i + 1)));
      } finally {
        await a.close();
        await b.close();
      }
    });
  });
} else {
  describe.skip("tables on PostgreSQL (no database; set SLUICE_TEST_PG_URL to require it)", () => {
    it("needs PostgreSQL", () => undefined);
  });
}

/** The `n` of every record's new image, in stream order. */
async function readStream(h: TableHarness, arn: string): Promise<string[]> {
  const desc = (await h.callStreams("DescribeStream", { StreamArn: arn })) as { StreamDescription: { Shards: { ShardId: string }[] } };
  const out: string[] = [];
  for (const s of desc.StreamDescription.Shards) {
    const it = (await h.callStreams("GetShardIterator", { StreamArn: arn, ShardId: s.ShardId, ShardIteratorType: "TRIM_HORIZON" })) as { ShardIterator: string };
    const page = (await h.callStreams("GetRecords", { ShardIterator: it.ShardIterator })) as { Records: { dynamodb: { NewImage: { n: { N: string } } } }[] };
    out.push(...page.Records.map((r) => r.dynamodb.NewImage.n.N));
  }
  return out;
}
