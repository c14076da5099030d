/**
 * Helpers of the TableStore conformance suite: table definitions, item writes, keys
 * as raw bytes, paging through queries and scans, and a reference order (memcmp) to
 * compare pages against. Tests see the whole Storage, so they can create the streams
 * that change records go to.
 */
import { expect } from "vitest";
import type {
  Cursor,
  ExpectVersion,
  IndexEntry,
  ItemPage,
  ItemWrite,
  QueryRequest,
  ScanRequest,
  StoredIndexItem,
  TableRecord,
  TableStore,
  WriteResult,
  WriteToken,
} from "../../services/tables/store.js";
import { BillingMode, type TableDefinition } from "../../services/tables/types.js";
import type { Storage } from "../types.js";
import { account, T0 } from "./queue-helpers.js";
import type { StoreCtx } from "./suite.js";

export type Ctx = StoreCtx<Storage>;
export { account, T0 };

export const FULL = 2 ** 32;
export const EMPTY = Buffer.alloc(0);

let eras = 0;
/**
 * A time far below every other test's and below the previous call's, in seconds (TTL)
 * or milliseconds (tokens): lookups across all tables at such times see only the rows
 * of their own test, even on a database the suite shares.
 */
export function era(): number {
  eras += 1;
  return 1_000_000_000 - eras * 1_000_000;
}

export function definition(more: Partial<TableDefinition> = {}): TableDefinition {
  return {
    tableId: "00000000-0000-4000-8000-000000000000",
    arn: "arn:aws:dynamodb:us-east-1:000000000000:table/t",
    key: { hash: { name: "pk", type: "S" }, range: { name: "sk", type: "B" } },
    attributes: { pk: "S", sk: "B" },
    billing: BillingMode.PayPerRequest,
    throughput: null,
    indexes: [],
    stream: null,
    latestStream: null,
    ttl: null,
    tags: {},
    deletionProtection: false,
    tableClass: "STANDARD",
    ...more,
  };
}

export async function makeTable(store: TableStore, name = "t", more: { account?: string; definition?: TableDefinition; createdAt?: number } = {}): Promise<TableRecord> {
  const out = await store.createTable({ account: more.account ?? account(), name, createdAt: more.createdAt ?? T0, definition: more.definition ?? definition() });
  if (out === "exists") throw new Error(`table ${name} already exists`);
  return out;
}

/** A key from its bytes. */
export const k = (...bytes: number[]): Buffer => Buffer.from(bytes);
export const hexOf = (b: Buffer): string => b.toString("hex");

export interface PutOpts {
  readonly expect?: ExpectVersion;
  readonly size?: number;
  readonly segment?: number;
  readonly expiresAt?: number | null;
  readonly index?: readonly IndexEntry[];
  readonly change?: ItemWrite["change"];
}

/** A JSON item naming its key, so reads can be traced back to writes. */
export function itemText(pk: Buffer, sk: Buffer, tag = ""): string {
  return JSON.stringify({ pk: { B: pk.toString("base64") }, sk: { B: sk.toString("base64") }, tag: { S: tag } });
}

export function put(tableId: number, pk: Buffer, sk: Buffer, item: string | null = null, o: PutOpts = {}): ItemWrite {
  const text = item ?? itemText(pk, sk);
  return {
    tableId,
    pk,
    sk,
    expect: o.expect === undefined ? null : o.expect,
    action: { put: { item: text, size: o.size ?? 100, segment: o.segment ?? 0, expiresAt: o.expiresAt ?? null, index: o.index ?? [] } },
    ...(o.change ? { change: o.change } : {}),
  };
}

export function del(tableId: number, pk: Buffer, sk: Buffer, expectVersion: ExpectVersion = null, change?: ItemWrite["change"]): ItemWrite {
  return { tableId, pk, sk, expect: expectVersion, action: { delete: true }, ...(change ? { change } : {}) };
}

export function check(tableId: number, pk: Buffer, sk: Buffer, expectVersion: ExpectVersion): ItemWrite {
  return { tableId, pk, sk, expect: expectVersion, action: { check: true } };
}

export function entry(index: string, ipk: Buffer, isk: Buffer, item = "{}", segment = 0): IndexEntry {
  return { index, ipk, isk, segment, item };
}

/** Applies the writes, failing the test if they are refused. */
export async function write(store: TableStore, writes: readonly ItemWrite[], now = T0, token?: WriteToken): Promise<number[]> {
  const out: WriteResult = await store.writeItems(writes, now, token);
  if (!out.ok) throw new Error(`write refused: ${JSON.stringify(out)}`);
  return out.versions;
}

export async function version(store: TableStore, tableId: number, pk: Buffer, sk: Buffer): Promise<number> {
  const [got] = await store.getItems(tableId, [{ pk, sk }]);
  return got?.version ?? 0;
}

export type QueryOpts = Partial<Omit<QueryRequest, "tableId" | "pk">>;

export function queryOf(tableId: number, pk: Buffer, o: QueryOpts = {}): QueryRequest {
  return { tableId, pk, index: null, range: {}, forward: true, after: null, limit: 1000, maxBytes: 1 << 30, ...o };
}

export function scanOf(tableId: number, o: Partial<Omit<ScanRequest, "tableId">> = {}): ScanRequest {
  return { tableId, index: null, segments: { from: 0, to: FULL }, after: null, limit: 1000, maxBytes: 1 << 30, ...o };
}

/** The cursor a service builds from the last item of a page. */
export function cursorAt(it: StoredIndexItem, segment?: number): Cursor {
  return { ...(segment === undefined ? {} : { segment }), ipk: it.ipk, isk: it.isk, pk: it.pk, sk: it.sk };
}

/** Every page of a query or scan, following cursors; `segmentOf` gives a scan cursor its segment. */
export async function pages(
  fetch: (after: Cursor | null) => Promise<ItemPage<StoredIndexItem>>,
  segmentOf?: (it: StoredIndexItem) => number,
): Promise<StoredIndexItem[][]> {
  const out: StoredIndexItem[][] = [];
  let after: Cursor | null = null;
  for (let n = 0; n < 10_000; n++) {
    const page = await fetch(after);
    out.push(page.items);
    const last = page.items[page.items.length - 1];
    if (!page.more) return out;
    expect(last).toBeDefined();
    after = cursorAt(last!, segmentOf?.(last!));
  }
  throw new Error("paging did not end");
}

/** Bytewise order of key tuples, as the store must sort them. */
export function compareKeys(a: readonly Buffer[], b: readonly Buffer[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = Buffer.compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Keys sorted bytewise, with the awkward cases: empty, NUL, prefixes, bytes ≥ 0x80. */
export const AWKWARD: readonly Buffer[] = [
  k(),
  k(0x00),
  k(0x00, 0x00),
  k(0x01),
  k(0x01, 0x00),
  k(0x01, 0x00, 0xff),
  k(0x01, 0x01),
  k(0x02),
  k(0x7f, 0xff),
  k(0x80),
  k(0x80, 0x00),
  k(0xc3, 0xa9),
  k(0xfe, 0xff, 0xff),
  k(0xff),
  k(0xff, 0x00),
  k(0xff, 0xff, 0xff, 0xff),
];

/** A deterministic shuffle, so writes arrive out of key order. */
export function shuffled<T>(list: readonly T[], seed = 7): T[] {
  const out = [...list];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
