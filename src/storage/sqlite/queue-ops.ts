/**
 * Queue records on the embedded store: create, look up, list, update, delete, and
 * the housekeeping that spans queues (counts, sweeps). Each function runs inside the
 * executor's transaction; see executor.ts.
 */
import type { CreateOutcome, NewQueue, QueueCounts, QueueRecord } from "../../services/queues/store.js";
import { stmt, type Db } from "./database.js";

interface QueueRow {
  id: number;
  account: string;
  name: string;
  fifo: number;
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
}

const COLS = "id, account, name, fifo, attributes, tags, created_at, modified_at";

function toQueue(r: QueueRow): QueueRecord {
  return {
    id: r.id,
    account: r.account,
    name: r.name,
    fifo: r.fifo === 1,
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    tags: JSON.parse(r.tags) as Record<string, string>,
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
  };
}

export function queueExists(db: Db, id: number): boolean {
  return queueFifo(db, id) !== null;
}

/** Whether the queue is FIFO, or null when it does not exist. */
export function queueFifo(db: Db, id: number): boolean | null {
  const row = stmt(db, "SELECT fifo FROM queues WHERE id = ?").get(id) as { fifo: number } | undefined;
  return row ? row.fifo === 1 : null;
}

/** Records that a FIFO group has messages; its head only changes when it had none. */
export function touchGroup(db: Db, queueId: number, groupId: string, seq: number): void {
  stmt(
    db,
    `INSERT INTO fifo_groups (queue_id, group_id, head_seq, blocked_until) VALUES (?, ?, ?, 0)
     ON CONFLICT (queue_id, group_id) DO NOTHING`,
  ).run(queueId, groupId, seq);
}

function queueById(db: Db, id: number): QueueRecord | null {
  const row = stmt(db, `SELECT ${COLS} FROM queues WHERE id = ?`).get(id) as QueueRow | undefined;
  return row ? toQueue(row) : null;
}

export function queueIdByName(db: Db, account: string, name: string): number | null {
  const row = stmt(db, "SELECT id FROM queues WHERE account = ? AND name = ?").get(account, name) as
    | { id: number }
    | undefined;
  return row?.id ?? null;
}

function getQueue(db: Db, a: { account: string; name: string }): QueueRecord | null {
  const row = stmt(db, `SELECT ${COLS} FROM queues WHERE account = ? AND name = ?`).get(a.account, a.name) as
    | QueueRow
    | undefined;
  return row ? toQueue(row) : null;
}

function createQueue(db: Db, q: NewQueue): CreateOutcome {
  const existing = getQueue(db, q);
  if (existing) return { kind: "exists", queue: existing };
  const deleted = stmt(db, "SELECT deleted_at FROM deleted_queues WHERE account = ? AND name = ?").get(
    q.account,
    q.name,
  ) as { deleted_at: number } | undefined;
  if (deleted && deleted.deleted_at > q.now - q.recreateAfterMs) return { kind: "deletedRecently" };
  const info = stmt(
    db,
    `INSERT INTO queues (account, name, fifo, attributes, tags, retention_ms, created_at, modified_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(q.account, q.name, q.fifo ? 1 : 0, JSON.stringify(q.attributes), JSON.stringify(q.tags), q.retentionMs, q.now, q.now);
  const queue = queueById(db, Number(info.lastInsertRowid));
  if (!queue) throw new Error("queue vanished after insert");
  return { kind: "created", queue };
}

function listQueues(db: Db, a: { account: string; prefix: string; after: string | null; limit: number }): QueueRecord[] {
  // Prefix matching by range, not LIKE, so '%' and '_' in names mean themselves.
  const rows = stmt(
    db,
    `SELECT ${COLS} FROM queues WHERE account = ? AND name >= ? AND name > ? AND substr(name, 1, ?) = ?
     ORDER BY name LIMIT ?`,
  ).all(a.account, a.prefix, a.after ?? "", a.prefix.length, a.prefix, a.limit) as QueueRow[];
  return rows.map(toQueue);
}

function updateQueue(
  db: Db,
  a: { id: number; attributes: Record<string, string>; retentionMs: number; now: number },
): QueueRecord | null {
  stmt(db, "UPDATE queues SET attributes = ?, retention_ms = ?, modified_at = ? WHERE id = ?").run(
    JSON.stringify(a.attributes),
    a.retentionMs,
    a.now,
    a.id,
  );
  return queueById(db, a.id);
}

function setTags(db: Db, a: { id: number; tags: Record<string, string> }): QueueRecord | null {
  stmt(db, "UPDATE queues SET tags = ? WHERE id = ?").run(JSON.stringify(a.tags), a.id);
  return queueById(db, a.id);
}

function deleteQueue(db: Db, a: { id: number; now: number }): boolean {
  const q = queueById(db, a.id);
  if (!q) return false;
  for (const table of ["messages", "fifo_groups", "dedup", "receive_attempts"]) {
    stmt(db, `DELETE FROM ${table} WHERE queue_id = ?`).run(a.id);
  }
  stmt(db, "DELETE FROM queues WHERE id = ?").run(a.id);
  stmt(db, "INSERT OR REPLACE INTO deleted_queues (account, name, deleted_at) VALUES (?, ?, ?)").run(
    q.account,
    q.name,
    a.now,
  );
  return true;
}

function counts(db: Db, a: { queueId: number; now: number; retentionMs: number }): QueueCounts | null {
  if (!queueExists(db, a.queueId)) return null;
  const row = stmt(
    db,
    `SELECT
       COALESCE(SUM(visible_at <= @now), 0) AS visible,
       COALESCE(SUM(visible_at > @now AND receive_count > 0), 0) AS inFlight,
       COALESCE(SUM(visible_at > @now AND receive_count = 0), 0) AS delayed
     FROM messages WHERE queue_id = @queueId AND enqueued_at > @cutoff`,
  ).get({ queueId: a.queueId, now: a.now, cutoff: a.now - a.retentionMs }) as QueueCounts;
  return row;
}

function nextVisibleAt(db: Db, a: { queueId: number; now: number }): number | null {
  const row = stmt(
    db,
    `SELECT MIN(visible_at) AS t FROM messages WHERE queue_id = ? AND visible_at > ?`,
  ).get(a.queueId, a.now) as { t: number | null };
  const group = stmt(
    db,
    `SELECT MIN(blocked_until) AS t FROM fifo_groups WHERE queue_id = ? AND blocked_until > ?`,
  ).get(a.queueId, a.now) as { t: number | null };
  const times = [row.t, group.t].filter((t): t is number => t !== null);
  return times.length ? Math.min(...times) : null;
}

function sweep(db: Db, a: { now: number }): { expired: number; dedup: number } {
  let expired = 0;
  const queues = stmt(db, "SELECT id, retention_ms FROM queues").all() as { id: number; retention_ms: number }[];
  for (const q of queues) {
    const groups = stmt(
      db,
      `DELETE FROM messages WHERE queue_id = ? AND enqueued_at <= ? RETURNING group_id`,
    ).all(q.id, a.now - q.retention_ms) as { group_id: string | null }[];
    expired += groups.length;
    if (queueFifo(db, q.id)) {
      for (const g of new Set(groups.map((r) => r.group_id))) if (g !== null) refreshGroup(db, q.id, g);
    }
  }
  const dedup = stmt(db, "DELETE FROM dedup WHERE expires_at <= ?").run(a.now).changes;
  stmt(db, "DELETE FROM receive_attempts WHERE expires_at <= ?").run(a.now);
  return { expired, dedup };
}

/**
 * Recomputes a FIFO group's head and how long it stays blocked. Messages in flight are
 * always among a group's first ten: a group is only received from when nothing of it
 * is in flight, and a receive takes at most ten from its head.
 */
export function refreshGroup(db: Db, queueId: number, groupId: string): void {
  const rows = stmt(
    db,
    `SELECT seq, receive_count, visible_at FROM messages WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT 10`,
  ).all(queueId, groupId) as { seq: number; receive_count: number; visible_at: number }[];
  const head = rows[0];
  if (!head) {
    stmt(db, "DELETE FROM fifo_groups WHERE queue_id = ? AND group_id = ?").run(queueId, groupId);
    return;
  }
  const blocked = Math.max(0, ...rows.filter((r) => r.receive_count > 0).map((r) => r.visible_at));
  stmt(
    db,
    `INSERT INTO fifo_groups (queue_id, group_id, head_seq, blocked_until) VALUES (?, ?, ?, ?)
     ON CONFLICT (queue_id, group_id) DO UPDATE SET head_seq = excluded.head_seq, blocked_until = excluded.blocked_until`,
  ).run(queueId, groupId, head.seq, blocked);
}

export const queueOps = {
  "queues.create": createQueue,
  "queues.get": getQueue,
  "queues.list": listQueues,
  "queues.update": updateQueue,
  "queues.setTags": setTags,
  "queues.delete": deleteQueue,
  "queues.counts": counts,
  "queues.nextVisibleAt": nextVisibleAt,
  "queues.sweep": sweep,
} as const;
