/**
 * Turning a decided change to one item into a store write: the new item's stored form
 * (size, scan segment, TTL, index entries), the version it expects, and its change
 * record when the table has a stream. Also the retry loop every write runs in: a
 * "stale" answer means someone changed the item (or the table) since it was read.
 */
import { ServiceError, Fault } from "../../core/errors.js";
import { changeEntry, changeRecord } from "./changes.js";
import type { TableDeps } from "./context.js";
import { ValidationException } from "./errors.js";
import { encodePrimary, expiresAt, indexEntries, readKey, type EncodedKey } from "./keys.js";
import type { ExpectVersion, ItemWrite, StoredItem, TableRecord } from "./store.js";
import type { Item } from "./types.js";
import { valuesEqual } from "./values/compare.js";
import { partitionHash } from "./values/segment.js";
import { itemSize } from "./values/size.js";

export const MAX_ITEM_BYTES = 400 * 1024;

export interface Current {
  readonly item: Item | undefined;
  /** The version read (0 when absent), or null when the write does not depend on it. */
  readonly version: ExpectVersion;
  /** The item's stored text, when read. */
  readonly text?: string;
}

export const UNREAD: Current = { item: undefined, version: null };

export function parseStored(s: StoredItem | null): Current {
  return s ? { item: JSON.parse(s.item) as Item, version: s.version, text: s.item } : { item: undefined, version: 0 };
}

/** Reads the item at `key` with its version. */
export async function readCurrent(d: TableDeps, table: TableRecord, key: EncodedKey): Promise<Current> {
  const [found] = await d.store.getItems(table.id, [key]);
  return parseStored(found ?? null);
}

export function checkSize(item: Item): number {
  const size = itemSize(item);
  if (size > MAX_ITEM_BYTES) throw new ValidationException("Item size has exceeded the maximum allowed size");
  return size;
}

/** Whether a write must read the item first even without a condition: its stream records need the old image or the event name. */
export function needsOld(table: TableRecord): boolean {
  return table.definition.stream !== null;
}

export interface PlannedChange {
  readonly table: TableRecord;
  readonly key: EncodedKey;
  readonly current: Current;
  /** The item after the write; undefined deletes it; "check" writes nothing. */
  readonly next: Item | undefined | "check";
  readonly region: string;
  readonly byService?: boolean;
}

export function planWrite(d: TableDeps, p: PlannedChange): ItemWrite {
  const def = p.table.definition;
  const base = { tableId: p.table.id, pk: p.key.pk, sk: p.key.sk, expect: p.current.version, ...(p.current.text !== undefined ? { expectItem: p.current.text } : {}) };
  if (p.next === "check") return { ...base, action: { check: true } };
  const hash = partitionHash(p.key.pk);
  const segment = hash.readUInt32BE(0);
  const text = p.next ? JSON.stringify(p.next) : undefined;
  const size = p.next ? checkSize(p.next) : 0;
  const action: ItemWrite["action"] =
    p.next && text !== undefined ? { put: { item: text, size, segment, expiresAt: expiresAt(def, p.next, d.clock.now()), index: indexEntries(def, p.next) } } : { delete: true };
  // DynamoDB streams nothing for a write that changes nothing (deleting an absent item, putting the same item).
  if (!def.stream || (!p.next && !p.current.item) || (text !== undefined && text === p.current.text) || unchanged(p.current.item, p.next)) return { ...base, action };
  const keys = readKey(def.key, (p.next ?? p.current.item) as Item, "item");
  const record = changeRecord(def.stream, p.region, { keys, oldItem: p.current.item, newItem: p.next, ...(p.byService ? { byService: true } : {}) }, d.clock.now(), size);
  return record ? { ...base, action, change: changeEntry(def.stream, hash, record, { newImage: text, oldImage: p.current.text }) } : { ...base, action };
}

function unchanged(old: Item | undefined, next: Item | undefined): boolean {
  return old !== undefined && next !== undefined && valuesEqual({ M: old }, { M: next });
}

export function primaryKeyOf(table: TableRecord, item: Item): { key: Item; encoded: EncodedKey } {
  const key = readKey(table.definition.key, item, "item");
  return { key, encoded: encodePrimary(table.definition.key, key) };
}

/** Raised when a write kept finding its items changed under it. */
export class WriteContention extends ServiceError {
  constructor() {
    super("InternalServerError", "Internal server error: the item kept changing during the write; retry the request.", Fault.Receiver);
  }
}

export const MAX_ATTEMPTS = 50;

/**
 * Runs `attempt` until it does not answer "stale"; each retry reads everything again.
 * The table definition is re-read after the first stale answer.
 */
export async function retrying<T>(d: TableDeps, account: string, tableNames: readonly string[], attempt: (fresh: boolean) => Promise<T | "stale">): Promise<T> {
  for (let i = 0; i < MAX_ATTEMPTS; i++) {
    if (i > 0) for (const n of tableNames) d.directory.forget(account, n);
    const out = await attempt(i > 0);
    if (out !== "stale") return out;
  }
  throw new WriteContention();
}
