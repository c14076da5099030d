/**
 * What both table backends share: table rows mapped to records, and the planning of a
 * page of a query or scan. A page is bounded by at most two conditions over its order
 * columns (the key range's ends, with the cursor standing in for the end it tightens),
 * so each backend renders one index range and never filters rows it already paged past.
 * Pages read one row beyond what they return, so `more` is exact. Also the grouping of
 * a write's change records by stream.
 */
import type { RecordEntry } from "../services/streams/store.js";
import type { Cursor, ItemWrite, QueryRequest, ScanRequest, StoredIndexItem, TableRecord } from "../services/tables/store.js";
import type { TableDefinition } from "../services/tables/types.js";
import { asBuffer } from "./stream-rows.js";

export interface TableRow {
  id: number | string;
  account: string;
  name: string;
  created_at: number | string;
  version: number | string;
  definition: string;
}

export function tableFromRow(r: TableRow): TableRecord {
  return {
    id: Number(r.id),
    account: r.account,
    name: r.name,
    createdAt: Number(r.created_at),
    version: Number(r.version),
    definition: JSON.parse(r.definition) as TableDefinition,
  };
}

/** A value of an order column: an encoded key, or a segment. */
export type KeyPart = Buffer | number;

export interface Edge {
  /** How many leading order columns the condition compares, as one row value. */
  readonly width: number;
  readonly op: ">" | ">=" | "<" | "<=";
  readonly values: readonly KeyPart[];
}

interface End {
  readonly key: KeyPart;
  readonly inclusive: boolean;
}

function compareParts(a: KeyPart, b: KeyPart): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return Buffer.compare(asBuffer(a as Uint8Array), asBuffer(b as Uint8Array));
}

function endEdge(end: End, low: boolean): Edge {
  return { width: 1, op: low ? (end.inclusive ? ">=" : ">") : end.inclusive ? "<=" : "<", values: [end.key] };
}

/**
 * The end the cursor sits on: the cursor when it is at least as tight as the range's
 * end (rows past the cursor all lie inside that end), else the range's end.
 */
function tighter(end: End | undefined, after: readonly KeyPart[], low: boolean): Edge {
  const cursor: Edge = { width: after.length, op: low ? ">" : "<", values: after };
  if (!end) return cursor;
  const c = compareParts(after[0] as KeyPart, end.key);
  if (c === 0) return end.inclusive ? cursor : endEdge(end, low);
  return (low ? c > 0 : c < 0) ? cursor : endEdge(end, low);
}

export function pageEdges(range: { lo?: End; hi?: End }, after: readonly KeyPart[] | null, forward: boolean): Edge[] {
  const out: Edge[] = [];
  if (after && forward) out.push(tighter(range.lo, after, true));
  else if (range.lo) out.push(endEdge(range.lo, true));
  if (after && !forward) out.push(tighter(range.hi, after, false));
  else if (range.hi) out.push(endEdge(range.hi, false));
  return out;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`cursor lacks its ${what}`);
  return value;
}

/** The order columns' values at a cursor, for a query on the table or an index. */
export function queryCursor(q: QueryRequest): KeyPart[] | null {
  const a = q.after;
  if (!a) return null;
  return q.index === null ? [a.sk] : [need(a.isk, "index sort key"), a.pk, a.sk];
}

export function scanCursor(s: ScanRequest): KeyPart[] | null {
  const a: Cursor | null = s.after;
  if (!a) return null;
  const segment = need(a.segment, "segment");
  return s.index === null ? [segment, a.pk, a.sk] : [segment, need(a.ipk, "index partition key"), need(a.isk, "index sort key"), a.pk, a.sk];
}

export function queryEdges(q: QueryRequest): Edge[] {
  return pageEdges(q.range, queryCursor(q), q.forward);
}

export function scanEdges(s: ScanRequest): Edge[] {
  return pageEdges({ lo: { key: s.segments.from, inclusive: true }, hi: { key: s.segments.to, inclusive: false } }, scanCursor(s), true);
}

/** Renders an edge over the named order columns, with `mark(i)` naming the i-th parameter. */
export function renderEdge(cols: readonly string[], e: Edge, mark: (i: number) => string): string {
  if (e.width === 1) return `${cols[0]} ${e.op} ${mark(0)}`;
  const names = cols.slice(0, e.width).join(", ");
  const marks = e.values.map((_, i) => mark(i)).join(", ");
  return `(${names}) ${e.op} (${marks})`;
}

/** A row of a page: the item, and the bytes it counts toward `maxBytes`. */
export interface PageRow {
  readonly item: StoredIndexItem;
  readonly size: number;
}

/**
 * Collects a page: items until `limit`, or until the one that brings the total to
 * `maxBytes` (always at least one). Feed it rows in order until `add` answers false.
 */
export class PageCollector {
  readonly items: StoredIndexItem[] = [];
  more = false;
  private bytes = 0;

  constructor(
    private readonly limit: number,
    private readonly maxBytes: number,
  ) {}

  /** Takes the next row; false once the page is full (the row is then only a sign of more). */
  add(row: PageRow): boolean {
    if (this.items.length >= this.limit || (this.items.length > 0 && this.bytes >= this.maxBytes)) {
      this.more = true;
      return false;
    }
    this.items.push(row.item);
    this.bytes += row.size;
    return true;
  }
}

/** Rows a page reads at most: one more than it returns, to tell whether more follow. */
export function rowsToRead(limit: number): number {
  return Math.max(1, limit) + 1;
}

/** Each stream's change records in position order, with the positions they came from. */
export function changesByStream(writes: readonly ItemWrite[]): Map<number, { entries: RecordEntry[]; positions: number[] }> {
  const byStream = new Map<number, { entries: RecordEntry[]; positions: number[] }>();
  writes.forEach((w, i) => {
    if (!w.change) return;
    let group = byStream.get(w.change.streamId);
    if (!group) byStream.set(w.change.streamId, (group = { entries: [], positions: [] }));
    group.entries.push(w.change.entry);
    group.positions.push(i);
  });
  return byStream;
}
