/**
 * Batches and transactions end to end: BatchGetItem and BatchWriteItem at and over their
 * limits (and a 7 MB batch, over the endpoint's default body limit), TransactWriteItems
 * with cancellation reasons in request order, idempotent client tokens, and
 * TransactGetItems.
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  IdempotentParameterMismatchException,
  PutItemCommand,
  TransactGetItemsCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
  type AttributeValue,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTable, keyed, rejection, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

type Item = Record<string, AttributeValue>;
const key = (pk: string): Item => ({ pk: { S: pk } });

describe("DynamoDB batches and transactions end to end", () => {
  let env: DynamoEnv;
  const a = uniqueName("batch-a");
  const b = uniqueName("batch-b");
  const get = async (table: string, pk: string): Promise<Item | undefined> => (await env.ddb.send(new GetItemCommand({ TableName: table, Key: key(pk), ConsistentRead: true }))).Item;

  beforeAll(async () => {
    env = await startDynamo();
    await createTable(env.ddb, keyed(a));
    await createTable(env.ddb, keyed(b));
  });
  afterAll(() => stopDynamo(env));

  it("writes 25 items in a batch and refuses 26 or duplicate keys", async () => {
    const puts = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { ...key(`w${i}`), n: { N: String(i) } } } }));
    const out = await env.ddb.send(new BatchWriteItemCommand({ RequestItems: { [a]: puts } }));
    expect(out.UnprocessedItems).toEqual({});
    expect(await get(a, "w24")).toEqual({ ...key("w24"), n: { N: "24" } });
    const tooMany = await rejection(env.ddb.send(new BatchWriteItemCommand({ RequestItems: { [a]: [...puts, { DeleteRequest: { Key: key("w0") } }] } })));
    expect(tooMany.name).toBe("ValidationException");
    expect(tooMany.message).toContain("Member must have length less than or equal to 25");
    const dup = await rejection(env.ddb.send(new BatchWriteItemCommand({ RequestItems: { [a]: [{ PutRequest: { Item: key("d") } }, { DeleteRequest: { Key: key("d") } }] } })));
    expect(dup.name).toBe("ValidationException");
    expect(dup.message).toBe("Provided list of item keys contains duplicates");
    const mixed = await env.ddb.send(new BatchWriteItemCommand({ RequestItems: { [a]: [{ DeleteRequest: { Key: key("w0") } }], [b]: [{ PutRequest: { Item: key("x") } }] } }));
    expect(mixed.UnprocessedItems).toEqual({});
    expect(await get(a, "w0")).toBeUndefined();
    expect(await get(b, "x")).toEqual(key("x"));
  });

  it("accepts a 7 MB batch, over the endpoint's default body limit", async () => {
    const blob = "y".repeat(300 * 1024);
    const puts = Array.from({ length: 25 }, (_, i) => ({ PutRequest: { Item: { ...key(`big${i}`), blob: { S: blob } } } }));
    const out = await env.ddb.send(new BatchWriteItemCommand({ RequestItems: { [b]: puts } }));
    expect(out.UnprocessedItems).toEqual({});
    expect((await get(b, "big13"))?.["blob"]?.S).toHaveLength(blob.length);
  }, 60_000);

  it("reads up to 100 keys across tables, refusing 101 and duplicates", async () => {
    await Promise.all(Array.from({ length: 100 }, (_, i) => env.ddb.send(new PutItemCommand({ TableName: a, Item: { ...key(`r${i}`), n: { N: String(i) }, extra: { S: "x" } } }))));
    const keys = Array.from({ length: 99 }, (_, i) => key(`r${i}`));
    const out = await env.ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: keys, ProjectionExpression: "pk, n" }, [b]: { Keys: [key("x")] } } }));
    expect(out.UnprocessedKeys).toEqual({});
    const got = (out.Responses?.[a] ?? []).map((i) => Number(i["n"]?.N)).sort((x, y) => x - y);
    expect(got).toEqual(Array.from({ length: 99 }, (_, i) => i));
    expect(out.Responses?.[a]?.[0]).not.toHaveProperty("extra");
    expect(out.Responses?.[b]).toEqual([key("x")]);
    const missing = await env.ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: [key("nope")] } } }));
    expect(missing.Responses).toEqual({ [a]: [] });
    const tooMany = await rejection(env.ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: [...keys, key("r99"), key("r100")] } } })));
    expect(tooMany.name).toBe("ValidationException");
    expect(tooMany.message).toBe("Too many items requested for the BatchGetItem call");
    const dup = await rejection(env.ddb.send(new BatchGetItemCommand({ RequestItems: { [a]: { Keys: [key("r1"), key("r1")] } } })));
    expect(dup.name).toBe("ValidationException");
    expect(dup.message).toBe("Provided list of item keys contains duplicates");
  });

  it("commits a transaction across tables all at once", async () => {
    await env.ddb.send(new PutItemCommand({ TableName: a, Item: { ...key("acct-1"), balance: { N: "100" } } }));
    await env.ddb.send(new PutItemCommand({ TableName: a, Item: { ...key("gone"), v: { S: "x" } } }));
    await env.ddb.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Update: { TableName: a, Key: key("acct-1"), UpdateExpression: "SET balance = balance - :amt", ConditionExpression: "balance >= :amt", ExpressionAttributeValues: { ":amt": { N: "30" } } } },
        { Put: { TableName: b, Item: { ...key("acct-2"), balance: { N: "30" } }, ConditionExpression: "attribute_not_exists(pk)" } },
        { Delete: { TableName: a, Key: key("gone") } },
        { ConditionCheck: { TableName: b, Key: key("x"), ConditionExpression: "attribute_exists(pk)" } },
      ],
    }));
    expect(await get(a, "acct-1")).toEqual({ ...key("acct-1"), balance: { N: "70" } });
    expect(await get(b, "acct-2")).toEqual({ ...key("acct-2"), balance: { N: "30" } });
    expect(await get(a, "gone")).toBeUndefined();
  });

  it("cancels a transaction with a failing condition, reasons in request order, writing nothing", async () => {
    await env.ddb.send(new PutItemCommand({ TableName: a, Item: { ...key("t1"), v: { N: "1" } } }));
    const err = await rejection(env.ddb.send(new TransactWriteItemsCommand({
      TransactItems: [
        { Put: { TableName: a, Item: { ...key("t-new"), v: { N: "1" } } } },
        { Update: { TableName: a, Key: key("t1"), UpdateExpression: "SET v = :two", ConditionExpression: "v = :zero", ExpressionAttributeValues: { ":two": { N: "2" }, ":zero": { N: "0" } }, ReturnValuesOnConditionCheckFailure: "ALL_OLD" } },
        { ConditionCheck: { TableName: b, Key: key("x"), ConditionExpression: "attribute_exists(pk)" } },
      ],
    })));
    expect(err).toBeInstanceOf(TransactionCanceledException);
    expect(err.message).toBe("Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed, None]");
    expect(err["CancellationReasons"]).toEqual([{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: { ...key("t1"), v: { N: "1" } } }, { Code: "None" }]);
    expect(await get(a, "t-new")).toBeUndefined();
    expect(await get(a, "t1")).toEqual({ ...key("t1"), v: { N: "1" } });
    const twice = await rejection(env.ddb.send(new TransactWriteItemsCommand({ TransactItems: [{ Put: { TableName: a, Item: key("same") } }, { Delete: { TableName: a, Key: key("same") } }] })));
    expect(twice.name).toBe("ValidationException");
    expect(twice.message).toBe("Transaction request cannot include multiple operations on one item");
  });

  it("applies a client request token once and refuses it for a different request", async () => {
    const input = (amount: string): TransactWriteItemsCommandInput => ({
      ClientRequestToken: `token-${process.pid}`,
      TransactItems: [{ Update: { TableName: a, Key: key("idem"), UpdateExpression: "ADD n :a", ExpressionAttributeValues: { ":a": { N: amount } } } }],
    });
    await env.ddb.send(new TransactWriteItemsCommand(input("1")));
    await env.ddb.send(new TransactWriteItemsCommand(input("1")));
    expect(await get(a, "idem")).toEqual({ ...key("idem"), n: { N: "1" } });
    const mismatch = await rejection(env.ddb.send(new TransactWriteItemsCommand(input("2"))));
    expect(mismatch).toBeInstanceOf(IdempotentParameterMismatchException);
    expect(await get(a, "idem")).toEqual({ ...key("idem"), n: { N: "1" } });
  });

  it("reads items transactionally, in request order, with an empty response for a missing item", async () => {
    const out = await env.ddb.send(new TransactGetItemsCommand({
      TransactItems: [
        { Get: { TableName: a, Key: key("acct-1"), ProjectionExpression: "balance" } },
        { Get: { TableName: a, Key: key("nope") } },
        { Get: { TableName: b, Key: key("acct-2") } },
      ],
    }));
    expect(out.Responses).toEqual([{ Item: { balance: { N: "70" } } }, {}, { Item: { ...key("acct-2"), balance: { N: "30" } } }]);
  });
});
