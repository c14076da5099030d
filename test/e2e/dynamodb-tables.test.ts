/**
 * DynamoDB tables end to end with @aws-sdk/client-dynamodb against `sluice start`:
 * CreateTable in each shape (keys, indexes, billing modes, streams), DescribeTable,
 * ListTables pages, UpdateTable, DeleteTable and Time to Live settings, each asserted
 * against what DynamoDB itself answers.
 */
import {
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ListTablesCommand,
  paginateListTables,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableNotExists,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  CreateTableCommand,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../src/testing/assert.js";
import { ACCOUNT, createTable, keyed, REGION, rejection, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

const arnOf = (name: string): string => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`;
const ON_DEMAND = { NumberOfDecreasesToday: 0, ReadCapacityUnits: 0, WriteCapacityUnits: 0 };

describe("DynamoDB tables end to end", () => {
  let env: DynamoEnv;
  const describeTable = async (name: string): Promise<TableDescription> => (await env.ddb.send(new DescribeTableCommand({ TableName: name }))).Table ?? {};

  beforeAll(async () => {
    env = await startDynamo();
  });
  afterAll(() => stopDynamo(env));

  it("creates a hash-key table on demand and describes it as DynamoDB does", async () => {
    const name = uniqueName("hash");
    const created = await createTable(env.ddb, keyed(name));
    // DynamoDB answers CreateTable while the table is still CREATING; soft, so the rest is checked too.
    expect.soft(created.TableStatus).toBe("CREATING");
    expect(created).toMatchObject({
      TableName: name,
      TableArn: arnOf(name),
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }],
      ProvisionedThroughput: ON_DEMAND,
      BillingModeSummary: { BillingMode: "PAY_PER_REQUEST" },
      TableSizeBytes: 0,
      ItemCount: 0,
      DeletionProtectionEnabled: false,
    });
    expect(created.CreationDateTime).toBeInstanceOf(Date);
    expect(Math.abs((created.CreationDateTime?.getTime() ?? 0) - Date.now())).toBeLessThan(60_000);
    expect(created.TableId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const described = await describeTable(name);
    expect(described).toMatchObject({ TableName: name, TableStatus: "ACTIVE", TableId: created.TableId, TableArn: arnOf(name) });
    expect(described.CreationDateTime).toEqual(created.CreationDateTime);
    expect(described).not.toHaveProperty("StreamSpecification");
  });

  it("creates a provisioned hash+range table with a global and a local index and a stream", async () => {
    const name = uniqueName("full");
    const created = await createTable(env.ddb, {
      TableName: name,
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "N" },
        { AttributeName: "g", AttributeType: "S" },
        { AttributeName: "l", AttributeType: "B" },
      ],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
      ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 3 },
      GlobalSecondaryIndexes: [
        { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }], Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["x"] }, ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 } },
      ],
      LocalSecondaryIndexes: [{ IndexName: "byL", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "l", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    });
    expect.soft(created.TableStatus).toBe("CREATING");
    expect(created).toMatchObject({
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
      ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 5, WriteCapacityUnits: 3 },
      StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" },
    });
    expect(created).not.toHaveProperty("BillingModeSummary.BillingMode", "PAY_PER_REQUEST");
    expect(created.LatestStreamLabel).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}$/);
    expect(created.LatestStreamArn).toBe(`${arnOf(name)}/stream/${created.LatestStreamLabel}`);
    const d = await describeTable(name);
    expect(d.GlobalSecondaryIndexes).toEqual([
      expect.objectContaining({
        IndexName: "byG",
        IndexArn: `${arnOf(name)}/index/byG`,
        IndexStatus: "ACTIVE",
        KeySchema: [{ AttributeName: "g", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["x"] },
        ProvisionedThroughput: { NumberOfDecreasesToday: 0, ReadCapacityUnits: 2, WriteCapacityUnits: 1 },
        IndexSizeBytes: 0,
        ItemCount: 0,
      }),
    ]);
    expect(d.LocalSecondaryIndexes).toEqual([
      expect.objectContaining({ IndexName: "byL", IndexArn: `${arnOf(name)}/index/byL`, KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "l", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" }, IndexSizeBytes: 0, ItemCount: 0 }),
    ]);
    expect(d.AttributeDefinitions).toHaveLength(4);
  });

  it("refuses a second table of the same name and a key schema that does not match its attributes", async () => {
    const name = uniqueName("dup");
    await createTable(env.ddb, keyed(name));
    const dup = await rejection(env.ddb.send(new CreateTableCommand(keyed(name))));
    expect(dup).toBeInstanceOf(ResourceInUseException);
    expect(dup.message).toBe(`Table already exists: ${name}`);
    const extra = keyed(uniqueName("bad"));
    const bad = await rejection(env.ddb.send(new CreateTableCommand({ ...extra, AttributeDefinitions: [...(extra.AttributeDefinitions ?? []), { AttributeName: "x", AttributeType: "S" }] })));
    expect(bad.name).toBe("ValidationException");
    expect(bad.message).toBe("One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
  });

  it("lists tables in name order, page by page", async () => {
    const names = ["list-c", "list-a", "list-e", "list-b", "list-d"].map((n) => `${n}-${process.pid}`);
    for (const n of names) await createTable(env.ddb, keyed(n));
    const all = (await env.ddb.send(new ListTablesCommand({}))).TableNames ?? [];
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(names));
    const first = await env.ddb.send(new ListTablesCommand({ Limit: 2 }));
    expect(first.TableNames).toEqual(all.slice(0, 2));
    expect(first.LastEvaluatedTableName).toBe(all[1]);
    const next = await env.ddb.send(new ListTablesCommand({ Limit: 2, ExclusiveStartTableName: first.LastEvaluatedTableName }));
    expect(next.TableNames).toEqual(all.slice(2, 4));
    const paged: string[] = [];
    for await (const page of paginateListTables({ client: env.ddb, pageSize: 2 }, {})) paged.push(...(page.TableNames ?? []));
    expect(paged).toEqual(all);
    const last = await env.ddb.send(new ListTablesCommand({ ExclusiveStartTableName: all.at(-1) }));
    expect(last).toMatchObject({ TableNames: [] });
    expect(last.LastEvaluatedTableName).toBeUndefined();
  });

  it("updates throughput, billing mode, a new global index and the stream", async () => {
    const name = uniqueName("upd");
    await createTable(env.ddb, { ...keyed(name), BillingMode: "PROVISIONED", ProvisionedThroughput: { ReadCapacityUnits: 1, WriteCapacityUnits: 1 } });
    const up = await env.ddb.send(new UpdateTableCommand({ TableName: name, ProvisionedThroughput: { ReadCapacityUnits: 4, WriteCapacityUnits: 2 } }));
    expect(up.TableDescription?.TableName).toBe(name);
    expect.soft(up.TableDescription?.TableStatus).toBe("UPDATING");
    await eventually(async () => ((await describeTable(name)).TableStatus === "ACTIVE" ? true : undefined));
    expect((await describeTable(name)).ProvisionedThroughput).toMatchObject({ ReadCapacityUnits: 4, WriteCapacityUnits: 2 });
    // DynamoDB takes one kind of change per UpdateTable call.
    await env.ddb.send(new UpdateTableCommand({ TableName: name, BillingMode: "PAY_PER_REQUEST" }));
    await eventually(async () => ((await describeTable(name)).TableStatus === "ACTIVE" ? true : undefined));
    await env.ddb.send(new UpdateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "g", AttributeType: "N" }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
    }));
    const d = await eventually(async () => {
      const t = await describeTable(name);
      return t.TableStatus === "ACTIVE" && t.GlobalSecondaryIndexes?.[0]?.IndexStatus === "ACTIVE" ? t : undefined;
    });
    expect(d.BillingModeSummary?.BillingMode).toBe("PAY_PER_REQUEST");
    expect(d.GlobalSecondaryIndexes?.[0]).toMatchObject({ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } });
    const streamed = await env.ddb.send(new UpdateTableCommand({ TableName: name, StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } }));
    expect(streamed.TableDescription?.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
    expect(streamed.TableDescription?.LatestStreamArn).toBe(`${arnOf(name)}/stream/${streamed.TableDescription?.LatestStreamLabel}`);
  });

  it("deletes a table, after which it is not found", async () => {
    const name = uniqueName("del");
    await createTable(env.ddb, keyed(name));
    const del = await env.ddb.send(new DeleteTableCommand({ TableName: name }));
    expect(del.TableDescription).toMatchObject({ TableName: name, TableStatus: "DELETING", TableArn: arnOf(name) });
    await waitUntilTableNotExists({ client: env.ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: name });
    const missing = await rejection(env.ddb.send(new DescribeTableCommand({ TableName: name })));
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing.message).toBe(`Requested resource not found: Table: ${name} not found`);
    expect((await env.ddb.send(new ListTablesCommand({}))).TableNames).not.toContain(name);
    const again = await rejection(env.ddb.send(new DeleteTableCommand({ TableName: name })));
    expect(again).toBeInstanceOf(ResourceNotFoundException);
  });

  it("turns Time to Live on and reports it", async () => {
    const name = uniqueName("ttl");
    await createTable(env.ddb, keyed(name));
    expect((await env.ddb.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription).toEqual({ TimeToLiveStatus: "DISABLED" });
    const on = await env.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } }));
    expect(on.TimeToLiveSpecification).toEqual({ Enabled: true, AttributeName: "expires" });
    const d = (await env.ddb.send(new DescribeTimeToLiveCommand({ TableName: name }))).TimeToLiveDescription;
    expect(d).toEqual({ TimeToLiveStatus: "ENABLED", AttributeName: "expires" });
    const twice = await rejection(env.ddb.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { Enabled: true, AttributeName: "expires" } })));
    expect(twice.name).toBe("ValidationException");
    expect(twice.message).toBe("TimeToLive is already enabled");
  });

  it("tags a table and refuses to delete one protected against deletion", async () => {
    const name = uniqueName("tags");
    const arn = (await createTable(env.ddb, { ...keyed(name), DeletionProtectionEnabled: true, Tags: [{ Key: "team", Value: "data" }] })).TableArn;
    await env.ddb.send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "env", Value: "test" }] }));
    const tags = (await env.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags ?? [];
    expect([...tags].sort((x, y) => (x.Key ?? "").localeCompare(y.Key ?? ""))).toEqual([{ Key: "env", Value: "test" }, { Key: "team", Value: "data" }]);
    await env.ddb.send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["team"] }));
    expect((await env.ddb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }))).Tags).toEqual([{ Key: "env", Value: "test" }]);
    expect((await describeTable(name)).DeletionProtectionEnabled).toBe(true);
    const refused = await rejection(env.ddb.send(new DeleteTableCommand({ TableName: name })));
    expect(refused.name).toBe("ValidationException");
    expect(refused.message).toMatch(/protected against deletion/);
    await env.ddb.send(new UpdateTableCommand({ TableName: name, DeletionProtectionEnabled: false }));
    await env.ddb.send(new DeleteTableCommand({ TableName: name }));
  });
});
