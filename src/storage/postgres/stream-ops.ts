/**
 * Streams on PostgreSQL. A put locks the rows of the shards it writes (in index order,
 * so concurrent puts cannot deadlock) and only an open shard's row matches, so a put
 * that waited on a reshard finds its shard closed and reports "stale". Because the
 * lock is held until commit, a shard's records become visible in counter order.
 */
import type { NewStream, ReadResult, RecordEntry, ReshardStep, StoredRecord, StreamRecord, StreamSettings } from "../../services/streams/store.js";
import { streamFromRows, type ShardRow, type StreamRow } from "../stream-rows.js";
import type { Conn, Tx } from "./database.js";

async function load(db: Conn, row: StreamRow | undefined): Promise<StreamRecord | null> {
  if (!row) return null;
  const shards = await db<ShardRow[]>`
    SELECT idx, parent, adjacent_parent, hash_start, hash_end, start_counter, next_counter, end_counter, created_at, closed_at
    FROM stream_shards WHERE stream_id = ${row.id} ORDER BY idx`;
  return streamFromRows(row, shards);
}

export async function getStream(db: Conn, account: string, name: string): Promise<StreamRecord | null> {
  const [row] = await db<StreamRow[]>`SELECT * FROM streams WHERE account = ${account} AND name = ${name}`;
  return load(db, row);
}

async function insertShards(tx: Tx, streamId: number, first: number, shards: readonly { parent: number | null; adjacentParent: number | null; hashStart: string; hashEnd: string }[], counter: number, now: number): Promise<void> {
  const rows = shards.map((s, k) => ({
    stream_id: streamId, idx: first + k, parent: s.parent, adjacent_parent: s.adjacentParent, hash_start: s.hashStart, hash_end: s.hashEnd,
    start_counter: counter, next_counter: counter, last_arrival: 0, created_at: now,
  }));
  if (rows.length > 0) await tx`INSERT INTO stream_shards ${tx(rows)}`;
}

export async function createStream(tx: Tx, s: NewStream): Promise<StreamRecord | "exists"> {
  const [row] = await tx<{ id: number }[]>`
    INSERT INTO streams (account, name, arn, created_at, version, settings)
    VALUES (${s.account}, ${s.name}, ${s.arn}, ${s.createdAt}, 1, ${JSON.stringify(s.settings)})
    ON CONFLICT (account, name) DO NOTHING RETURNING id`;
  if (!row) return "exists";
  await insertShards(tx, row.id, 0, s.shards.map((r) => ({ parent: null, adjacentParent: null, ...r })), 1, s.createdAt);
  return (await getStream(tx, s.account, s.name)) ?? "exists";
}

export async function listStreams(db: Conn, account: string, after: string | null, limit: number): Promise<StreamRecord[]> {
  const rows = await db<StreamRow[]>`SELECT * FROM streams WHERE account = ${account} AND name > ${after ?? ""} ORDER BY name LIMIT ${limit}`;
  const out: StreamRecord[] = [];
  for (const r of rows) {
    const s = await load(db, r);
    if (s) out.push(s);
  }
  return out;
}

export async function deleteStream(tx: Tx, account: string, name: string): Promise<boolean> {
  const [row] = await tx<{ id: number }[]>`DELETE FROM streams WHERE account = ${account} AND name = ${name} RETURNING id`;
  if (!row) return false;
  await tx`DELETE FROM stream_records WHERE stream_id = ${row.id}`;
  return true;
}

export async function updateSettings(db: Conn, streamId: number, version: number, settings: StreamSettings): Promise<"ok" | "stale"> {
  const rows = await db`UPDATE streams SET settings = ${JSON.stringify(settings)}, version = version + 1 WHERE id = ${streamId} AND version = ${version} RETURNING id`;
  return rows.length === 1 ? "ok" : "stale";
}

export async function reshard(tx: Tx, streamId: number, version: number, steps: readonly ReshardStep[], now: number): Promise<"ok" | "stale"> {
  const bumped = await tx`UPDATE streams SET version = version + 1 WHERE id = ${streamId} AND version = ${version} RETURNING id`;
  if (bumped.length !== 1) return "stale";
  for (const step of steps) {
    const closed = await tx`
      UPDATE stream_shards SET end_counter = next_counter - 1, closed_at = ${now}
      WHERE stream_id = ${streamId} AND idx = ANY(${[...step.close]}::int[]) AND end_counter IS NULL RETURNING idx`;
    if (closed.length !== step.close.length) throw new Error(`reshard: shards ${step.close.join(", ")} are not all open`);
    const [top] = await tx<{ i: number; c: number }[]>`SELECT MAX(idx) AS i, MAX(next_counter) AS c FROM stream_shards WHERE stream_id = ${streamId}`;
    await insertShards(tx, streamId, (top?.i ?? -1) + 1, step.open, top?.c ?? 1, now);
  }
  return "ok";
}

interface Claim {
  next: number;
  arrival: number;
}

export async function putRecords(tx: Tx, streamId: number, entries: readonly RecordEntry[], now: number): Promise<number[] | "stale"> {
  const wanted = [...new Set(entries.map((e) => e.shardIndex))].sort((a, b) => a - b);
  const locked = await tx<{ idx: number; next_counter: number; last_arrival: number }[]>`
    SELECT idx, next_counter, last_arrival FROM stream_shards
    WHERE stream_id = ${streamId} AND idx = ANY(${wanted}::int[]) AND end_counter IS NULL ORDER BY idx FOR UPDATE`;
  if (locked.length !== wanted.length) return "stale";
  const claims = new Map<number, Claim>(locked.map((r) => [r.idx, { next: r.next_counter, arrival: Math.max(r.last_arrival, now) }]));
  const rows = entries.map((e) => {
    const c = claims.get(e.shardIndex) as Claim;
    return { stream_id: streamId, shard: e.shardIndex, counter: c.next++, partition_key: Buffer.from(e.partitionKey, "utf8"), data: e.data, explicit_hash_key: e.explicitHashKey, arrived_at: c.arrival };
  });
  await tx`INSERT INTO stream_records ${tx(rows)}`;
  for (const [idx, c] of claims) {
    await tx`UPDATE stream_shards SET next_counter = ${c.next}, last_arrival = ${c.arrival} WHERE stream_id = ${streamId} AND idx = ${idx}`;
  }
  return rows.map((r) => r.counter);
}

export async function readRecords(db: Conn, a: { streamId: number; shard: number; from: number; limit: number; maxBytes: number; notBefore: number }): Promise<ReadResult | null> {
  const [shard] = await db<{ next_counter: number; end_counter: number | null }[]>`
    SELECT next_counter, end_counter FROM stream_shards WHERE stream_id = ${a.streamId} AND idx = ${a.shard}`;
  if (!shard) return null;
  // Bounded by the tip just read: puts committing after it would otherwise show records past it.
  const rows = await db<{ counter: number; partition_key: Buffer; data: Buffer; arrived_at: number }[]>`
    SELECT counter, partition_key, data, arrived_at FROM stream_records
    WHERE stream_id = ${a.streamId} AND shard = ${a.shard} AND counter >= ${a.from} AND counter < ${shard.next_counter}
      AND arrived_at >= ${a.notBefore}
    ORDER BY counter LIMIT ${a.limit}`;
  const records: StoredRecord[] = [];
  let bytes = 0;
  for (const r of rows) {
    if (records.length > 0 && bytes + r.data.length > a.maxBytes) break;
    bytes += r.data.length;
    records.push({ counter: r.counter, partitionKey: r.partition_key.toString("utf8"), data: r.data, arrivedAt: r.arrived_at });
  }
  return { records, nextCounter: shard.next_counter, endCounter: shard.end_counter };
}

export async function counterAt(db: Conn, streamId: number, shard: number, at: number): Promise<number | null> {
  const [s] = await db<{ next_counter: number }[]>`SELECT next_counter FROM stream_shards WHERE stream_id = ${streamId} AND idx = ${shard}`;
  if (!s) return null;
  const [row] = await db<{ counter: number }[]>`
    SELECT counter FROM stream_records WHERE stream_id = ${streamId} AND shard = ${shard} AND arrived_at >= ${at} ORDER BY arrived_at, counter LIMIT 1`;
  return row?.counter ?? s.next_counter;
}

export async function trim(tx: Tx, now: number): Promise<number> {
  const removed = await tx`
    DELETE FROM stream_records r USING streams t
    WHERE t.id = r.stream_id AND r.arrived_at < ${now} - (t.settings::jsonb ->> 'retentionHours')::bigint * 3600000`;
  await tx`
    DELETE FROM stream_shards s USING streams t
    WHERE t.id = s.stream_id AND s.closed_at IS NOT NULL
      AND s.closed_at < ${now} - (t.settings::jsonb ->> 'retentionHours')::bigint * 3600000
      AND NOT EXISTS (SELECT 1 FROM stream_records r WHERE r.stream_id = s.stream_id AND r.shard = s.idx)`;
  return removed.count;
}
