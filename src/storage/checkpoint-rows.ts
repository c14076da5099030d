/** Checkpoint rows as both backends store them. */
import type { ShardCheckpoint } from "../services/event-sources/store.js";

export interface CheckpointRow {
  uuid: string;
  shard_id: string;
  position: string | null;
  done: number | boolean;
  window_start: number | string | null;
  window_state: string | null;
  owner: string | null;
  lease_until: number | string;
}

export function checkpointFromRow(r: CheckpointRow): ShardCheckpoint {
  const window = r.window_start === null || r.window_state === null ? null : { start: Number(r.window_start), state: r.window_state };
  return { uuid: r.uuid, shardId: r.shard_id, position: r.position, done: r.done === true || r.done === 1, window, owner: r.owner, leaseUntil: Number(r.lease_until) };
}
