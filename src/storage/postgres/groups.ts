/**
 * FIFO message-group bookkeeping on PostgreSQL. A group's row in `fifo_groups` is its
 * lock: a receiver claims a group with FOR UPDATE SKIP LOCKED, and every operation
 * that changes a FIFO group's messages locks the group's row before touching them.
 * One lock order (queue, then group rows by group id, then messages) keeps these
 * operations from deadlocking each other, and a sender allocates a message's seq
 * only while it holds the group, so within a group seq order is commit order.
 */
import type { Tx } from "./database.js";

/**
 * Locks a group for a send, creating its row if it has none. A new row's head is 0
 * until `insertMessage` sets it; no other transaction can see the row before then.
 */
export async function lockGroupForSend(tx: Tx, queueId: number, groupId: string): Promise<void> {
  await tx`
    INSERT INTO fifo_groups (queue_id, group_id, head_seq, blocked_until) VALUES (${queueId}, ${groupId}, 0, 0)
    ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = fifo_groups.head_seq`;
}

/** Locks the rows of existing groups, in group id order; waits for receivers holding them. */
export async function lockGroups(tx: Tx, queueId: number, groupIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(groupIds)].sort();
  if (!ids.length) return;
  await tx`
    SELECT 1 FROM fifo_groups WHERE queue_id = ${queueId} AND group_id = ANY(${ids}::text[])
    ORDER BY group_id FOR UPDATE`;
}

/** The distinct group ids among `rows`, without nulls. */
export function groupsOf(rows: readonly { group_id: string | null }[]): Set<string> {
  const out = new Set<string>();
  for (const r of rows) if (r.group_id !== null) out.add(r.group_id);
  return out;
}

/**
 * Recomputes a FIFO group's head and how long it stays blocked, or drops its row when
 * it has no messages left. Messages in flight are always among a group's first ten: a
 * group is only received from when nothing of it is in flight, and a receive takes at
 * most ten from its head.
 */
export async function refreshGroup(tx: Tx, queueId: number, groupId: string): Promise<void> {
  await tx`
    WITH top AS (
      SELECT seq, receive_count, visible_at FROM messages
      WHERE queue_id = ${queueId} AND group_id = ${groupId} ORDER BY seq LIMIT 10
    ), agg AS (
      SELECT min(seq) AS head, COALESCE(max(visible_at) FILTER (WHERE receive_count > 0), 0) AS blocked FROM top
    ), gone AS (
      DELETE FROM fifo_groups WHERE queue_id = ${queueId} AND group_id = ${groupId} AND (SELECT head FROM agg) IS NULL
    )
    INSERT INTO fifo_groups (queue_id, group_id, head_seq, blocked_until)
    SELECT ${queueId}, ${groupId}, head, GREATEST(blocked, 0) FROM agg WHERE head IS NOT NULL
    ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, blocked_until = excluded.blocked_until`;
}

/** Refreshes each group in `groupIds`. */
export async function refreshGroups(tx: Tx, queueId: number, groupIds: Iterable<string>): Promise<void> {
  for (const g of new Set(groupIds)) await refreshGroup(tx, queueId, g);
}
