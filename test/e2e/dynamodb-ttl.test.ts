/**
 * Time to Live end to end on a real clock: the server's sweep (every 5 s by default)
 * deletes expired items, which appear in the table's stream as REMOVE records made by
 * the DynamoDB service itself; items whose TTL attribute is not a number, lies in the
 * future, or is more than five years in the past are left alone, as DynamoDB does.
 */
import { GetItemCommand, PutItemCommand, UpdateTimeToLiveCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand, type _Record } from "@aws-sdk/client-dynamodb-streams";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../src/testing/assert.js";
import { createTable, keyed, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

describe("DynamoDB Time to Live end to end", () => {
  let env: DynamoEnv;

  async function allRecords(arn: string): Promise<_Record[]> {
    const out: _Record[] = [];
    const shards = (await env.streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription?.Shards ?? [];
    for (const s of shards) {
      let { ShardIterator: it } = await env.streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: s.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
      for (let i = 0; it && i < 50; i++) {
        const page = await env.streams.send(new GetRecordsCommand({ ShardIterator: it }));
        if (!page.Records?.length) break;
        out.push(...page.Records);
        it = page.NextShardIterator;
      }
    }
    return out;
  }

  beforeAll(async () => {
    env = await startDynamo();
  });
  afterAll(() => stopDynamo(env));

  it("deletes expired items as the service, leaving the rest", async () => {
    const table = uniqueName("ttl");
    const d = await createTable(env.ddb, { ...keyed(table), StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } });
    await env.ddb.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } }));
    const now = Math.floor(Date.now() / 1000);
    const items: Record<string, AttributeValue>[] = [
      { pk: { S: "expired" }, exp: { N: String(now - 10) }, note: { S: "bye" } },
      { pk: { S: "future" }, exp: { N: String(now + 3600) } },
      { pk: { S: "text" }, exp: { S: String(now - 10) } },
      { pk: { S: "ancient" }, exp: { N: String(now - 6 * 366 * 24 * 3600) } },
      { pk: { S: "none" } },
    ];
    for (const Item of items) await env.ddb.send(new PutItemCommand({ TableName: table, Item }));
    const get = async (pk: string) => (await env.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item;
    await eventually(async () => ((await get("expired")) === undefined ? true : undefined), 30_000);
    const removes = (await allRecords(d.LatestStreamArn ?? "")).filter((r) => r.eventName === "REMOVE");
    const expired = removes.filter((r) => r.dynamodb?.Keys?.["pk"]?.S === "expired");
    expect(expired).toHaveLength(1);
    // Soft, so the REMOVE record below is checked even when one of these is wrong.
    for (const pk of ["future", "text", "ancient", "none"]) expect.soft(await get(pk), `${pk} is not expired`).toBeDefined();
    expect.soft(removes.map((r) => r.dynamodb?.Keys?.["pk"]?.S)).toEqual(["expired"]);
    expect(expired[0]).toMatchObject({
      eventSource: "aws:dynamodb",
      userIdentity: { PrincipalId: "dynamodb.amazonaws.com", Type: "Service" },
      dynamodb: { Keys: { pk: { S: "expired" } }, OldImage: items[0] },
    });
  }, 60_000);
});
