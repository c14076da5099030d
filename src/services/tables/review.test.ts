import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKeyedTable, tableHarness, type TableHarness } from "../../testing/tables.js";
import { openSqliteStorage } from "../../storage/sqlite/storage.js";
import type { TableStore } from "./store.js";

let h: TableHarness;
beforeEach(async () => {
  h = await tableHarness();
  await createKeyedTable(h, "tab", ["pk", "S"], ["sk", "N"]);
});
afterEach(() => h.close());

const key = { pk: { S: "a" }, sk: { N: "1" } };

describe("review: TransactWriteItems", () => {
  it("refuses an Update that changes a key attribute, writing nothing", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, v: { N: "1" } } });
    const tx = { TransactItems: [{ Update: { TableName: "tab", Key: key, UpdateExpression: "SET pk = :p", ExpressionAttributeValues: { ":p": { S: "b" } } } }] };
    await expect(h.call("TransactWriteItems", tx)).rejects.toMatchObject({
      code: "ValidationException",
      message: "One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key",
    });
    expect(await h.call("GetItem", { TableName: "tab", Key: key })).toEqual({ Item: { ...key, v: { N: "1" } } });
  });
});

describe("review: Query", () => {
  it("refuses a FilterExpression on a key attribute", async () => {
    await expect(
      h.call("Query", { TableName: "tab", KeyConditionExpression: "pk = :p", FilterExpression: "sk > :s", ExpressionAttributeValues: { ":p": { S: "a" }, ":s": { N: "0" } } }),
    ).rejects.toMatchObject({ code: "ValidationException", message: "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk" });
  });
});

describe("review: key sizes", () => {
  it("refuses a partition key over 2048 bytes and a sort key over 1024 bytes", async () => {
    await createKeyedTable(h, "strs", ["pk", "S"], ["sk", "S"]);
    await expect(h.call("PutItem", { TableName: "strs", Item: { pk: { S: "x".repeat(2049) }, sk: { S: "s" } } })).rejects.toMatchObject({
      message: "One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of2048 bytes",
    });
    await expect(h.call("PutItem", { TableName: "strs", Item: { pk: { S: "p" }, sk: { S: "é".repeat(513) } } })).rejects.toMatchObject({
      message: "One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of 1024 bytes",
    });
    await h.call("PutItem", { TableName: "strs", Item: { pk: { S: "x".repeat(2048) }, sk: { S: "y".repeat(1024) } } });
    expect((await h.call("Scan", { TableName: "strs" }))["Count"]).toBe(1);
  });
});

describe("review: UpdateTable", () => {
  it("adds a global index even when an existing item's attribute has another type (the item is left out)", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, g: { N: "5" } } });
    await h.call("PutItem", { TableName: "tab", Item: { pk: { S: "b" }, sk: { N: "1" }, g: { S: "ok" } } });
    await h.call("UpdateTable", {
      TableName: "tab",
      AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "ALL" } } }],
    });
    const q = await h.call("Query", { TableName: "tab", IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "ok" } } });
    expect(q["Count"]).toBe(1);
  });
});

describe("review: UpdateTable index limits", () => {
  it("creates or deletes only one global index per call", async () => {
    const create = (name: string): Record<string, unknown> => ({ Create: { IndexName: name, KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } });
    await expect(
      h.call("UpdateTable", { TableName: "tab", AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }], GlobalSecondaryIndexUpdates: [create("one"), create("two")] }),
    ).rejects.toMatchObject({ code: "LimitExceededException" });
    const d = (await h.call("DescribeTable", { TableName: "tab" }))["Table"] as Record<string, unknown>;
    expect(d["GlobalSecondaryIndexes"]).toBeUndefined();
  });
});

describe("review: UpdateTable enabling a stream after a concurrent definition change", () => {
  it("creates the change stream once and enables it", async () => {
    const storage = await openSqliteStorage({ dataDir: ":memory:" });
    let refuse = 1;
    const tables: TableStore = Object.create(storage.tables) as TableStore;
    // The first definition update loses to a concurrent change (as when another caller tags the table).
    tables.updateTable = (id, version, def) => (refuse-- > 0 ? Promise.resolve("stale" as const) : storage.tables.updateTable(id, version, def));
    const s = await tableHarness({}, { ...storage, tables, close: () => storage.close() });
    try {
      await createKeyedTable(s, "stt", ["pk", "S"]);
      await s.call("UpdateTable", { TableName: "stt", StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } });
      const d = (await s.call("DescribeTable", { TableName: "stt" }))["Table"] as Record<string, unknown>;
      expect(d["StreamSpecification"]).toEqual({ StreamEnabled: true, StreamViewType: "KEYS_ONLY" });
    } finally {
      await s.close();
    }
  });
});

describe("review: index key sizes", () => {
  it("refuses an item whose global index partition key is over 2048 bytes, writing nothing", async () => {
    await h.call("UpdateTable", {
      TableName: "tab",
      AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } }],
    });
    await expect(h.call("PutItem", { TableName: "tab", Item: { ...key, g: { S: "x".repeat(2049) } } })).rejects.toMatchObject({
      message: "One or more parameter values were invalid: Size limit exceeded for Index Key g Actual Size: 2049 bytes Max Size: 2048 bytes IndexName: byG",
    });
    expect(await h.call("GetItem", { TableName: "tab", Key: key })).toEqual({});
  });
});

describe("review: TTL stamping and a new index", () => {
  it("keeps a global index added while TTL stamps existing items", async () => {
    const ttl = Math.floor(h.clock.now() / 1000) + 3600;
    await h.call("PutItem", { TableName: "tab", Item: { ...key, g: { S: "x" }, exp: { N: String(ttl) } } });
    await h.call("UpdateTimeToLive", { TableName: "tab", TimeToLiveSpecification: { AttributeName: "exp", Enabled: true } });
    // The index arrives before the stamping pass (scheduled by UpdateTimeToLive) runs.
    await h.call("UpdateTable", {
      TableName: "tab",
      AttributeDefinitions: [{ AttributeName: "g", AttributeType: "S" }],
      GlobalSecondaryIndexUpdates: [{ Create: { IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }], Projection: { ProjectionType: "KEYS_ONLY" } } }],
    });
    await h.clock.advance(0);
    const q = await h.call("Query", { TableName: "tab", IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "x" } } });
    expect(q["Count"]).toBe(1);
  });
});

describe("review: CreateTable members", () => {
  it("refuses an unknown TableClass, creating nothing", async () => {
    const bad = { TableName: "cls", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST", TableClass: "GLACIER" };
    await expect(h.call("CreateTable", bad)).rejects.toMatchObject({
      code: "ValidationException",
      message: "1 validation error detected: Value 'GLACIER' at 'tableClass' failed to satisfy constraint: Member must satisfy enum value set: [STANDARD, STANDARD_INFREQUENT_ACCESS]",
    });
    await expect(h.call("DescribeTable", { TableName: "cls" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });
});

describe("review: request wording", () => {
  it("says which ReturnValues PutItem and DeleteItem take, as DynamoDB does", async () => {
    await expect(h.call("PutItem", { TableName: "tab", Item: key, ReturnValues: "UPDATED_OLD" })).rejects.toMatchObject({ code: "ValidationException", message: "ReturnValues can only be ALL_OLD or NONE" });
    await expect(h.call("DeleteItem", { TableName: "tab", Key: key, ReturnValues: "ALL_NEW" })).rejects.toMatchObject({ code: "ValidationException", message: "ReturnValues can only be ALL_OLD or NONE" });
  });

  it("refuses Select COUNT with a ProjectionExpression in DynamoDB's words", async () => {
    await expect(
      h.call("Query", { TableName: "tab", KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "a" } }, Select: "COUNT", ProjectionExpression: "v" }),
    ).rejects.toMatchObject({ message: "1 validation error detected: Cannot specify the ProjectionExpression when choosing to get only the Count" });
    await expect(h.call("Scan", { TableName: "tab", Select: "COUNT", ProjectionExpression: "v" })).rejects.toMatchObject({
      message: "Cannot specify the ProjectionExpression when choosing to get only the Count",
    });
  });
});

describe("review: invalid ExpressionAttributeValues", () => {
  it("names the key the way DynamoDB does and changes nothing", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, v: { N: "1" } } });
    const update = (values: unknown) => h.call("UpdateItem", { TableName: "tab", Key: key, UpdateExpression: "SET v = :v", ExpressionAttributeValues: values });
    await expect(update({ ":v": { SS: [] } })).rejects.toMatchObject({
      code: "ValidationException",
      message: "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v",
    });
    await expect(update({ ":v": {} })).rejects.toMatchObject({
      message: "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: Supplied AttributeValue is empty, must contain exactly one of the supported datatypes for key :v",
    });
    await expect(update({ v: { S: "x" } })).rejects.toMatchObject({ message: 'ExpressionAttributeValues contains invalid key: Syntax error; key: "v"' });
    await expect(update({})).rejects.toMatchObject({ message: "ExpressionAttributeValues must not be empty" });
    expect(await h.call("GetItem", { TableName: "tab", Key: key })).toEqual({ Item: { ...key, v: { N: "1" } } });
  });
});
