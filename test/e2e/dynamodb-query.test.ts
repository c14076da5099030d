/**
 * Query and Scan end to end: every key condition on number, string and binary sort keys
 * (in DynamoDB's byte order), both directions, Limit pages and the SDK paginators, filters
 * (Count against ScannedCount), Select COUNT, global and local secondary indexes, and
 * parallel scans that together return each item exactly once.
 */
import {
  paginateQuery,
  paginateScan,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type QueryCommandInput,
} from "@aws-sdk/client-dynamodb";
import { paginateQuery as paginateDocQuery } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTable, rejection, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

type Item = Record<string, AttributeValue>;
const N = 20;
/** Strings whose UTF-8 byte order differs from JavaScript's UTF-16 order ("ｱ" < "😀" in bytes). */
const STRINGS = ["A", "Z", "a", "item#00", "item#05", "item#10", "item#15", "item#19", "z", "é", "ｱ", "😀"];
const BYTES = [[0x00], [0x01], [0x7f], [0x80], [0xff], [0xff, 0x00]].map((b) => Uint8Array.from(b));

describe("DynamoDB Query and Scan end to end", () => {
  let env: DynamoEnv;
  const numbers = uniqueName("q-num");
  const strings = uniqueName("q-str");
  const binary = uniqueName("q-bin");

  const query = async (input: Omit<QueryCommandInput, "TableName"> & { TableName?: string }): Promise<Item[]> =>
    (await env.ddb.send(new QueryCommand({ TableName: numbers, ...input }))).Items ?? [];
  const sks = (items: Item[]): number[] => items.map((i) => Number(i["sk"]?.N));
  const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
  const pkIs = (table: string, cond: string, values: Record<string, AttributeValue>, extra: Partial<QueryCommandInput> = {}) =>
    query({ TableName: table, KeyConditionExpression: `pk = :p AND ${cond}`, ExpressionAttributeValues: { ":p": { S: "p" }, ...values }, ...extra });

  beforeAll(async () => {
    env = await startDynamo();
    await createTable(env.ddb, {
      TableName: numbers,
      BillingMode: "PAY_PER_REQUEST",
      AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: "N" }, { AttributeName: "g", AttributeType: "S" }, { AttributeName: "l", AttributeType: "S" }],
      KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }],
      GlobalSecondaryIndexes: [{ IndexName: "byG", KeySchema: [{ AttributeName: "g", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }], Projection: { ProjectionType: "KEYS_ONLY" } }],
      LocalSecondaryIndexes: [{ IndexName: "byL", KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "l", KeyType: "RANGE" }], Projection: { ProjectionType: "ALL" } }],
    });
    for (const [t, type] of [[strings, "S"], [binary, "B"]] as const) {
      await createTable(env.ddb, { TableName: t, BillingMode: "PAY_PER_REQUEST", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, { AttributeName: "sk", AttributeType: type }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, { AttributeName: "sk", KeyType: "RANGE" }] });
    }
    const puts: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      // Every third item has no `g`, so the global index is sparse; `l` runs the other way.
      const item: Item = { pk: { S: "p" }, sk: { N: String(i) }, even: { BOOL: i % 2 === 0 }, l: { S: `l${String(N - i).padStart(2, "0")}` }, ...(i % 3 ? { g: { S: i % 2 ? "odd" : "even" } } : {}) };
      puts.push(env.ddb.send(new PutItemCommand({ TableName: numbers, Item: item })));
      puts.push(env.ddb.send(new PutItemCommand({ TableName: numbers, Item: { pk: { S: "other" }, sk: { N: String(i) } } })));
    }
    for (const s of STRINGS) puts.push(env.ddb.send(new PutItemCommand({ TableName: strings, Item: { pk: { S: "p" }, sk: { S: s } } })));
    for (const b of [...BYTES].reverse()) puts.push(env.ddb.send(new PutItemCommand({ TableName: binary, Item: { pk: { S: "p" }, sk: { B: b } } })));
    await Promise.all(puts);
  });
  afterAll(() => stopDynamo(env));

  it("applies each key condition to a number sort key, in both directions", async () => {
    expect(sks(await query({ KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } }))).toEqual(range(0, 19));
    expect(sks(await pkIs(numbers, "sk = :v", { ":v": { N: "5" } }))).toEqual([5]);
    expect(sks(await pkIs(numbers, "sk < :v", { ":v": { N: "5" } }))).toEqual(range(0, 4));
    expect(sks(await pkIs(numbers, "sk <= :v", { ":v": { N: "5" } }))).toEqual(range(0, 5));
    expect(sks(await pkIs(numbers, "sk > :v", { ":v": { N: "15" } }))).toEqual(range(16, 19));
    expect(sks(await pkIs(numbers, "sk >= :v", { ":v": { N: "15" } }))).toEqual(range(15, 19));
    expect(sks(await pkIs(numbers, "sk BETWEEN :a AND :b", { ":a": { N: "3" }, ":b": { N: "6" } }))).toEqual(range(3, 6));
    expect(sks(await pkIs(numbers, "sk BETWEEN :a AND :b", { ":a": { N: "3" }, ":b": { N: "6" } }, { ScanIndexForward: false }))).toEqual(range(3, 6).reverse());
    expect(sks(await pkIs(numbers, "sk > :v", { ":v": { N: "-1.5" } }, { ScanIndexForward: false }))).toEqual(range(0, 19).reverse());
    const err = await rejection(pkIs(numbers, "begins_with(sk, :v)", { ":v": { N: "1" } }));
    expect(err.name).toBe("ValidationException");
    expect(err.message).toBe("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
  });

  it("orders and compares string sort keys by their UTF-8 bytes", async () => {
    const s = (items: Item[]): string[] => items.map((i) => i["sk"]?.S ?? "");
    expect(s(await pkIs(strings, "sk >= :v", { ":v": { S: "A" } }))).toEqual(STRINGS);
    expect(s(await pkIs(strings, "begins_with(sk, :v)", { ":v": { S: "item#1" } }))).toEqual(["item#10", "item#15", "item#19"]);
    expect(s(await pkIs(strings, "sk BETWEEN :a AND :b", { ":a": { S: "item#05" }, ":b": { S: "item#15" } }))).toEqual(["item#05", "item#10", "item#15"]);
    expect(s(await pkIs(strings, "sk > :v", { ":v": { S: "z" } }))).toEqual(["é", "ｱ", "😀"]);
    expect(s(await pkIs(strings, "sk < :v", { ":v": { S: "a" } }, { ScanIndexForward: false }))).toEqual(["Z", "A"]);
    expect(s(await pkIs(strings, "sk = :v", { ":v": { S: "ｱ" } }))).toEqual(["ｱ"]);
    expect(s(await pkIs(strings, "sk <= :v", { ":v": { S: "a" } }))).toEqual(["A", "Z", "a"]);
  });

  it("orders and compares binary sort keys as unsigned bytes", async () => {
    const hex = (items: Item[]): string[] => items.map((i) => Buffer.from(i["sk"]?.B ?? new Uint8Array()).toString("hex"));
    const b = (...bytes: number[]): AttributeValue => ({ B: Uint8Array.from(bytes) });
    expect(hex(await pkIs(binary, "sk >= :v", { ":v": b(0) }))).toEqual(["00", "01", "7f", "80", "ff", "ff00"]);
    expect(hex(await pkIs(binary, "sk > :v", { ":v": b(0x7f) }))).toEqual(["80", "ff", "ff00"]);
    expect(hex(await pkIs(binary, "sk < :v", { ":v": b(0x80) }))).toEqual(["00", "01", "7f"]);
    expect(hex(await pkIs(binary, "sk <= :v", { ":v": b(0x80) }, { ScanIndexForward: false }))).toEqual(["80", "7f", "01", "00"]);
    expect(hex(await pkIs(binary, "sk = :v", { ":v": b(0xff, 0) }))).toEqual(["ff00"]);
    expect(hex(await pkIs(binary, "begins_with(sk, :v)", { ":v": b(0xff) }))).toEqual(["ff", "ff00"]);
    expect(hex(await pkIs(binary, "sk BETWEEN :a AND :b", { ":a": b(1), ":b": b(0x80) }))).toEqual(["01", "7f", "80"]);
  });

  it("pages with Limit and ExclusiveStartKey, and through the SDK paginator", async () => {
    const base = { TableName: numbers, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: "p" } } };
    const pages: { items: number[]; last?: Item }[] = [];
    let start: Item | undefined;
    do {
      const out = await env.ddb.send(new QueryCommand({ ...base, Limit: 5, ExclusiveStartKey: start }));
      pages.push({ items: sks(out.Items ?? []), ...(out.LastEvaluatedKey ? { last: out.LastEvaluatedKey } : {}) });
      start = out.LastEvaluatedKey;
    } while (start && pages.length < 10);
    // DynamoDB stops at the limit with a LastEvaluatedKey even when nothing follows, so a fifth, empty page ends it.
    expect(pages.map((p) => p.items)).toEqual([range(0, 4), range(5, 9), range(10, 14), range(15, 19), []]);
    expect(pages[0]?.last).toEqual({ pk: { S: "p" }, sk: { N: "4" } });
    const paged: number[] = [];
    for await (const page of paginateQuery({ client: env.ddb, pageSize: 7 }, { ...base, ScanIndexForward: false })) paged.push(...sks(page.Items ?? []));
    expect(paged).toEqual(range(0, 19).reverse());
  });

  it("filters after reading (Count against ScannedCount) and counts with Select COUNT", async () => {
    const base = { TableName: numbers, KeyConditionExpression: "pk = :p", FilterExpression: "even = :t", ExpressionAttributeValues: { ":p": { S: "p" }, ":t": { BOOL: true } } };
    const all = await env.ddb.send(new QueryCommand(base));
    expect({ count: all.Count, scanned: all.ScannedCount, sks: sks(all.Items ?? []) }).toEqual({ count: 10, scanned: 20, sks: range(0, 9).map((i) => i * 2) });
    const limited = await env.ddb.send(new QueryCommand({ ...base, Limit: 5 }));
    expect({ count: limited.Count, scanned: limited.ScannedCount, last: limited.LastEvaluatedKey }).toEqual({ count: 3, scanned: 5, last: { pk: { S: "p" }, sk: { N: "4" } } });
    const counted = await env.ddb.send(new QueryCommand({ ...base, Select: "COUNT" }));
    expect(counted).toMatchObject({ Count: 10, ScannedCount: 20 });
    expect(counted.Items).toBeUndefined();
  });

  it("queries a sparse global index and a local index with their projections", async () => {
    const evens = await query({ IndexName: "byG", KeyConditionExpression: "g = :g AND sk > :s", ExpressionAttributeValues: { ":g": { S: "even" }, ":s": { N: "5" } } });
    expect(evens).toEqual([8, 10, 14, 16].map((i) => ({ pk: { S: "p" }, sk: { N: String(i) }, g: { S: "even" } })));
    const byL = await query({ IndexName: "byL", KeyConditionExpression: "pk = :p AND l BETWEEN :a AND :b", ExpressionAttributeValues: { ":p": { S: "p" }, ":a": { S: "l01" }, ":b": { S: "l03" } } });
    expect(byL.map((i) => i["l"]?.S)).toEqual(["l01", "l02", "l03"]);
    expect(byL[0]).toMatchObject({ sk: { N: "19" }, even: { BOOL: false } });
    const consistent = await rejection(query({ IndexName: "byG", ConsistentRead: true, KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "odd" } } }));
    expect(consistent.message).toBe("Consistent reads are not supported on global secondary indexes");
  });

  it("pages a global index with LastEvaluatedKeys naming index and table keys, and pages with the document client", async () => {
    const base = { TableName: numbers, IndexName: "byG", KeyConditionExpression: "g = :g", ExpressionAttributeValues: { ":g": { S: "odd" } } };
    const first = await env.ddb.send(new QueryCommand({ ...base, Limit: 2 }));
    expect(sks(first.Items ?? [])).toEqual([1, 5]);
    expect(first.LastEvaluatedKey).toEqual({ g: { S: "odd" }, sk: { N: "5" }, pk: { S: "p" } });
    const rest = await env.ddb.send(new QueryCommand({ ...base, ExclusiveStartKey: first.LastEvaluatedKey }));
    expect(sks(rest.Items ?? [])).toEqual([7, 11, 13, 17, 19]);
    const docPaged: number[] = [];
    for await (const page of paginateDocQuery({ client: env.doc, pageSize: 4 }, { TableName: numbers, KeyConditionExpression: "pk = :p AND sk < :n", ExpressionAttributeValues: { ":p": "p", ":n": 10 } })) {
      docPaged.push(...(page.Items ?? []).map((i) => i["sk"] as number));
    }
    expect(docPaged).toEqual(range(0, 9));
  });

  it("scans an index with its projection and a table with a projection expression", async () => {
    const idx = await env.ddb.send(new ScanCommand({ TableName: numbers, IndexName: "byG", FilterExpression: "g = :e", ExpressionAttributeValues: { ":e": { S: "even" } } }));
    expect((idx.Items ?? []).map((i) => Object.keys(i).sort())).toEqual(Array.from({ length: 6 }, () => ["g", "pk", "sk"]));
    const projected = await env.ddb.send(new ScanCommand({ TableName: numbers, ProjectionExpression: "sk, even", FilterExpression: "pk = :p AND sk < :two", ExpressionAttributeValues: { ":p": { S: "p" }, ":two": { N: "2" } } }));
    expect((projected.Items ?? []).sort((x, y) => Number(x["sk"]?.N) - Number(y["sk"]?.N))).toEqual([{ sk: { N: "0" }, even: { BOOL: true } }, { sk: { N: "1" }, even: { BOOL: false } }]);
  });

  it("scans in parallel segments that cover each item exactly once", async () => {
    const seen: string[] = [];
    for (let segment = 0; segment < 4; segment++) {
      for await (const page of paginateScan({ client: env.ddb, pageSize: 3 }, { TableName: numbers, Segment: segment, TotalSegments: 4 })) {
        seen.push(...(page.Items ?? []).map((i) => `${i["pk"]?.S}/${i["sk"]?.N}`));
      }
    }
    expect(seen).toHaveLength(2 * N);
    expect(new Set(seen).size).toBe(2 * N);
    const filtered = await env.ddb.send(new ScanCommand({ TableName: numbers, FilterExpression: "attribute_exists(g)" }));
    expect({ count: filtered.Count, scanned: filtered.ScannedCount }).toEqual({ count: 13, scanned: 2 * N });
    const bad = await rejection(env.ddb.send(new ScanCommand({ TableName: numbers, Segment: 4, TotalSegments: 4 })));
    expect(bad.name).toBe("ValidationException");
  });
});
