/**
 * What consumers do with received messages, on PostgreSQL: delete by receipt handle,
 * change visibility, purge. Each locks the rows it changes (FIFO groups first, then
 * messages in seq order; see groups.ts), so a handle is judged against the state a
 * concurrent receive committed, never against a half-done one.
 */
import type { DeleteArgs, DeleteOutcome, VisibilityArgs, VisibilityOutcome } from "../../services/queues/store.js";
import type { Tx } from "./database.js";
import { groupsOf, lockGroups, refreshGroups } from "./groups.js";
import { lockQueue } from "./queue-ops.js";
import type { Wake } from "./rows.js";

interface HandleRow {
  seq: number;
  receive_count: number;
  visible_at: number;
  received_at: number | null;
  group_id: string | null;
}

/** The queue's messages among `seqs`, locked; on FIFO queues their groups are locked first. */
async function lockHandles(tx: Tx, queueId: number, fifo: boolean, seqs: readonly number[]): Promise<Map<number, HandleRow>> {
  const ids = [...new Set(seqs)];
  if (fifo) {
    const seen = await tx<HandleRow[]>`
      SELECT group_id FROM messages WHERE queue_id = ${queueId} AND seq = ANY(${ids}::bigint[])`;
    await lockGroups(tx, queueId, groupsOf(seen));
  }
  const rows = await tx<HandleRow[]>`
    SELECT seq, receive_count, visible_at, received_at, group_id FROM messages
    WHERE queue_id = ${queueId} AND seq = ANY(${ids}::bigint[]) ORDER BY seq FOR UPDATE`;
  return new Map(rows.map((r) => [r.seq, r]));
}

export async function deleteMessages(tx: Tx, a: DeleteArgs, wake: Wake): Promise<DeleteOutcome[] | null> {
  const fifo = await lockQueue(tx, a.queueId);
  if (fifo === null) return null;
  const found = await lockHandles(tx, a.queueId, fifo, a.entries.map((e) => e.seq));
  const doomed = new Set<number>();
  const groups = new Set<string>();
  const out = a.entries.map((e): DeleteOutcome => {
    const row = found.get(e.seq);
    if (!row || row.receive_count !== e.receiveCount || doomed.has(e.seq)) return "stale";
    if (a.requireInFlight && row.visible_at <= a.now) return "expired";
    doomed.add(e.seq);
    if (fifo && row.group_id !== null) groups.add(row.group_id);
    return "deleted";
  });
  if (doomed.size) await tx`DELETE FROM messages WHERE seq = ANY(${[...doomed]}::bigint[])`;
  await refreshGroups(tx, a.queueId, groups);
  // Deleting a FIFO message in flight may unblock the rest of its group.
  if (groups.size) wake.add(a.queueId);
  return out;
}

interface Change {
  readonly out: VisibilityOutcome[];
  readonly next: Map<number, number>;
  readonly groups: Set<string>;
  earlier: boolean;
}

/** Judges each entry in order, as if applied one at a time, against the locked rows. */
function judge(a: VisibilityArgs, found: Map<number, HandleRow>, fifo: boolean): Change {
  const c: Change = { out: [], next: new Map(), groups: new Set(), earlier: false };
  for (const e of a.entries) {
    const row = found.get(e.seq);
    if (!row || row.receive_count !== e.receiveCount) c.out.push("stale");
    else if (row.visible_at <= a.now) c.out.push("notInFlight");
    else if (a.now + e.visibilityMs > (row.received_at ?? a.now) + a.maxTotalMs) c.out.push("tooLong");
    else {
      const at = a.now + e.visibilityMs;
      if (at < row.visible_at) c.earlier = true;
      row.visible_at = at;
      c.next.set(row.seq, at);
      if (fifo && row.group_id !== null) c.groups.add(row.group_id);
      c.out.push("changed");
    }
  }
  return c;
}

export async function changeVisibility(tx: Tx, a: VisibilityArgs, wake: Wake): Promise<VisibilityOutcome[] | null> {
  const fifo = await lockQueue(tx, a.queueId);
  if (fifo === null) return null;
  const found = await lockHandles(tx, a.queueId, fifo, a.entries.map((e) => e.seq));
  const c = judge(a, found, fifo);
  if (c.next.size) {
    await tx`
      UPDATE messages m SET visible_at = v.at
      FROM unnest(${[...c.next.keys()]}::bigint[], ${[...c.next.values()]}::bigint[]) AS v(seq, at)
      WHERE m.seq = v.seq`;
  }
  await refreshGroups(tx, a.queueId, c.groups);
  // Only a shorter timeout can make a message available sooner than waiters expect.
  if (c.earlier) wake.add(a.queueId);
  return c.out;
}

export async function purge(tx: Tx, a: { queueId: number; now: number; intervalMs: number }): Promise<number | "inProgress" | null> {
  // NO KEY UPDATE serializes purges without blocking senders and receivers (KEY SHARE).
  const [q] = await tx<{ purged_at: number }[]>`SELECT purged_at FROM queues WHERE id = ${a.queueId} FOR NO KEY UPDATE`;
  if (!q) return null;
  if (q.purged_at > 0 && q.purged_at > a.now - a.intervalMs) return "inProgress";
  await tx`DELETE FROM fifo_groups WHERE queue_id = ${a.queueId}`;
  const deleted = await tx`DELETE FROM messages WHERE queue_id = ${a.queueId}`;
  await tx`UPDATE queues SET purged_at = ${a.now} WHERE id = ${a.queueId}`;
  return deleted.count;
}
