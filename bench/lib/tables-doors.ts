/**
 * Sluice's tables through the doors the tables bench compares, all speaking DynamoDB's
 * JSON shapes (AttributeValues as `{ S: "…" }`), so one workload drives every door:
 *
 *  - in process: `platform.tables.call` on the built package (dist/platform.js), on the
 *    embedded SQLite store (fresh data directory, fsync-durable, writer inline) or on
 *    PostgreSQL (a fresh schema, dropped afterwards);
 *  - the endpoint (`sluice start`) with `@aws-sdk/client-dynamodb` as users construct it;
 *  - the endpoint with the lean signed client (lean-aws.ts; AWS JSON 1.0 over HTTP/1.1),
 *    which shows what the server costs without the SDK's per-request CPU.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  type BatchWriteItemCommandInput,
  type CreateTableCommandInput,
  type DeleteTableCommandInput,
  type DescribeTableCommandInput,
  type GetItemCommandInput,
  type PutItemCommandInput,
  type QueryCommandInput,
  type TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import postgres from "postgres";
import type * as PlatformModule from "../../src/platform.js";
import { LeanAwsJson, type JsonProtocol } from "./lean-aws.js";
import { KEY, SECRET } from "./servers.js";

/** DynamoDB speaks AWS JSON 1.0 under the signing name `dynamodb`. */
export const DYNAMODB_JSON: JsonProtocol = { service: "dynamodb", targetPrefix: "DynamoDB_20120810", contentType: "application/x-amz-json-1.0" };

/** The DynamoDB actions the bench calls. */
export const ACTIONS = ["CreateTable", "DescribeTable", "DeleteTable", "PutItem", "GetItem", "Query", "BatchWriteItem", "TransactWriteItems"] as const;
export type Action = (typeof ACTIONS)[number];
export type Json = Record<string, unknown>;

export interface TableDoor {
  /** Calls one action with DynamoDB's request shape; resolves with its reply shape. */
  call(action: Action, input: Json): Promise<Json>;
  close(): Promise<void>;
}

export type DoorSpec =
  | { readonly kind: "sqlite" }
  | { readonly kind: "postgres"; readonly pgUrl: string }
  | { readonly kind: "sdk"; readonly url: string }
  | { readonly kind: "lean"; readonly url: string; readonly sockets: number };

type Platform = Awaited<ReturnType<(typeof PlatformModule)["createPlatform"]>>;

async function loadDist(): Promise<typeof PlatformModule> {
  return (await import(pathToFileURL(resolve("dist/platform.js")).href)) as typeof PlatformModule;
}

async function dropSchema(url: string, schema: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** In process on a fresh SQLite data directory or a fresh PostgreSQL schema. */
async function inProcessDoor(spec: { kind: "sqlite" } | { kind: "postgres"; pgUrl: string }): Promise<TableDoor> {
  const { createPlatform } = await loadDist();
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-tables-"));
  const schema = `bench_tables_${randomBytes(4).toString("hex")}`;
  const options = spec.kind === "postgres" ? { dataDir, store: spec.pgUrl, schema } : { dataDir, durability: "full" as const, writer: "inline" as const };
  const p: Platform = await createPlatform(options);
  await p.start();
  return {
    call: (action, input) => p.tables.call(action, input),
    close: async () => {
      try {
        await p.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
        if (spec.kind === "postgres") await dropSchema(spec.pgUrl, schema);
      }
    },
  };
}

/** The AWS SDK v3 client with its default request handler (HTTP/1.1, keep-alive). */
function sdkDoor(url: string): TableDoor {
  // The SDK warns once per process that its 2027 releases need Node 22; the bench runs on Node 20 on purpose.
  process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
  const c = new DynamoDBClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, maxAttempts: 1 });
  const send = (action: Action, input: Json): Promise<unknown> => {
    switch (action) {
      case "CreateTable":
        return c.send(new CreateTableCommand(input as unknown as CreateTableCommandInput));
      case "DescribeTable":
        return c.send(new DescribeTableCommand(input as unknown as DescribeTableCommandInput));
      case "DeleteTable":
        return c.send(new DeleteTableCommand(input as unknown as DeleteTableCommandInput));
      case "PutItem":
        return c.send(new PutItemCommand(input as unknown as PutItemCommandInput));
      case "GetItem":
        return c.send(new GetItemCommand(input as unknown as GetItemCommandInput));
      case "Query":
        return c.send(new QueryCommand(input as unknown as QueryCommandInput));
      case "BatchWriteItem":
        return c.send(new BatchWriteItemCommand(input as unknown as BatchWriteItemCommandInput));
      case "TransactWriteItems":
        return c.send(new TransactWriteItemsCommand(input as unknown as TransactWriteItemsCommandInput));
    }
  };
  return {
    call: async (action, input) => (await send(action, input)) as Json,
    close: () => Promise.resolve(c.destroy()),
  };
}

function leanDoor(url: string, sockets: number): TableDoor {
  const c = new LeanAwsJson({ url, accessKeyId: KEY, secretAccessKey: SECRET, region: "us-east-1", sockets }, DYNAMODB_JSON);
  return {
    call: (action, input) => c.call<Json>(action, input),
    close: () => Promise.resolve(c.close()),
  };
}

export async function openDoor(spec: DoorSpec): Promise<TableDoor> {
  switch (spec.kind) {
    case "sqlite":
    case "postgres":
      return inProcessDoor(spec);
    case "sdk":
      return sdkDoor(spec.url);
    case "lean":
      return leanDoor(spec.url, spec.sockets);
  }
}
