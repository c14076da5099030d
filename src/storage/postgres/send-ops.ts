/**
 * SendMessage(Batch) on PostgreSQL. Standard messages go in with one multi-row INSERT.
 * FIFO (or deduplicated) messages go one at a time: claim the deduplication id (an
 * upsert that only takes over an expired entry, so two processes sending the same id
 * at once cannot both win), lock the message group, then insert the message, which
 * sets the group's head when the group is new.
 */
import type { NewMessage, SendArgs, SentMessage } from "../../services/queues/store.js";
import type { Tx } from "./database.js";
import { lockGroupForSend } from "./groups.js";
import { lockQueue } from "./queue-ops.js";
import type { Wake } from "./rows.js";

/** Where a message's deduplication entry lives, when it has one. */
export interface DedupKey {
  readonly scope: string;
  readonly dedupId: string;
}

/** The columns a new message is inserted with. */
export interface MessageValues {
  readonly message_id: string;
  readonly body: string;
  readonly attrs: string | null;
  readonly sys_attrs: string | null;
  readonly md5_body: string;
  readonly md5_attrs: string | null;
  readonly md5_sys: string | null;
  readonly sender_id: string;
  readonly sent_at: number;
  readonly enqueued_at: number;
  readonly visible_at: number;
  readonly receive_count: number;
  readonly first_receive_at: number | null;
  readonly group_id: string | null;
  readonly dedup_id: string | null;
  readonly source_arn: string | null;
}

function valuesOf(m: NewMessage, now: number): MessageValues {
  return {
    message_id: m.messageId,
    body: m.body,
    attrs: m.attrs,
    sys_attrs: m.sysAttrs,
    md5_body: m.md5Body,
    md5_attrs: m.md5Attrs,
    md5_sys: m.md5Sys,
    sender_id: m.senderId,
    sent_at: now,
    enqueued_at: now,
    visible_at: now + m.delayMs,
    receive_count: 0,
    first_receive_at: null,
    group_id: m.groupId,
    dedup_id: m.dedupId,
    source_arn: null,
  };
}

/** The insertable columns of an existing message. */
export function copyValues(r: MessageValues): MessageValues {
  return {
    message_id: r.message_id,
    body: r.body,
    attrs: r.attrs,
    sys_attrs: r.sys_attrs,
    md5_body: r.md5_body,
    md5_attrs: r.md5_attrs,
    md5_sys: r.md5_sys,
    sender_id: r.sender_id,
    sent_at: r.sent_at,
    enqueued_at: r.enqueued_at,
    visible_at: r.visible_at,
    receive_count: r.receive_count,
    first_receive_at: r.first_receive_at,
    group_id: r.group_id,
    dedup_id: r.dedup_id,
    source_arn: r.source_arn,
  };
}

/**
 * Inserts one message and returns its seq. With `head`, a group row the caller
 * created (head 0) gets this message as its head; with `dedup`, the entry the caller
 * claimed learns the message's seq.
 */
export async function insertMessage(
  tx: Tx,
  queueId: number,
  v: MessageValues,
  head: boolean,
  dedup: DedupKey | null,
): Promise<number> {
  const [row] = await tx<{ seq: number }[]>`
    WITH m AS (
      INSERT INTO messages ${tx({ queue_id: queueId, ...v })} RETURNING seq
    ), g AS (
      UPDATE fifo_groups SET head_seq = m.seq FROM m
      WHERE ${head} AND queue_id = ${queueId} AND group_id = ${v.group_id} AND head_seq = 0
    ), d AS (
      UPDATE dedup SET seq = m.seq FROM m
      WHERE queue_id = ${queueId} AND scope = ${dedup?.scope ?? null} AND dedup_id = ${dedup?.dedupId ?? null}
        AND message_id = ${v.message_id}
    )
    SELECT seq FROM m`;
  if (!row) throw new Error("message insert returned no seq");
  return row.seq;
}

/** Standard queues need no per-message checks: one multi-row INSERT per thousand messages. */
async function insertMany(tx: Tx, queueId: number, messages: readonly NewMessage[], now: number): Promise<SentMessage[]> {
  const out: SentMessage[] = [];
  for (let i = 0; i < messages.length; i += 1000) {
    const chunk = messages.slice(i, i + 1000);
    const values = chunk.map((m) => ({ queue_id: queueId, ...valuesOf(m, now) }));
    const rows = await tx<{ seq: number }[]>`INSERT INTO messages ${tx(values)} RETURNING seq`;
    chunk.forEach((m, j) => out.push({ messageId: m.messageId, seq: rows[j]?.seq ?? 0, duplicate: false }));
  }
  return out;
}

/**
 * Claims `key` for a message, or returns the message that holds it. The upsert only
 * replaces an expired entry; a live one stays locked by us until commit, so the
 * SELECT that follows sees its committed contents.
 */
async function claimDedup(tx: Tx, a: SendArgs, m: NewMessage, key: DedupKey, windowMs: number): Promise<SentMessage | null> {
  const won = await tx`
    INSERT INTO dedup (queue_id, scope, dedup_id, message_id, seq, expires_at)
    VALUES (${a.queueId}, ${key.scope}, ${key.dedupId}, ${m.messageId}, 0, ${a.now + windowMs})
    ON CONFLICT (queue_id, scope, dedup_id) DO UPDATE
      SET message_id = excluded.message_id, seq = 0, expires_at = excluded.expires_at
      WHERE dedup.expires_at <= ${a.now}
    RETURNING 1`;
  if (won.length) return null;
  const [row] = await tx<{ message_id: string; seq: number }[]>`
    SELECT message_id, seq FROM dedup WHERE queue_id = ${a.queueId} AND scope = ${key.scope} AND dedup_id = ${key.dedupId}`;
  if (!row) throw new Error("deduplication entry vanished while locked");
  return { messageId: row.message_id, seq: row.seq, duplicate: true };
}

async function sendOne(tx: Tx, a: SendArgs, fifo: boolean, m: NewMessage): Promise<SentMessage> {
  const key = a.dedup && m.dedupId !== null ? { scope: a.dedup.byGroup ? (m.groupId ?? "") : "", dedupId: m.dedupId } : null;
  if (key && a.dedup) {
    const dup = await claimDedup(tx, a, m, key, a.dedup.windowMs);
    if (dup) return dup;
  }
  const grouped = fifo && m.groupId !== null;
  if (grouped && m.groupId !== null) await lockGroupForSend(tx, a.queueId, m.groupId);
  const seq = await insertMessage(tx, a.queueId, valuesOf(m, a.now), grouped, key);
  return { messageId: m.messageId, seq, duplicate: false };
}

export async function sendMessages(tx: Tx, a: SendArgs, wake: Wake): Promise<SentMessage[] | null> {
  const fifo = await lockQueue(tx, a.queueId);
  if (fifo === null) return null;
  let out: SentMessage[];
  if (!fifo && !a.dedup) {
    out = await insertMany(tx, a.queueId, a.messages, a.now);
  } else {
    out = [];
    for (const m of a.messages) out.push(await sendOne(tx, a, fifo, m));
  }
  if (out.some((s) => !s.duplicate)) wake.add(a.queueId);
  return out;
}
