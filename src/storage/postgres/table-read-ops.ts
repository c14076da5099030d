/**
 * Item reads on PostgreSQL: point reads, queries and scans. A page is one index range
 * (see table-rows.ts) read through a cursor in batches, so a page that fills by bytes
 * early does not fetch the rest of its row limit. Each is a single statement, so it
 * sees one snapshot.
 */
import type { ItemPage, QueryRequest, ScanRequest, StoredIndexItem, StoredItem } from "../../services/tables/store.js";
import { PageCollector, queryEdges, renderEdge, rowsToRead, scanEdges, type Edge } from "../table-rows.js";
import type { Conn } from "./database.js";
import { hex } from "./table-ops.js";

export async function getItems(db: Conn, tableId: number, keys: readonly { readonly pk: Buffer; readonly sk: Buffer }[]): Promise<(StoredItem | null)[]> {
  if (!keys.length) return [];
  const rows = await db<{ i: number; version: number; item: string }[]>`
    SELECT u.i, t.version, t.item FROM unnest(${hex(keys.map((k) => k.pk))}::text[], ${hex(keys.map((k) => k.sk))}::text[]) WITH ORDINALITY AS u(pk, sk, i)
    JOIN table_items t ON t.table_id = ${tableId} AND t.pk = decode(u.pk, 'hex') AND t.sk = decode(u.sk, 'hex')`;
  const out: (StoredItem | null)[] = keys.map(() => null);
  for (const r of rows) {
    const k = keys[r.i - 1];
    if (k) out[r.i - 1] = { pk: k.pk, sk: k.sk, version: r.version, item: r.item };
  }
  return out;
}

interface Shape {
  readonly select: string;
  /** The table and the equality prefix of its index, as many parameters as `prefix` says. */
  readonly from: string;
  readonly prefix: number;
  readonly order: readonly string[];
}

const TABLE_QUERY: Shape = { select: "pk, sk, version, item, size", from: "table_items WHERE table_id = $1 AND pk = $2", prefix: 2, order: ["sk"] };
const INDEX_QUERY: Shape = {
  select: "ipk, isk, pk, sk, version, item, octet_length(item) AS size",
  from: "table_index_items WHERE table_id = $1 AND index_name = $2 AND ipk = $3",
  prefix: 3,
  order: ["isk", "pk", "sk"],
};
const TABLE_SCAN: Shape = { select: "pk, sk, version, item, size", from: "table_items WHERE table_id = $1", prefix: 1, order: ["segment", "pk", "sk"] };
const INDEX_SCAN: Shape = {
  select: "ipk, isk, pk, sk, version, item, octet_length(item) AS size",
  from: "table_index_items WHERE table_id = $1 AND index_name = $2",
  prefix: 2,
  order: ["segment", "ipk", "isk", "pk", "sk"],
};

function pageSql(shape: Shape, edges: readonly Edge[], forward: boolean): string {
  let next = shape.prefix + 1;
  const where = edges
    .map((e) => {
      const first = next;
      next += e.values.length;
      return ` AND ${renderEdge(shape.order, e, (i) => `$${first + i}`)}`;
    })
    .join("");
  const dir = forward ? "" : " DESC";
  return `SELECT ${shape.select} FROM ${shape.from}${where} ORDER BY ${shape.order.map((c) => c + dir).join(", ")} LIMIT $${next}`;
}

interface Row {
  ipk?: Buffer;
  isk?: Buffer;
  pk: Buffer;
  sk: Buffer;
  version: number;
  item: string;
  size: number;
}

/** Rows fetched per round trip: small pages in one, large ones without holding many megabytes at once. */
const BATCH = 100;

async function page(db: Conn, shape: Shape, prefix: readonly unknown[], edges: readonly Edge[], forward: boolean, limit: number, maxBytes: number): Promise<ItemPage<StoredIndexItem>> {
  const want = rowsToRead(limit);
  const params = [...prefix, ...edges.flatMap((e) => e.values), want] as never[];
  const out = new PageCollector(limit, maxBytes);
  const rows = db.unsafe<Row[]>(pageSql(shape, edges, forward), params, { prepare: true });
  // Index entries keep no size: their JSON text's length stands in for it.
  batches: for await (const batch of rows.cursor(Math.min(want, BATCH))) {
    for (const r of batch) {
      const item = { ipk: r.ipk ?? r.pk, isk: r.isk ?? r.sk, pk: r.pk, sk: r.sk, version: r.version, item: r.item };
      if (!out.add({ item, size: r.size })) break batches;
    }
  }
  return { items: out.items, more: out.more };
}

export async function query(db: Conn, q: QueryRequest): Promise<ItemPage<StoredIndexItem>> {
  const [shape, prefix] = q.index === null ? [TABLE_QUERY, [q.tableId, q.pk]] : [INDEX_QUERY, [q.tableId, q.index, q.pk]];
  return page(db, shape, prefix, queryEdges(q), q.forward, q.limit, q.maxBytes);
}

export async function scan(db: Conn, s: ScanRequest): Promise<ItemPage<StoredIndexItem>> {
  const [shape, prefix] = s.index === null ? [TABLE_SCAN, [s.tableId]] : [INDEX_SCAN, [s.tableId, s.index]];
  return page(db, shape, prefix, scanEdges(s), true, s.limit, s.maxBytes);
}
