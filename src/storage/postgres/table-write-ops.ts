/**
 * Item writes on PostgreSQL. A write first takes a transaction-scoped advisory lock per
 * item it touches (a hash of table and key, in sorted order), absent items included:
 * row locks cannot guard a row that does not exist yet, and a transaction that checks
 * one item is absent while writing another must not interleave with one doing the
 * reverse. Every item writer holds these locks, so the versions read after taking them
 * stay true until commit. The table rows are held in KEY SHARE mode so a table cannot
 * be deleted under a write. Stale answers throw `Abort` to roll back what was written.
 */
import { createHash } from "node:crypto";
import type { RecordEntry } from "../../services/streams/store.js";
import type { IndexEntry, ItemPut, ItemWrite, WriteResult, WriteToken } from "../../services/tables/store.js";
import { transaction, type Sql, type Tx } from "./database.js";
import { putRecords } from "./stream-ops.js";
import { changesByStream } from "../table-rows.js";
import { hex } from "./table-ops.js";

/** Carries a refusal out of the transaction, rolling it back. */
class Abort extends Error {
  constructor(readonly result: WriteResult) {
    super("write refused");
  }
}

function lockKey(w: ItemWrite): bigint {
  const h = createHash("sha256").update(`sluice.table-item:${w.tableId}:${w.pk.length}:`);
  return h.update(w.pk).update(w.sk).digest().readBigInt64BE(0);
}

/** Locks every item, holds every table, and reads the versions the items are at (0 where absent). */
async function lockAndRead(tx: Tx, writes: readonly ItemWrite[]): Promise<{ tables: Set<number>; old: number[] }> {
  const keys = [...new Set(writes.map(lockKey))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
  const ids = [...new Set(writes.map((w) => w.tableId))].sort((a, b) => a - b);
  // Sent together; each statement reads a snapshot taken after the ones before it finished.
  const [, tables, found] = await Promise.all([
    tx`SELECT pg_advisory_xact_lock(k::bigint) FROM unnest(${keys}::text[]) WITH ORDINALITY AS u(k, i) ORDER BY i`,
    tx<{ id: number }[]>`SELECT id FROM tables WHERE id = ANY(${ids}::bigint[]) ORDER BY id FOR KEY SHARE`,
    tx<{ i: number; version: number; same: boolean }[]>`
      SELECT u.i, t.version, (u.expect_item IS NULL OR t.item = u.expect_item) AS same
      FROM unnest(${writes.map((w) => w.tableId)}::bigint[], ${hex(writes.map((w) => w.pk))}::text[], ${hex(writes.map((w) => w.sk))}::text[], ${writes.map((w) => w.expectItem ?? null)}::text[])
        WITH ORDINALITY AS u(table_id, pk, sk, expect_item, i)
      JOIN table_items t ON t.table_id = u.table_id AND t.pk = decode(u.pk, 'hex') AND t.sk = decode(u.sk, 'hex')`,
  ]);
  const old = writes.map(() => 0);
  // An item whose text differs from the one expected counts as a version nobody expects.
  for (const r of found) old[r.i - 1] = r.same ? r.version : -1;
  return { tables: new Set(tables.map((t) => t.id)), old };
}

function stalePositions(writes: readonly ItemWrite[], tables: Set<number>, old: readonly number[]): number[] {
  const seen = new Set<string>();
  const stale: number[] = [];
  writes.forEach((w, i) => {
    const version = old[i] ?? 0;
    // Two writes to one item in a call are a service bug; refuse rather than pick one.
    const key = `${w.tableId}:${w.pk.toString("hex")}:${w.sk.toString("hex")}`;
    if (!tables.has(w.tableId) || (w.expect !== null && w.expect !== version) || seen.has(key)) stale.push(i);
    seen.add(key);
  });
  return stale;
}

function entryRows(w: ItemWrite, version: number, entries: readonly IndexEntry[]): Record<string, unknown>[] {
  return entries.map((e) => ({ table_id: w.tableId, index_name: e.index, ipk: e.ipk, isk: e.isk, pk: w.pk, sk: w.sk, segment: e.segment, version, item: e.item }));
}

/**
 * The statements that apply one write, in the order they must run. The item's row is
 * written first: that waits out a backfill holding it in SHARE mode, so the entries
 * deleted next include any the backfill added.
 */
function statements(tx: Tx, w: ItemWrite, old: number): Promise<unknown>[] {
  const out: Promise<unknown>[] = [];
  const { tableId, pk, sk, action } = w;
  if ("check" in action || ("delete" in action && old === 0)) return out;
  if ("delete" in action) {
    out.push(tx`DELETE FROM table_items WHERE table_id = ${tableId} AND pk = ${pk} AND sk = ${sk}`);
  } else if (old === 0) {
    const p: ItemPut = action.put;
    out.push(tx`INSERT INTO table_items (table_id, pk, sk, version, segment, size, expires_at, item)
      VALUES (${tableId}, ${pk}, ${sk}, 1, ${p.segment}, ${p.size}, ${p.expiresAt}, ${p.item})`);
  } else {
    const p: ItemPut = action.put;
    out.push(tx`UPDATE table_items SET version = ${old + 1}, segment = ${p.segment}, size = ${p.size}, expires_at = ${p.expiresAt}, item = ${p.item}
      WHERE table_id = ${tableId} AND pk = ${pk} AND sk = ${sk}`);
  }
  if (old > 0) out.push(tx`DELETE FROM table_index_items WHERE table_id = ${tableId} AND pk = ${pk} AND sk = ${sk}`);
  const rows = "put" in action ? entryRows(w, old + 1, action.put.index) : [];
  if (rows.length) out.push(tx`INSERT INTO table_index_items ${tx(rows)}`);
  return out;
}

function byKey(a: ItemWrite, b: ItemWrite): number {
  return a.tableId - b.tableId || Buffer.compare(a.pk, b.pk) || Buffer.compare(a.sk, b.sk);
}

/** Appends change records, stream by stream in id order (as shards are locked), each in position order. */
async function appendChanges(tx: Tx, writes: readonly ItemWrite[], now: number): Promise<void> {
  const byStream = changesByStream(writes);
  for (const streamId of [...byStream.keys()].sort((a, b) => a - b)) {
    const g = byStream.get(streamId) as { entries: RecordEntry[]; positions: number[] };
    if ((await putRecords(tx, streamId, g.entries, now)) === "stale") throw new Abort({ ok: false, stale: g.positions });
  }
}

async function claimToken(tx: Tx, token: WriteToken, now: number): Promise<void> {
  // Waits for a transaction inserting the same token, then conflicts only if it committed.
  const mine = await tx`INSERT INTO table_tokens (account, token, fingerprint, created_at)
    VALUES (${token.account}, ${token.token}, ${token.fingerprint}, ${now}) ON CONFLICT (account, token) DO NOTHING RETURNING 1 AS x`;
  if (mine.length) return;
  const [row] = await tx<{ fingerprint: string }[]>`SELECT fingerprint FROM table_tokens WHERE account = ${token.account} AND token = ${token.token}`;
  throw new Abort({ ok: false, token: { fingerprint: row?.fingerprint ?? "" } });
}

async function writeIn(tx: Tx, writes: readonly ItemWrite[], now: number, token: WriteToken | undefined): Promise<WriteResult> {
  if (token) await claimToken(tx, token, now);
  if (!writes.length) return { ok: true, versions: [] };
  const { tables, old } = await lockAndRead(tx, writes);
  const stale = stalePositions(writes, tables, old);
  if (stale.length) throw new Abort({ ok: false, stale });
  const order = writes.map((w, i) => ({ w, i })).sort((a, b) => byKey(a.w, b.w));
  await Promise.all(order.flatMap(({ w, i }) => statements(tx, w, old[i] ?? 0)));
  await appendChanges(tx, writes, now);
  return { ok: true, versions: writes.map((w, i) => ("put" in w.action ? (old[i] ?? 0) + 1 : 0)) };
}

export async function writeItems(sql: Sql, writes: readonly ItemWrite[], now: number, token: WriteToken | undefined): Promise<WriteResult> {
  try {
    return await transaction(sql, (tx) => writeIn(tx, writes, now, token));
  } catch (err) {
    if (err instanceof Abort) return err.result;
    throw err;
  }
}
