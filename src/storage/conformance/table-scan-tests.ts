/**
 * TableStore conformance: scans of a table and of an index — (segment, key) order,
 * segment ranges that split the hash space exactly, cursors across pages, maxBytes.
 */
import { describe, expect, it } from "vitest";
import type { StoredIndexItem, TableRecord } from "../../services/tables/store.js";
import { compareKeys, entry, FULL, hexOf, k, makeTable, pages, put, scanOf, shuffled, write, type Ctx } from "./table-helpers.js";

const SEGMENTS = [0, 1, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xffff_fffe, 0xffff_ffff];

interface Row {
  readonly segment: number;
  readonly keys: readonly Buffer[];
}

const label = (r: Row): string => `${r.segment}:${r.keys.map(hexOf).join("/")}`;
const byRow = (a: Row, b: Row): number => a.segment - b.segment || compareKeys(a.keys, b.keys);

/** Items spread over segments at the edges of the hash space, several partitions and sort keys to a segment. */
async function spread(ctx: Ctx): Promise<{ t: TableRecord; rows: Row[]; index: Row[]; segmentOf: (pk: Buffer) => number }> {
  const t = await makeTable(ctx.store.tables);
  const other = await makeTable(ctx.store.tables, "other", { account: t.account });
  const pks = [k(0x01), k(0x01, 0x00), k(0x80), k(0xff), k()];
  const sks = [k(), k(0x00), k(0xff, 0x01)];
  const rows: Row[] = [];
  const index: Row[] = [];
  const writes = [];
  const segments = new Map<string, number>();
  for (const [s, segment] of SEGMENTS.entries()) {
    for (const [p, base] of pks.entries()) {
      // Partition keys are unique per segment: the segment is a function of the partition key.
      const pk = Buffer.concat([base, k(s)]);
      segments.set(hexOf(pk), segment);
      for (const sk of sks.slice(0, 1 + ((s + p) % 3))) {
        rows.push({ segment, keys: [pk, sk] });
        const ipk = k(0x10 + ((s + p) % 2));
        const iSegment = SEGMENTS[(s + 3) % SEGMENTS.length]!;
        index.push({ segment: iSegment, keys: [ipk, sk, pk, sk] });
        writes.push(put(t.id, pk, sk, null, { segment, size: 10, index: [entry("g", ipk, sk, "{}", iSegment)] }));
      }
    }
  }
  await write(ctx.store.tables, shuffled(writes));
  await write(ctx.store.tables, [put(other.id, k(0x01, 0), k(), null, { segment: 5 })]);
  return { t, rows: rows.sort(byRow), index: index.sort(byRow), segmentOf: (pk) => segments.get(hexOf(pk)) ?? -1 };
}

function itemScanTests(ctx: Ctx): void {
  describe("scan of a table", () => {
    it("returns every item of the table in (segment, pk, sk) order", async () => {
      const { t, rows, segmentOf } = await spread(ctx);
      const got = await ctx.store.tables.scan(scanOf(t.id));
      expect(got.items.map((it) => label({ segment: segmentOf(it.pk), keys: [it.pk, it.sk] }))).toEqual(rows.map(label));
      expect(got.more).toBe(false);
      expect(got.items.every((it) => it.ipk.equals(it.pk) && it.isk.equals(it.sk) && it.version === 1)).toBe(true);
    });

    it("restricts a scan to segments [from, to), so split ranges cover the space exactly once", async () => {
      const { t, rows, segmentOf } = await spread(ctx);
      const cuts = [0, 1, 2, 0x7fff_ffff, 0x8000_0000, 0x8000_0001, 0xc000_0000, 0xffff_ffff, FULL];
      const seen: string[] = [];
      for (let i = 0; i + 1 < cuts.length; i++) {
        const [from, to] = [cuts[i]!, cuts[i + 1]!];
        const got = await ctx.store.tables.scan(scanOf(t.id, { segments: { from, to } }));
        const labels = got.items.map((it) => label({ segment: segmentOf(it.pk), keys: [it.pk, it.sk] }));
        expect(labels).toEqual(rows.filter((r) => r.segment >= from && r.segment < to).map(label));
        seen.push(...labels);
      }
      expect(seen).toEqual(rows.map(label));
      expect((await ctx.store.tables.scan(scanOf(t.id, { segments: { from: 2, to: 2 } }))).items).toEqual([]);
    });

    it("pages with (segment, pk, sk) cursors, within a segment range too", async () => {
      const { t, rows, segmentOf } = await spread(ctx);
      for (const [from, to] of [[0, FULL], [1, 0xffff_ffff], [0x8000_0000, 0x8000_0002]] as const) {
        for (const limit of [1, 4, 7]) {
          const all = await pages((after) => ctx.store.tables.scan(scanOf(t.id, { segments: { from, to }, limit, after })), (it) => segmentOf(it.pk));
          const labels = all.flat().map((it) => label({ segment: segmentOf(it.pk), keys: [it.pk, it.sk] }));
          expect(labels).toEqual(rows.filter((r) => r.segment >= from && r.segment < to).map(label));
        }
      }
    });

    it("starts a segment range at its start when the cursor lies before it, and ends it when after", async () => {
      const { t, rows, segmentOf } = await spread(ctx);
      const first = rows[0]!;
      const range = { from: 0x7fff_ffff, to: 0x8000_0001 };
      const want = rows.filter((r) => r.segment >= range.from && r.segment < range.to).map(label);
      const before = await ctx.store.tables.scan(scanOf(t.id, { segments: range, after: { segment: first.segment, pk: first.keys[0]!, sk: first.keys[1]! } }));
      expect(before.items.map((it) => label({ segment: segmentOf(it.pk), keys: [it.pk, it.sk] }))).toEqual(want);
      const after = await ctx.store.tables.scan(scanOf(t.id, { segments: range, after: { segment: 0x8000_0001, pk: k(), sk: k() } }));
      expect(after).toEqual({ items: [], more: false });
    });

    it("stops after the item that reaches maxBytes", async () => {
      const { t } = await spread(ctx);
      const got = await ctx.store.tables.scan(scanOf(t.id, { maxBytes: 25 }));
      expect(got.items).toHaveLength(3);
      expect(got.more).toBe(true);
      expect((await ctx.store.tables.scan(scanOf(t.id, { maxBytes: 0 }))).items).toHaveLength(1);
    });
  });
}

function indexScanTests(ctx: Ctx): void {
  describe("scan of an index", () => {
    const indexLabel = (it: StoredIndexItem, segment: number): string => label({ segment, keys: [it.ipk, it.isk, it.pk, it.sk] });

    it("returns every entry of the index in (segment, ipk, isk, pk, sk) order, paging with full cursors", async () => {
      const { t, index } = await spread(ctx);
      const segmentOf = new Map(index.map((r) => [r.keys.map(hexOf).join("/"), r.segment]));
      const seg = (it: StoredIndexItem): number => segmentOf.get([it.ipk, it.isk, it.pk, it.sk].map(hexOf).join("/")) ?? -1;
      const whole = await ctx.store.tables.scan(scanOf(t.id, { index: "g" }));
      expect(whole.items.map((it) => indexLabel(it, seg(it)))).toEqual(index.map(label));
      for (const limit of [1, 5]) {
        const all = await pages((after) => ctx.store.tables.scan(scanOf(t.id, { index: "g", limit, after })), seg);
        expect(all.flat().map((it) => indexLabel(it, seg(it)))).toEqual(index.map(label));
      }
      const top = await ctx.store.tables.scan(scanOf(t.id, { index: "g", segments: { from: 0x8000_0000, to: FULL } }));
      expect(top.items.map((it) => indexLabel(it, seg(it)))).toEqual(index.filter((r) => r.segment >= 0x8000_0000).map(label));
      expect((await ctx.store.tables.scan(scanOf(t.id, { index: "none" }))).items).toEqual([]);
    });
  });
}

export function tableScanTests(ctx: Ctx): void {
  itemScanTests(ctx);
  indexScanTests(ctx);
}
