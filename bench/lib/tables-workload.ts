/**
 * The four table workloads every door runs, on one table keyed by a string partition
 * key `pk` and a string sort key `sk`, with items of exactly 1 KiB by DynamoDB's size
 * rule (attribute names plus values): partition `p000042` holds items `item#000` to
 * `item#099`, each with a `data` string filling it to 1,024 bytes.
 *
 *  - put: N PutItem calls of new items, C callers each with one call in flight;
 *  - get: N GetItem calls of random existing keys (the table is loaded first);
 *  - query: every partition of the loaded table, three times over, read by Query in pages
 *    of 25 (until no LastEvaluatedKey), then one `begins_with(sk, :prefix)` Query of 10
 *    of its items;
 *  - batch: N new items in BatchWriteItem calls of 25 (UnprocessedItems are resent).
 *
 * Rates are over the wall time from the first call to the last reply; latency is per
 * call. Every reply is checked (items found, pages complete), so a wrong answer fails
 * the trial instead of measuring well.
 */
import { CpuMeter, type Cores } from "./streams-workload.js";
import type { Json, TableDoor } from "./tables-doors.js";
import { now, progress, Samples, sleep, type LatencySummary } from "./timing.js";

export const WORKLOADS = ["put", "get", "query", "batch"] as const;
export type Workload = (typeof WORKLOADS)[number];

export const TABLE = "bench-items";
export const ITEM_BYTES = 1024;
export const PARTITION_ITEMS = 100;
export const PAGE_ITEMS = 25;
export const BATCH_ITEMS = 25;
/** How many times the query workload reads every partition. */
export const QUERY_PASSES = 3;
/** Items a `begins_with` query matches: `item#0d0` to `item#0d9`. */
export const PREFIX_ITEMS = 10;

/** `pk` (2 + 7 bytes) + `sk` (2 + 8) + `data` (4 + …) = 1,024 bytes. */
const DATA_BYTES = ITEM_BYTES - (2 + 7) - (2 + 8) - 4;
const FILL = "abcdefghijklmnopqrstuvwxyz0123456789".repeat(Math.ceil(DATA_BYTES / 36)).slice(0, DATA_BYTES - 8);

const pkOf = (i: number): string => `p${String(Math.floor(i / PARTITION_ITEMS)).padStart(6, "0")}`;
const skOf = (i: number): string => `item#${String(i % PARTITION_ITEMS).padStart(3, "0")}`;

export function keyOf(i: number): Json {
  return { pk: { S: pkOf(i) }, sk: { S: skOf(i) } };
}

export function itemOf(i: number): Json {
  return { ...keyOf(i), data: { S: `${i.toString(36).padStart(8, "0")}${FILL}` } };
}

export interface WorkloadSpec {
  readonly workload: Workload;
  readonly items: number;
  readonly concurrency: number;
  readonly label: string;
  readonly serverPids: readonly number[];
}

export interface WorkloadResult {
  /** Calls made (Query: every page and every begins_with query). */
  readonly ops: number;
  /** Items written or returned. */
  readonly items: number;
  readonly wallMs: number;
  readonly opsRate: number;
  readonly itemsRate: number;
  /** Per call; for query, the paging calls only. */
  readonly latency: LatencySummary | null;
  /** Query only: the begins_with calls. */
  readonly prefix?: LatencySummary | null;
  /** Items BatchWriteItem handed back unprocessed (and were resent). */
  readonly unprocessed: number;
  readonly cpu: Cores;
}

/** What the calls of a workload add up to. */
class Tally {
  ops = 0;
  items = 0;
  unprocessed = 0;
  readonly latency = new Samples();
  readonly prefix = new Samples();

  async call(door: TableDoor, action: "PutItem" | "GetItem" | "Query" | "BatchWriteItem", input: Json, samples = this.latency): Promise<Json> {
    const out = await samples.time(() => door.call(action, input));
    this.ops++;
    return out;
  }
}

export async function createTable(door: TableDoor): Promise<void> {
  await door.call("CreateTable", {
    TableName: TABLE,
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    BillingMode: "PAY_PER_REQUEST",
  });
  for (let i = 0; ; i++) {
    const out = await door.call("DescribeTable", { TableName: TABLE });
    if ((out["Table"] as Json | undefined)?.["TableStatus"] === "ACTIVE") return;
    if (i > 200) throw new Error(`table ${TABLE} did not become ACTIVE`);
    await sleep(50);
  }
}

export async function deleteTable(door: TableDoor): Promise<void> {
  await door.call("DeleteTable", { TableName: TABLE });
}

/** Items [first, first + count) in one BatchWriteItem, resending what comes back unprocessed. */
async function writeBatch(door: TableDoor, first: number, count: number, tally: Tally): Promise<void> {
  let requests: unknown[] = Array.from({ length: count }, (_, k) => ({ PutRequest: { Item: itemOf(first + k) } }));
  for (let round = 0; requests.length; round++) {
    if (round > 20) throw new Error(`BatchWriteItem: ${requests.length} items still unprocessed after 20 resends`);
    const out = await tally.call(door, "BatchWriteItem", { RequestItems: { [TABLE]: requests } });
    const left = ((out["UnprocessedItems"] as Record<string, unknown[]> | undefined) ?? {})[TABLE] ?? [];
    tally.items += requests.length - left.length;
    tally.unprocessed += left.length;
    requests = left;
  }
}

/** Runs `units` units of work with `concurrency` callers, each taking the next unit when done with one; returns the wall time. */
async function runCallers(units: number, concurrency: number, unit: (n: number) => Promise<void>, label: string): Promise<number> {
  let next = 0;
  let done = 0;
  const caller = async (): Promise<void> => {
    while (next < units) {
      await unit(next++);
      done++;
    }
  };
  const t0 = now();
  const ticker = setInterval(() => progress(`${label}: ${done}/${units} after ${((now() - t0) / 1000).toFixed(1)} s`), 2000);
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, units) }, caller));
  } finally {
    clearInterval(ticker);
  }
  return now() - t0;
}

/** Loads items [0, items) with BatchWriteItem, unmeasured, for the read workloads. */
export async function load(door: TableDoor, items: number, concurrency: number, label: string): Promise<void> {
  const tally = new Tally();
  const calls = Math.ceil(items / BATCH_ITEMS);
  const unit = (b: number): Promise<void> => writeBatch(door, b * BATCH_ITEMS, Math.min(BATCH_ITEMS, items - b * BATCH_ITEMS), tally);
  const ms = await runCallers(calls, concurrency, unit, `${label}: loading ${items} items, batches`);
  progress(`${label}: loaded ${tally.items} items in ${(ms / 1000).toFixed(1)} s`);
}

async function putUnit(door: TableDoor, tally: Tally, i: number): Promise<void> {
  await tally.call(door, "PutItem", { TableName: TABLE, Item: itemOf(i) });
  tally.items++;
}

async function getUnit(door: TableDoor, tally: Tally, items: number): Promise<void> {
  const i = Math.floor(Math.random() * items);
  const out = await tally.call(door, "GetItem", { TableName: TABLE, Key: keyOf(i) });
  const got = out["Item"] as Record<string, { S?: string }> | undefined;
  if (got?.["sk"]?.S !== skOf(i)) throw new Error(`GetItem ${pkOf(i)}/${skOf(i)}: not found`);
  tally.items++;
}

/** Every page of partition `p`, then one begins_with query inside it. */
async function queryUnit(door: TableDoor, tally: Tally, p: number, items: number): Promise<void> {
  const pk = pkOf(p * PARTITION_ITEMS);
  const expect = Math.min(PARTITION_ITEMS, items - p * PARTITION_ITEMS);
  let read = 0;
  let start: unknown;
  do {
    const input: Json = { TableName: TABLE, KeyConditionExpression: "pk = :p", ExpressionAttributeValues: { ":p": { S: pk } }, Limit: PAGE_ITEMS };
    if (start) input["ExclusiveStartKey"] = start;
    const out = await tally.call(door, "Query", input);
    read += Number(out["Count"]);
    start = out["LastEvaluatedKey"];
  } while (start);
  if (read !== expect) throw new Error(`Query ${pk}: paged through ${read} items, expected ${expect}`);
  const prefix = `item#0${p % 10}`;
  const values = { ":p": { S: pk }, ":s": { S: prefix } };
  const out = await tally.call(door, "Query", { TableName: TABLE, KeyConditionExpression: "pk = :p AND begins_with(sk, :s)", ExpressionAttributeValues: values }, tally.prefix);
  const matched = Number(out["Count"]);
  if (expect === PARTITION_ITEMS && matched !== PREFIX_ITEMS) throw new Error(`Query ${pk} begins_with ${prefix}: ${matched} items, expected ${PREFIX_ITEMS}`);
  tally.items += read + matched;
}

/** The measured part of a workload: units of work and what one unit does. */
function plan(door: TableDoor, spec: WorkloadSpec, tally: Tally): { units: number; what: string; unit: (n: number) => Promise<void> } {
  const { items } = spec;
  switch (spec.workload) {
    case "put":
      return { units: items, what: "PutItem calls", unit: (i) => putUnit(door, tally, i) };
    case "get":
      return { units: items, what: "GetItem calls", unit: () => getUnit(door, tally, items) };
    case "query": {
      const partitions = Math.ceil(items / PARTITION_ITEMS);
      return { units: partitions * QUERY_PASSES, what: "partition reads", unit: (n) => queryUnit(door, tally, n % partitions, items) };
    }
    case "batch":
      return { units: Math.ceil(items / BATCH_ITEMS), what: "batches", unit: (b) => writeBatch(door, b * BATCH_ITEMS, Math.min(BATCH_ITEMS, items - b * BATCH_ITEMS), tally) };
  }
}

/** Runs one workload on a door whose table exists (and, for get and query, is loaded). */
export async function runWorkload(door: TableDoor, spec: WorkloadSpec): Promise<WorkloadResult> {
  const tally = new Tally();
  const { units, what, unit } = plan(door, spec, tally);
  const meter = new CpuMeter(spec.serverPids);
  const wallMs = await runCallers(units, spec.concurrency, unit, `${spec.label}: ${what}`);
  const cpu = meter.stop();
  return {
    ops: tally.ops,
    items: tally.items,
    wallMs,
    opsRate: (tally.ops / wallMs) * 1000,
    itemsRate: (tally.items / wallMs) * 1000,
    latency: tally.latency.summary(),
    ...(spec.workload === "query" ? { prefix: tally.prefix.summary() } : {}),
    unprocessed: tally.unprocessed,
    cpu,
  };
}

/**
 * A few rounds of `concurrency` concurrent GetItem calls before measuring, so connections
 * exist (HTTP sockets, PostgreSQL's pool and its backends) and the hot paths are compiled.
 */
export async function warmUp(door: TableDoor, concurrency: number): Promise<void> {
  for (let round = 0; round < 3; round++) {
    await Promise.all(Array.from({ length: concurrency }, (_, i) => door.call("GetItem", { TableName: TABLE, Key: keyOf(i) })));
  }
}

export function needsLoad(workload: Workload): boolean {
  return workload === "get" || workload === "query";
}
