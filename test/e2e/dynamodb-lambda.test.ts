/**
 * A table stream triggering a function end to end: a function created through the Lambda
 * API, an event source mapping on the table's stream ARN, and writes to several keys
 * at once; the function must see each key's INSERT, MODIFY and REMOVE exactly once, in
 * order, in the DynamoDB event shape Lambda delivers.
 */
import { DeleteItemCommand, PutItemCommand, UpdateItemCommand, UpdateTimeToLiveCommand } from "@aws-sdk/client-dynamodb";
import { CreateEventSourceMappingCommand, CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { zipSync } from "fflate";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventually } from "../../src/testing/assert.js";
import { createTable, credentials, keyed, REGION, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

const ROLE = "arn:aws:iam::000000000000:role/lambda-role";
const KEYS = 8;

/** Appends one line per record: what a reader of the event would check. */
const RECORDER = `const fs = require("fs");
exports.handler = async (event) => {
  const lines = event.Records.map((r) => JSON.stringify({
    name: r.eventName, key: r.dynamodb.Keys.pk.S, v: r.dynamodb.NewImage && r.dynamodb.NewImage.v.N, old: r.dynamodb.OldImage && r.dynamodb.OldImage.v.N,
    seq: r.dynamodb.SequenceNumber, created: r.dynamodb.ApproximateCreationDateTime, view: r.dynamodb.StreamViewType,
    source: r.eventSource, version: r.eventVersion, region: r.awsRegion, arn: r.eventSourceARN, id: r.eventID, user: r.userIdentity,
  }));
  fs.appendFileSync(process.env.OUT, lines.join("\\n") + "\\n");
  return {};
};`;

interface Seen {
  name: string;
  key: string;
  v?: string;
  old?: string;
  seq: string;
  created: unknown;
  view: string;
  source: string;
  version: string;
  region: string;
  arn: string;
  id: string;
  user?: unknown;
}

describe("DynamoDB stream to Lambda end to end", () => {
  let env: DynamoEnv;
  let lambda: LambdaClient;
  const seen = (out: string): Seen[] => (existsSync(out) ? readFileSync(out, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Seen) : []);

  beforeAll(async () => {
    env = await startDynamo();
    lambda = new LambdaClient({ endpoint: env.server.url, region: REGION, credentials });
  });
  afterAll(async () => {
    lambda.destroy();
    await stopDynamo(env);
  });

  /** A streamed table mapped to a new recorder function; returns the table, its stream ARN and the record file. */
  async function mapped(name: string): Promise<{ table: string; arn: string; out: string }> {
    const table = uniqueName(name);
    const out = join(env.dir, `${table}.jsonl`);
    const d = await createTable(env.ddb, { ...keyed(table), StreamSpecification: { StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" } });
    const arn = d.LatestStreamArn ?? "";
    await lambda.send(new CreateFunctionCommand({ FunctionName: `rec-${table}`, Runtime: "nodejs20.x", Role: ROLE, Handler: "index.handler", Code: { ZipFile: zipSync({ "index.cjs": Buffer.from(RECORDER) }) }, Environment: { Variables: { OUT: out } } }));
    const mapping = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: `rec-${table}`, EventSourceArn: arn, StartingPosition: "TRIM_HORIZON", BatchSize: 5 }));
    expect(mapping).toMatchObject({ EventSourceArn: arn, StartingPosition: "TRIM_HORIZON", BatchSize: 5 });
    return { table, arn, out };
  }

  it("delivers each key's INSERT, MODIFY and REMOVE in order", async () => {
    const { table, arn, out } = await mapped("mapped");
    await Promise.all(Array.from({ length: KEYS }, async (_, k) => {
      const Key = { pk: { S: `key-${k}` } };
      await env.ddb.send(new PutItemCommand({ TableName: table, Item: { ...Key, v: { N: "1" } } }));
      await env.ddb.send(new UpdateItemCommand({ TableName: table, Key, UpdateExpression: "SET v = :v", ExpressionAttributeValues: { ":v": { N: "2" } } }));
      await env.ddb.send(new DeleteItemCommand({ TableName: table, Key }));
    }));
    await eventually(() => (seen(out).length >= KEYS * 3 ? true : undefined), 40_000);
    const all = seen(out);
    expect(all).toHaveLength(KEYS * 3);
    expect(new Set(all.map((r) => r.id)).size).toBe(KEYS * 3);
    for (let k = 0; k < KEYS; k++) {
      const mine = all.filter((r) => r.key === `key-${k}`);
      expect(mine.map((r) => [r.name, r.v ?? null, r.old ?? null])).toEqual([["INSERT", "1", null], ["MODIFY", "2", "1"], ["REMOVE", null, "2"]]);
    }
    for (const r of all) {
      expect(r).toMatchObject({ source: "aws:dynamodb", version: "1.1", region: REGION, arn, view: "NEW_AND_OLD_IMAGES" });
      expect(typeof r.created).toBe("number");
      expect(r.seq).toMatch(/^\d+$/);
    }
  }, 60_000);

  it("delivers a Time to Live deletion as a REMOVE by the DynamoDB service", async () => {
    const { table, out } = await mapped("mapped-ttl");
    await env.ddb.send(new UpdateTimeToLiveCommand({ TableName: table, TimeToLiveSpecification: { Enabled: true, AttributeName: "exp" } }));
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "old" }, v: { N: "1" }, exp: { N: String(Math.floor(Date.now() / 1000) - 60) } } }));
    await env.ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: "user-deleted" }, v: { N: "1" } } }));
    await env.ddb.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: "user-deleted" } } }));
    const removes = await eventually(() => {
      const rs = seen(out).filter((r) => r.name === "REMOVE");
      return rs.length >= 2 ? rs : undefined;
    }, 40_000);
    const byKey = Object.fromEntries(removes.map((r) => [r.key, r]));
    expect(byKey["old"]).toMatchObject({ old: "1", user: { type: "Service", principalId: "dynamodb.amazonaws.com" } });
    expect(byKey["user-deleted"]?.user).toBeUndefined();
  }, 60_000);
});
