/**
 * Stream mapping checkpoints and shard leases on PostgreSQL. Taking a lease is one
 * conditional UPDATE, so of several processes racing for a shard exactly one wins.
 */
import type { ShardCheckpoint, WindowCheckpoint } from "../../services/event-sources/store.js";
import { checkpointFromRow, type CheckpointRow } from "../checkpoint-rows.js";
import type { Conn } from "./database.js";

export async function checkpoints(db: Conn, uuid: string): Promise<ShardCheckpoint[]> {
  return (await db<CheckpointRow[]>`SELECT * FROM mapping_checkpoints WHERE uuid = ${uuid} ORDER BY shard_id`).map(checkpointFromRow);
}

export async function leaseShard(db: Conn, a: { uuid: string; shardId: string; owner: string; now: number; until: number }): Promise<ShardCheckpoint | null> {
  await db`INSERT INTO mapping_checkpoints (uuid, shard_id) VALUES (${a.uuid}, ${a.shardId}) ON CONFLICT DO NOTHING`;
  const [row] = await db<CheckpointRow[]>`
    UPDATE mapping_checkpoints SET owner = ${a.owner}, lease_until = ${a.until}
    WHERE uuid = ${a.uuid} AND shard_id = ${a.shardId} AND NOT done AND (owner IS NULL OR owner = ${a.owner} OR lease_until <= ${a.now})
    RETURNING *`;
  return row ? checkpointFromRow(row) : null;
}

export async function saveCheckpoint(db: Conn, a: { uuid: string; shardId: string; owner: string; position: string | null; done: boolean; window: WindowCheckpoint | null }): Promise<boolean> {
  const rows = await db`
    UPDATE mapping_checkpoints SET position = ${a.position}, done = ${a.done}, window_start = ${a.window?.start ?? null}, window_state = ${a.window?.state ?? null}
    WHERE uuid = ${a.uuid} AND shard_id = ${a.shardId} AND owner = ${a.owner} RETURNING uuid`;
  return rows.length === 1;
}

export async function releaseShard(db: Conn, a: { uuid: string; shardId: string; owner: string }): Promise<void> {
  await db`UPDATE mapping_checkpoints SET owner = NULL, lease_until = 0 WHERE uuid = ${a.uuid} AND shard_id = ${a.shardId} AND owner = ${a.owner}`;
}
