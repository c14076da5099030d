/**
 * Tables on the embedded store: table records, index backfill and removal, TTL lookups,
 * stats and idempotency tokens. Items are written by table-write-ops.ts and read by
 * table-read-ops.ts. Each function runs inside the executor's transaction (see
 * executor.ts); bytes arriving from the writer thread are Uint8Arrays, so keys pass
 * through `asBuffer` before they are bound.
 */
import type { ExpiredItem, IndexEntry, NewTable, TableRecord } from "../../services/tables/store.js";
import type { TableDefinition } from "../../services/tables/types.js";
import { asBuffer } from "../stream-rows.js";
import { tableFromRow, type TableRow } from "../table-rows.js";
import { stmt, type Db } from "./database.js";

const TABLE_COLS = "id, account, name, created_at, version, definition";

function getTable(db: Db, a: { account: string; name: string }): TableRecord | null {
  const row = stmt(db, `SELECT ${TABLE_COLS} FROM tables WHERE account = ? AND name = ?`).get(a.account, a.name) as TableRow | undefined;
  return row ? tableFromRow(row) : null;
}

function getTableById(db: Db, a: { id: number }): TableRecord | null {
  const row = stmt(db, `SELECT ${TABLE_COLS} FROM tables WHERE id = ?`).get(a.id) as TableRow | undefined;
  return row ? tableFromRow(row) : null;
}

function createTable(db: Db, t: NewTable): TableRecord | "exists" {
  const made = stmt(db, `INSERT INTO tables (account, name, created_at, version, definition) VALUES (?, ?, ?, 1, ?)
    ON CONFLICT (account, name) DO NOTHING`).run(t.account, t.name, t.createdAt, JSON.stringify(t.definition));
  if (made.changes !== 1) return "exists";
  return getTableById(db, { id: Number(made.lastInsertRowid) }) ?? "exists";
}

function listTables(db: Db, a: { account: string; after: string | null; limit: number }): TableRecord[] {
  const rows = stmt(db, `SELECT ${TABLE_COLS} FROM tables WHERE account = ? AND name > ? ORDER BY name LIMIT ?`).all(a.account, a.after ?? "", a.limit) as TableRow[];
  return rows.map(tableFromRow);
}

function updateTable(db: Db, a: { tableId: number; version: number; definition: TableDefinition }): "ok" | "stale" {
  const changed = stmt(db, "UPDATE tables SET definition = ?, version = version + 1 WHERE id = ? AND version = ?").run(JSON.stringify(a.definition), a.tableId, a.version).changes;
  return changed === 1 ? "ok" : "stale";
}

function deleteTable(db: Db, a: { tableId: number }): boolean {
  if (stmt(db, "DELETE FROM tables WHERE id = ?").run(a.tableId).changes !== 1) return false;
  stmt(db, "DELETE FROM table_items WHERE table_id = ?").run(a.tableId);
  stmt(db, "DELETE FROM table_index_items WHERE table_id = ?").run(a.tableId);
  return true;
}

export interface Backfill {
  pk: Uint8Array;
  sk: Uint8Array;
  version: number;
  entry: IndexEntry;
}

/** Writes each entry whose item is still at the version the service read it at. */
function addIndexEntries(db: Db, a: { tableId: number; entries: Backfill[] }): number {
  const probe = stmt(db, "SELECT version FROM table_items WHERE table_id = ? AND pk = ? AND sk = ?").pluck();
  const insert = stmt(db, `INSERT INTO table_index_items (table_id, index_name, ipk, isk, pk, sk, segment, version, item) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (table_id, index_name, ipk, isk, pk, sk) DO UPDATE SET segment = excluded.segment, version = excluded.version, item = excluded.item`);
  let added = 0;
  for (const b of a.entries) {
    const pk = asBuffer(b.pk);
    const sk = asBuffer(b.sk);
    if (probe.get(a.tableId, pk, sk) !== b.version) continue;
    const e = b.entry;
    insert.run(a.tableId, e.index, asBuffer(e.ipk), asBuffer(e.isk), pk, sk, e.segment, b.version, e.item);
    added++;
  }
  return added;
}

function dropIndex(db: Db, a: { tableId: number; index: string }): void {
  stmt(db, "DELETE FROM table_index_items WHERE table_id = ? AND index_name = ?").run(a.tableId, a.index);
}

function stats(db: Db, a: { tableId: number }): { count: number; bytes: number } {
  const row = stmt(db, "SELECT COUNT(*) AS count, COALESCE(SUM(size), 0) AS bytes FROM table_items WHERE table_id = ?").get(a.tableId) as { count: number; bytes: number };
  return { count: row.count, bytes: row.bytes };
}

function expiredItems(db: Db, a: { nowSeconds: number; limit: number }): ExpiredItem[] {
  const rows = stmt(db, `SELECT table_id, pk, sk, version, item FROM table_items
    WHERE expires_at IS NOT NULL AND expires_at <= ? ORDER BY expires_at LIMIT ?`).all(a.nowSeconds, a.limit) as
    { table_id: number; pk: Buffer; sk: Buffer; version: number; item: string }[];
  return rows.map((r) => ({ tableId: r.table_id, pk: r.pk, sk: r.sk, version: r.version, item: r.item }));
}

function findToken(db: Db, a: { account: string; token: string; since: number }): string | null {
  const row = stmt(db, "SELECT fingerprint FROM table_tokens WHERE account = ? AND token = ? AND created_at > ?").get(a.account, a.token, a.since) as
    | { fingerprint: string }
    | undefined;
  return row?.fingerprint ?? null;
}

function trimTokens(db: Db, a: { before: number }): number {
  return stmt(db, "DELETE FROM table_tokens WHERE created_at < ?").run(a.before).changes;
}

export const tableOps = {
  "tables.create": createTable,
  "tables.get": getTable,
  "tables.getById": getTableById,
  "tables.list": listTables,
  "tables.update": updateTable,
  "tables.delete": deleteTable,
  "tables.addIndexEntries": addIndexEntries,
  "tables.dropIndex": dropIndex,
  "tables.stats": stats,
  "tables.expired": expiredItems,
  "tables.findToken": findToken,
  "tables.trimTokens": trimTokens,
} as const;
