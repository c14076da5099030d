/**
 * TableStore conformance: item writes and point reads — versions, expectations, all or
 * nothing, index entries replaced with their item, index backfill and removal.
 */
import { describe, expect, it } from "vitest";
import type { TableStore } from "../../services/tables/store.js";
import { AWKWARD, check, del, EMPTY, entry, itemText, k, makeTable, put, queryOf, scanOf, T0, version, write, type Ctx } from "./table-helpers.js";

const indexKeys = async (store: TableStore, tableId: number, index: string, ipk: Buffer): Promise<string[]> =>
  (await store.query(queryOf(tableId, ipk, { index }))).items.map((it) => `${it.isk.toString("hex")}/${it.pk.toString("hex")}/${it.sk.toString("hex")}@${it.version}:${it.item}`);

function putGetTests(ctx: Ctx): void {
  describe("writeItems and getItems", () => {
    it("puts new items at version 1, bumps the version on every put, and reads back the exact text", async () => {
      const t = await makeTable(ctx.store.tables);
      const text = JSON.stringify({ pk: { S: "ünï \u{1F600} \\ \"q\" \u0000" }, n: { N: "-1.5e-130" }, b: { B: "AAEC/w==" }, l: { L: [{ NULL: true }, { BOOL: false }] } });
      expect(await write(ctx.store.tables, [put(t.id, k(1), k(2), text)])).toEqual([1]);
      expect(await ctx.store.tables.getItems(t.id, [{ pk: k(1), sk: k(2) }])).toEqual([{ pk: k(1), sk: k(2), version: 1, item: text }]);
      expect(await write(ctx.store.tables, [put(t.id, k(1), k(2), "{\"v\":2}")])).toEqual([2]);
      expect(await write(ctx.store.tables, [put(t.id, k(1), k(2), "{\"v\":3}")])).toEqual([3]);
      const [got] = await ctx.store.tables.getItems(t.id, [{ pk: k(1), sk: k(2) }]);
      expect(got).toEqual({ pk: k(1), sk: k(2), version: 3, item: "{\"v\":3}" });
      expect(Buffer.isBuffer(got!.pk) && Buffer.isBuffer(got!.sk)).toBe(true);
    });

    it("reads many keys in the order asked, null where absent, per table", async () => {
      const t = await makeTable(ctx.store.tables);
      const u = await makeTable(ctx.store.tables, "u", { account: t.account });
      await write(ctx.store.tables, AWKWARD.map((sk) => put(t.id, k(7), sk)));
      await write(ctx.store.tables, [put(u.id, k(7), k(0x80), "{\"u\":1}")]);
      const keys = [...AWKWARD].reverse().map((sk) => ({ pk: k(7), sk }));
      const missing = [{ pk: k(7), sk: k(0x80, 0x00, 0x00) }, { pk: k(7, 0), sk: EMPTY }, { pk: k(8), sk: k(0x80) }];
      const got = await ctx.store.tables.getItems(t.id, [...keys, ...missing]);
      expect(got.slice(0, keys.length).map((g) => g?.item)).toEqual(keys.map((key) => itemText(key.pk, key.sk)));
      expect(got.slice(keys.length)).toEqual([null, null, null]);
      expect((await ctx.store.tables.getItems(u.id, [{ pk: k(7), sk: k(0x80) }]))[0]?.item).toBe("{\"u\":1}");
      expect(await ctx.store.tables.getItems(t.id, [])).toEqual([]);
    });

    it("deletes items (version 0 in the answer), and deleting an absent item is a no-op", async () => {
      const t = await makeTable(ctx.store.tables);
      await write(ctx.store.tables, [put(t.id, k(1), EMPTY), put(t.id, k(2), EMPTY)]);
      expect(await write(ctx.store.tables, [del(t.id, k(1), EMPTY), del(t.id, k(3), EMPTY)])).toEqual([0, 0]);
      expect(await ctx.store.tables.getItems(t.id, [{ pk: k(1), sk: EMPTY }, { pk: k(2), sk: EMPTY }])).toEqual([null, expect.objectContaining({ version: 1 })]);
      expect(await write(ctx.store.tables, [put(t.id, k(1), EMPTY)])).toEqual([1]);
    });

    it("keeps a key with an empty sort key apart from the same partition key with a sort key", async () => {
      const t = await makeTable(ctx.store.tables);
      await write(ctx.store.tables, [put(t.id, k(1), EMPTY, "{\"a\":0}"), put(t.id, k(1), k(0), "{\"a\":1}"), put(t.id, k(1, 0), EMPTY, "{\"a\":2}")]);
      const got = await ctx.store.tables.getItems(t.id, [{ pk: k(1), sk: EMPTY }, { pk: k(1), sk: k(0) }, { pk: k(1, 0), sk: EMPTY }]);
      expect(got.map((g) => g?.item)).toEqual(["{\"a\":0}", "{\"a\":1}", "{\"a\":2}"]);
    });

    it("stores large items and keys whole", async () => {
      const t = await makeTable(ctx.store.tables);
      const pk = Buffer.alloc(1024, 0xab);
      const sk = Buffer.alloc(700, 0x80);
      const text = JSON.stringify({ big: { S: "x".repeat(390_000) } });
      await write(ctx.store.tables, [put(t.id, pk, sk, text, { size: 390_020 })]);
      const [got] = await ctx.store.tables.getItems(t.id, [{ pk, sk }]);
      expect(got?.item).toBe(text);
      expect(got?.pk.equals(pk)).toBe(true);
    });
  });
}

function expectationTests(ctx: Ctx): void {
  describe("version expectations", () => {
    it("applies absent (0), exact version and any (null) as promised", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = ctx.store.tables;
      expect(await write(s, [put(t.id, k(1), EMPTY, null, { expect: 0 })])).toEqual([1]);
      expect(await s.writeItems([put(t.id, k(1), EMPTY, null, { expect: 0 })], T0)).toEqual({ ok: false, stale: [0] });
      expect(await s.writeItems([put(t.id, k(1), EMPTY, null, { expect: 2 })], T0)).toEqual({ ok: false, stale: [0] });
      expect(await write(s, [put(t.id, k(1), EMPTY, null, { expect: 1 })])).toEqual([2]);
      expect(await write(s, [put(t.id, k(1), EMPTY, null, { expect: null })])).toEqual([3]);
      expect(await s.writeItems([put(t.id, k(2), EMPTY, null, { expect: 1 })], T0)).toEqual({ ok: false, stale: [0] });
      expect(await s.writeItems([del(t.id, k(1), EMPTY, 2)], T0)).toEqual({ ok: false, stale: [0] });
      expect(await s.writeItems([del(t.id, k(1), EMPTY, 0)], T0)).toEqual({ ok: false, stale: [0] });
      expect(await version(s, t.id, k(1), EMPTY)).toBe(3);
      expect(await write(s, [del(t.id, k(1), EMPTY, 3)])).toEqual([0]);
      expect(await write(s, [del(t.id, k(1), EMPTY, 0)])).toEqual([0]);
    });

    it("refuses a version whose item was deleted and put again since it was read (expectItem)", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = ctx.store.tables;
      await write(s, [put(t.id, k(1), EMPTY, "{\"v\":\"a\"}")]);
      await write(s, [del(t.id, k(1), EMPTY, 1)]);
      await write(s, [put(t.id, k(1), EMPTY, "{\"v\":\"b\"}", { expect: 0 })]);
      const stale = { ...put(t.id, k(1), EMPTY, "{\"v\":\"c\"}", { expect: 1 }), expectItem: "{\"v\":\"a\"}" };
      expect(await s.writeItems([stale], T0)).toEqual({ ok: false, stale: [0] });
      expect(await write(s, [{ ...stale, expectItem: "{\"v\":\"b\"}" }])).toEqual([2]);
      expect(await s.getItems(t.id, [{ pk: k(1), sk: EMPTY }])).toEqual([expect.objectContaining({ version: 2, item: "{\"v\":\"c\"}" })]);
    });

    it("checks without writing, and fails the whole call when a check fails", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = ctx.store.tables;
      await write(s, [put(t.id, k(1), EMPTY, "{\"v\":1}")]);
      expect(await write(s, [check(t.id, k(1), EMPTY, 1), check(t.id, k(2), EMPTY, 0), check(t.id, k(3), EMPTY, null)])).toEqual([0, 0, 0]);
      expect(await version(s, t.id, k(1), EMPTY)).toBe(1);
      expect(await s.getItems(t.id, [{ pk: k(3), sk: EMPTY }])).toEqual([null]);
      const out = await s.writeItems([put(t.id, k(2), EMPTY), check(t.id, k(1), EMPTY, 2), del(t.id, k(4), EMPTY)], T0);
      expect(out).toEqual({ ok: false, stale: [1] });
      expect(await s.getItems(t.id, [{ pk: k(2), sk: EMPTY }, { pk: k(1), sk: EMPTY }])).toEqual([null, expect.objectContaining({ version: 1, item: "{\"v\":1}" })]);
    });

    it("writes nothing when any write is stale, and names every stale position", async () => {
      const t = await makeTable(ctx.store.tables);
      const u = await makeTable(ctx.store.tables, "u", { account: t.account });
      const s = ctx.store.tables;
      await write(s, [put(t.id, k(1), k(1)), put(u.id, k(1), k(1))]);
      const writes = [
        put(t.id, k(1), k(1), "{\"x\":1}", { expect: 1, index: [entry("g", k(5), k(5))] }),
        put(t.id, k(2), k(2), null, { expect: 1 }),
        del(u.id, k(1), k(1), 1),
        put(u.id, k(3), k(3), null, { expect: 0 }),
        check(u.id, k(4), k(4), 7),
        put(t.id + 1_000_000, k(1), k(1)),
      ];
      expect(await s.writeItems(writes, T0)).toEqual({ ok: false, stale: [1, 4, 5] });
      expect(await s.getItems(t.id, [{ pk: k(1), sk: k(1) }, { pk: k(2), sk: k(2) }])).toEqual([expect.objectContaining({ version: 1, item: expect.not.stringContaining("x") }), null]);
      expect(await s.getItems(u.id, [{ pk: k(1), sk: k(1) }, { pk: k(3), sk: k(3) }])).toEqual([expect.objectContaining({ version: 1 }), null]);
      expect((await s.query(queryOf(t.id, k(5), { index: "g" }))).items).toEqual([]);
      expect(await s.stats(t.id)).toEqual({ count: 1, bytes: 100 });
    });

    it("refuses two writes to one item in a call, writing nothing", async () => {
      const t = await makeTable(ctx.store.tables);
      const out = await ctx.store.tables.writeItems([put(t.id, k(1), EMPTY), put(t.id, k(2), EMPTY), del(t.id, k(1), EMPTY)], T0);
      expect(out).toEqual({ ok: false, stale: [2] });
      expect(await ctx.store.tables.getItems(t.id, [{ pk: k(1), sk: EMPTY }, { pk: k(2), sk: EMPTY }])).toEqual([null, null]);
    });
  });
}

function indexTests(ctx: Ctx): void {
  describe("index entries", () => {
    it("replaces all of an item's entries on every put and removes them with it", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = ctx.store.tables;
      await write(s, [put(t.id, k(1), k(1), null, { index: [entry("g1", k(9), k(1), "{\"p\":1}"), entry("g2", k(8), EMPTY, "{\"p\":2}")] })]);
      await write(s, [put(t.id, k(2), k(2), null, { index: [entry("g1", k(9), k(0), "{\"o\":1}")] })]);
      expect(await indexKeys(s, t.id, "g1", k(9))).toEqual(["00/02/02@1:{\"o\":1}", "01/01/01@1:{\"p\":1}"]);
      expect(await indexKeys(s, t.id, "g2", k(8))).toEqual(["/01/01@1:{\"p\":2}"]);
      await write(s, [put(t.id, k(1), k(1), null, { index: [entry("g1", k(7), k(3), "{\"p\":3}")] })]);
      expect(await indexKeys(s, t.id, "g1", k(9))).toEqual(["00/02/02@1:{\"o\":1}"]);
      expect(await indexKeys(s, t.id, "g1", k(7))).toEqual(["03/01/01@2:{\"p\":3}"]);
      expect(await indexKeys(s, t.id, "g2", k(8))).toEqual([]);
      await write(s, [put(t.id, k(1), k(1))]);
      expect(await indexKeys(s, t.id, "g1", k(7))).toEqual([]);
      await write(s, [put(t.id, k(1), k(1), null, { index: [entry("g2", k(8), EMPTY, "{\"p\":4}")] }), del(t.id, k(2), k(2))]);
      expect(await indexKeys(s, t.id, "g2", k(8))).toEqual(["/01/01@4:{\"p\":4}"]);
      expect(await indexKeys(s, t.id, "g1", k(9))).toEqual([]);
      await write(s, [del(t.id, k(1), k(1))]);
      expect(await indexKeys(s, t.id, "g2", k(8))).toEqual([]);
      expect((await s.scan(scanOf(t.id, { index: "g2" }))).items).toEqual([]);
    });

    it("applies inserts, updates, deletes and checks of many items in one call, with their entries and TTLs", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = ctx.store.tables;
      const old = [3, 4, 5, 6].map((n) => put(t.id, k(n), k(n), `{"old":${n}}`, { index: [entry("g", k(9), k(n), `{"o":${n}}`)] }));
      expect(await write(s, old)).toEqual([1, 1, 1, 1]);
      // Keys out of order, a fresh item between existing ones, a TTL set and one cleared.
      const calls = [
        put(t.id, k(6), k(6), "{\"new\":6}", { expiresAt: 50, index: [entry("g", k(9), k(16), "{\"n\":6}")] }),
        put(t.id, k(1), k(1), "{\"new\":1}", { expiresAt: 40, index: [entry("g", k(9), k(11), "{\"n\":1}")] }),
        del(t.id, k(4), k(4)),
        check(t.id, k(5), k(5), 1),
        put(t.id, k(3), k(3), "{\"new\":3}"),
        put(t.id, k(2), k(2), "{\"new\":2}"),
      ];
      expect(await write(s, calls)).toEqual([2, 1, 0, 0, 2, 1]);
      const got = await s.getItems(t.id, [1, 2, 3, 4, 5, 6].map((n) => ({ pk: k(n), sk: k(n) })));
      expect(got.map((g) => (g ? `${g.version}:${g.item}` : null))).toEqual(["1:{\"new\":1}", "1:{\"new\":2}", "2:{\"new\":3}", null, "1:{\"old\":5}", "2:{\"new\":6}"]);
      expect(await indexKeys(s, t.id, "g", k(9))).toEqual(["05/05/05@1:{\"o\":5}", "0b/01/01@1:{\"n\":1}", "10/06/06@2:{\"n\":6}"]);
      const expiring = (await s.expiredItems(60, 100)).filter((e) => e.tableId === t.id);
      expect(expiring.map((e) => `${e.pk.toString("hex")}@${e.version}`)).toEqual(["01@1", "06@2"]);
      // The store is shared by the tests: leave nothing that expires.
      await write(s, [del(t.id, k(1), k(1)), del(t.id, k(6), k(6))]);
    });

    it("backfills entries only for items still at the version read, counting those written", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = ctx.store.tables;
      await write(s, [put(t.id, k(1), EMPTY), put(t.id, k(2), EMPTY), put(t.id, k(3), EMPTY)]);
      await write(s, [put(t.id, k(2), EMPTY)]);
      await write(s, [del(t.id, k(3), EMPTY)]);
      const backfill = [1, 2, 3, 4].map((n) => ({ pk: k(n), sk: EMPTY, version: 1, entry: entry("new", k(0xee), k(n), `{"n":${n}}`, n) }));
      expect(await s.addIndexEntries(t.id, backfill)).toBe(1);
      expect(await indexKeys(s, t.id, "new", k(0xee))).toEqual(["01/01/@1:{\"n\":1}"]);
      expect(await s.addIndexEntries(t.id, [{ ...backfill[1]!, version: 2 }])).toBe(1);
      expect(await indexKeys(s, t.id, "new", k(0xee))).toEqual(["01/01/@1:{\"n\":1}", "02/02/@2:{\"n\":2}"]);
      expect(await s.addIndexEntries(t.id, [])).toBe(0);
      expect(await s.addIndexEntries(t.id + 1_000_000, backfill)).toBe(0);
      // A later put replaces backfilled entries like any others.
      await write(s, [put(t.id, k(1), EMPTY)]);
      expect(await indexKeys(s, t.id, "new", k(0xee))).toEqual(["02/02/@2:{\"n\":2}"]);
    });

    it("drops every entry of one index, of one table only", async () => {
      const t = await makeTable(ctx.store.tables);
      const u = await makeTable(ctx.store.tables, "u", { account: t.account });
      const s = ctx.store.tables;
      for (const id of [t.id, u.id]) {
        await write(s, [1, 2, 3].map((n) => put(id, k(n), EMPTY, null, { index: [entry("a", k(1), k(n)), entry("b", k(1), k(n))] })));
      }
      await s.dropIndex(t.id, "a");
      expect(await indexKeys(s, t.id, "a", k(1))).toEqual([]);
      expect(await indexKeys(s, t.id, "b", k(1))).toHaveLength(3);
      expect(await indexKeys(s, u.id, "a", k(1))).toHaveLength(3);
      expect((await s.getItems(t.id, [{ pk: k(1), sk: EMPTY }]))[0]?.version).toBe(1);
      await s.dropIndex(t.id, "none");
    });
  });
}

export function tableItemTests(ctx: Ctx): void {
  putGetTests(ctx);
  expectationTests(ctx);
  indexTests(ctx);
}
