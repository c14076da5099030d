/**
 * Item reads on the embedded store: point reads, queries and scans. A page is one index
 * range (see table-rows.ts) read row by row until the page is full, so no more rows are
 * stepped through than the page returns plus one. SQL texts vary with the page's edges
 * and direction; each is prepared once.
 */
import type { ItemPage, QueryRequest, ScanRequest, StoredIndexItem, StoredItem } from "../../services/tables/store.js";
import { asBuffer } from "../stream-rows.js";
import { PageCollector, queryEdges, renderEdge, rowsToRead, scanEdges, type Edge } from "../table-rows.js";
import { stmt, type Db } from "./database.js";

function getItems(db: Db, a: { tableId: number; keys: { pk: Uint8Array; sk: Uint8Array }[] }): (StoredItem | null)[] {
  const get = stmt(db, "SELECT version, item FROM table_items WHERE table_id = ? AND pk = ? AND sk = ?");
  return a.keys.map((k) => {
    const pk = asBuffer(k.pk);
    const sk = asBuffer(k.sk);
    const row = get.get(a.tableId, pk, sk) as { version: number; item: string } | undefined;
    return row ? { pk, sk, version: row.version, item: row.item } : null;
  });
}

interface Shape {
  /** The columns a page reads and the equality prefix of its index. */
  readonly select: string;
  readonly from: string;
  /** The order columns after the prefix: edges compare them, rows sort by them. */
  readonly order: readonly string[];
}

const TABLE_QUERY: Shape = { select: "pk, sk, version, item, size", from: "table_items WHERE table_id = ? AND pk = ?", order: ["sk"] };
const INDEX_QUERY: Shape = {
  select: "ipk, isk, pk, sk, version, item",
  from: "table_index_items WHERE table_id = ? AND index_name = ? AND ipk = ?",
  order: ["isk", "pk", "sk"],
};
const TABLE_SCAN: Shape = { select: "pk, sk, version, item, size", from: "table_items WHERE table_id = ?", order: ["segment", "pk", "sk"] };
const INDEX_SCAN: Shape = {
  select: "ipk, isk, pk, sk, version, item",
  from: "table_index_items WHERE table_id = ? AND index_name = ?",
  order: ["segment", "ipk", "isk", "pk", "sk"],
};

function pageSql(shape: Shape, edges: readonly Edge[], forward: boolean): string {
  const where = edges.map((e) => ` AND ${renderEdge(shape.order, e, () => "?")}`).join("");
  const dir = forward ? "" : " DESC";
  return `SELECT ${shape.select} FROM ${shape.from}${where} ORDER BY ${shape.order.map((c) => c + dir).join(", ")} LIMIT ?`;
}

interface Row {
  ipk?: Buffer;
  isk?: Buffer;
  pk: Buffer;
  sk: Buffer;
  version: number;
  item: string;
  size?: number;
}

/** Table rows stand for themselves as index entries: their index keys are their own keys. */
function toItem(r: Row): { item: StoredIndexItem; size: number } {
  const item = { ipk: r.ipk ?? r.pk, isk: r.isk ?? r.sk, pk: r.pk, sk: r.sk, version: r.version, item: r.item };
  // Index entries keep no size: their JSON text's length stands in for it.
  return { item, size: r.size ?? Buffer.byteLength(r.item) };
}

function page(db: Db, shape: Shape, prefix: readonly unknown[], edges: readonly Edge[], forward: boolean, limit: number, maxBytes: number): ItemPage<StoredIndexItem> {
  const params: unknown[] = [...prefix];
  for (const e of edges) for (const v of e.values) params.push(typeof v === "number" ? v : asBuffer(v));
  params.push(rowsToRead(limit));
  const out = new PageCollector(limit, maxBytes);
  for (const row of stmt(db, pageSql(shape, edges, forward)).iterate(...params) as IterableIterator<Row>) {
    if (!out.add(toItem(row))) break;
  }
  return { items: out.items, more: out.more };
}

function query(db: Db, q: QueryRequest): ItemPage<StoredIndexItem> {
  const pk = asBuffer(q.pk);
  const [shape, prefix] = q.index === null ? [TABLE_QUERY, [q.tableId, pk]] : [INDEX_QUERY, [q.tableId, q.index, pk]];
  return page(db, shape, prefix, queryEdges(q), q.forward, q.limit, q.maxBytes);
}

function scan(db: Db, s: ScanRequest): ItemPage<StoredIndexItem> {
  const [shape, prefix] = s.index === null ? [TABLE_SCAN, [s.tableId]] : [INDEX_SCAN, [s.tableId, s.index]];
  return page(db, shape, prefix, scanEdges(s), true, s.limit, s.maxBytes);
}

export const tableReadOps = {
  "tables.getItems": getItems,
  "tables.query": query,
  "tables.scan": scan,
} as const;
