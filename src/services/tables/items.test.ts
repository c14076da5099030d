import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKeyedTable, tableHarness, type TableHarness } from "../../testing/tables.js";

let h: TableHarness;
beforeEach(async () => {
  h = await tableHarness();
  await createKeyedTable(h, "tab", ["pk", "S"], ["sk", "N"]);
});
afterEach(() => h.close());

const key = { pk: { S: "a" }, sk: { N: "1" } };

describe("PutItem and GetItem", () => {
  it("round-trips every attribute type exactly, with numbers in canonical form", async () => {
    const item = {
      ...key,
      s: { S: "héllo" },
      n: { N: "12345678901234567890123456789012345678" },
      small: { N: "1.50" },
      b: { B: Buffer.from([0, 255, 128]).toString("base64") },
      ss: { SS: ["x", "y"] },
      ns: { NS: ["1", "2.5"] },
      bs: { BS: [Buffer.from("a").toString("base64")] },
      m: { M: { deep: { L: [{ NULL: true }, { BOOL: false }, { S: "" }] } } },
    };
    await h.call("PutItem", { TableName: "tab", Item: item });
    const got = (await h.call("GetItem", { TableName: "tab", Key: key })) as { Item: Record<string, unknown> };
    expect(got.Item).toEqual({ ...item, small: { N: "1.5" } });
  });

  it("checks the key against the schema", async () => {
    await expect(h.call("PutItem", { TableName: "tab", Item: { pk: { S: "a" } } })).rejects.toMatchObject({ message: "One or more parameter values were invalid: Missing the key sk in the item" });
    await expect(h.call("PutItem", { TableName: "tab", Item: { pk: { S: "a" }, sk: { S: "1" } } })).rejects.toMatchObject({
      message: "One or more parameter values were invalid: Type mismatch for key sk expected: N actual: S",
    });
    await expect(h.call("GetItem", { TableName: "tab", Key: { pk: { S: "a" } } })).rejects.toMatchObject({ message: "The provided key element does not match the schema" });
    await expect(h.call("GetItem", { TableName: "tab", Key: { ...key, extra: { S: "x" } } })).rejects.toMatchObject({ message: "The provided key element does not match the schema" });
    await expect(h.call("PutItem", { TableName: "nope", Item: key })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });

  it("refuses an item over 400 KB and changes nothing", async () => {
    await expect(h.call("PutItem", { TableName: "tab", Item: { ...key, big: { S: "x".repeat(400 * 1024) } } })).rejects.toMatchObject({ message: "Item size has exceeded the maximum allowed size" });
    expect(await h.call("GetItem", { TableName: "tab", Key: key })).toEqual({});
  });

  it("fails a condition with ConditionalCheckFailedException, returning the item when asked", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, v: { N: "1" } } });
    const put = { TableName: "tab", Item: { ...key, v: { N: "2" } }, ConditionExpression: "attribute_not_exists(pk)" };
    await expect(h.call("PutItem", put)).rejects.toMatchObject({ code: "ConditionalCheckFailedException", item: undefined });
    await expect(h.call("PutItem", { ...put, ReturnValuesOnConditionCheckFailure: "ALL_OLD" })).rejects.toMatchObject({ item: { ...key, v: { N: "1" } } });
    const old = await h.call("PutItem", { ...put, ConditionExpression: "v = :one", ExpressionAttributeValues: { ":one": { N: "1" } }, ReturnValues: "ALL_OLD" });
    expect(old["Attributes"]).toEqual({ ...key, v: { N: "1" } });
  });

  it("projects attributes and rejects unused expression values", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, a: { M: { b: { S: "x" }, c: { S: "y" } } }, d: { S: "z" } } });
    const got = await h.call("GetItem", { TableName: "tab", Key: key, ProjectionExpression: "a.b, #d", ExpressionAttributeNames: { "#d": "d" } });
    expect(got["Item"]).toEqual({ a: { M: { b: { S: "x" } } }, d: { S: "z" } });
    await expect(h.call("PutItem", { TableName: "tab", Item: key, ConditionExpression: "attribute_exists(pk)", ExpressionAttributeValues: { ":x": { S: "1" } } })).rejects.toMatchObject({
      message: "Value provided in ExpressionAttributeValues unused in expressions: keys: {:x}",
    });
  });
});

describe("UpdateItem", () => {
  it("creates the item, adds exactly, appends and removes", async () => {
    const up = (expr: string, values?: Record<string, unknown>, ret = "ALL_NEW"): Promise<Record<string, unknown>> =>
      h.call("UpdateItem", { TableName: "tab", Key: key, UpdateExpression: expr, ...(values ? { ExpressionAttributeValues: values } : {}), ReturnValues: ret });
    expect((await up("SET c = if_not_exists(c, :z) + :one", { ":z": { N: "0.1" }, ":one": { N: "0.2" } }))["Attributes"]).toEqual({ ...key, c: { N: "0.3" } });
    await up("SET l = list_append(if_not_exists(l, :e), :v)", { ":e": { L: [] }, ":v": { L: [{ S: "a" }] } });
    await up("ADD tags :t", { ":t": { SS: ["x", "y"] } });
    await up("DELETE tags :t", { ":t": { SS: ["x"] } });
    const upd = await up("REMOVE c SET l[1] = :b", { ":b": { S: "b" } }, "UPDATED_NEW");
    // Only the touched element, projected as a ProjectionExpression would (c is gone from the new item).
    expect(upd["Attributes"]).toEqual({ l: { L: [{ S: "b" }] } });
    const got = (await h.call("GetItem", { TableName: "tab", Key: key })) as { Item: Record<string, unknown> };
    expect(got.Item).toEqual({ ...key, l: { L: [{ S: "a" }, { S: "b" }] }, tags: { SS: ["y"] } });
  });

  it("refuses to update a key attribute", async () => {
    await expect(h.call("UpdateItem", { TableName: "tab", Key: key, UpdateExpression: "SET sk = :v", ExpressionAttributeValues: { ":v": { N: "2" } } })).rejects.toMatchObject({
      message: "One or more parameter values were invalid: Cannot update attribute sk. This attribute is part of the key",
    });
  });

  it("evaluates its condition on the current item", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, n: { N: "5" } } });
    const dec = { TableName: "tab", Key: key, UpdateExpression: "SET n = n - :one", ConditionExpression: "n > :zero", ExpressionAttributeValues: { ":one": { N: "1" }, ":zero": { N: "0" } } };
    for (let i = 0; i < 5; i++) await h.call("UpdateItem", dec);
    await expect(h.call("UpdateItem", dec)).rejects.toMatchObject({ code: "ConditionalCheckFailedException" });
    expect(((await h.call("GetItem", { TableName: "tab", Key: key })) as { Item: { n: unknown } }).Item.n).toEqual({ N: "0" });
  });
});

describe("DeleteItem", () => {
  it("returns the old item and is quiet about missing ones", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, v: { S: "x" } } });
    expect((await h.call("DeleteItem", { TableName: "tab", Key: key, ReturnValues: "ALL_OLD" }))["Attributes"]).toEqual({ ...key, v: { S: "x" } });
    expect(await h.call("DeleteItem", { TableName: "tab", Key: key, ReturnValues: "ALL_OLD" })).toEqual({});
    await expect(h.call("DeleteItem", { TableName: "tab", Key: key, ConditionExpression: "attribute_exists(pk)" })).rejects.toMatchObject({ code: "ConditionalCheckFailedException" });
  });
});

describe("concurrent conditional writes", () => {
  it("apply exactly once each when racing on one item", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...key, n: { N: "0" } } });
    const inc = { TableName: "tab", Key: key, UpdateExpression: "SET n = n + :one", ExpressionAttributeValues: { ":one": { N: "1" } } };
    await Promise.all(Array.from({ length: 50 }, () => h.call("UpdateItem", inc)));
    expect(((await h.call("GetItem", { TableName: "tab", Key: key })) as { Item: { n: unknown } }).Item.n).toEqual({ N: "50" });
  });
});
