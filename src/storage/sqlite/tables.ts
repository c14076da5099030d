/** The table store on SQLite, over the group-commit executor. */
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
import type { Executor } from "./executor.js";
import type { SqliteOps } from "./ops.js";

type Key = { readonly pk: Buffer; readonly sk: Buffer };

export class SqliteTableStore implements TableStore {
  constructor(private readonly exec: Executor<SqliteOps>) {}
  createTable(table: NewTable): Promise<TableRecord | "exists"> {
    return this.exec.write("tables.create", table);
  }
  getTable(account: string, name: string): Promise<TableRecord | null> {
    return this.exec.read("tables.get", { account, name });
  }
  getTableById(id: number): Promise<TableRecord | null> {
    return this.exec.read("tables.getById", { id });
  }
  listTables(account: string, after: string | null, limit: number): Promise<TableRecord[]> {
    return this.exec.read("tables.list", { account, after, limit });
  }
  updateTable(tableId: number, version: number, definition: TableDefinition): Promise<"ok" | "stale"> {
    return this.exec.write("tables.update", { tableId, version, definition });
  }
  deleteTable(tableId: number): Promise<boolean> {
    return this.exec.write("tables.delete", { tableId });
  }
  getItems(tableId: number, keys: readonly Key[]): Promise<(StoredItem | null)[]> {
    return this.exec.read("tables.getItems", { tableId, keys: [...keys] });
  }
  writeItems(writes: readonly ItemWrite[], now: number, token?: WriteToken): Promise<WriteResult> {
    return this.exec.write("tables.write", { writes: [...writes], now, token: token ?? null });
  }
  findToken(account: string, token: string, now: number, windowMs: number): Promise<string | null> {
    return this.exec.read("tables.findToken", { account, token, since: now - windowMs });
  }
  query(q: QueryRequest): Promise<ItemPage<StoredIndexItem>> {
    return this.exec.read("tables.query", q);
  }
  scan(s: ScanRequest): Promise<ItemPage<StoredIndexItem>> {
    return this.exec.read("tables.scan", s);
  }
  expiredItems(nowSeconds: number, limit: number): Promise<ExpiredItem[]> {
    return this.exec.read("tables.expired", { nowSeconds, limit });
  }
  addIndexEntries(tableId: number, entries: readonly (Key & { readonly version: number; readonly entry: IndexEntry })[]): Promise<number> {
    return this.exec.write("tables.addIndexEntries", { tableId, entries: [...entries] });
  }
  dropIndex(tableId: number, index: string): Promise<void> {
    return this.exec.write("tables.dropIndex", { tableId, index });
  }
  stats(tableId: number): Promise<{ readonly count: number; readonly bytes: number }> {
    return this.exec.read("tables.stats", { tableId });
  }
  trimTokens(before: number): Promise<number> {
    return this.exec.write("tables.trimTokens", { before });
  }
}
