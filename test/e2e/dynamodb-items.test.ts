/**
 * DynamoDB items end to end: every AttributeValue type round-trips exactly through the
 * SDK, conditional writes fail the way DynamoDB fails them (with the old item when asked),
 * UpdateItem's expression language, projections, and the document client's marshalling.
 */
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
} from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTable, keyed, rejection, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

type Item = Record<string, AttributeValue>;
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => 255 - i);

/** Sets come back in no particular order; sort their members to compare. */
function sortSets(item: Item | undefined): unknown {
  const fix = (v: AttributeValue): unknown => {
    if (v.SS) return { SS: [...v.SS].sort() };
    if (v.NS) return { NS: [...v.NS].sort() };
    if (v.BS) return { BS: [...v.BS].map((b) => Buffer.from(b).toString("hex")).sort() };
    if (v.M) return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, fix(x)])) };
    if (v.L) return { L: v.L.map(fix) };
    return v;
  };
  return item && Object.fromEntries(Object.entries(item).map(([k, v]) => [k, fix(v)]));
}

describe("DynamoDB items end to end", () => {
  let env: DynamoEnv;
  let table: string;
  const get = async (pk: string, extra: Record<string, unknown> = {}): Promise<Item | undefined> =>
    (await env.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true, ...extra }))).Item;

  beforeAll(async () => {
    env = await startDynamo();
    table = uniqueName("items");
    await createTable(env.ddb, keyed(table));
  });
  afterAll(() => stopDynamo(env));

  it("round-trips every AttributeValue type exactly", async () => {
    const item: Item = {
      pk: { S: "types" },
      s: { S: "héllo 🐢 \u0000 \"quoted\" <&>" },
      empty: { S: "" },
      big: { N: "12345678901234567890123456789012345678" },
      neg: { N: "-0.00000000000000000000000000000000000012345" },
      bin: { B: ALL_BYTES },
      emptyBin: { B: new Uint8Array() },
      ss: { SS: ["b", "a", "ü"] },
      ns: { NS: ["1", "-2.5", "12345678901234567890123456789012345678"] },
      bs: { BS: [Uint8Array.from([0x80, 0xff]), Uint8Array.from([0])] },
      nul: { NULL: true },
      yes: { BOOL: true },
      no: { BOOL: false },
      list: { L: [{ S: "x" }, { N: "1" }, { L: [] }, { M: {} }, { NULL: true }, { B: Uint8Array.from([0xfe]) }] },
      map: { M: { a: { M: { b: { M: { c: { L: [{ S: "" }, { BOOL: false }] } } } } }, "key with spaces.and.dots": { SS: ["z"] } } },
    };
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    expect(sortSets(await get("types"))).toEqual(sortSets(item));
  });

  it("stores numbers in DynamoDB's canonical form", async () => {
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "nums" }, a: { N: "1.50" }, b: { N: "0012" }, c: { N: "1e3" }, d: { N: "-1.2300" }, e: { N: "0.0" } } }));
    expect(await get("nums")).toEqual({ pk: { S: "nums" }, a: { N: "1.5" }, b: { N: "12" }, c: { N: "1000" }, d: { N: "-1.23" }, e: { N: "0" } });
  });

  it("fails a conditional put, returning the old item only when asked", async () => {
    const old = { pk: { S: "cond" }, v: { N: "1" } };
    expect((await env.ddb.send(new PutItemCommand({ TableName: table, Item: old, ReturnValues: "ALL_OLD" }))).Attributes).toBeUndefined();
    const again = { TableName: table, Item: { pk: { S: "cond" }, v: { N: "2" } }, ConditionExpression: "attribute_not_exists(pk)" };
    const plain = await rejection(env.ddb.send(new PutItemCommand(again)));
    expect(plain).toBeInstanceOf(ConditionalCheckFailedException);
    expect(plain.message).toBe("The conditional request failed");
    expect(plain["Item"]).toBeUndefined();
    const withOld = await rejection(env.ddb.send(new PutItemCommand({ ...again, ReturnValuesOnConditionCheckFailure: "ALL_OLD" })));
    expect(withOld).toBeInstanceOf(ConditionalCheckFailedException);
    expect(withOld["Item"]).toEqual(old);
    const replaced = await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "cond" }, v: { N: "3" } }, ConditionExpression: "v = :one", ExpressionAttributeValues: { ":one": { N: "1" } }, ReturnValues: "ALL_OLD" }));
    expect(replaced.Attributes).toEqual(old);
  });

  it("deletes conditionally and returns what was deleted", async () => {
    const item = { pk: { S: "del" }, tags: { SS: ["a"] } };
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    const refused = await rejection(env.ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "del" } }, ConditionExpression: "contains(tags, :t)", ExpressionAttributeValues: { ":t": { S: "b" } }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" })));
    expect(refused).toBeInstanceOf(ConditionalCheckFailedException);
    expect(refused["Item"]).toEqual(item);
    const deleted = await env.ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "del" } }, ConditionExpression: "contains(tags, :t)", ExpressionAttributeValues: { ":t": { S: "a" } }, ReturnValues: "ALL_OLD" }));
    expect(deleted.Attributes).toEqual(item);
    expect(await get("del")).toBeUndefined();
    const none = await env.ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "del" } }, ReturnValues: "ALL_OLD" }));
    expect(none.Attributes).toBeUndefined();
  });

  it("projects top-level, nested and list-element paths", async () => {
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "proj" }, name: { S: "n" }, m: { M: { a: { N: "1" }, b: { N: "2" } } }, l: { L: [{ S: "l0" }, { S: "l1" }, { S: "l2" }] }, other: { S: "o" } } }));
    const got = await get("proj", { ProjectionExpression: "#n, m.b, l[2], l[0], nothere", ExpressionAttributeNames: { "#n": "name" } });
    expect(got).toEqual({ name: { S: "n" }, m: { M: { b: { N: "2" } } }, l: { L: [{ S: "l0" }, { S: "l2" }] } });
  });

  it("updates with SET arithmetic, if_not_exists, list_append, REMOVE, ADD and DELETE", async () => {
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "upd" }, count: { N: "0.1" }, l: { L: [{ S: "b" }] }, gone: { S: "x" }, tags: { SS: ["a", "b", "c"] }, m: { M: { n: { N: "5" } } } } }));
    const out = await env.ddb.send(new UpdateItemCommand({
      TableName: table,
      Key: { pk: { S: "upd" } },
      UpdateExpression: "SET #c = #c + :inc, created = if_not_exists(created, :now), l = list_append(:front, l), m.n = m.n - :inc2, l2 = list_append(l, :back) REMOVE gone ADD visits :one, labels :more DELETE tags :less",
      ExpressionAttributeNames: { "#c": "count" },
      ExpressionAttributeValues: { ":inc": { N: "0.2" }, ":now": { N: "100" }, ":front": { L: [{ S: "a" }] }, ":back": { L: [{ S: "c" }] }, ":inc2": { N: "7" }, ":one": { N: "1" }, ":more": { SS: ["d"] }, ":less": { SS: ["a", "zz"] } },
      ReturnValues: "ALL_NEW",
    }));
    expect(sortSets(out.Attributes)).toEqual({
      pk: { S: "upd" },
      count: { N: "0.3" },
      created: { N: "100" },
      l: { L: [{ S: "a" }, { S: "b" }] },
      l2: { L: [{ S: "b" }, { S: "c" }] },
      m: { M: { n: { N: "-2" } } },
      visits: { N: "1" },
      labels: { SS: ["d"] },
      tags: { SS: ["b", "c"] },
    });
    const second = await env.ddb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: "upd" } }, UpdateExpression: "SET created = if_not_exists(created, :later) REMOVE l[0] DELETE tags :all", ExpressionAttributeValues: { ":later": { N: "200" }, ":all": { SS: ["b", "c"] } }, ReturnValues: "UPDATED_OLD" }));
    // UPDATED_* return the updated paths only: of `l`, just the element removed.
    expect(sortSets(second.Attributes)).toEqual({ created: { N: "100" }, l: { L: [{ S: "a" }] }, tags: { SS: ["b", "c"] } });
    const now = await get("upd");
    expect(now?.["l"]).toEqual({ L: [{ S: "b" }] });
    expect(now).not.toHaveProperty("tags");
  });

  it("returns each ReturnValues choice of UpdateItem, and creates the item when it is missing", async () => {
    const key = { pk: { S: "rv" } };
    const set = (v: string, rv: "NONE" | "ALL_OLD" | "UPDATED_OLD" | "ALL_NEW" | "UPDATED_NEW") =>
      env.ddb.send(new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: "SET a = :v ADD n :one", ExpressionAttributeValues: { ":v": { S: v }, ":one": { N: "1" } }, ReturnValues: rv }));
    expect((await set("1", "ALL_OLD")).Attributes).toBeUndefined();
    expect((await set("2", "UPDATED_NEW")).Attributes).toEqual({ a: { S: "2" }, n: { N: "2" } });
    expect((await set("3", "UPDATED_OLD")).Attributes).toEqual({ a: { S: "2" }, n: { N: "2" } });
    expect((await set("4", "ALL_OLD")).Attributes).toEqual({ pk: { S: "rv" }, a: { S: "3" }, n: { N: "3" } });
    expect((await set("5", "ALL_NEW")).Attributes).toEqual({ pk: { S: "rv" }, a: { S: "5" }, n: { N: "5" } });
    expect((await set("6", "NONE")).Attributes).toBeUndefined();
    const failed = await rejection(env.ddb.send(new UpdateItemCommand({ TableName: table, Key: key, UpdateExpression: "SET a = :v", ConditionExpression: "a = :old", ExpressionAttributeValues: { ":v": { S: "7" }, ":old": { S: "nope" } }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" })));
    expect(failed).toBeInstanceOf(ConditionalCheckFailedException);
    expect(failed["Item"]).toEqual({ pk: { S: "rv" }, a: { S: "6" }, n: { N: "6" } });
  });

  it("marshals JavaScript values with the document client", async () => {
    const item = { pk: "doc", n: 42, f: 1.5, s: "x", b: true, nul: null, arr: [1, "two", { three: 3 }], map: { deep: { er: [] } }, set: new Set(["a", "b"]), bin: Uint8Array.from([0x80, 1]) };
    await env.doc.send(new PutCommand({ TableName: table, Item: item }));
    expect((await env.doc.send(new GetCommand({ TableName: table, Key: { pk: "doc" } }))).Item).toEqual(item);
    const up = await env.doc.send(new UpdateCommand({ TableName: table, Key: { pk: "doc" }, UpdateExpression: "SET n = n + :d, arr[1] = :t", ExpressionAttributeValues: { ":d": 8, ":t": "TWO" }, ReturnValues: "UPDATED_NEW" }));
    expect(up.Attributes).toEqual({ n: 50, arr: ["TWO"] });
  });

  it("evaluates condition functions, comparisons and operator precedence as DynamoDB does", async () => {
    const item: Item = {
      pk: { S: "conds" }, n: { N: "5" }, s: { S: "hello" }, l: { L: [{ N: "1" }, { N: "2" }, { N: "3" }] }, m: { M: { a: { S: "x" } } },
      ss: { SS: ["a", "b"] }, yes: { BOOL: true }, nul: { NULL: true }, bin: { B: Uint8Array.from([0x80, 0x01]) },
    };
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: item }));
    const values: Item = {
      ":1": { N: "1" }, ":2": { N: "2" }, ":3": { N: "3" }, ":5": { N: "5" }, ":7": { N: "7" }, ":s5": { S: "5" }, ":a": { S: "a" }, ":c": { S: "c" },
      ":ell": { S: "ell" }, ":he": { S: "he" }, ":hello": { S: "hello" }, ":x": { S: "x" }, ":t": { BOOL: true }, ":f": { BOOL: false },
      ":M": { S: "M" }, ":NULL": { S: "NULL" }, ":SS": { S: "SS" }, ":b80": { B: Uint8Array.from([0x80]) }, ":b7f": { B: Uint8Array.from([0x7f, 0xff]) },
    };
    const cases: [string, boolean][] = [
      ["n BETWEEN :3 AND :7", true], ["n IN (:1, :5)", true], ["n IN (:1, :2)", false], ["n <> :1", true], ["NOT n < :3", true], ["n > :7", false],
      ["size(s) = :5", true], ["size(l) > :2", true], ["size(m) = :1", true], ["size(ss) = :2", true], ["contains(s, :ell)", true], ["contains(ss, :a)", true],
      ["contains(ss, :c)", false], ["contains(l, :2)", true], ["begins_with(s, :he)", true], ["begins_with(bin, :b80)", true], ["bin > :b7f", true],
      ["attribute_type(m, :M)", true], ["attribute_type(nul, :NULL)", true], ["attribute_type(ss, :M)", false], ["m.a = :x", true], ["l[1] = :2", true],
      ["attribute_not_exists(nothere)", true], ["attribute_exists(nothere)", false], ["attribute_exists(m.a)", true], ["s < :a", false], ["n = :s5", false],
      ["n > :7 OR s = :hello AND yes = :t", true], ["(n > :7 OR s = :hello) AND yes = :f", false], ["NOT (n > :7) AND NOT contains(ss, :c)", true],
    ];
    const outcomes: [string, boolean][] = [];
    for (const [expr] of cases) {
      const used = Object.fromEntries(Object.entries(values).filter(([k]) => new RegExp(`${k}(?![A-Za-z0-9_])`).test(expr)));
      const ok = await env.ddb.send(new PutItemCommand({ TableName: table, Item: item, ConditionExpression: expr, ...(Object.keys(used).length ? { ExpressionAttributeValues: used } : {}) })).then(
        () => true,
        (err: unknown) => {
          if (err instanceof ConditionalCheckFailedException) return false;
          throw err;
        },
      );
      outcomes.push([expr, ok]);
    }
    expect(outcomes).toEqual(cases);
  });

  it("keys items by binary partition keys and reports consumed capacity", async () => {
    const bin = uniqueName("items-bin");
    await createTable(env.ddb, { TableName: bin, BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "id", AttributeType: "B" }], KeySchema: [{ AttributeName: "id", KeyType: "HASH" }] });
    const ids = [Uint8Array.from([0x80]), Uint8Array.from([0x00, 0xff]), Uint8Array.from([0xff])];
    for (const [i, id] of ids.entries()) await env.ddb.send(new PutItemCommand({ TableName: bin, Item: { id: { B: id }, i: { N: String(i) } } }));
    for (const [i, id] of ids.entries()) {
      const got = await env.ddb.send(new GetItemCommand({ TableName: bin, Key: { id: { B: id } }, ConsistentRead: true }));
      expect(got.Item).toEqual({ id: { B: id }, i: { N: String(i) } });
    }
    const put = await env.ddb.send(new PutItemCommand({ TableName: bin, Item: { id: { B: ids[0] ?? new Uint8Array() } }, ReturnConsumedCapacity: "TOTAL" }));
    expect(put.ConsumedCapacity).toEqual({ TableName: bin, CapacityUnits: 1 });
    const eventual = await env.ddb.send(new GetItemCommand({ TableName: bin, Key: { id: { B: ids[0] ?? new Uint8Array() } }, ReturnConsumedCapacity: "TOTAL" }));
    expect(eventual.ConsumedCapacity).toEqual({ TableName: bin, CapacityUnits: 0.5 });
  });
});
