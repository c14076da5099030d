/**
 * Reads over a queue's messages (counts, the next time one becomes visible) and the
 * sweep that deletes expired messages and deduplication entries of every queue.
 * The sweep skips rows other transactions hold (SKIP LOCKED): a receive under way
 * expires its own candidates, and the next sweep catches the rest.
 */
import type { QueueCounts } from "../../services/queues/store.js";
import type { Conn, Tx } from "./database.js";
import { refreshGroup } from "./groups.js";

export async function counts(db: Conn, a: { queueId: number; now: number; retentionMs: number }): Promise<QueueCounts | null> {
  const [row] = await db<(QueueCounts & { found: boolean })[]>`
    SELECT EXISTS (SELECT 1 FROM queues WHERE id = ${a.queueId}) AS found,
      count(*) FILTER (WHERE visible_at <= ${a.now}) AS visible,
      count(*) FILTER (WHERE visible_at > ${a.now} AND receive_count > 0) AS "inFlight",
      count(*) FILTER (WHERE visible_at > ${a.now} AND receive_count = 0) AS delayed
    FROM messages WHERE queue_id = ${a.queueId} AND enqueued_at > ${a.now - a.retentionMs}`;
  if (!row?.found) return null;
  return { visible: row.visible, inFlight: row.inFlight, delayed: row.delayed };
}

export async function nextVisibleAt(db: Conn, a: { queueId: number; now: number }): Promise<number | null> {
  const [row] = await db<{ t: number | null }[]>`
    SELECT LEAST(
      (SELECT min(visible_at) FROM messages WHERE queue_id = ${a.queueId} AND visible_at > ${a.now}),
      (SELECT min(blocked_until) FROM fifo_groups WHERE queue_id = ${a.queueId} AND blocked_until > ${a.now})
    ) AS t`;
  return row?.t ?? null;
}

/** Deletes the expired messages of standard queues, in one statement. */
async function sweepStandard(tx: Tx, now: number): Promise<number> {
  const done = await tx`
    DELETE FROM messages WHERE seq IN (
      SELECT m.seq FROM messages m JOIN queues q ON q.id = m.queue_id
      WHERE NOT q.fifo AND m.enqueued_at <= ${now} - q.retention_ms
      FOR UPDATE OF m SKIP LOCKED)`;
  return done.count;
}

/** Deletes the expired messages of FIFO queues, group by group, each group locked first. */
async function sweepFifo(tx: Tx, now: number): Promise<number> {
  const groups = await tx<{ queue_id: number; group_id: string }[]>`
    SELECT g.queue_id, g.group_id FROM fifo_groups g
    WHERE EXISTS (
      SELECT 1 FROM messages m JOIN queues q ON q.id = m.queue_id
      WHERE m.queue_id = g.queue_id AND m.group_id = g.group_id AND m.enqueued_at <= ${now} - q.retention_ms)
    ORDER BY g.queue_id, g.group_id FOR UPDATE OF g SKIP LOCKED`;
  let expired = 0;
  for (const g of groups) {
    const done = await tx`
      DELETE FROM messages m USING queues q
      WHERE q.id = m.queue_id AND m.queue_id = ${g.queue_id} AND m.group_id = ${g.group_id}
        AND m.enqueued_at <= ${now} - q.retention_ms`;
    expired += done.count;
    await refreshGroup(tx, g.queue_id, g.group_id);
  }
  // Messages without a group are never delivered from a FIFO queue, but still expire.
  const loose = await tx`
    DELETE FROM messages m USING queues q
    WHERE q.id = m.queue_id AND q.fifo AND m.group_id IS NULL AND m.enqueued_at <= ${now} - q.retention_ms`;
  return expired + loose.count;
}

export async function sweep(tx: Tx, a: { now: number }): Promise<{ expired: number; dedup: number }> {
  const expired = (await sweepStandard(tx, a.now)) + (await sweepFifo(tx, a.now));
  const dedup = await tx`DELETE FROM dedup WHERE expires_at <= ${a.now}`;
  await tx`DELETE FROM receive_attempts WHERE expires_at <= ${a.now}`;
  return { expired, dedup: dedup.count };
}
