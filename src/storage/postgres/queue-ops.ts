/**
 * Queue records on PostgreSQL: create, look up, list, update, delete. Operations on a
 * queue's messages first take a KEY SHARE lock on its row (`lockQueue`), and deleting
 * a queue deletes that row first, so a delete waits for operations under way and
 * operations that start later find no queue: no message is ever left behind.
 */
import type { CreateOutcome, NewQueue, QueueRecord } from "../../services/queues/store.js";
import type { Conn, Tx } from "./database.js";

interface QueueRow {
  id: number;
  account: string;
  name: string;
  fifo: boolean;
  attributes: string;
  tags: string;
  created_at: number;
  modified_at: number;
}

function toQueue(r: QueueRow): QueueRecord {
  return {
    id: r.id,
    account: r.account,
    name: r.name,
    fifo: r.fifo,
    attributes: JSON.parse(r.attributes) as Record<string, string>,
    tags: JSON.parse(r.tags) as Record<string, string>,
    createdAt: r.created_at,
    modifiedAt: r.modified_at,
  };
}

/** Whether the queue is FIFO, or null when it does not exist; keeps it from being deleted until commit. */
export async function lockQueue(tx: Tx, id: number): Promise<boolean | null> {
  const [row] = await tx<{ fifo: boolean }[]>`SELECT fifo FROM queues WHERE id = ${id} FOR KEY SHARE`;
  return row ? row.fifo : null;
}

/** The queue an ARN names (arn:aws:sqs:region:account:name), locked as by `lockQueue`. */
export async function lockQueueByArn(tx: Tx, arn: string): Promise<{ id: number; fifo: boolean } | null> {
  const parts = arn.split(":");
  const account = parts[4];
  const name = parts[5];
  if (parts.length !== 6 || !account || !name) return null;
  const [row] = await tx<{ id: number; fifo: boolean }[]>`
    SELECT id, fifo FROM queues WHERE account = ${account} AND name = ${name} FOR KEY SHARE`;
  return row ?? null;
}

export async function queueById(db: Conn, id: number): Promise<QueueRecord | null> {
  const [row] = await db<QueueRow[]>`SELECT * FROM queues WHERE id = ${id}`;
  return row ? toQueue(row) : null;
}

export async function getQueue(db: Conn, account: string, name: string): Promise<QueueRecord | null> {
  const [row] = await db<QueueRow[]>`SELECT * FROM queues WHERE account = ${account} AND name = ${name}`;
  return row ? toQueue(row) : null;
}

export async function createQueue(tx: Tx, q: NewQueue): Promise<CreateOutcome> {
  const existing = await getQueue(tx, q.account, q.name);
  if (existing) return { kind: "exists", queue: existing };
  const [deleted] = await tx<{ deleted_at: number }[]>`
    SELECT deleted_at FROM deleted_queues WHERE account = ${q.account} AND name = ${q.name}`;
  if (deleted && deleted.deleted_at > q.now - q.recreateAfterMs) return { kind: "deletedRecently" };
  const [row] = await tx<QueueRow[]>`
    INSERT INTO queues (account, name, fifo, attributes, tags, retention_ms, created_at, modified_at)
    VALUES (${q.account}, ${q.name}, ${q.fifo}, ${JSON.stringify(q.attributes)}, ${JSON.stringify(q.tags)},
      ${q.retentionMs}, ${q.now}, ${q.now})
    ON CONFLICT (account, name) DO NOTHING
    RETURNING *`;
  if (row) return { kind: "created", queue: toQueue(row) };
  // Another process created it since we looked: the conflict waited for its commit.
  const raced = await getQueue(tx, q.account, q.name);
  if (!raced) throw new Error("queue vanished after a conflicting insert");
  return { kind: "exists", queue: raced };
}

export async function listQueues(
  db: Conn,
  a: { account: string; prefix: string; after: string | null; limit: number },
): Promise<QueueRecord[]> {
  // Prefix matching with starts_with, not LIKE, so '%' and '_' in names mean themselves;
  // the range on name lets the (account, name) index serve it.
  const rows = await db<QueueRow[]>`
    SELECT * FROM queues
    WHERE account = ${a.account} AND name >= ${a.prefix} AND name > ${a.after ?? ""} AND starts_with(name, ${a.prefix})
    ORDER BY name LIMIT ${a.limit}`;
  return rows.map(toQueue);
}

export async function updateQueue(
  db: Conn,
  a: { id: number; attributes: Readonly<Record<string, string>>; retentionMs: number; now: number },
): Promise<QueueRecord | null> {
  const [row] = await db<QueueRow[]>`
    UPDATE queues SET attributes = ${JSON.stringify(a.attributes)}, retention_ms = ${a.retentionMs}, modified_at = ${a.now}
    WHERE id = ${a.id} RETURNING *`;
  return row ? toQueue(row) : null;
}

export async function setTags(db: Conn, id: number, tags: Readonly<Record<string, string>>): Promise<QueueRecord | null> {
  const [row] = await db<QueueRow[]>`UPDATE queues SET tags = ${JSON.stringify(tags)} WHERE id = ${id} RETURNING *`;
  return row ? toQueue(row) : null;
}

export async function deleteQueue(tx: Tx, a: { id: number; now: number }): Promise<boolean> {
  const [q] = await tx<{ account: string; name: string }[]>`DELETE FROM queues WHERE id = ${a.id} RETURNING account, name`;
  if (!q) return false;
  await tx`DELETE FROM fifo_groups WHERE queue_id = ${a.id}`;
  await tx`DELETE FROM messages WHERE queue_id = ${a.id}`;
  await tx`DELETE FROM dedup WHERE queue_id = ${a.id}`;
  await tx`DELETE FROM receive_attempts WHERE queue_id = ${a.id}`;
  await tx`
    INSERT INTO deleted_queues (account, name, deleted_at) VALUES (${q.account}, ${q.name}, ${a.now})
    ON CONFLICT (account, name) DO UPDATE SET deleted_at = excluded.deleted_at`;
  return true;
}
