/**
 * Crash and resume for tables: writers load a `sluice start` process with puts, counter
 * updates and two-item transactions, and the server is killed with SIGKILL at a random
 * moment, several times, restarting on the same data directory. After each restart, with
 * no tolerance: every acknowledged write is there; a write in flight at the kill is
 * wholly there or wholly absent (transactions included); nothing beyond it exists; and
 * the stream holds exactly one INSERT for every item that exists.
 * Set CRASH_SEED to replay the kill moments.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand, TransactWriteItemsCommand, UpdateItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { DescribeStreamCommand, GetRecordsCommand, GetShardIteratorCommand } from "@aws-sdk/client-dynamodb-streams";
import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededRandom, sleep } from "../lib/process.js";
import { createTable, credentials, keyed, REGION, restartDynamo, startDynamo, stopDynamo, uniqueName, type DynamoEnv } from "./dynamodb-env.js";

const SEED = Number(process.env["CRASH_SEED"] ?? randomInt(2 ** 31));
console.log(`dynamodb crash test: seed ${SEED} (replay with CRASH_SEED=${SEED})`);
const WRITERS = 4;
const CYCLES = 3;

/** What one writer has had acknowledged in a cycle: puts 0..puts-1, counter adds, transactions 0..txs-1. */
interface Acked {
  puts: number;
  adds: number;
  txs: number;
}

describe("DynamoDB crash and resume", () => {
  let env: DynamoEnv;
  const table = uniqueName("crash");
  let streamArn = "";
  const random = seededRandom(SEED);

  /** Writes until the server dies; a client without retries, so each acknowledgement is one write. */
  async function writer(w: number, cycle: number, acked: Acked, stop: { dead: boolean }): Promise<void> {
    const ddb = new DynamoDBClient({ endpoint: env.server.url, region: REGION, credentials, maxAttempts: 1 });
    try {
      for (let i = 0; !stop.dead; i++) {
        const p = `c${cycle}-w${w}`;
        if (i % 3 === 0) {
          await ddb.send(new PutItemCommand({ TableName: table, Item: { pk: { S: `${p}-put-${acked.puts}` }, n: { N: String(acked.puts) } } }));
          acked.puts++;
        } else if (i % 3 === 1) {
          await ddb.send(new UpdateItemCommand({ TableName: table, Key: { pk: { S: `${p}-counter` } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } }));
          acked.adds++;
        } else {
          const t = acked.txs;
          await ddb.send(new TransactWriteItemsCommand({ TransactItems: ["a", "b"].map((s) => ({ Put: { TableName: table, Item: { pk: { S: `${p}-tx-${t}-${s}` }, t: { N: String(t) } } } })) }));
          acked.txs++;
        }
      }
    } catch {
      // The kill: the write in flight has an unknown outcome, which verify() allows for.
    } finally {
      ddb.destroy();
    }
  }

  async function exists(pk: string): Promise<boolean> {
    return (await env.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } }, ConsistentRead: true }))).Item !== undefined;
  }

  async function verify(cycle: number, w: number, acked: Acked): Promise<void> {
    const p = `c${cycle}-w${w}`;
    for (let i = 0; i < acked.puts; i++) expect(await exists(`${p}-put-${i}`), `${p} put ${i} acknowledged`).toBe(true);
    expect(await exists(`${p}-put-${acked.puts + 1}`), `${p} put beyond the one in flight`).toBe(false);
    const counter = (await env.ddb.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `${p}-counter` } }, ConsistentRead: true }))).Item;
    expect([acked.adds, acked.adds + 1], `${p} counter`).toContain(Number(counter?.["n"]?.N ?? 0));
    for (let t = 0; t <= acked.txs; t++) {
      const [a, b] = [await exists(`${p}-tx-${t}-a`), await exists(`${p}-tx-${t}-b`)];
      expect(a, `${p} transaction ${t} is all or nothing`).toBe(b);
      if (t < acked.txs) expect(a, `${p} transaction ${t} acknowledged`).toBe(true);
    }
  }

  /** Every INSERT key in the stream, with how often it appears. */
  async function streamInserts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const shards = (await env.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }))).StreamDescription?.Shards ?? [];
    for (const s of shards) {
      let { ShardIterator: it } = await env.streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: s.ShardId, ShardIteratorType: "TRIM_HORIZON" }));
      for (let i = 0; it && i < 10_000; i++) {
        const page = await env.streams.send(new GetRecordsCommand({ ShardIterator: it, Limit: 1000 }));
        if (!page.Records?.length) break;
        for (const r of page.Records) if (r.eventName === "INSERT") counts.set(r.dynamodb?.Keys?.["pk"]?.S ?? "", (counts.get(r.dynamodb?.Keys?.["pk"]?.S ?? "") ?? 0) + 1);
        it = page.NextShardIterator;
      }
    }
    return counts;
  }

  async function scanKeys(): Promise<string[]> {
    const keys: string[] = [];
    let start: Record<string, AttributeValue> | undefined;
    do {
      const page = await env.ddb.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ConsistentRead: true }));
      keys.push(...(page.Items ?? []).map((i) => i["pk"]?.S ?? ""));
      start = page.LastEvaluatedKey;
    } while (start);
    return keys;
  }

  beforeAll(async () => {
    env = await startDynamo();
    const d = await createTable(env.ddb, { ...keyed(table), StreamSpecification: { StreamEnabled: true, StreamViewType: "KEYS_ONLY" } });
    streamArn = d.LatestStreamArn ?? "";
  });
  afterAll(() => stopDynamo(env));

  it("keeps every acknowledged write through kill -9, all or nothing for the rest", async () => {
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const acked: Acked[] = Array.from({ length: WRITERS }, () => ({ puts: 0, adds: 0, txs: 0 }));
      const stop = { dead: false };
      const running = acked.map((a, w) => writer(w, cycle, a, stop));
      await sleep(400 + random() * 1200);
      await restartDynamo(env, "SIGKILL");
      stop.dead = true;
      await Promise.all(running);
      const total = acked.reduce((s, a) => s + a.puts + a.adds + a.txs, 0);
      console.log(`dynamodb crash test: cycle ${cycle}, ${total} writes acknowledged before the kill`);
      expect(total, "writes were acknowledged before the kill").toBeGreaterThan(WRITERS);
      for (let w = 0; w < WRITERS; w++) await verify(cycle, w, acked[w] ?? { puts: 0, adds: 0, txs: 0 });
    }
    const inserts = await streamInserts();
    const keys = await scanKeys();
    for (const k of keys) expect(inserts.get(k), `one INSERT for ${k}`).toBe(1);
    expect([...inserts.keys()].filter((k) => !keys.includes(k)), "INSERTs for items that do not exist").toEqual([]);
  }, 120_000);
});
