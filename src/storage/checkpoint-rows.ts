/** Checkpoint rows as both backends store them. */
import type { ShardCheckpoint } from "../services/event-sources/store.js";

export interface CheckpointRow {
  uuid: string;
  shard_id: string;
  position: string | null;
  done: number | boolean;
  owner: string | null;
  lease_until: number | string;
}

export function checkpointFromRow(r: CheckpointRow): ShardCheckpoint {
  return { uuid: r.uuid, shardId: r.shard_id, position: r.position, done: r.done === true || r.done === 1, owner: r.owner, leaseUntil: Number(r.lease_until) };
}
