/** Stream rows as both backends store them, mapped to the store's records. */
import type { ShardRecord, StreamRecord, StreamSettings } from "../services/streams/store.js";

export interface StreamRow {
  id: number | string;
  account: string;
  name: string;
  arn: string;
  created_at: number | string;
  version: number | string;
  settings: string | StreamSettings;
}

export interface ShardRow {
  idx: number | string;
  parent: number | string | null;
  adjacent_parent: number | string | null;
  hash_start: string;
  hash_end: string;
  start_counter: number | string;
  next_counter: number | string;
  end_counter: number | string | null;
  created_at: number | string;
  closed_at: number | string | null;
}

const num = (v: number | string): number => Number(v);
const opt = (v: number | string | null): number | null => (v === null ? null : Number(v));

export function shardFromRow(r: ShardRow): ShardRecord {
  return {
    index: num(r.idx),
    parent: opt(r.parent),
    adjacentParent: opt(r.adjacent_parent),
    hashStart: r.hash_start,
    hashEnd: r.hash_end,
    startCounter: num(r.start_counter),
    nextCounter: num(r.next_counter),
    endCounter: opt(r.end_counter),
    createdAt: num(r.created_at),
    closedAt: opt(r.closed_at),
  };
}

export function streamFromRows(r: StreamRow, shards: ShardRow[]): StreamRecord {
  const settings = typeof r.settings === "string" ? (JSON.parse(r.settings) as StreamSettings) : r.settings;
  return {
    ...settings,
    id: num(r.id),
    account: r.account,
    name: r.name,
    arn: r.arn,
    createdAt: num(r.created_at),
    version: num(r.version),
    shards: shards.map(shardFromRow).sort((a, b) => a.index - b.index),
  };
}

/** Bytes as Buffers again (a worker thread hands them over as plain Uint8Arrays). */
export function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}
