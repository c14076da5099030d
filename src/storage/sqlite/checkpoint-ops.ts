/** Stream mapping checkpoints and shard leases on the embedded store. */
import type { ShardCheckpoint, WindowCheckpoint } from "../../services/event-sources/store.js";
import { checkpointFromRow, type CheckpointRow } from "../checkpoint-rows.js";
import { stmt, type Db } from "./database.js";

function checkpoints(db: Db, a: { uuid: string }): ShardCheckpoint[] {
  return (stmt(db, "SELECT * FROM mapping_checkpoints WHERE uuid = ? ORDER BY shard_id").all(a.uuid) as CheckpointRow[]).map(checkpointFromRow);
}

function leaseShard(db: Db, a: { uuid: string; shardId: string; owner: string; now: number; until: number }): ShardCheckpoint | null {
  stmt(db, "INSERT OR IGNORE INTO mapping_checkpoints (uuid, shard_id, position, done, owner, lease_until) VALUES (?, ?, NULL, 0, NULL, 0)").run(a.uuid, a.shardId);
  const taken = stmt(db, `UPDATE mapping_checkpoints SET owner = ?, lease_until = ?
    WHERE uuid = ? AND shard_id = ? AND done = 0 AND (owner IS NULL OR owner = ? OR lease_until <= ?)`).run(a.owner, a.until, a.uuid, a.shardId, a.owner, a.now).changes;
  if (taken === 0) return null;
  return checkpointFromRow(stmt(db, "SELECT * FROM mapping_checkpoints WHERE uuid = ? AND shard_id = ?").get(a.uuid, a.shardId) as CheckpointRow);
}

function saveCheckpoint(db: Db, a: { uuid: string; shardId: string; owner: string; position: string | null; done: boolean; window: WindowCheckpoint | null }): boolean {
  return (
    stmt(db, "UPDATE mapping_checkpoints SET position = ?, done = ?, window_start = ?, window_state = ? WHERE uuid = ? AND shard_id = ? AND owner = ?").run(
      a.position, a.done ? 1 : 0, a.window?.start ?? null, a.window?.state ?? null, a.uuid, a.shardId, a.owner,
    ).changes === 1
  );
}

function releaseShard(db: Db, a: { uuid: string; shardId: string; owner: string }): void {
  stmt(db, "UPDATE mapping_checkpoints SET owner = NULL, lease_until = 0 WHERE uuid = ? AND shard_id = ? AND owner = ?").run(a.uuid, a.shardId, a.owner);
}

export const checkpointOps = {
  "checkpoints.list": checkpoints,
  "checkpoints.lease": leaseShard,
  "checkpoints.save": saveCheckpoint,
  "checkpoints.release": releaseShard,
} as const;
