/**
 * Tables on PostgreSQL: table records, index backfill and removal, TTL lookups, stats
 * and idempotency tokens. Items are written by table-write-ops.ts and read by
 * table-read-ops.ts. Lists of keys travel as hex text arrays (postgres.js sends an
 * array of Buffers as one bytea, not a bytea[]) and are decoded in the query.
 */
import type { ExpiredItem, IndexEntry, NewTable, TableRecord } from "../../services/tables/store.js";
import type { TableDefinition } from "../../services/tables/types.js";
import { tableFromRow, type TableRow } from "../table-rows.js";
import type { Conn, Tx } from "./database.js";

export const hex = (keys: readonly Buffer[]): string[] => keys.map((k) => k.toString("hex"));

export async function getTable(db: Conn, account: string, name: string): Promise<TableRecord | null> {
  const [row] = await db<TableRow[]>`SELECT id, account, name, created_at, version, definition FROM tables WHERE account = ${account} AND name = ${name}`;
  return row ? tableFromRow(row) : null;
}

export async function getTableById(db: Conn, id: number): Promise<TableRecord | null> {
  const [row] = await db<TableRow[]>`SELECT id, account, name, created_at, version, definition FROM tables WHERE id = ${id}`;
  return row ? tableFromRow(row) : null;
}

export async function createTable(db: Conn, t: NewTable): Promise<TableRecord | "exists"> {
  const [row] = await db<TableRow[]>`
    INSERT INTO tables (account, name, created_at, version, definition)
    VALUES (${t.account}, ${t.name}, ${t.createdAt}, 1, ${JSON.stringify(t.definition)})
    ON CONFLICT (account, name) DO NOTHING RETURNING id, account, name, created_at, version, definition`;
  return row ? tableFromRow(row) : "exists";
}

export async function listTables(db: Conn, account: string, after: string | null, limit: number): Promise<TableRecord[]> {
  const rows = await db<TableRow[]>`
    SELECT id, account, name, created_at, version, definition FROM tables
    WHERE account = ${account} AND name > ${after ?? ""} ORDER BY name LIMIT ${limit}`;
  return rows.map(tableFromRow);
}

export async function updateTable(db: Conn, tableId: number, version: number, definition: TableDefinition): Promise<"ok" | "stale"> {
  const rows = await db`UPDATE tables SET definition = ${JSON.stringify(definition)}, version = version + 1 WHERE id = ${tableId} AND version = ${version} RETURNING id`;
  return rows.length === 1 ? "ok" : "stale";
}

/** Deleting the row first waits out writes under way (they hold it in KEY SHARE mode) and turns later ones stale. */
export async function deleteTable(tx: Tx, tableId: number): Promise<boolean> {
  const gone = await tx`DELETE FROM tables WHERE id = ${tableId} RETURNING id`;
  if (gone.length !== 1) return false;
  await tx`DELETE FROM table_items WHERE table_id = ${tableId}`;
  await tx`DELETE FROM table_index_items WHERE table_id = ${tableId}`;
  return true;
}

export interface Backfill {
  readonly pk: Buffer;
  readonly sk: Buffer;
  readonly version: number;
  readonly entry: IndexEntry;
}

/**
 * Writes each entry whose item is still at the version the service read. The items are
 * locked in SHARE mode, in key order (as writers lock them), so a put cannot replace an
 * item's entries between the check and the insert.
 */
export async function addIndexEntries(tx: Tx, tableId: number, entries: readonly Backfill[]): Promise<number> {
  if (!entries.length) return 0;
  const live = await tx<{ i: number }[]>`
    SELECT u.i FROM unnest(${hex(entries.map((e) => e.pk))}::text[], ${hex(entries.map((e) => e.sk))}::text[], ${entries.map((e) => e.version)}::bigint[])
      WITH ORDINALITY AS u(pk, sk, version, i)
    JOIN table_items t ON t.table_id = ${tableId} AND t.pk = decode(u.pk, 'hex') AND t.sk = decode(u.sk, 'hex') AND t.version = u.version
    ORDER BY t.pk, t.sk FOR SHARE OF t`;
  const rows = live.map(({ i }) => {
    const b = entries[i - 1] as Backfill;
    return { table_id: tableId, index_name: b.entry.index, ipk: b.entry.ipk, isk: b.entry.isk, pk: b.pk, sk: b.sk, segment: b.entry.segment, version: b.version, item: b.entry.item };
  });
  if (!rows.length) return 0;
  await tx`INSERT INTO table_index_items ${tx(rows)}
    ON CONFLICT (table_id, index_name, ipk, isk, pk, sk) DO UPDATE SET segment = excluded.segment, version = excluded.version, item = excluded.item`;
  return rows.length;
}

export async function dropIndex(db: Conn, tableId: number, index: string): Promise<void> {
  await db`DELETE FROM table_index_items WHERE table_id = ${tableId} AND index_name = ${index}`;
}

export async function stats(db: Conn, tableId: number): Promise<{ count: number; bytes: number }> {
  const [row] = await db<{ count: number; bytes: number }[]>`
    SELECT COUNT(*) AS count, COALESCE(SUM(size), 0)::bigint AS bytes FROM table_items WHERE table_id = ${tableId}`;
  return { count: row?.count ?? 0, bytes: row?.bytes ?? 0 };
}

export async function expiredItems(db: Conn, nowSeconds: number, limit: number): Promise<ExpiredItem[]> {
  const rows = await db<{ table_id: number; pk: Buffer; sk: Buffer; version: number; item: string }[]>`
    SELECT table_id, pk, sk, version, item FROM table_items
    WHERE expires_at IS NOT NULL AND expires_at <= ${nowSeconds} ORDER BY expires_at LIMIT ${limit}`;
  return rows.map((r) => ({ tableId: r.table_id, pk: r.pk, sk: r.sk, version: r.version, item: r.item }));
}

export async function findToken(db: Conn, account: string, token: string, since: number): Promise<string | null> {
  const [row] = await db<{ fingerprint: string }[]>`
    SELECT fingerprint FROM table_tokens WHERE account = ${account} AND token = ${token} AND created_at > ${since}`;
  return row?.fingerprint ?? null;
}

export async function trimTokens(db: Conn, before: number): Promise<number> {
  const gone = await db`DELETE FROM table_tokens WHERE created_at < ${before}`;
  return gone.count;
}
