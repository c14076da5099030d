/**
 * Helpers of the StreamStore conformance suite: stream and record builders, reshard
 * steps shaped like the service's splits and merges, and thin wrappers over the store
 * that fail loudly when a stream or shard is unexpectedly missing or stale.
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { uniformRanges } from "../../services/streams/hash.js";
import {
  StreamMode,
  type NewStream,
  type ReadResult,
  type RecordEntry,
  type ReshardStep,
  type ShardRecord,
  type StoredRecord,
  type StreamRecord,
  type StreamSettings,
  type StreamStore,
} from "../../services/streams/store.js";
import { account, DAY, T0 } from "./queue-helpers.js";
import type { StoreCtx } from "./suite.js";

export type Ctx = StoreCtx<StreamStore>;

export { account, T0 } from "./queue-helpers.js";
export const HOUR = 3_600_000;

let era = 0;
/**
 * A start time far below every other test's, and below the previous call's: trims run
 * at such times reach only the records of their own test, even on a shared database.
 */
export function epoch(): number {
  era += 1;
  return 1_000_000_000_000 - era * 30 * DAY;
}

export function settings(more: Partial<StreamSettings> = {}): StreamSettings {
  return { mode: StreamMode.Provisioned, retentionHours: 24, encryption: null, monitoring: [], tags: {}, consumers: [], ...more };
}

export function ranges(count: number): { hashStart: string; hashEnd: string }[] {
  return uniformRanges(count).map((r) => ({ hashStart: r.start.toString(), hashEnd: r.end.toString() }));
}

export function newStream(acct: string, name: string, shards = 1, more: Partial<NewStream> = {}): NewStream {
  return {
    account: acct,
    name,
    arn: `arn:aws:kinesis:us-east-1:${acct}:stream/${name}`,
    createdAt: T0,
    settings: settings(),
    shards: ranges(shards),
    ...more,
  };
}

export async function makeStream(store: StreamStore, name = "s", shards = 1, more: Partial<NewStream> = {}): Promise<StreamRecord> {
  const out = await store.createStream(newStream(more.account ?? account(), name, shards, more));
  if (out === "exists") throw new Error(`stream ${name} already exists`);
  return out;
}

export async function reload(store: StreamStore, s: StreamRecord): Promise<StreamRecord> {
  const got = await store.getStream(s.account, s.name);
  if (!got) throw new Error(`stream ${s.name} is gone`);
  return got;
}

export function shardOf(s: StreamRecord, index: number): ShardRecord {
  const found = s.shards.find((x) => x.index === index);
  if (!found) throw new Error(`stream ${s.name} has no shard ${index}`);
  return found;
}

export function entry(shardIndex: number, data: Buffer | string, partitionKey = "pk"): RecordEntry {
  return { shardIndex, partitionKey, data: typeof data === "string" ? Buffer.from(data) : data, explicitHashKey: null };
}

/** `n` entries for one shard, with data "<tag><i>". */
export function entries(shardIndex: number, n: number, tag = "r"): RecordEntry[] {
  return Array.from({ length: n }, (_, i) => entry(shardIndex, `${tag}${i}`));
}

export async function put(store: StreamStore, s: StreamRecord, list: readonly RecordEntry[], now: number): Promise<number[]> {
  const out = await store.putRecords(s.id, list, now);
  if (out === "stale") throw new Error(`put to stream ${s.name} was stale`);
  return out;
}

export interface ReadOpts {
  readonly from?: number;
  readonly limit?: number;
  readonly maxBytes?: number;
  readonly notBefore?: number;
}

export async function read(store: StreamStore, s: StreamRecord, shard: number, o: ReadOpts = {}): Promise<ReadResult> {
  const out = await store.readRecords(s.id, shard, o.from ?? 0, o.limit ?? 10_000, o.maxBytes ?? 64 * 1024 * 1024, o.notBefore ?? 0);
  if (!out) throw new Error(`stream ${s.name} has no shard ${shard} to read`);
  return out;
}

export const counters = (rs: readonly StoredRecord[]): number[] => rs.map((r) => r.counter);
export const texts = (rs: readonly StoredRecord[]): string[] => rs.map((r) => r.data.toString());

/** Consecutive integers from `from`, `n` of them. */
export function run(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

/** Closes `index` and opens its two halves, as SplitShard plans it. */
export function split(s: StreamRecord, index: number): ReshardStep {
  const p = shardOf(s, index);
  const start = BigInt(p.hashStart);
  const mid = start + (BigInt(p.hashEnd) - start) / 2n;
  return {
    close: [index],
    open: [
      { parent: index, adjacentParent: null, hashStart: p.hashStart, hashEnd: mid.toString() },
      { parent: index, adjacentParent: null, hashStart: (mid + 1n).toString(), hashEnd: p.hashEnd },
    ],
  };
}

/** Closes two adjacent shards and opens the one covering both, as MergeShards plans it. */
export function merge(s: StreamRecord, a: number, b: number): ReshardStep {
  const [x, y] = [shardOf(s, a), shardOf(s, b)];
  const low = BigInt(x.hashStart) < BigInt(y.hashStart) ? x : y;
  const high = low === x ? y : x;
  return { close: [a, b], open: [{ parent: a, adjacentParent: b, hashStart: low.hashStart, hashEnd: high.hashEnd }] };
}

export async function reshardOk(store: StreamStore, s: StreamRecord, steps: readonly ReshardStep[], now: number): Promise<StreamRecord> {
  expect(await store.reshard(s.id, s.version, steps, now)).toBe("ok");
  return reload(store, s);
}

/** Random bytes, NUL and 0xFF included. */
export function binary(size: number): Buffer {
  const b = randomBytes(size);
  if (size > 1) {
    b[0] = 0;
    b[size - 1] = 0xff;
  }
  return b;
}

/** The highest counter any shard of the stream has handed out (0 if none). */
export function highestUsed(s: StreamRecord): number {
  return s.shards.reduce((m, x) => Math.max(m, x.nextCounter - 1), 0);
}
