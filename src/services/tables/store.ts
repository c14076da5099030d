/**
 * The table store contract. A table owns items; an item is addressed by its encoded
 * primary key (`pk`, and `sk` — empty when the table has no sort key) and carries a
 * `version` that every write bumps. Index entries are copies of (projected) items
 * under an index's encoded key, kept by the store beside their item. Change records go
 * into the table's change stream (a stream in the stream store) in the same
 * transaction as the item.
 *
 * Stores hold no policy: the service reads items, evaluates conditions and expressions,
 * encodes keys and builds index entries and change records, then asks the store to
 * apply all of it if every item is still at the version it read. A store answers
 * "stale" instead of guessing, and the service reads again.
 *
 * Encoded keys compare as DynamoDB orders key values when compared bytewise (SQLite
 * BLOB and PostgreSQL bytea compare with memcmp). `segment` is a 32-bit hash of the
 * partition key: scans run in (segment, pk, sk) order and parallel scan segments are
 * ranges of it.
 */
import type { RecordEntry } from "../streams/store.js";
import type { TableDefinition } from "./types.js";

export interface TableRecord {
  readonly id: number;
  readonly account: string;
  readonly name: string;
  readonly createdAt: number;
  /** Bumped by every change to the definition; updates name the version they read. */
  readonly version: number;
  readonly definition: TableDefinition;
}

export interface NewTable {
  readonly account: string;
  readonly name: string;
  readonly createdAt: number;
  readonly definition: TableDefinition;
}

/** An item as stored: its AttributeValue map as JSON text, exactly as the service wrote it. */
export interface StoredItem {
  readonly pk: Buffer;
  readonly sk: Buffer;
  readonly version: number;
  readonly item: string;
}

/** A stored index entry, with the primary key of the item it copies. */
export interface StoredIndexItem extends StoredItem {
  /** The index's encoded partition and sort keys (sort key empty when it has none). */
  readonly ipk: Buffer;
  readonly isk: Buffer;
}

export interface IndexEntry {
  readonly index: string;
  readonly ipk: Buffer;
  readonly isk: Buffer;
  readonly segment: number;
  /** The projected item, JSON text. */
  readonly item: string;
}

export interface ItemPut {
  /** JSON text of the whole item. */
  readonly item: string;
  /** The item's size by DynamoDB's rules, in bytes (paging and table size). */
  readonly size: number;
  readonly segment: number;
  /** Epoch seconds from the table's TTL attribute, when it holds a number. */
  readonly expiresAt: number | null;
  /** Every index entry the item has now; the store replaces the old ones. */
  readonly index: readonly IndexEntry[];
}

/** Version expectations: any version, absent, or exactly this version. */
export const Expect = { Any: null, Absent: 0 } as const;
export type ExpectVersion = number | null;

export interface ItemWrite {
  readonly tableId: number;
  readonly pk: Buffer;
  readonly sk: Buffer;
  readonly expect: ExpectVersion;
  /**
   * With a version expectation, the item's text must also be this: versions restart at 1
   * when an item is deleted and put again, so a version alone could match an item that
   * was re-created since it was read.
   */
  readonly expectItem?: string;
  /** One of: write the item, delete it, or only check the expectation. */
  readonly action: { readonly put: ItemPut } | { readonly delete: true } | { readonly check: true };
  /** A change record for the table's stream, appended in the same transaction. */
  readonly change?: { readonly streamId: number; readonly entry: RecordEntry };
}

/** A ClientRequestToken of TransactWriteItems, remembered for idempotency. */
export interface WriteToken {
  readonly account: string;
  readonly token: string;
  /** A digest of the request; a reused token with another request is a mismatch. */
  readonly fingerprint: string;
}

export type WriteResult =
  /** Every write applied; the new version of each item (0 where deleted or checked). */
  | { readonly ok: true; readonly versions: number[] }
  /** Nothing applied: the positions whose expectation failed, or whose table or stream is gone. */
  | { readonly ok: false; readonly stale: number[] }
  /** Nothing applied: the token was used already, with the fingerprint it was used with. */
  | { readonly ok: false; readonly token: { readonly fingerprint: string } };

/** A range of encoded sort keys; both ends optional. */
export interface KeyRange {
  readonly lo?: { readonly key: Buffer; readonly inclusive: boolean };
  readonly hi?: { readonly key: Buffer; readonly inclusive: boolean };
}

/** Where a page of a query or scan starts: after this position. */
export interface Cursor {
  readonly segment?: number;
  readonly ipk?: Buffer;
  readonly isk?: Buffer;
  readonly pk: Buffer;
  readonly sk: Buffer;
}

export interface QueryRequest {
  readonly tableId: number;
  /** Null for the table itself. */
  readonly index: string | null;
  /** The encoded partition key (of the index when `index` is set). */
  readonly pk: Buffer;
  readonly range: KeyRange;
  readonly forward: boolean;
  readonly after: Cursor | null;
  readonly limit: number;
  /** Stop once this many bytes of items were read (always at least one item). */
  readonly maxBytes: number;
}

export interface ScanRequest {
  readonly tableId: number;
  readonly index: string | null;
  /** Segments [from, to) of the 32-bit hash space. */
  readonly segments: { readonly from: number; readonly to: number };
  readonly after: Cursor | null;
  readonly limit: number;
  readonly maxBytes: number;
}

export interface ItemPage<T extends StoredItem = StoredItem> {
  readonly items: T[];
  /** True when more items may follow the last one returned. */
  readonly more: boolean;
}

export interface ExpiredItem extends StoredItem {
  readonly tableId: number;
}

export interface TableStore {
  /** "exists" when the account already has a table of that name. */
  createTable(table: NewTable): Promise<TableRecord | "exists">;
  getTable(account: string, name: string): Promise<TableRecord | null>;
  getTableById(id: number): Promise<TableRecord | null>;
  /** Names after `after`, in order, at most `limit`. */
  listTables(account: string, after: string | null, limit: number): Promise<TableRecord[]>;
  /** Replaces the definition if the table is still at `version`. */
  updateTable(tableId: number, version: number, definition: TableDefinition): Promise<"ok" | "stale">;
  /** Removes the table with its items and index entries. */
  deleteTable(tableId: number): Promise<boolean>;
  /** The items at these keys of one table, in order; null where absent. */
  getItems(tableId: number, keys: readonly { readonly pk: Buffer; readonly sk: Buffer }[]): Promise<(StoredItem | null)[]>;
  /** Applies every write, or none (see WriteResult). */
  writeItems(writes: readonly ItemWrite[], now: number, token?: WriteToken): Promise<WriteResult>;
  /** The fingerprint a token was used with within `windowMs` before `now`, if it was. */
  findToken(account: string, token: string, now: number, windowMs: number): Promise<string | null>;
  /** Index query on `pk` when `index` is set, else a table query. */
  query(q: QueryRequest): Promise<ItemPage<StoredIndexItem>>;
  scan(s: ScanRequest): Promise<ItemPage<StoredIndexItem>>;
  /** Items whose TTL passed (expiresAt ≤ nowSeconds), oldest first, at most `limit`. */
  expiredItems(nowSeconds: number, limit: number): Promise<ExpiredItem[]>;
  /** Writes index entries for items that are still at the given versions (index backfill). */
  addIndexEntries(tableId: number, entries: readonly { readonly pk: Buffer; readonly sk: Buffer; readonly version: number; readonly entry: IndexEntry }[]): Promise<number>;
  /** Removes every entry of one index. */
  dropIndex(tableId: number, index: string): Promise<void>;
  /** Item count and total size. */
  stats(tableId: number): Promise<{ readonly count: number; readonly bytes: number }>;
  /** Forgets tokens older than `before`. */
  trimTokens(before: number): Promise<number>;
}
