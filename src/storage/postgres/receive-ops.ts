/**
 * ReceiveMessage on PostgreSQL, in one transaction. Standard queues claim visible
 * messages with FOR UPDATE SKIP LOCKED, so concurrent receivers in any number of
 * processes take disjoint messages and never wait on each other; a message another
 * receiver claimed and committed meanwhile fails the re-checked `visible_at` test.
 * FIFO queues claim whole message groups the same way (see groups.ts) and then take
 * each group's messages in order. Messages past retention are deleted and those
 * received too often move to the dead-letter queue during the same transaction.
 */
import type { HandleRef, Received, ReceiveArgs, Redrive, StoredMessage } from "../../services/queues/store.js";
import type { Tx } from "./database.js";
import { groupsOf, lockGroupForSend, lockGroups, refreshGroup, refreshGroups } from "./groups.js";
import { lockQueue } from "./queue-ops.js";
import { toMessage, type MessageRow, type Wake } from "./rows.js";
import { copyValues, insertMessage } from "./send-ops.js";

interface Pass {
  readonly a: ReceiveArgs & { readonly fifo: boolean };
  readonly redrive: Redrive | null;
  /** The dead-letter queue's FIFO flag once looked up (and locked); null when it is gone. */
  dlqFifo?: boolean | null;
  readonly out: StoredMessage[];
  readonly taken: Set<number>;
  moved: number;
  expired: number;
}

type Verdict = "take" | "removed" | "skipped";

/**
 * Moves a message to the dead-letter queue: same id, body, attributes, sent time and
 * receive count, visible at once. A FIFO message's deduplication id becomes its
 * message id, as AWS documents.
 */
async function moveToDeadLetter(tx: Tx, p: Pass, row: MessageRow, r: Redrive, dlqFifo: boolean): Promise<void> {
  const now = p.a.now;
  const grouped = dlqFifo && row.group_id !== null;
  if (grouped && row.group_id !== null) await lockGroupForSend(tx, r.dlqId, row.group_id);
  await insertMessage(tx, r.dlqId, {
    ...copyValues(row),
    enqueued_at: r.resetEnqueue ? now : row.enqueued_at,
    visible_at: now,
    dedup_id: p.a.fifo ? row.message_id : row.dedup_id,
    source_arn: r.sourceArn,
  }, grouped, null);
  await tx`DELETE FROM messages WHERE seq = ${row.seq}`;
}

/** Dead-letters or expires a candidate row, or says it may be delivered. */
async function consider(tx: Tx, p: Pass, row: MessageRow): Promise<Verdict> {
  const { a } = p;
  if (p.taken.has(row.seq)) return "skipped";
  if (row.enqueued_at <= a.now - a.retentionMs) {
    await tx`DELETE FROM messages WHERE seq = ${row.seq}`;
    p.expired++;
    return "removed";
  }
  if (p.redrive && row.receive_count >= p.redrive.maxReceiveCount) {
    // Looked up on first need, so receives that move nothing never touch the dead-letter queue.
    if (p.dlqFifo === undefined) p.dlqFifo = await lockQueue(tx, p.redrive.dlqId);
    if (p.dlqFifo === null) return "take";
    await moveToDeadLetter(tx, p, row, p.redrive, p.dlqFifo);
    p.moved++;
    return "removed";
  }
  return "take";
}

/** Marks rows received (one UPDATE for all of them) and adds them to the result. */
async function claim(tx: Tx, p: Pass, rows: MessageRow[]): Promise<void> {
  if (!rows.length) return;
  const { a } = p;
  await tx`
    UPDATE messages SET visible_at = ${a.now + a.visibilityMs}, receive_count = receive_count + 1,
      first_receive_at = COALESCE(first_receive_at, ${a.now}), received_at = ${a.now}
    WHERE seq = ANY(${rows.map((r) => r.seq)}::bigint[])`;
  for (const row of rows) {
    row.receive_count += 1;
    row.first_receive_at ??= a.now;
    p.taken.add(row.seq);
    p.out.push(toMessage(row));
  }
}

async function receiveStandard(tx: Tx, p: Pass): Promise<void> {
  // Rounds continue while rows disappear (expired or dead-lettered) and others may follow.
  for (let round = 0; round < 50 && p.out.length < p.a.max; round++) {
    const rows = await tx<MessageRow[]>`
      SELECT * FROM messages WHERE queue_id = ${p.a.queueId} AND visible_at <= ${p.a.now}
      ORDER BY visible_at LIMIT ${p.a.max - p.out.length + p.taken.size}
      FOR UPDATE SKIP LOCKED`;
    let removed = false;
    const take: MessageRow[] = [];
    for (const row of rows) {
      if (p.out.length + take.length >= p.a.max) break;
      const verdict = await consider(tx, p, row);
      if (verdict === "take") take.push(row);
      else if (verdict === "removed") removed = true;
    }
    await claim(tx, p, take);
    if (!removed || rows.length === 0) break;
  }
}

/** Takes messages from one claimed FIFO group's head, in order, stopping at the first unavailable one. */
async function drainGroup(tx: Tx, p: Pass, groupId: string): Promise<void> {
  const rows = await tx<MessageRow[]>`
    SELECT * FROM messages WHERE queue_id = ${p.a.queueId} AND group_id = ${groupId}
    ORDER BY seq LIMIT ${p.a.max - p.out.length + 20} FOR UPDATE`;
  const take: MessageRow[] = [];
  for (const row of rows) {
    if (p.out.length + take.length >= p.a.max) break;
    if (row.visible_at > p.a.now && row.enqueued_at > p.a.now - p.a.retentionMs) break;
    if ((await consider(tx, p, row)) === "take") take.push(row);
  }
  await claim(tx, p, take);
  await refreshGroup(tx, p.a.queueId, groupId);
}

async function receiveFifo(tx: Tx, p: Pass): Promise<void> {
  let afterHead = 0;
  while (p.out.length < p.a.max) {
    // Groups another receiver holds are skipped, not waited for: they are its to deliver.
    const groups = await tx<{ group_id: string; head_seq: number }[]>`
      SELECT group_id, head_seq FROM fifo_groups
      WHERE queue_id = ${p.a.queueId} AND blocked_until <= ${p.a.now} AND head_seq > ${afterHead}
      ORDER BY head_seq LIMIT 50 FOR UPDATE SKIP LOCKED`;
    if (!groups.length) break;
    for (const g of groups) {
      if (p.out.length >= p.a.max) break;
      await drainGroup(tx, p, g.group_id);
      afterHead = g.head_seq;
    }
  }
}

async function attemptRows(tx: Tx, a: ReceiveArgs, refs: HandleRef[], lock: boolean): Promise<MessageRow[] | null> {
  const seqs = refs.map((r) => r.seq);
  const rows = lock
    ? await tx<MessageRow[]>`SELECT * FROM messages WHERE queue_id = ${a.queueId} AND seq = ANY(${seqs}::bigint[]) ORDER BY seq FOR UPDATE`
    : await tx<MessageRow[]>`SELECT * FROM messages WHERE queue_id = ${a.queueId} AND seq = ANY(${seqs}::bigint[])`;
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const out: MessageRow[] = [];
  for (const ref of refs) {
    const m = bySeq.get(ref.seq);
    // Any change since (deleted, received again, visibility expired) voids the attempt.
    if (!m || m.receive_count !== ref.receiveCount || m.visible_at <= a.now) return null;
    out.push(m);
  }
  return out;
}

/** A retried ReceiveRequestAttemptId gets the same messages again, with a fresh visibility timeout. */
async function retryAttempt(tx: Tx, a: ReceiveArgs & { fifo: boolean }): Promise<StoredMessage[] | null> {
  if (!a.attempt) return null;
  const [row] = await tx<{ handles: string; expires_at: number }[]>`
    SELECT handles, expires_at FROM receive_attempts WHERE queue_id = ${a.queueId} AND attempt_id = ${a.attempt.id}`;
  if (!row || row.expires_at <= a.now) return null;
  const refs = JSON.parse(row.handles) as HandleRef[];
  const seen = await attemptRows(tx, a, refs, false);
  if (!seen) return null;
  const groups = a.fifo ? groupsOf(seen) : new Set<string>();
  await lockGroups(tx, a.queueId, groups);
  const rows = await attemptRows(tx, a, refs, true);
  if (!rows) return null;
  await tx`UPDATE messages SET visible_at = ${a.now + a.visibilityMs} WHERE seq = ANY(${rows.map((m) => m.seq)}::bigint[])`;
  await refreshGroups(tx, a.queueId, groups);
  return rows.map(toMessage);
}

async function saveAttempt(tx: Tx, a: ReceiveArgs, out: StoredMessage[]): Promise<void> {
  if (!a.attempt || !out.length) return;
  const refs: HandleRef[] = out.map((m) => ({ seq: m.seq, receiveCount: m.receiveCount }));
  await tx`
    INSERT INTO receive_attempts (queue_id, attempt_id, expires_at, handles)
    VALUES (${a.queueId}, ${a.attempt.id}, ${a.now + a.attempt.windowMs}, ${JSON.stringify(refs)})
    ON CONFLICT (queue_id, attempt_id) DO UPDATE SET expires_at = excluded.expires_at, handles = excluded.handles`;
}

export async function receiveMessages(tx: Tx, args: ReceiveArgs, wake: Wake): Promise<Received | null> {
  const fifo = await lockQueue(tx, args.queueId);
  if (fifo === null) return null;
  const a = { ...args, fifo };
  const again = await retryAttempt(tx, a);
  if (again) return { messages: again, moved: 0, expired: 0 };
  const p: Pass = { a, redrive: a.redrive, out: [], taken: new Set(), moved: 0, expired: 0 };
  if (a.fifo) await receiveFifo(tx, p);
  else await receiveStandard(tx, p);
  await saveAttempt(tx, a, p.out);
  if (p.moved && a.redrive) wake.add(a.redrive.dlqId);
  return { messages: p.out, moved: p.moved, expired: p.expired };
}
