/**
 * Item writes on the embedded store. The single writer makes a check-then-write safe:
 * every expectation is checked before anything is written, then change records are
 * appended (the stream store reports a closed or missing shard before it writes), and
 * only then are items and index entries written. So a stale answer leaves nothing to
 * undo, except when changes go to several streams: that step runs in a savepoint.
 */
import type { IndexEntry, ItemPut, ItemWrite, WriteResult, WriteToken } from "../../services/tables/store.js";
import { asBuffer } from "../stream-rows.js";
import { changesByStream } from "../table-rows.js";
import { stmt, type Db } from "./database.js";
import { streamOps } from "./stream-ops.js";

const putRecords = streamOps["streams.put"];

/** The versions the items are at now (0 where absent), or the positions that are stale. */
function check(db: Db, writes: readonly ItemWrite[]): { old: number[] } | { stale: number[] } {
  const tableExists = stmt(db, "SELECT 1 FROM tables WHERE id = ?").pluck();
  const versionOf = stmt(db, "SELECT version, (? IS NULL OR item = ?) AS same FROM table_items WHERE table_id = ? AND pk = ? AND sk = ?");
  const tables = new Map<number, boolean>();
  const seen = writes.length > 1 ? new Set<string>() : null;
  const old: number[] = [];
  const stale: number[] = [];
  writes.forEach((w, i) => {
    let exists = tables.get(w.tableId);
    if (exists === undefined) tables.set(w.tableId, (exists = tableExists.get(w.tableId) !== undefined));
    const row = exists ? (versionOf.get(w.expectItem ?? null, w.expectItem ?? null, w.tableId, asBuffer(w.pk), asBuffer(w.sk)) as { version: number; same: number } | undefined) : undefined;
    // An item whose text differs from the one expected counts as a version nobody expects.
    const version = row ? (row.same ? row.version : -1) : 0;
    old.push(version);
    // Two writes to one item in a call are a service bug; refuse rather than pick one.
    const key = seen ? `${w.tableId}:${asBuffer(w.pk).toString("hex")}:${asBuffer(w.sk).toString("hex")}` : "";
    if (!exists || (w.expect !== null && w.expect !== version) || seen?.has(key)) stale.push(i);
    seen?.add(key);
  });
  return stale.length ? { stale } : { old };
}

class StaleStream extends Error {
  constructor(readonly positions: number[]) {
    super("stale stream");
  }
}

/** Appends each stream's change records in position order; the positions of a stale stream, if any. */
function appendChanges(db: Db, writes: readonly ItemWrite[], now: number): number[] | null {
  const byStream = changesByStream(writes);
  const appendAll = (): void => {
    for (const [streamId, g] of byStream) {
      if (putRecords(db, { streamId, entries: g.entries, now }) === "stale") throw new StaleStream(g.positions);
    }
  };
  try {
    // One stream refuses before writing anything; a second one may refuse after the first wrote.
    if (byStream.size > 1) db.transaction(appendAll)();
    else appendAll();
  } catch (err) {
    if (err instanceof StaleStream) return err.positions;
    throw err;
  }
  return null;
}

function insertEntries(db: Db, tableId: number, pk: Buffer, sk: Buffer, version: number, entries: readonly IndexEntry[]): void {
  if (!entries.length) return;
  const insert = stmt(db, "INSERT INTO table_index_items (table_id, index_name, ipk, isk, pk, sk, segment, version, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
  for (const e of entries) insert.run(tableId, e.index, asBuffer(e.ipk), asBuffer(e.isk), pk, sk, e.segment, version, e.item);
}

// Named: without statistics the planner looks an item's entries up along the primary key,
// reading every entry of the table.
const BY_ITEM = "FROM table_index_items INDEXED BY table_index_items_by_item WHERE table_id = ? AND pk = ? AND sk = ?";

function dropEntries(db: Db, tableId: number, pk: Buffer, sk: Buffer): void {
  stmt(db, `DELETE ${BY_ITEM}`).run(tableId, pk, sk);
}

interface OldEntry {
  index_name: string;
  ipk: Buffer;
  isk: Buffer;
}

/**
 * Replaces an existing item's entries. An entry whose index key is unchanged (the usual
 * update) is rewritten in place, which leaves the entry indexes alone; the rest are
 * deleted and inserted.
 */
function replaceEntries(db: Db, tableId: number, pk: Buffer, sk: Buffer, version: number, entries: readonly IndexEntry[]): void {
  const old = stmt(db, `SELECT index_name, ipk, isk ${BY_ITEM}`).all(tableId, pk, sk) as OldEntry[];
  if (!old.length) return insertEntries(db, tableId, pk, sk, version, entries);
  const rewrite = stmt(db, "UPDATE table_index_items SET version = ?, item = ? WHERE table_id = ? AND index_name = ? AND ipk = ? AND isk = ? AND pk = ? AND sk = ?");
  const fresh: IndexEntry[] = [];
  for (const e of entries) {
    const ipk = asBuffer(e.ipk);
    const isk = asBuffer(e.isk);
    const at = old.findIndex((o) => o.index_name === e.index && o.ipk.equals(ipk) && o.isk.equals(isk));
    if (at < 0) fresh.push(e);
    else {
      rewrite.run(version, e.item, tableId, e.index, ipk, isk, pk, sk);
      old.splice(at, 1);
    }
  }
  const drop = stmt(db, "DELETE FROM table_index_items WHERE table_id = ? AND index_name = ? AND ipk = ? AND isk = ? AND pk = ? AND sk = ?");
  for (const o of old) drop.run(tableId, o.index_name, o.ipk, o.isk, pk, sk);
  insertEntries(db, tableId, pk, sk, version, fresh);
}

function put(db: Db, w: ItemWrite, p: ItemPut, old: number): number {
  const pk = asBuffer(w.pk);
  const sk = asBuffer(w.sk);
  const version = old + 1;
  if (old === 0) {
    // A new item has no index entries: only a put or a backfill of a live item writes them.
    stmt(db, "INSERT INTO table_items (table_id, pk, sk, version, segment, size, expires_at, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
      .run(w.tableId, pk, sk, version, p.segment, p.size, p.expiresAt, p.item);
    insertEntries(db, w.tableId, pk, sk, version, p.index);
  } else {
    // The segment is the partition key's hash, so it never changes; leaving it out spares its index.
    stmt(db, "UPDATE table_items SET version = ?, size = ?, expires_at = ?, item = ? WHERE table_id = ? AND pk = ? AND sk = ?")
      .run(version, p.size, p.expiresAt, p.item, w.tableId, pk, sk);
    replaceEntries(db, w.tableId, pk, sk, version, p.index);
  }
  return version;
}

function remove(db: Db, w: ItemWrite, old: number): void {
  if (old === 0) return;
  const pk = asBuffer(w.pk);
  const sk = asBuffer(w.sk);
  stmt(db, "DELETE FROM table_items WHERE table_id = ? AND pk = ? AND sk = ?").run(w.tableId, pk, sk);
  dropEntries(db, w.tableId, pk, sk);
}

function apply(db: Db, w: ItemWrite, old: number): number {
  const action = w.action;
  if ("put" in action) return put(db, w, action.put, old);
  if ("delete" in action) remove(db, w, old);
  return 0;
}

function writeItems(db: Db, a: { writes: ItemWrite[]; now: number; token: WriteToken | null }): WriteResult {
  if (a.token) {
    const used = stmt(db, "SELECT fingerprint FROM table_tokens WHERE account = ? AND token = ?").pluck().get(a.token.account, a.token.token) as string | undefined;
    if (used !== undefined) return { ok: false, token: { fingerprint: used } };
  }
  const checked = check(db, a.writes);
  if ("stale" in checked) return { ok: false, stale: checked.stale };
  const staleStream = appendChanges(db, a.writes, a.now);
  if (staleStream) return { ok: false, stale: staleStream };
  const versions = a.writes.map((w, i) => apply(db, w, checked.old[i] ?? 0));
  if (a.token) {
    stmt(db, "INSERT INTO table_tokens (account, token, fingerprint, created_at) VALUES (?, ?, ?, ?)").run(a.token.account, a.token.token, a.token.fingerprint, a.now);
  }
  return { ok: true, versions };
}

export const tableWriteOps = {
  "tables.write": writeItems,
} as const;
