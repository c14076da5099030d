/** The table store on PostgreSQL: one transaction per operation, single statements on the pool. */
import type {
  ExpiredItem,
  IndexEntry,
  ItemPage,
  ItemWrite,
  NewTable,
  QueryRequest,
  ScanRequest,
  StoredIndexItem,
  StoredItem,
  TableRecord,
  TableStore,
  WriteResult,
  WriteToken,
} from "../../services/tables/store.js";
import type { TableDefinition } from "../../services/tables/types.js";
import { transaction, type Sql } from "./database.js";
import * as ops from "./table-ops.js";
import * as reads from "./table-read-ops.js";
import { writeItems } from "./table-write-ops.js";

type Key = { readonly pk: Buffer; readonly sk: Buffer };

export class PostgresTableStore implements TableStore {
  constructor(private readonly sql: Sql) {}
  createTable(table: NewTable): Promise<TableRecord | "exists"> {
    return ops.createTable(this.sql, table);
  }
  getTable(account: string, name: string): Promise<TableRecord | null> {
    return ops.getTable(this.sql, account, name);
  }
  getTableById(id: number): Promise<TableRecord | null> {
    return ops.getTableById(this.sql, id);
  }
  listTables(account: string, after: string | null, limit: number): Promise<TableRecord[]> {
    return ops.listTables(this.sql, account, after, limit);
  }
  updateTable(tableId: number, version: number, definition: TableDefinition): Promise<"ok" | "stale"> {
    return ops.updateTable(this.sql, tableId, version, definition);
  }
  deleteTable(tableId: number): Promise<boolean> {
    return transaction(this.sql, (tx) => ops.deleteTable(tx, tableId));
  }
  getItems(tableId: number, keys: readonly Key[]): Promise<(StoredItem | null)[]> {
    return reads.getItems(this.sql, tableId, keys);
  }
  writeItems(writes: readonly ItemWrite[], now: number, token?: WriteToken): Promise<WriteResult> {
    return writeItems(this.sql, writes, now, token);
  }
  findToken(account: string, token: string, now: number, windowMs: number): Promise<string | null> {
    return ops.findToken(this.sql, account, token, now - windowMs);
  }
  query(q: QueryRequest): Promise<ItemPage<StoredIndexItem>> {
    return reads.query(this.sql, q);
  }
  scan(s: ScanRequest): Promise<ItemPage<StoredIndexItem>> {
    return reads.scan(this.sql, s);
  }
  expiredItems(nowSeconds: number, limit: number): Promise<ExpiredItem[]> {
    return ops.expiredItems(this.sql, nowSeconds, limit);
  }
  addIndexEntries(tableId: number, entries: readonly (Key & { readonly version: number; readonly entry: IndexEntry })[]): Promise<number> {
    return transaction(this.sql, (tx) => ops.addIndexEntries(tx, tableId, entries));
  }
  dropIndex(tableId: number, index: string): Promise<void> {
    return ops.dropIndex(this.sql, tableId, index);
  }
  stats(tableId: number): Promise<{ readonly count: number; readonly bytes: number }> {
    return ops.stats(this.sql, tableId);
  }
  trimTokens(before: number): Promise<number> {
    return ops.trimTokens(this.sql, before);
  }
}
