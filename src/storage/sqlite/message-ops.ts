/**
 * Messages on the embedded store: send (with FIFO deduplication), receive (standard
 * and FIFO, with redrive to the dead-letter queue and retention expiry), delete,
 * visibility changes and purge. Each function runs inside the executor's transaction.
 */
import type {
  DeleteArgs,
  DeleteOutcome,
  HandleRef,
  NewMessage,
  Received,
  ReceiveArgs,
  Redrive,
  SendArgs,
  SentMessage,
  StoredMessage,
  VisibilityArgs,
  VisibilityOutcome,
} from "../../services/queues/store.js";
import { stmt, type Db } from "./database.js";
import { queueExists, queueFifo, refreshGroup, touchGroup } from "./queue-ops.js";
import { messageFromRow } from "../rows.js";
import { COLS, perCount, rowFromValues, type MessageRow } from "./message-row.js";

const toMessage = messageFromRow;

/** "?, ?, ?" for `n` parameters; statements are cached per distinct text. */
export function marks(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}

const INSERT_COLS = `(queue_id, message_id, body, attrs, sys_attrs, md5_body, md5_attrs, md5_sys,
  sender_id, sent_at, enqueued_at, visible_at, receive_count, first_receive_at, group_id, dedup_id, source_arn)`;
const ROW = `(${marks(17)})`;
const INSERT = `INSERT INTO messages ${INSERT_COLS} VALUES ${ROW}`;
const insertRows = perCount(
  (n) => `INSERT INTO messages ${INSERT_COLS} VALUES ${Array.from({ length: n }, () => ROW).join(", ")} RETURNING seq`,
);

function newRow(queueId: number, m: NewMessage, now: number): unknown[] {
  return [queueId, m.messageId, m.body, m.attrs, m.sysAttrs, m.md5Body, m.md5Attrs, m.md5Sys, m.senderId, now, now,
    now + m.delayMs, 0, null, m.groupId, m.dedupId, null];
}

function insertMessage(db: Db, queueId: number, fifo: boolean, m: NewMessage, now: number): number {
  const seq = Number(stmt(db, INSERT).run(newRow(queueId, m, now)).lastInsertRowid);
  if (fifo && m.groupId !== null) touchGroup(db, queueId, m.groupId, seq);
  return seq;
}

/** Standard queues need no per-message checks: one multi-row INSERT per ten messages. */
function insertMany(db: Db, queueId: number, messages: readonly NewMessage[], now: number): SentMessage[] {
  const out: SentMessage[] = [];
  for (let i = 0; i < messages.length; i += 10) {
    const chunk = messages.slice(i, i + 10);
    const params: unknown[] = [];
    for (const m of chunk) params.push(...newRow(queueId, m, now));
    const seqs = stmt(db, insertRows(chunk.length)).pluck().all(params) as number[];
    chunk.forEach((m, j) => out.push({ messageId: m.messageId, seq: seqs[j] ?? 0, duplicate: false }));
  }
  return out;
}

function findDuplicate(db: Db, a: SendArgs, m: NewMessage): SentMessage | null {
  if (!a.dedup || m.dedupId === null) return null;
  const scope = a.dedup.byGroup ? (m.groupId ?? "") : "";
  const row = stmt(
    db,
    "SELECT message_id, seq, expires_at FROM dedup WHERE queue_id = ? AND scope = ? AND dedup_id = ?",
  ).get(a.queueId, scope, m.dedupId) as { message_id: string; seq: number; expires_at: number } | undefined;
  if (row && row.expires_at > a.now) return { messageId: row.message_id, seq: row.seq, duplicate: true };
  return null;
}

function sendMessages(db: Db, a: SendArgs): SentMessage[] | null {
  const fifo = queueFifo(db, a.queueId);
  if (fifo === null) return null;
  if (!fifo && !a.dedup) return insertMany(db, a.queueId, a.messages, a.now);
  const out: SentMessage[] = [];
  for (const m of a.messages) {
    const dup = findDuplicate(db, a, m);
    if (dup) {
      out.push(dup);
      continue;
    }
    const seq = insertMessage(db, a.queueId, fifo, m, a.now);
    if (a.dedup && m.dedupId !== null) {
      stmt(
        db,
        `INSERT OR REPLACE INTO dedup (queue_id, scope, dedup_id, message_id, seq, expires_at) VALUES (?, ?, ?, ?, ?, ?)`,
      ).run(a.queueId, a.dedup.byGroup ? (m.groupId ?? "") : "", m.dedupId, m.messageId, seq, a.now + a.dedup.windowMs);
    }
    out.push({ messageId: m.messageId, seq, duplicate: false });
  }
  return out;
}

/**
 * Moves a message to the dead-letter queue: same id, body, attributes, sent time and
 * receive count, visible at once. A FIFO message's deduplication id becomes its
 * message id, as AWS documents.
 */
function moveToDeadLetter(db: Db, row: MessageRow, r: Redrive, fifo: boolean, now: number): void {
  const dlqSeq = Number(
    stmt(db, INSERT).run([r.dlqId, row.message_id, row.body, row.attrs, row.sys_attrs, row.md5_body, row.md5_attrs,
      row.md5_sys, row.sender_id, row.sent_at, r.resetEnqueue ? now : row.enqueued_at, now, row.receive_count,
      row.first_receive_at, row.group_id, fifo ? row.message_id : row.dedup_id, r.sourceArn]).lastInsertRowid,
  );
  stmt(db, "DELETE FROM messages WHERE seq = ?").run(row.seq);
  if (fifo && row.group_id !== null) touchGroup(db, r.dlqId, row.group_id, dlqSeq);
}

interface Pass {
  readonly a: ReceiveArgs & { readonly fifo: boolean };
  readonly redrive: Redrive | null;
  readonly out: StoredMessage[];
  readonly taken: Set<number>;
  moved: number;
  expired: number;
}

type Verdict = "take" | "removed" | "skipped";

/**
 * Deletes every message of the queue past its retention period (one indexed range
 * delete), so a backlog of expired messages never hides the fresh ones behind it.
 */
function expireAll(db: Db, p: Pass): void {
  const rows = stmt(db, "DELETE FROM messages WHERE queue_id = ? AND enqueued_at <= ? RETURNING group_id").all(
    p.a.queueId,
    p.a.now - p.a.retentionMs,
  ) as { group_id: string | null }[];
  p.expired += rows.length;
  if (p.a.fifo) for (const g of new Set(rows.map((r) => r.group_id))) if (g !== null) refreshGroup(db, p.a.queueId, g);
}

/** Dead-letters or expires a candidate row, or says it may be delivered. */
function consider(db: Db, p: Pass, row: MessageRow): Verdict {
  const { a } = p;
  if (p.taken.has(row.seq)) return "skipped";
  if (row.enqueued_at <= a.now - a.retentionMs) {
    expireAll(db, p);
    return "removed";
  }
  if (p.redrive && row.receive_count >= p.redrive.maxReceiveCount) {
    moveToDeadLetter(db, row, p.redrive, a.fifo, a.now);
    p.moved++;
    return "removed";
  }
  return "take";
}

/** Marks rows received (one UPDATE for all of them) and adds them to the result. */
function claim(db: Db, p: Pass, rows: MessageRow[]): void {
  if (!rows.length) return;
  const { a } = p;
  stmt(
    db,
    `UPDATE messages SET visible_at = ?, receive_count = receive_count + 1,
     first_receive_at = COALESCE(first_receive_at, ?), received_at = ? WHERE seq IN (${marks(rows.length)})`,
  ).run(a.now + a.visibilityMs, a.now, a.now, ...rows.map((r) => r.seq));
  for (const row of rows) {
    row.receive_count += 1;
    row.first_receive_at ??= a.now;
    p.taken.add(row.seq);
    p.out.push(toMessage(row));
  }
}

const claimCleanSql = perCount(
  (n) => `UPDATE messages SET visible_at = ?, receive_count = receive_count + 1,
  first_receive_at = COALESCE(first_receive_at, ?), received_at = ?
  WHERE seq IN (${marks(n)}) AND enqueued_at > ? AND receive_count < ? RETURNING ${COLS}`,
);

/**
 * The common case in one UPDATE … RETURNING: claims the first visible rows that need
 * neither expiry nor dead-lettering, leaving those untouched for `consider`. The
 * covering-index SELECT fixes the delivery order (visible_at, then seq), which
 * RETURNING does not keep. Returns whether every candidate was claimed, in which case
 * nothing visible is left for `consider` to look at.
 */
function claimClean(db: Db, p: Pass): boolean {
  const { a } = p;
  const seqs = stmt(db, "SELECT seq FROM messages WHERE queue_id = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?")
    .pluck()
    .all(a.queueId, a.now, a.max) as number[];
  if (!seqs.length) return true;
  const rows = stmt(db, claimCleanSql(seqs.length))
    .raw()
    .all(a.now + a.visibilityMs, a.now, a.now, ...seqs, a.now - a.retentionMs,
      p.redrive?.maxReceiveCount ?? Number.MAX_SAFE_INTEGER) as unknown[][];
  const bySeq = new Map(rows.map((v) => [v[0] as number, rowFromValues(v)]));
  for (const seq of seqs) {
    const row = bySeq.get(seq);
    if (!row) continue;
    p.taken.add(seq);
    p.out.push(toMessage(row));
  }
  return rows.length === seqs.length;
}

function receiveStandard(db: Db, p: Pass): void {
  // A queue that is its own dead-letter queue re-finds what it moves until the round
  // cap; only the general loop reproduces exactly where that stops.
  const selfRedrive = p.redrive?.dlqId === p.a.queueId;
  if (!selfRedrive && claimClean(db, p)) return;
  // Rounds continue while rows disappear (expired or dead-lettered) and others may follow.
  for (let round = 0; round < 50 && p.out.length < p.a.max; round++) {
    const rows = stmt(
      db,
      `SELECT ${COLS} FROM messages WHERE queue_id = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?`,
    ).all(p.a.queueId, p.a.now, p.a.max - p.out.length + p.taken.size) as MessageRow[];
    let removed = false;
    const take: MessageRow[] = [];
    for (const row of rows) {
      if (p.out.length + take.length >= p.a.max) break;
      const verdict = consider(db, p, row);
      if (verdict === "take") take.push(row);
      else if (verdict === "removed") removed = true;
    }
    claim(db, p, take);
    if (!removed || rows.length === 0) break;
  }
}

/** Takes messages from one FIFO group's head, in order, stopping at the first unavailable one. */
function drainGroup(db: Db, p: Pass, groupId: string): void {
  const rows = stmt(
    db,
    `SELECT ${COLS} FROM messages WHERE queue_id = ? AND group_id = ? ORDER BY seq LIMIT ?`,
  ).all(p.a.queueId, groupId, p.a.max - p.out.length + 20) as MessageRow[];
  const take: MessageRow[] = [];
  for (const row of rows) {
    if (p.out.length + take.length >= p.a.max) break;
    if (row.visible_at > p.a.now && row.enqueued_at > p.a.now - p.a.retentionMs) break;
    if (consider(db, p, row) === "take") take.push(row);
  }
  claim(db, p, take);
  refreshGroup(db, p.a.queueId, groupId);
}

function receiveFifo(db: Db, p: Pass): void {
  let afterHead = 0;
  while (p.out.length < p.a.max) {
    const groups = stmt(
      db,
      `SELECT group_id, head_seq FROM fifo_groups WHERE queue_id = ? AND blocked_until <= ? AND head_seq > ?
       ORDER BY head_seq LIMIT 50`,
    ).all(p.a.queueId, p.a.now, afterHead) as { group_id: string; head_seq: number }[];
    if (!groups.length) break;
    for (const g of groups) {
      if (p.out.length >= p.a.max) break;
      drainGroup(db, p, g.group_id);
      afterHead = g.head_seq;
    }
  }
}

function retryAttempt(db: Db, a: ReceiveArgs & { fifo: boolean }): StoredMessage[] | null {
  if (!a.attempt) return null;
  const row = stmt(
    db,
    "SELECT handles, expires_at FROM receive_attempts WHERE queue_id = ? AND attempt_id = ?",
  ).get(a.queueId, a.attempt.id) as { handles: string; expires_at: number } | undefined;
  if (!row || row.expires_at <= a.now) return null;
  const refs = JSON.parse(row.handles) as HandleRef[];
  const rows: MessageRow[] = [];
  for (const ref of refs) {
    const m = stmt(db, `SELECT ${COLS} FROM messages WHERE seq = ?`).get(ref.seq) as MessageRow | undefined;
    // Any change since (deleted, received again, visibility expired) voids the attempt.
    if (!m || m.receive_count !== ref.receiveCount || m.visible_at <= a.now) return null;
    rows.push(m);
  }
  for (const m of rows) {
    stmt(db, "UPDATE messages SET visible_at = ? WHERE seq = ?").run(a.now + a.visibilityMs, m.seq);
    if (a.fifo && m.group_id !== null) refreshGroup(db, a.queueId, m.group_id);
  }
  return rows.map(toMessage);
}

function receiveMessages(db: Db, args: ReceiveArgs): Received | null {
  const fifo = queueFifo(db, args.queueId);
  if (fifo === null) return null;
  const a = { ...args, fifo };
  const again = retryAttempt(db, a);
  if (again) return { messages: again, moved: 0, expired: 0 };
  const redrive = a.redrive && queueExists(db, a.redrive.dlqId) ? a.redrive : null;
  const p: Pass = { a, redrive, out: [], taken: new Set(), moved: 0, expired: 0 };
  if (a.fifo) receiveFifo(db, p);
  else receiveStandard(db, p);
  if (a.attempt && p.out.length) {
    const refs: HandleRef[] = p.out.map((m) => ({ seq: m.seq, receiveCount: m.receiveCount }));
    stmt(
      db,
      "INSERT OR REPLACE INTO receive_attempts (queue_id, attempt_id, expires_at, handles) VALUES (?, ?, ?, ?)",
    ).run(a.queueId, a.attempt.id, a.now + a.attempt.windowMs, JSON.stringify(refs));
  }
  return { messages: p.out, moved: p.moved, expired: p.expired };
}

const deleteLookupSql = perCount(
  // "+queue_id" keeps SQLite on the primary key instead of scanning the queue's index.
  (n) => `SELECT seq, receive_count, visible_at, group_id FROM messages WHERE +queue_id = ? AND seq IN (${marks(n)})`,
);
const deleteSql = perCount((n) => `DELETE FROM messages WHERE seq IN (${marks(n)})`);

function deleteMessages(db: Db, a: DeleteArgs): DeleteOutcome[] | null {
  const fifo = queueFifo(db, a.queueId);
  if (fifo === null) return null;
  const found = new Map<number, { receive_count: number; visible_at: number; group_id: string | null }>();
  for (let i = 0; i < a.entries.length; i += 100) {
    const seqs = a.entries.slice(i, i + 100).map((e) => e.seq);
    const rows = stmt(db, deleteLookupSql(seqs.length)).all(a.queueId, ...seqs) as
      { seq: number; receive_count: number; visible_at: number; group_id: string | null }[];
    for (const r of rows) found.set(r.seq, r);
  }
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
  const seqs = [...doomed];
  for (let i = 0; i < seqs.length; i += 100) {
    const chunk = seqs.slice(i, i + 100);
    stmt(db, deleteSql(chunk.length)).run(...chunk);
  }
  for (const g of groups) refreshGroup(db, a.queueId, g);
  return out;
}

function changeVisibility(db: Db, a: VisibilityArgs): VisibilityOutcome[] | null {
  const fifo = queueFifo(db, a.queueId);
  if (fifo === null) return null;
  return a.entries.map((e): VisibilityOutcome => {
    const row = stmt(
      db,
      "SELECT receive_count, visible_at, received_at, group_id FROM messages WHERE seq = ? AND queue_id = ?",
    ).get(e.seq, a.queueId) as
      | { receive_count: number; visible_at: number; received_at: number | null; group_id: string | null }
      | undefined;
    if (!row || row.receive_count !== e.receiveCount) return "stale";
    if (row.visible_at <= a.now) return "notInFlight";
    if (a.now + e.visibilityMs > (row.received_at ?? a.now) + a.maxTotalMs) return "tooLong";
    stmt(db, "UPDATE messages SET visible_at = ? WHERE seq = ?").run(a.now + e.visibilityMs, e.seq);
    if (fifo && row.group_id !== null) refreshGroup(db, a.queueId, row.group_id);
    return "changed";
  });
}

function purge(db: Db, a: { queueId: number; now: number; intervalMs: number }): number | "inProgress" | null {
  const q = stmt(db, "SELECT purged_at FROM queues WHERE id = ?").get(a.queueId) as { purged_at: number } | undefined;
  if (!q) return null;
  if (q.purged_at > 0 && q.purged_at > a.now - a.intervalMs) return "inProgress";
  const n = stmt(db, "DELETE FROM messages WHERE queue_id = ?").run(a.queueId).changes;
  stmt(db, "DELETE FROM fifo_groups WHERE queue_id = ?").run(a.queueId);
  stmt(db, "UPDATE queues SET purged_at = ? WHERE id = ?").run(a.now, a.queueId);
  return n;
}

export const messageOps = {
  "messages.send": sendMessages,
  "messages.receive": receiveMessages,
  "messages.delete": deleteMessages,
  "messages.changeVisibility": changeVisibility,
  "messages.purge": purge,
} as const;
