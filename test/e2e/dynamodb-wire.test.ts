/**
 * The DynamoDB wire and its validation end to end: raw signed requests to check what the
 * SDK hides (headers, CRC32, error bodies with their namespaces), and the ValidationException
 * messages DynamoDB gives for bad keys, items, numbers and expressions, through the SDK.
 */
import { GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTable, keyed, rawCall, rejection, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

const T = "DynamoDB_20120810.";

describe("DynamoDB wire and validation end to end", () => {
  let env: DynamoEnv;
  let table: string;
  let ranged: string;

  /** The ValidationException message a call fails with. */
  async function invalid(p: Promise<unknown>): Promise<string> {
    const err = await rejection(p);
    expect(err.name).toBe("ValidationException");
    return err.message;
  }
  const put = (item: Record<string, AttributeValue>, extra: Record<string, unknown> = {}) => env.ddb.send(new PutItemCommand({ TableName: table, Item: item, ...extra }));

  beforeAll(async () => {
    env = await startDynamo();
    table = uniqueName("wire");
    ranged = uniqueName("wire-r");
    await createTable(env.ddb, keyed(table));
    await createTable(env.ddb, keyed(ranged, "N"));
  });
  afterAll(() => stopDynamo(env));

  it("answers in JSON 1.0 with a request id and the CRC32 of the body", async () => {
    const res = await rawCall(env.server.url, `${T}DescribeTable`, JSON.stringify({ TableName: table }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.0");
    expect(res.headers.get("x-amzn-requestid")).toBeTruthy();
    expect(res.headers.get("x-amz-crc32")).toBe(String(crc32(Buffer.from(res.text)) >>> 0));
    const body = JSON.parse(res.text) as { Table: { CreationDateTime: unknown; TableName: string } };
    expect(body.Table.TableName).toBe(table);
    expect(typeof body.Table.CreationDateTime).toBe("number");
  });

  it("names framework, validation and service errors with DynamoDB's namespaces", async () => {
    const unknown = await rawCall(env.server.url, `${T}Frobnicate`, "{}");
    expect({ status: unknown.status, body: JSON.parse(unknown.text) as unknown }).toEqual({ status: 400, body: { __type: "com.amazon.coral.service#UnknownOperationException" } });
    const garbled = await rawCall(env.server.url, `${T}ListTables`, "{not json");
    expect(garbled.status).toBe(400);
    expect(JSON.parse(garbled.text)).toMatchObject({ __type: "com.amazon.coral.service#SerializationException" });
    const missing = await rawCall(env.server.url, `${T}DescribeTable`, JSON.stringify({ TableName: "no-such-table" }));
    expect({ status: missing.status, body: JSON.parse(missing.text) as unknown }).toEqual({
      status: 400,
      body: { __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", message: "Requested resource not found: Table: no-such-table not found" },
    });
    expect(missing.headers.get("x-amz-crc32")).toBe(String(crc32(Buffer.from(missing.text)) >>> 0));
    const badKey = await rawCall(env.server.url, `${T}GetItem`, JSON.stringify({ TableName: table, Key: { pk: { N: "1" } } }));
    expect(JSON.parse(badKey.text)).toEqual({ __type: "com.amazon.coral.validate#ValidationException", message: "The provided key element does not match the schema" });
    const streams = await rawCall(env.server.url, "DynamoDBStreams_20120810.DescribeStream", JSON.stringify({ StreamArn: `arn:aws:dynamodb:us-east-1:000000000000:table/${table}/stream/2020-01-01T00:00:00.000` }));
    expect(streams.status).toBe(400);
    expect(JSON.parse(streams.text)).toMatchObject({ __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException" });
  });

  it("writes the old item and the cancellation reasons into error bodies", async () => {
    await put({ pk: { S: "raw" }, v: { N: "1" } });
    const ccf = await rawCall(env.server.url, `${T}PutItem`, JSON.stringify({ TableName: table, Item: { pk: { S: "raw" } }, ConditionExpression: "attribute_not_exists(pk)", ReturnValuesOnConditionCheckFailure: "ALL_OLD" }));
    expect(JSON.parse(ccf.text)).toEqual({ __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException", message: "The conditional request failed", Item: { pk: { S: "raw" }, v: { N: "1" } } });
    const tx = await rawCall(env.server.url, `${T}TransactWriteItems`, JSON.stringify({
      TransactItems: [
        { Put: { TableName: table, Item: { pk: { S: "raw-2" } } } },
        { ConditionCheck: { TableName: table, Key: { pk: { S: "raw" } }, ConditionExpression: "v = :two", ExpressionAttributeValues: { ":two": { N: "2" } } } },
      ],
    }));
    expect(JSON.parse(tx.text)).toEqual({
      __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
      Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
      CancellationReasons: [{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed" }],
    });
  });

  it("refuses requests over DynamoDB's 16 MiB limit before reading them", async () => {
    const big = JSON.stringify({ TableName: table, Item: { pk: { S: "x" } }, pad: "z".repeat(17 * 1024 * 1024) });
    const res = await rawCall(env.server.url, `${T}PutItem`, big);
    expect(res.status).toBe(413);
    expect(res.headers.get("content-type")).toBe("application/x-amz-json-1.0");
  });

  it("refuses unsigned requests", async () => {
    const res = await fetch(env.server.url, { method: "POST", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": `${T}ListTables` }, body: "{}" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ __type: "com.amazon.coral.service#MissingAuthenticationTokenException" });
  });

  it("rejects keys that are missing, of the wrong type or empty", async () => {
    expect(await invalid(put({ other: { S: "x" } }))).toBe("One or more parameter values were invalid: Missing the key pk in the item");
    expect(await invalid(put({ pk: { N: "1" } }))).toBe("One or more parameter values were invalid: Type mismatch for key pk expected: S actual: N");
    expect(await invalid(put({ pk: { S: "" } }))).toBe("One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: pk");
    expect(await invalid(env.ddb.send(new GetItemCommand({ TableName: table, Key: { nope: { S: "x" } } })))).toBe("The provided key element does not match the schema");
    expect(await invalid(env.ddb.send(new GetItemCommand({ TableName: ranged, Key: { pk: { S: "x" } } })))).toBe("The provided key element does not match the schema");
    const notFound = await rejection(put({ pk: { S: "x" } }, { TableName: "no-such-table" }));
    expect(notFound.name).toBe("ResourceNotFoundException");
    expect(notFound.message).toBe("Requested resource not found");
  });

  it("rejects oversized items, over-precise numbers and empty sets", async () => {
    expect(await invalid(put({ pk: { S: "big" }, blob: { S: "x".repeat(400 * 1024) } }))).toBe("Item size has exceeded the maximum allowed size");
    await put({ pk: { S: "almost" }, blob: { S: "x".repeat(400 * 1024 - 100) } });
    expect(await invalid(put({ pk: { S: "n" }, n: { N: "123456789012345678901234567890123456789" } }))).toBe("Attempting to store more than 38 significant digits in a Number");
    expect(await invalid(put({ pk: { S: "n" }, n: { N: "abc" } }))).toBe("A value provided cannot be converted into a number");
    expect(await invalid(put({ pk: { S: "s" }, s: { SS: [] } }))).toBe("One or more parameter values were invalid: An string set  may not be empty");
  });

  it("rejects expressions with syntax errors, reserved words and unused or undefined values", async () => {
    const update = (expr: string, values?: Record<string, AttributeValue>, names?: Record<string, string>) =>
      env.ddb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: "e" } }, UpdateExpression: expr, ExpressionAttributeValues: values, ExpressionAttributeNames: names }));
    expect(await invalid(update("SET a = a + 1"))).toBe('Invalid UpdateExpression: Syntax error; token: "1", near: "+ 1"');
    expect(await invalid(update("SET status = :v", { ":v": { S: "x" } }))).toBe("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status");
    expect(await invalid(update("SET a = :v", { ":v": { S: "x" }, ":unused": { S: "y" } }))).toBe("Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}");
    expect(await invalid(update("SET a = :v", { ":v": { S: "x" } }, { "#unused": "b" }))).toBe("Value provided in ExpressionAttributeNames unused in expressions: keys: {#unused}");
    expect(await invalid(update("SET a = :missing", { ":v": { S: "x" } }))).toMatch(/^Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :missing$|^Value provided in ExpressionAttributeValues unused/);
    expect(await invalid(update("SET a = :missing"))).toBe("Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :missing");
    expect(await invalid(update("SET pk = :v", { ":v": { S: "x" } }))).toBe("One or more parameter values were invalid: Cannot update attribute pk. This attribute is part of the key");
    expect(await invalid(update("SET #x = :v", { ":v": { S: "x" } }))).toBe("Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #x");
    expect(await invalid(update("SET a = foo(b)"))).toBe("Invalid UpdateExpression: Invalid function name; function: foo");
    expect(await invalid(put({ pk: { S: "e" } }, { ConditionExpression: "attribute_exists(pk" }))).toMatch(/^Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "/);
    expect(await invalid(put({ pk: { S: "e" } }, { ExpressionAttributeValues: { ":v": { S: "x" } } }))).toMatch(/^ExpressionAttributeValues can only be specified when using expressions/);
    const reserved = env.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: "e" } }, ProjectionExpression: "name" }));
    expect(await invalid(reserved)).toBe("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name");
    const q = env.ddb.send(new QueryCommand({ TableName: ranged, KeyConditionExpression: "sk = :s", ExpressionAttributeValues: { ":s": { N: "1" } } }));
    expect(await invalid(q)).toBe("Query condition missed key schema element: pk");
    const or = env.ddb.send(new QueryCommand({ TableName: ranged, KeyConditionExpression: "pk = :p OR sk = :s", ExpressionAttributeValues: { ":p": { S: "p" }, ":s": { N: "1" } } }));
    expect(await invalid(or)).toBe("Invalid operator used in KeyConditionExpression: OR");
  });

  it("names a missing required member as DynamoDB's validator does", async () => {
    const res = await rawCall(env.server.url, `${T}GetItem`, JSON.stringify({ Key: { pk: { S: "x" } } }));
    expect({ status: res.status, body: JSON.parse(res.text) as unknown }).toEqual({
      status: 400,
      body: { __type: "com.amazon.coral.validate#ValidationException", message: "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null" },
    });
  });
});
