import { crc32 } from "node:zlib";
import { describe, expect, it } from "vitest";
import { InternalError, ServiceError } from "../../core/errors.js";
import type { CallContext } from "../../services/queues/types.js";
import { ConditionalCheckFailedException, TransactionCanceledException, ValidationException } from "../../services/tables/errors.js";
import { InvalidClientTokenId } from "../auth-errors.js";
import type { WireRequest, WireResponse } from "../types.js";
import { dynamoDbError, handleDynamoDb, isDynamoDbTarget, type TableCalls } from "./index.js";

const ctx: CallContext = { accountId: "111122223333", region: "eu-west-1", baseUrl: "http://localhost" };

function request(body: string): WireRequest {
  return { method: "POST", rawPath: "/", rawQuery: "", headers: { "content-type": "application/x-amz-json-1.0" }, body: Buffer.from(body) };
}

/** A table service that records what it was asked and answers with `output`. */
function fake(output: Record<string, unknown> = {}): TableCalls & { calls: unknown[][] } {
  const calls: unknown[][] = [];
  return {
    calls,
    call: (action, input, c) => (calls.push(["tables", action, input, c]), Promise.resolve(output)),
    callStreams: (action, input, c) => (calls.push(["streams", action, input, c]), Promise.resolve(output)),
  };
}

const bodyOf = (r: WireResponse): unknown => JSON.parse(r.body.toString());

async function thrown(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ServiceError) return err;
    throw err;
  }
  throw new Error("expected a ServiceError");
}

describe("DynamoDB wire", () => {
  it("recognises both services' targets", () => {
    expect(isDynamoDbTarget("DynamoDB_20120810.PutItem")).toBe(true);
    expect(isDynamoDbTarget("DynamoDBStreams_20120810.GetRecords")).toBe(true);
    expect(isDynamoDbTarget("Kinesis_20131202.PutRecord")).toBe(false);
    expect(isDynamoDbTarget(undefined)).toBe(false);
  });

  it("routes each target to its service with the parsed input and the caller", async () => {
    const tables = fake({ Item: { id: { S: "a" } } });
    await handleDynamoDb(tables, "DynamoDB_20120810.GetItem", request('{"TableName":"t","Key":{"id":{"S":"a"}}}'), ctx, "r1");
    await handleDynamoDb(tables, "DynamoDBStreams_20120810.ListStreams", request("{}"), ctx, "r2");
    expect(tables.calls).toEqual([
      ["tables", "GetItem", { TableName: "t", Key: { id: { S: "a" } } }, ctx],
      ["streams", "ListStreams", {}, ctx],
    ]);
  });

  it("writes JSON 1.0 with the request id and the body's CRC32, dates as epoch seconds", async () => {
    const tables = fake({ TableDescription: { CreationDateTime: new Date(1_700_000_000_123), ItemCount: 0, Skipped: undefined } });
    const res = await handleDynamoDb(tables, "DynamoDB_20120810.DescribeTable", request('{"TableName":"t"}'), ctx, "req-1");
    expect(res.status).toBe(200);
    expect(res.headers).toMatchObject({ "content-type": "application/x-amz-json-1.0", "x-amzn-requestid": "req-1" });
    expect(res.headers["x-amz-crc32"]).toBe(String(crc32(res.body as Buffer) >>> 0));
    expect(bodyOf(res)).toEqual({ TableDescription: { CreationDateTime: 1_700_000_000.123, ItemCount: 0 } });
  });

  it("keeps non-ASCII text and 38-digit numbers exactly", async () => {
    const item = { s: { S: "żółw 🐢" }, n: { N: "12345678901234567890123456789012345678" } };
    const res = await handleDynamoDb(fake({ Item: item }), "DynamoDB_20120810.GetItem", request("{}"), ctx, "r");
    expect(bodyOf(res)).toEqual({ Item: item });
    expect(res.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify({ Item: item }))));
  });

  it("refuses unknown actions, empty and malformed bodies as DynamoDB's framework does", async () => {
    const tables = fake();
    const unknown = await thrown(handleDynamoDb(tables, "DynamoDB_20120810.Frobnicate", request("{}"), ctx, "r"));
    expect(bodyOf(dynamoDbError(unknown, "r"))).toEqual({ __type: "com.amazon.coral.service#UnknownOperationException" });
    const streamsOnly = await thrown(handleDynamoDb(tables, "DynamoDBStreams_20120810.PutItem", request("{}"), ctx, "r"));
    expect(streamsOnly.code).toBe("UnknownOperationException");
    for (const body of ["", "{not json", "[1]", "null"]) {
      const err = await thrown(handleDynamoDb(tables, "DynamoDB_20120810.ListTables", request(body), ctx, "r"));
      expect(err.code).toBe("SerializationException");
      expect(dynamoDbError(err, "r").status).toBe(400);
    }
    expect(tables.calls).toEqual([]);
  });

  it("names errors with DynamoDB's namespaces and message casing", () => {
    const cases: [ServiceError, number, Record<string, unknown>][] = [
      [new ValidationException("bad"), 400, { __type: "com.amazon.coral.validate#ValidationException", message: "bad" }],
      [new ServiceError("ResourceNotFoundException", "Requested resource not found"), 400, { __type: "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", message: "Requested resource not found" }],
      [new InvalidClientTokenId(), 400, { __type: "com.amazon.coral.service#UnrecognizedClientException", message: "The security token included in the request is invalid." }],
      [new InternalError(), 500, { __type: "com.amazonaws.dynamodb.v20120810#InternalServerError", message: "We encountered an internal error. Please try again." }],
      [new ServiceError("SerializationException", "x"), 400, { __type: "com.amazon.coral.service#SerializationException", Message: "x" }],
    ];
    for (const [err, status, body] of cases) {
      const res = dynamoDbError(err, "r");
      expect({ status: res.status, body: bodyOf(res) }).toEqual({ status, body });
      expect(res.headers["x-amz-crc32"]).toBe(String(crc32(res.body as Buffer) >>> 0));
    }
  });

  it("returns the old item of a failed condition and the reasons of a cancelled transaction", () => {
    const item = { id: { S: "a" }, v: { N: "1" } };
    expect(bodyOf(dynamoDbError(new ConditionalCheckFailedException(item), "r"))).toEqual({
      __type: "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException",
      message: "The conditional request failed",
      Item: item,
    });
    expect(bodyOf(dynamoDbError(new ConditionalCheckFailedException(), "r"))).not.toHaveProperty("Item");
    const reasons = [{ Code: "None" }, { Code: "ConditionalCheckFailed", Message: "The conditional request failed", Item: item }];
    expect(bodyOf(dynamoDbError(new TransactionCanceledException(reasons), "r"))).toEqual({
      __type: "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
      Message: "Transaction cancelled, please refer cancellation reasons for specific reasons [None, ConditionalCheckFailed]",
      CancellationReasons: reasons,
    });
  });
});
