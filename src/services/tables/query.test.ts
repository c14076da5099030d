import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tableHarness, type TableHarness } from "../../testing/tables.js";

let h: TableHarness;
beforeEach(async () => {
  h = await tableHarness();
  await h.call("CreateTable", {
    TableName: "tab",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "N" },
      { AttributeName: "g", AttributeType: "S" },
      { AttributeName: "word", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
    LocalSecondaryIndexes: [{ IndexName: "byWord", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "word", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
    BillingMode: "PAY_PER_REQUEST",
  });
  const numbers = ["-10", "-1.5", "0", "0.25", "2", "10", "100", "1e3"];
  for (const [i, n] of numbers.entries()) {
    await h.call("PutItem", { TableName: "tab", Item: { pk: { S: "p" }, sk: { N: n }, word: { S: `w${String.fromCharCode(97 + i)}` }, ...(i % 2 ? { g: { S: "odd" } } : {}), big: { S: "x".repeat(10) } } });
  }
});
afterEach(() => h.close());

type Page = { Items?: Record<string, { N?: string; S?: string }>[]; Count: number; ScannedCount: number; LastEvaluatedKey?: Record<string, unknown> };
const sks = (p: Page): string[] => (p.Items ?? []).map((i) => i["sk"]?.N ?? "");
const q = (expr: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<Page> =>
  h.call("Query", { TableName: "tab", KeyConditionExpression: expr, ExpressionAttributeValues: values, ...extra }) as Promise<Page>;

describe("Query", () => {
  it("orders numbers numerically, both ways", async () => {
    expect(sks(await q("pk = :p", { ":p": { S: "p" } }))).toEqual(["-10", "-1.5", "0", "0.25", "2", "10", "100", "1000"]);
    expect(sks(await q("pk = :p", { ":p": { S: "p" } }, { ScanIndexForward: false }))).toEqual(["1000", "100", "10", "2", "0.25", "0", "-1.5", "-10"]);
  });

  it("applies each sort key condition", async () => {
    const p = { ":p": { S: "p" } };
    expect(sks(await q("pk = :p AND sk < :v", { ...p, ":v": { N: "0" } }))).toEqual(["-10", "-1.5"]);
    expect(sks(await q("pk = :p AND sk <= :v", { ...p, ":v": { N: "0" } }))).toEqual(["-10", "-1.5", "0"]);
    expect(sks(await q("pk = :p AND sk > :v", { ...p, ":v": { N: "10" } }))).toEqual(["100", "1000"]);
    expect(sks(await q("pk = :p AND sk >= :v", { ...p, ":v": { N: "10" } }))).toEqual(["10", "100", "1000"]);
    expect(sks(await q("pk = :p AND sk BETWEEN :a AND :b", { ...p, ":a": { N: "-1.5" }, ":b": { N: "2" } }))).toEqual(["-1.5", "0", "0.25", "2"]);
    expect(sks(await q("pk = :p AND sk = :v", { ...p, ":v": { N: "1E2" } }))).toEqual(["100"]);
    await expect(q("pk = :p AND sk BETWEEN :a AND :b", { ...p, ":a": { N: "5" }, ":b": { N: "1" } })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(q("pk = :p AND begins_with(sk, :a)", { ...p, ":a": { N: "5" } })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(q("sk = :a", { ":a": { N: "5" } })).rejects.toMatchObject({ message: "Query condition missed key schema element: pk" });
  });

  it("pages with Limit and LastEvaluatedKey, and filters after the limit", async () => {
    const seen: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await q("pk = :p", { ":p": { S: "p" } }, { Limit: 3, ...(start ? { ExclusiveStartKey: start } : {}) });
      seen.push(...sks(page));
      start = page.LastEvaluatedKey;
    } while (start);
    expect(seen).toHaveLength(8);
    const f = await q("pk = :p", { ":p": { S: "p" }, ":w": { S: "wc" } }, { Limit: 4, FilterExpression: "word > :w" });
    expect({ count: f.Count, scanned: f.ScannedCount, items: sks(f) }).toEqual({ count: 1, scanned: 4, items: ["0.25"] });
    const c = await q("pk = :p", { ":p": { S: "p" } }, { Select: "COUNT" });
    expect(c.Items).toBeUndefined();
    expect(c.Count).toBe(8);
  });

  it("queries a sparse global index and a local index with begins_with", async () => {
    const g = await q("g = :g", { ":g": { S: "odd" } }, { IndexName: "byG" });
    expect(sks(g)).toEqual(["-1.5", "0.25", "10", "1000"]);
    expect(Object.keys(g.Items?.[0] ?? {}).sort()).toEqual(["g", "pk", "sk"]);
    const l = await q("pk = :p AND begins_with(word, :w)", { ":p": { S: "p" }, ":w": { S: "wc" } }, { IndexName: "byWord", Select: "ALL_ATTRIBUTES" });
    expect(l.Items).toEqual([{ pk: { S: "p" }, sk: { N: "0" }, word: { S: "wc" }, big: { S: "xxxxxxxxxx" } }]);
    const paged = await q("g = :g", { ":g": { S: "odd" } }, { IndexName: "byG", Limit: 1 });
    expect(paged.LastEvaluatedKey).toEqual({ pk: { S: "p" }, sk: { N: "-1.5" }, g: { S: "odd" } });
    const next = await q("g = :g", { ":g": { S: "odd" } }, { IndexName: "byG", Limit: 1, ExclusiveStartKey: paged.LastEvaluatedKey });
    expect(sks(next)).toEqual(["0.25"]);
  });
});

describe("Scan", () => {
  it("covers every item exactly once across parallel segments", async () => {
    for (let i = 0; i < 40; i++) await h.call("PutItem", { TableName: "tab", Item: { pk: { S: `k${i}` }, sk: { N: "1" } } });
    const all: string[] = [];
    for (let s = 0; s < 4; s++) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = (await h.call("Scan", { TableName: "tab", Segment: s, TotalSegments: 4, Limit: 7, ...(start ? { ExclusiveStartKey: start } : {}) })) as Page;
        all.push(...(page.Items ?? []).map((i) => `${i["pk"]?.S}/${i["sk"]?.N}`));
        start = page.LastEvaluatedKey;
      } while (start);
    }
    expect(all).toHaveLength(48);
    expect(new Set(all).size).toBe(48);
    await expect(h.call("Scan", { TableName: "tab", Segment: 4, TotalSegments: 4 })).rejects.toMatchObject({
      message: "The Segment parameter is zero-based and must be less than parameter TotalSegments: Segment: 4 is not less than TotalSegments: 4",
    });
  });
});

describe("batches", () => {
  it("writes and reads batches, refusing duplicates and oversize", async () => {
    const puts = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { pk: { S: "b" }, sk: { N: String(i) } } } }));
    expect(await h.call("BatchWriteItem", { RequestItems: { tab: puts } })).toEqual({ UnprocessedItems: {} });
    await expect(h.call("BatchWriteItem", { RequestItems: { tab: [...puts, puts[0]] } })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.call("BatchWriteItem", { RequestItems: { tab: [puts[0], puts[0]] } })).rejects.toMatchObject({ message: "Provided list of item keys contains duplicates" });
    const keys = Array.from({ length: 30 }, (_, i) => ({ pk: { S: "b" }, sk: { N: String(i) } }));
    const got = (await h.call("BatchGetItem", { RequestItems: { tab: { Keys: keys } } })) as { Responses: { tab: unknown[] }; UnprocessedKeys: unknown };
    expect(got.Responses.tab).toHaveLength(25);
    expect(got.UnprocessedKeys).toEqual({});
    await expect(h.call("BatchGetItem", { RequestItems: { tab: { Keys: [keys[0], keys[0]] } } })).rejects.toMatchObject({ message: "Provided list of item keys contains duplicates" });
  });
});

describe("transactions", () => {
  const k = (n: string): Record<string, unknown> => ({ pk: { S: "tx" }, sk: { N: n } });
  it("applies all or nothing, with reasons in order", async () => {
    await h.call("PutItem", { TableName: "tab", Item: { ...k("1"), v: { N: "1" } } });
    const items = [
      { Put: { TableName: "tab", Item: k("2") } },
      { ConditionCheck: { TableName: "tab", Key: k("1"), ConditionExpression: "v = :two", ExpressionAttributeValues: { ":two": { N: "2" } }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
    ];
    await expect(h.call("TransactWriteItems", { TransactItems: items })).rejects.toMatchObject({
      code: "TransactionCanceledException",
      reasons: [{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { ...k("1"), v: { N: "1" } } }],
    });
    expect(await h.call("GetItem", { TableName: "tab", Key: k("2") })).toEqual({});
    await expect(h.call("TransactWriteItems", { TransactItems: [{ Put: { TableName: "tab", Item: k("3") } }, { Delete: { TableName: "tab", Key: k("3") } }] })).rejects.toMatchObject({
      message: "Transaction request cannot include multiple operations on one item",
    });
  });

  it("is idempotent per ClientRequestToken", async () => {
    const inc = { TransactItems: [{ Update: { TableName: "tab", Key: k("9"), UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } } }], ClientRequestToken: "tok-1" };
    await h.call("TransactWriteItems", inc);
    await h.call("TransactWriteItems", inc);
    const got = (await h.call("TransactGetItems", { TransactItems: [{ Get: { TableName: "tab", Key: k("9") } }, { Get: { TableName: "tab", Key: k("404") } }] })) as { Responses: { Item?: { n: unknown } }[] };
    expect(got.Responses[0]?.Item?.n).toEqual({ N: "1" });
    expect(got.Responses[1]).toEqual({});
    await expect(h.call("TransactWriteItems", { ...inc, TransactItems: [{ Put: { TableName: "tab", Item: k("10") } }] })).rejects.toMatchObject({ code: "IdempotentParameterMismatchException" });
    await h.clock.advance(11 * 60_000);
    await h.call("TransactWriteItems", inc);
    const after = (await h.call("GetItem", { TableName: "tab", Key: k("9") })) as { Item: { n: unknown } };
    expect(after.Item.n).toEqual({ N: "2" });
  });
});
