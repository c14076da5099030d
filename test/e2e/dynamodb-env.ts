/**
 * Shared set-up for the DynamoDB end-to-end tests: a `sluice start` process on a fresh
 * data directory, the SDK clients a user would point at it (low-level, document and
 * streams), table names unique per test, and signed raw requests for checking the wire
 * itself (headers, error bodies) where the SDK would hide it.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import {
  CreateTableCommand,
  DynamoDBClient,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { DynamoDBStreamsClient } from "@aws-sdk/client-dynamodb-streams";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { SignatureV4 } from "@smithy/signature-v4";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertBuilt } from "../lib/process.js";
import { startServer, stopServer, type Server } from "../lib/server.js";

export const KEY = "AKIDSLUICEDYNAMO";
export const SECRET = "sluice-dynamodb-e2e-secret";
export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
export const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };

export interface DynamoEnv {
  readonly dir: string;
  server: Server;
  ddb: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  streams: DynamoDBStreamsClient;
}

function connect(env: Pick<DynamoEnv, "server">): Pick<DynamoEnv, "ddb" | "doc" | "streams"> {
  const config = { endpoint: env.server.url, region: REGION, credentials, maxAttempts: 2 };
  const ddb = new DynamoDBClient(config);
  return { ddb, doc: DynamoDBDocumentClient.from(ddb), streams: new DynamoDBStreamsClient(config) };
}

export async function startDynamo(args: readonly string[] = []): Promise<DynamoEnv> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), "sluice-e2e-dynamodb-"));
  const server = await startServer(dir, { key: KEY, secret: SECRET, args });
  return { dir, server, ...connect({ server }) };
}

/** Kills the server (gracefully, or with SIGKILL) and starts it again on the same data directory. */
export async function restartDynamo(env: DynamoEnv, signal: NodeJS.Signals = "SIGTERM", args: readonly string[] = []): Promise<void> {
  await stopServer(env.server, signal);
  env.ddb.destroy();
  env.streams.destroy();
  env.server = await startServer(env.dir, { key: KEY, secret: SECRET, args });
  Object.assign(env, connect(env));
}

export async function stopDynamo(env: DynamoEnv | undefined): Promise<void> {
  if (!env) return;
  env.ddb.destroy();
  env.streams.destroy();
  await stopServer(env.server);
  rmSync(env.dir, { recursive: true, force: true });
}

let serial = 0;
/** A table name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid}-${++serial}`;
}

/** Creates a table and waits until it is ACTIVE; returns what CreateTable answered. */
export async function createTable(ddb: DynamoDBClient, input: CreateTableCommandInput): Promise<TableDescription> {
  const out = await ddb.send(new CreateTableCommand(input));
  await waitUntilTableExists({ client: ddb, maxWaitTime: 30, minDelay: 1, maxDelay: 1 }, { TableName: input.TableName });
  if (!out.TableDescription) throw new Error("CreateTable returned no TableDescription");
  return out.TableDescription;
}

/** A table keyed by `pk` (S) and, when given, `sk` of the given type, billed per request. */
export function keyed(name: string, sk?: "S" | "N" | "B"): CreateTableCommandInput {
  return {
    TableName: name,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }, ...(sk ? [{ AttributeName: "sk", AttributeType: sk }] : [])],
    KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }, ...(sk ? [{ AttributeName: "sk", KeyType: "RANGE" as const }] : [])],
  };
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

/** A signed POST with the given target and body, as an SDK would send it. */
export async function rawCall(url: string, target: string, body: string, contentType = "application/x-amz-json-1.0"): Promise<RawResponse> {
  const signer = new SignatureV4({ credentials, region: REGION, service: "dynamodb", sha256: Sha256 });
  const u = new URL(url);
  const headers = { host: u.host, "content-type": contentType, "x-amz-target": target };
  const signed = await signer.sign({ method: "POST", protocol: "http:", hostname: u.hostname, port: Number(u.port), path: "/", headers, body });
  const res = await fetch(url, { method: "POST", headers: signed.headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The error a promise rejects with, for asserting its name, message and extra members. */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (err) {
    if (err instanceof Error) return err as Error & Record<string, unknown>;
    throw err;
  }
  throw new Error("expected the call to fail, but it succeeded");
}
