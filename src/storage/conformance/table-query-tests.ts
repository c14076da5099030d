/**
 * TableStore conformance: queries on a table and on an index — bytewise key order,
 * key ranges against a reference filter, both directions, cursors across pages,
 * limits, maxBytes and `more`.
 */
import { describe, expect, it } from "vitest";
import type { KeyRange, StoredIndexItem, TableRecord } from "../../services/tables/store.js";
import { AWKWARD, compareKeys, entry, hexOf, k, makeTable, pages, put, queryOf, shuffled, write, type Ctx, type QueryOpts } from "./table-helpers.js";

const P = k(0x42);
const sks = (items: readonly StoredIndexItem[]): string[] => items.map((it) => hexOf(it.sk));

/** A table whose partition P holds an item at every awkward sort key, with neighbours that must not show. */
async function awkwardTable(ctx: Ctx): Promise<TableRecord> {
  const t = await makeTable(ctx.store.tables);
  const other = await makeTable(ctx.store.tables, "other", { account: t.account });
  await write(ctx.store.tables, shuffled(AWKWARD).map((sk, i) => put(t.id, P, sk, null, { size: 10 + i })));
  await write(ctx.store.tables, [put(t.id, k(0x42, 0x00), k(0x01)), put(t.id, k(0x41, 0xff), k(0x01)), put(t.id, k(0x43), k()), put(other.id, P, k(0x01, 0x00, 0x01))]);
  return t;
}

/** The sort keys a range selects, in order, by the reference (memcmp) order. */
function expected(range: KeyRange, forward: boolean): string[] {
  const inside = AWKWARD.filter((sk) => {
    if (range.lo) {
      const c = Buffer.compare(sk, range.lo.key);
      if (c < 0 || (c === 0 && !range.lo.inclusive)) return false;
    }
    if (range.hi) {
      const c = Buffer.compare(sk, range.hi.key);
      if (c > 0 || (c === 0 && !range.hi.inclusive)) return false;
    }
    return true;
  });
  const out = inside.map(hexOf);
  return forward ? out : out.reverse();
}

const ENDS: readonly (Buffer | null)[] = [null, k(), k(0x00), k(0x01), k(0x01, 0x00), k(0x01, 0x00, 0x00), k(0x7f, 0xff), k(0x80), k(0x90), k(0xff), k(0xff, 0xff, 0xff, 0xff, 0x00)];

function ranges(): KeyRange[] {
  const out: KeyRange[] = [];
  for (const lo of ENDS)
    for (const hi of ENDS)
      for (const loInc of lo ? [true, false] : [true])
        for (const hiInc of hi ? [true, false] : [true]) {
          out.push({ ...(lo ? { lo: { key: lo, inclusive: loInc } } : {}), ...(hi ? { hi: { key: hi, inclusive: hiInc } } : {}) });
        }
  return out;
}

function partitionTests(ctx: Ctx): void {
  describe("query on a table", () => {
    it("returns the partition's items in bytewise sort key order, forward and backward, and nothing else", async () => {
      const t = await awkwardTable(ctx);
      const fwd = await ctx.store.tables.query(queryOf(t.id, P));
      expect(sks(fwd.items)).toEqual(AWKWARD.map(hexOf));
      expect(fwd.more).toBe(false);
      expect(fwd.items.every((it) => it.pk.equals(P) && it.ipk.equals(P) && it.isk.equals(it.sk) && it.version === 1)).toBe(true);
      expect(sks((await ctx.store.tables.query(queryOf(t.id, P, { forward: false }))).items)).toEqual(AWKWARD.map(hexOf).reverse());
      expect((await ctx.store.tables.query(queryOf(t.id, k(0x44)))).items).toEqual([]);
    });

    it("selects exactly the sort keys within every kind of range, in both directions", async () => {
      const t = await awkwardTable(ctx);
      for (const range of ranges()) {
        for (const forward of [true, false]) {
          const got = await ctx.store.tables.query(queryOf(t.id, P, { range, forward }));
          expect({ range, forward, sks: sks(got.items) }).toEqual({ range, forward, sks: expected(range, forward) });
        }
      }
    });

    it("pages through any range with cursors in both directions, losing and repeating nothing", async () => {
      const t = await awkwardTable(ctx);
      const picked = ranges().filter((_, i) => i % 7 === 0);
      for (const range of picked) {
        for (const forward of [true, false]) {
          for (const limit of [1, 3]) {
            const all = await pages((after) => ctx.store.tables.query(queryOf(t.id, P, { range, forward, limit, after })));
            expect(all.slice(0, -1).every((p) => p.length === limit)).toBe(true);
            expect(all.flat().map((it) => hexOf(it.sk))).toEqual(expected(range, forward));
          }
        }
      }
    });

    it("starts after a cursor that lies outside the range as if there were none, or at the end", async () => {
      const t = await awkwardTable(ctx);
      const range: KeyRange = { lo: { key: k(0x01), inclusive: true }, hi: { key: k(0x80), inclusive: false } };
      const q = (o: QueryOpts) => ctx.store.tables.query(queryOf(t.id, P, { range, ...o }));
      const at = (sk: Buffer) => ({ pk: P, sk });
      expect(sks((await q({ after: at(k(0x00)) })).items)).toEqual(expected(range, true));
      expect((await q({ after: at(k(0x90)) })).items).toEqual([]);
      expect(sks((await q({ after: at(k(0x90)), forward: false })).items)).toEqual(expected(range, false));
      expect((await q({ after: at(k(0x00)), forward: false })).items).toEqual([]);
      expect(sks((await q({ after: at(k(0x01)) })).items)).toEqual(expected(range, true).slice(1));
      expect(sks((await q({ after: at(k(0x01, 0x00, 0x00)) })).items)).toEqual(["0100ff", "0101", "02", "7fff"]);
    });

    it("stops at limit, or after the item that reaches maxBytes (at least one), telling whether more follow", async () => {
      const t = await makeTable(ctx.store.tables);
      const sizes = [100, 100, 0, 100, 300, 10];
      await write(ctx.store.tables, sizes.map((size, i) => put(t.id, P, k(i), null, { size })));
      const at = async (o: QueryOpts): Promise<[string[], boolean]> => {
        const r = await ctx.store.tables.query(queryOf(t.id, P, o));
        return [sks(r.items), r.more];
      };
      expect(await at({ maxBytes: 200 })).toEqual([["00", "01"], true]);
      expect(await at({ maxBytes: 201 })).toEqual([["00", "01", "02", "03"], true]);
      expect(await at({ maxBytes: 1 })).toEqual([["00"], true]);
      expect(await at({ maxBytes: 0 })).toEqual([["00"], true]);
      expect(await at({ maxBytes: 600 })).toEqual([["00", "01", "02", "03", "04"], true]);
      expect(await at({ maxBytes: 610 })).toEqual([["00", "01", "02", "03", "04", "05"], false]);
      expect(await at({ maxBytes: 300, forward: false })).toEqual([["05", "04"], true]);
      expect(await at({ limit: 2 })).toEqual([["00", "01"], true]);
      expect(await at({ limit: 6 })).toEqual([["00", "01", "02", "03", "04", "05"], false]);
      expect(await at({ limit: 5, after: { pk: P, sk: k(0) } })).toEqual([["01", "02", "03", "04", "05"], false]);
      expect(await at({ limit: 3, maxBytes: 150 })).toEqual([["00", "01"], true]);
      expect(await at({ limit: Number.MAX_SAFE_INTEGER })).toEqual([["00", "01", "02", "03", "04", "05"], false]);
    });
  });
}

interface Entry {
  readonly isk: Buffer;
  readonly pk: Buffer;
  readonly sk: Buffer;
}

function indexQueryTests(ctx: Ctx): void {
  describe("query on an index", () => {
    const IPK = k(0x99, 0x80);
    const iskOf = (n: number): Buffer => [k(), k(0x01), k(0x01, 0x00), k(0x80), k(0xff)][n % 5]!;
    const pkOf = (n: number): Buffer => [k(0x02), k(0x01, 0xff), k(0x01)][n % 3]!;
    const skOf = (n: number): Buffer => [k(), k(0x00), k(0x90)][Math.floor(n / 3) % 3]!;

    /** 45 items, each with an entry on IPK in index "g" (nine to an index sort key) and decoys elsewhere. */
    async function indexed(): Promise<{ t: TableRecord; entries: Entry[] }> {
      const t = await makeTable(ctx.store.tables);
      const entries: Entry[] = [];
      const writes = [];
      for (let n = 0; n < 45; n++) {
        const group = Math.floor(n / 9);
        const e = { isk: iskOf(group), pk: pkOf(n), sk: Buffer.concat([skOf(n), k(group)]) };
        entries.push(e);
        const extra = [entry("g", IPK, e.isk, `{"n":${n}}`), entry("h", IPK, e.isk), entry("g", k(0x99), e.isk)];
        writes.push(put(t.id, e.pk, e.sk, null, { index: extra }));
      }
      await write(ctx.store.tables, shuffled(writes));
      entries.sort((a, b) => compareKeys([a.isk, a.pk, a.sk], [b.isk, b.pk, b.sk]));
      return { t, entries };
    }
    const keysOf = (list: readonly (Entry | StoredIndexItem)[]): string[] => list.map((e) => `${hexOf(e.isk)}/${hexOf(e.pk)}/${hexOf(e.sk)}`);

    it("returns one index partition's entries in (index sort key, pk, sk) order, both directions", async () => {
      const { t, entries } = await indexed();
      const fwd = await ctx.store.tables.query(queryOf(t.id, IPK, { index: "g" }));
      expect(keysOf(fwd.items)).toEqual(keysOf(entries));
      expect(fwd.items.every((it) => it.ipk.equals(IPK) && it.version === 1 && it.item.startsWith("{\"n\":"))).toBe(true);
      const back = await ctx.store.tables.query(queryOf(t.id, IPK, { index: "g", forward: false }));
      expect(keysOf(back.items)).toEqual(keysOf(entries).reverse());
      expect((await ctx.store.tables.query(queryOf(t.id, IPK, { index: "none" }))).items).toEqual([]);
    });

    it("applies key ranges to the index sort key, and pages through ties with (isk, pk, sk) cursors", async () => {
      const { t, entries } = await indexed();
      const range: KeyRange = { lo: { key: k(0x01), inclusive: true }, hi: { key: k(0x80), inclusive: true } };
      const inRange = entries.filter((e) => Buffer.compare(e.isk, k(0x01)) >= 0 && Buffer.compare(e.isk, k(0x80)) <= 0);
      expect(inRange).toHaveLength(27);
      for (const forward of [true, false]) {
        const want = forward ? keysOf(inRange) : keysOf(inRange).reverse();
        for (const limit of [1, 4, 9]) {
          const all = await pages((after) => ctx.store.tables.query(queryOf(t.id, IPK, { index: "g", range, forward, limit, after })));
          expect(keysOf(all.flat())).toEqual(want);
        }
        const excl: KeyRange = { lo: { key: k(0x01), inclusive: false }, hi: { key: k(0x80), inclusive: false } };
        const got = await pages((after) => ctx.store.tables.query(queryOf(t.id, IPK, { index: "g", range: excl, forward, limit: 4, after })));
        const middle = keysOf(inRange.filter((e) => e.isk.equals(k(0x01, 0x00))));
        expect(keysOf(got.flat())).toEqual(forward ? middle : middle.reverse());
      }
    });

    it("counts an entry's text toward maxBytes", async () => {
      const t = await makeTable(ctx.store.tables);
      const text = (n: number) => JSON.stringify({ n: { S: "é".repeat(n) } });
      await write(ctx.store.tables, [1, 2, 3].map((n) => put(t.id, k(n), k(), null, { size: 1, index: [entry("g", IPK, k(n), text(40))] })));
      const bytes = Buffer.byteLength(text(40));
      expect(bytes).toBe(text(40).length + 40);
      const at = async (maxBytes: number) => (await ctx.store.tables.query(queryOf(t.id, IPK, { index: "g", maxBytes }))).items.length;
      expect(await at(bytes)).toBe(1);
      expect(await at(bytes + 1)).toBe(2);
      expect(await at(2 * bytes + 1)).toBe(3);
    });
  });
}

export function tableQueryTests(ctx: Ctx): void {
  partitionTests(ctx);
  indexQueryTests(ctx);
}
