/**
 * Streams on the embedded store. Each function runs inside the executor's transaction;
 * the single writer makes every shard's counter and arrival time advance in order.
 */
import type { NewStream, ReadResult, RecordEntry, ReshardStep, StoredRecord, StreamRecord, StreamSettings } from "../../services/streams/store.js";
import { asBuffer, streamFromRows, type ShardRow, type StreamRow } from "../stream-rows.js";
import { stmt, type Db } from "./database.js";

const SHARD_COLS = "idx, parent, adjacent_parent, hash_start, hash_end, start_counter, next_counter, end_counter, created_at, closed_at";

function load(db: Db, row: StreamRow | undefined): StreamRecord | null {
  if (!row) return null;
  const shards = stmt(db, `SELECT ${SHARD_COLS} FROM stream_shards WHERE stream_id = ? ORDER BY idx`).all(row.id) as ShardRow[];
  return streamFromRows(row, shards);
}

function getStream(db: Db, a: { account: string; name: string }): StreamRecord | null {
  return load(db, stmt(db, "SELECT * FROM streams WHERE account = ? AND name = ?").get(a.account, a.name) as StreamRow | undefined);
}

function insertShard(db: Db, streamId: number, idx: number, s: { parent: number | null; adjacentParent: number | null; hashStart: string; hashEnd: string }, counter: number, now: number): void {
  stmt(db, `INSERT INTO stream_shards (stream_id, idx, parent, adjacent_parent, hash_start, hash_end, start_counter, next_counter, end_counter, last_arrival, created_at, closed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, 0, ?, NULL)`).run(streamId, idx, s.parent, s.adjacentParent, s.hashStart, s.hashEnd, counter, counter, now);
}

function createStream(db: Db, s: NewStream): StreamRecord | "exists" {
  if (stmt(db, "SELECT 1 FROM streams WHERE account = ? AND name = ?").get(s.account, s.name)) return "exists";
  const id = Number(
    stmt(db, "INSERT INTO streams (account, name, arn, created_at, version, settings) VALUES (?, ?, ?, ?, 1, ?)").run(s.account, s.name, s.arn, s.createdAt, JSON.stringify(s.settings)).lastInsertRowid,
  );
  s.shards.forEach((r, i) => insertShard(db, id, i, { parent: null, adjacentParent: null, ...r }, 1, s.createdAt));
  return getStream(db, s) ?? "exists";
}

function listStreams(db: Db, a: { account: string; after: string | null; limit: number }): StreamRecord[] {
  const rows = stmt(db, "SELECT * FROM streams WHERE account = ? AND name > ? ORDER BY name LIMIT ?").all(a.account, a.after ?? "", a.limit) as StreamRow[];
  return rows.map((r) => load(db, r)).filter((s): s is StreamRecord => s !== null);
}

function deleteStream(db: Db, a: { account: string; name: string }): boolean {
  const row = stmt(db, "SELECT id FROM streams WHERE account = ? AND name = ?").get(a.account, a.name) as { id: number } | undefined;
  if (!row) return false;
  stmt(db, "DELETE FROM stream_records WHERE stream_id = ?").run(row.id);
  stmt(db, "DELETE FROM stream_shards WHERE stream_id = ?").run(row.id);
  stmt(db, "DELETE FROM streams WHERE id = ?").run(row.id);
  return true;
}

function bump(db: Db, streamId: number, version: number): boolean {
  return stmt(db, "UPDATE streams SET version = version + 1 WHERE id = ? AND version = ?").run(streamId, version).changes === 1;
}

function updateSettings(db: Db, a: { streamId: number; version: number; settings: StreamSettings }): "ok" | "stale" {
  const changed = stmt(db, "UPDATE streams SET settings = ?, version = version + 1 WHERE id = ? AND version = ?").run(JSON.stringify(a.settings), a.streamId, a.version).changes;
  return changed === 1 ? "ok" : "stale";
}

/** Closes a shard at its last counter; false if it is already closed. */
function closeShard(db: Db, streamId: number, idx: number, now: number): boolean {
  return stmt(db, "UPDATE stream_shards SET end_counter = next_counter - 1, closed_at = ? WHERE stream_id = ? AND idx = ? AND end_counter IS NULL").run(now, streamId, idx).changes === 1;
}

function reshard(db: Db, a: { streamId: number; version: number; steps: ReshardStep[]; now: number }): "ok" | "stale" {
  if (!bump(db, a.streamId, a.version)) return "stale";
  for (const step of a.steps) {
    for (const idx of step.close) if (!closeShard(db, a.streamId, idx, a.now)) throw new Error(`reshard: shard ${idx} is not open`);
    const top = stmt(db, "SELECT MAX(idx) AS i, MAX(next_counter) AS c FROM stream_shards WHERE stream_id = ?").get(a.streamId) as { i: number; c: number };
    step.open.forEach((s, k) => insertShard(db, a.streamId, top.i + 1 + k, s, top.c, a.now));
  }
  return "ok";
}

interface Claim {
  next: number;
  arrival: number;
}

function claimShard(db: Db, streamId: number, idx: number): Claim | null {
  const row = stmt(db, "SELECT next_counter, last_arrival FROM stream_shards WHERE stream_id = ? AND idx = ? AND end_counter IS NULL").get(streamId, idx) as
    | { next_counter: number; last_arrival: number }
    | undefined;
  return row ? { next: row.next_counter, arrival: row.last_arrival } : null;
}

function putRecords(db: Db, a: { streamId: number; entries: RecordEntry[]; now: number }): number[] | "stale" {
  const claims = new Map<number, Claim>();
  for (const e of a.entries) {
    if (claims.has(e.shardIndex)) continue;
    const c = claimShard(db, a.streamId, e.shardIndex);
    if (!c) return "stale";
    claims.set(e.shardIndex, c);
  }
  const insert = stmt(db, "INSERT INTO stream_records (stream_id, shard, counter, partition_key, data, explicit_hash_key, arrived_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  const out = a.entries.map((e) => {
    const c = claims.get(e.shardIndex) as Claim;
    const counter = c.next++;
    c.arrival = Math.max(c.arrival, a.now);
    insert.run(a.streamId, e.shardIndex, counter, e.partitionKey, asBuffer(e.data), e.explicitHashKey, c.arrival);
    return counter;
  });
  const save = stmt(db, "UPDATE stream_shards SET next_counter = ?, last_arrival = ? WHERE stream_id = ? AND idx = ?");
  for (const [idx, c] of claims) save.run(c.next, c.arrival, a.streamId, idx);
  return out;
}

function readRecords(db: Db, a: { streamId: number; shard: number; from: number; limit: number; maxBytes: number; notBefore: number }): ReadResult | null {
  const shard = stmt(db, "SELECT next_counter, end_counter FROM stream_shards WHERE stream_id = ? AND idx = ?").get(a.streamId, a.shard) as
    | { next_counter: number; end_counter: number | null }
    | undefined;
  if (!shard) return null;
  // Bounded by the tip just read: a reader beside the writer thread may see later commits.
  const rows = stmt(db, `SELECT counter, partition_key, data, arrived_at FROM stream_records WHERE stream_id = ? AND shard = ? AND counter >= ?
    AND counter < ? AND arrived_at >= ? ORDER BY counter LIMIT ?`).iterate(a.streamId, a.shard, a.from, shard.next_counter, a.notBefore, a.limit) as IterableIterator<{ counter: number; partition_key: string; data: Buffer; arrived_at: number }>;
  const records: StoredRecord[] = [];
  let bytes = 0;
  for (const r of rows) {
    if (records.length > 0 && bytes + r.data.length > a.maxBytes) break;
    bytes += r.data.length;
    records.push({ counter: r.counter, partitionKey: r.partition_key, data: r.data, arrivedAt: r.arrived_at });
  }
  return { records, nextCounter: shard.next_counter, endCounter: shard.end_counter };
}

/**
 * The counter of the first record below `end` whose arrival is ≥ `at`, else `end`, by
 * bisection (arrivals never decrease within a shard). Trimmed records leave no rows, so
 * the answer is the first row at or above where the search ends, not that point itself.
 */
function firstArrivedAt(db: Db, streamId: number, shard: number, at: number, lo: number, end: number): number {
  const probe = stmt(db, "SELECT counter, arrived_at FROM stream_records WHERE stream_id = ? AND shard = ? AND counter >= ? ORDER BY counter LIMIT 1");
  const first = (from: number) => probe.get(streamId, shard, from) as { counter: number; arrived_at: number } | undefined;
  let hi = end;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const row = first(mid);
    if (!row || row.counter >= hi || row.arrived_at >= at) hi = mid;
    else lo = row.counter + 1;
  }
  const row = first(lo);
  return row && row.counter < end ? row.counter : end;
}

function counterAt(db: Db, a: { streamId: number; shard: number; at: number }): number | null {
  const shard = stmt(db, "SELECT start_counter, next_counter FROM stream_shards WHERE stream_id = ? AND idx = ?").get(a.streamId, a.shard) as
    | { start_counter: number; next_counter: number }
    | undefined;
  return shard ? firstArrivedAt(db, a.streamId, a.shard, a.at, shard.start_counter, shard.next_counter) : null;
}

function trim(db: Db, a: { now: number }): number {
  const shards = stmt(db, `SELECT s.stream_id, s.idx, s.start_counter, s.next_counter, s.closed_at, json_extract(t.settings, '$.retentionHours') AS hours
    FROM stream_shards s JOIN streams t ON t.id = s.stream_id`).all() as { stream_id: number; idx: number; start_counter: number; next_counter: number; closed_at: number | null; hours: number }[];
  let removed = 0;
  for (const s of shards) {
    const horizon = a.now - s.hours * 3_600_000;
    const cut = firstArrivedAt(db, s.stream_id, s.idx, horizon, s.start_counter, s.next_counter);
    removed += stmt(db, "DELETE FROM stream_records WHERE stream_id = ? AND shard = ? AND counter < ?").run(s.stream_id, s.idx, cut).changes;
    if (s.closed_at !== null && s.closed_at < horizon && cut >= s.next_counter) {
      stmt(db, "DELETE FROM stream_shards WHERE stream_id = ? AND idx = ?").run(s.stream_id, s.idx);
    }
  }
  return removed;
}

export const streamOps = {
  "streams.create": createStream,
  "streams.get": getStream,
  "streams.list": listStreams,
  "streams.delete": deleteStream,
  "streams.updateSettings": updateSettings,
  "streams.reshard": reshard,
  "streams.put": putRecords,
  "streams.read": readRecords,
  "streams.counterAt": counterAt,
  "streams.trim": trim,
} as const;
