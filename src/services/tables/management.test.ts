import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tableHarness, type TableHarness } from "../../testing/tables.js";

let h: TableHarness;
beforeEach(async () => {
  h = await tableHarness();
});
afterEach(() => h.close());

const simple = {
  TableName: "users",
  AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
  KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
  BillingMode: "PAY_PER_REQUEST",
};

type Desc = Record<string, unknown> & { TableStatus: string; KeySchema: unknown[]; ItemCount: number; TableArn: string; LatestStreamArn?: string };

describe("CreateTable", () => {
  it("creates a table (CREATING in the answer, ACTIVE at once) and describes it as DynamoDB does", async () => {
    const out = (await h.call("CreateTable", simple)) as { TableDescription: Desc };
    expect(out.TableDescription.TableStatus).toBe("CREATING");
    expect(out.TableDescription.TableArn).toBe("arn:aws:dynamodb:us-east-1:000000000000:table/users");
    const d = ((await h.call("DescribeTable", { TableName: "users" })) as { Table: Desc }).Table;
    expect(d.KeySchema).toEqual([{ AttributeName: "id", KeyType: "HASH" }]);
    expect(d["BillingModeSummary"]).toMatchObject({ BillingMode: "PAY_PER_REQUEST" });
    expect(d.ItemCount).toBe(0);
  });

  it("refuses duplicates and bad schemas with DynamoDB's messages, creating nothing", async () => {
    await h.call("CreateTable", simple);
    await expect(h.call("CreateTable", simple)).rejects.toMatchObject({ code: "ResourceInUseException", message: "Table already exists: users" });
    await expect(h.call("CreateTable", { ...simple, TableName: "tt2", KeySchema: [{ AttributeName: "id", KeyType: "RANGE" }] })).rejects.toMatchObject({
      code: "ValidationException",
      message: "Invalid KeySchema: The first KeySchemaElement is not a HASH key type",
    });
    await expect(h.call("CreateTable", { ...simple, TableName: "tt3", AttributeDefinitions: [...simple.AttributeDefinitions, { AttributeName: "x", AttributeType: "S" }] })).rejects.toMatchObject({
      message: "One or more parameter values were invalid: Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions",
    });
    await expect(h.call("CreateTable", { ...simple, TableName: "tt4", BillingMode: "PROVISIONED" })).rejects.toMatchObject({
      message: "One or more parameter values were invalid: ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED",
    });
    await expect(h.call("CreateTable", { ...simple, TableName: "xy" })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("CreateTable", { ...simple, TableName: "bad name!" })).rejects.toMatchObject({ code: "ValidationException" });
    expect(((await h.call("ListTables", {})) as { TableNames: string[] }).TableNames).toEqual(["users"]);
  });

  it("needs a range key on the table for a local index", async () => {
    await expect(
      h.call("CreateTable", {
        ...simple,
        AttributeDefinitions: [...simple.AttributeDefinitions, { AttributeName: "n", AttributeType: "N" }],
        LocalSecondaryIndexes: [{ IndexName: "byN", KeySchema: [{ AttributeName: "id", KeyType: "HASH" }, { AttributeName: "n", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } }],
      }),
    ).rejects.toMatchObject({ message: "One or more parameter values were invalid: Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex" });
  });
});

describe("ListTables and DeleteTable", () => {
  it("pages through names in order", async () => {
    for (const n of ["ccc", "aaa", "bbb"]) await h.call("CreateTable", { ...simple, TableName: n });
    const first = (await h.call("ListTables", { Limit: 2 })) as { TableNames: string[]; LastEvaluatedTableName?: string };
    expect(first).toEqual({ TableNames: ["aaa", "bbb"], LastEvaluatedTableName: "bbb" });
    const rest = await h.call("ListTables", { Limit: 2, ExclusiveStartTableName: "bbb" });
    expect(rest).toEqual({ TableNames: ["ccc"] });
  });

  it("deletes a table with its items, and honours deletion protection", async () => {
    await h.call("CreateTable", { ...simple, DeletionProtectionEnabled: true });
    await h.call("PutItem", { TableName: "users", Item: { id: { S: "a" } } });
    await expect(h.call("DeleteTable", { TableName: "users" })).rejects.toMatchObject({ code: "ValidationException" });
    await h.call("UpdateTable", { TableName: "users", DeletionProtectionEnabled: false });
    const out = (await h.call("DeleteTable", { TableName: "users" })) as { TableDescription: Desc };
    expect(out.TableDescription.TableStatus).toBe("DELETING");
    await expect(h.call("GetItem", { TableName: "users", Key: { id: { S: "a" } } })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
    await h.call("CreateTable", simple);
    expect(await h.call("GetItem", { TableName: "users", Key: { id: { S: "a" } } })).toEqual({});
  });
});

describe("UpdateTable", () => {
  it("adds a global index over existing items and removes it again", async () => {
    await h.call("CreateTable", simple);
    for (let i = 0; i < 5; i++) await h.call("PutItem", { TableName: "users", Item: { id: { S: `u${i}` }, team: { S: i % 2 ? "odd" : "even" } } });
    await h.call("UpdateTable", {
      TableName: "users",
      AttributeDefinitions: [{ AttributeName: "team", AttributeType: "S" }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byTeam", KeySchema: [{ AttributeName: "team", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } }],
    });
    const q = (await h.call("Query", { TableName: "users", IndexName: "byTeam", KeyConditionExpression: "team = :t", ExpressionAttributeValues: { ":t": { S: "even" } } })) as { Items: unknown[] };
    expect(q.Items).toHaveLength(3);
    await h.call("UpdateTable", { TableName: "users", GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: "byTeam" } }] });
    await expect(h.call("Query", { TableName: "users", IndexName: "byTeam", KeyConditionExpression: "team = :t", ExpressionAttributeValues: { ":t": { S: "even" } } })).rejects.toMatchObject({
      message: "The table does not have the specified index: byTeam",
    });
    const d = ((await h.call("DescribeTable", { TableName: "users" })) as { Table: Desc }).Table;
    expect(d["AttributeDefinitions"]).toEqual([{ AttributeName: "id", AttributeType: "S" }]);
  });

  it("enables and disables the stream, keeping the latest stream's ARN", async () => {
    await h.call("CreateTable", simple);
    await h.call("UpdateTable", { TableName: "users", StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } });
    const on = ((await h.call("DescribeTable", { TableName: "users" })) as { Table: Desc }).Table;
    expect(on["StreamSpecification"]).toEqual({ StreamEnabled: true, StreamViewType: "NEW_IMAGE" });
    expect(on.LatestStreamArn).toMatch(/^arn:aws:dynamodb:us-east-1:000000000000:table\/users\/stream\/\d{4}-\d\d-\d\dT/);
    await expect(h.call("UpdateTable", { TableName: "users", StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_IMAGE" } })).rejects.toMatchObject({ code: "ValidationException" });
    await h.call("UpdateTable", { TableName: "users", StreamSpecification: { StreamEnabled: false } });
    const off = ((await h.call("DescribeTable", { TableName: "users" })) as { Table: Desc }).Table;
    expect(off["StreamSpecification"]).toBeUndefined();
    expect(off.LatestStreamArn).toBe(on.LatestStreamArn);
  });
});

describe("tags", () => {
  it("tags, lists and untags a table by ARN", async () => {
    const arn = ((await h.call("CreateTable", simple)) as { TableDescription: Desc }).TableDescription.TableArn;
    await h.call("TagResource", { ResourceArn: arn, Tags: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "a" }] });
    await h.call("UntagResource", { ResourceArn: arn, TagKeys: ["team"] });
    expect(await h.call("ListTagsOfResource", { ResourceArn: arn })).toEqual({ Tags: [{ Key: "env", Value: "dev" }] });
  });
});
