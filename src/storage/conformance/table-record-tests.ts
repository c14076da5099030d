/** TableStore conformance: table records (create, get, list, update, delete) and stats. */
import { describe, expect, it } from "vitest";
import { ProjectionType, StreamViewType } from "../../services/tables/types.js";
import { account, definition, del, entry, FULL, k, makeTable, put, queryOf, scanOf, T0, write, type Ctx } from "./table-helpers.js";

function createTests(ctx: Ctx): void {
  describe("createTable and getTable", () => {
    it("creates a table at version 1 and reads back exactly the definition it stored", async () => {
      const acct = account();
      const def = definition({
        key: { hash: { name: "h", type: "N" }, range: null },
        attributes: { h: "N", g: "S" },
        indexes: [
          {
            name: "by-g",
            kind: "global",
            key: { hash: { name: "g", type: "S" }, range: null },
            projection: { type: ProjectionType.Include, attributes: ["x", "ÿ"] },
            throughput: { read: 5, write: 7 },
            createdAt: T0 + 3,
          },
        ],
        stream: { viewType: StreamViewType.NewAndOldImages, label: "2024-01-01T00:00:00.000", streamId: 9, streamName: "s", shards: 2 },
        ttl: { attribute: "exp", enabled: true },
        tags: { zed: "last", a: "first", "ünï": "cödé \u{1F600}", empty: "" },
        deletionProtection: true,
      });
      const made = await ctx.store.tables.createTable({ account: acct, name: "Tbl.name-1_x", createdAt: T0 + 1, definition: def });
      expect(made).toEqual({ id: expect.any(Number), account: acct, name: "Tbl.name-1_x", createdAt: T0 + 1, version: 1, definition: def });
      if (made === "exists") return;
      expect(await ctx.store.tables.getTable(acct, "Tbl.name-1_x")).toEqual(made);
      const byId = await ctx.store.tables.getTableById(made.id);
      expect(byId).toEqual(made);
      expect(Object.keys(byId!.definition.tags)).toEqual(["zed", "a", "ünï", "empty"]);
    });

    it("answers null for a table that does not exist, by name in this or another account, or by id", async () => {
      const t = await makeTable(ctx.store.tables, "present");
      expect(await ctx.store.tables.getTable(t.account, "absent")).toBeNull();
      expect(await ctx.store.tables.getTable(t.account, "Present")).toBeNull();
      expect(await ctx.store.tables.getTable(account(), "present")).toBeNull();
      expect(await ctx.store.tables.getTableById(t.id + 1_000_000)).toBeNull();
    });

    it("answers exists for a taken name in the same account, and keeps names of two accounts apart", async () => {
      const t = await makeTable(ctx.store.tables, "taken");
      const again = await ctx.store.tables.createTable({ account: t.account, name: "taken", createdAt: T0 + 9, definition: definition({ deletionProtection: true }) });
      expect(again).toBe("exists");
      expect(await ctx.store.tables.getTable(t.account, "taken")).toEqual(t);
      const other = await makeTable(ctx.store.tables, "taken", { account: account() });
      expect(other.id).not.toBe(t.id);
      expect(await ctx.store.tables.getTableById(other.id)).toEqual(other);
    });
  });
}

function listTests(ctx: Ctx): void {
  describe("listTables", () => {
    const names = ["b", "a_1", "B", "a-1", "a", "ab", "a1", "_x", "a.b"];
    const sorted = [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

    async function setup(): Promise<string> {
      const acct = account();
      for (const n of names) await makeTable(ctx.store.tables, n, { account: acct });
      await makeTable(ctx.store.tables, "a0", { account: account() });
      return acct;
    }
    const list = async (acct: string, after: string | null, limit: number): Promise<string[]> =>
      (await ctx.store.tables.listTables(acct, after, limit)).map((t) => t.name);

    it("lists an account's tables in byte order of their names, only its own", async () => {
      const acct = await setup();
      expect(await list(acct, null, 100)).toEqual(sorted);
      const all = await ctx.store.tables.listTables(acct, null, 100);
      for (const t of all) expect(await ctx.store.tables.getTableById(t.id)).toEqual(t);
    });

    it("pages by name with after and limit", async () => {
      const acct = await setup();
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page = await list(acct, after, 4);
        expect(page.length).toBeLessThanOrEqual(4);
        seen.push(...page);
        if (page.length < 4) break;
        after = page[page.length - 1]!;
      }
      expect(seen).toEqual(sorted);
      expect(await list(acct, "a", 2)).toEqual(sorted.slice(sorted.indexOf("a") + 1, sorted.indexOf("a") + 3));
      expect(await list(acct, "zzz", 5)).toEqual([]);
      expect(await list(account(), null, 5)).toEqual([]);
    });
  });
}

function updateDeleteTests(ctx: Ctx): void {
  describe("updateTable", () => {
    it("replaces the definition if the table is still at the version, bumping it; stale otherwise", async () => {
      const t = await makeTable(ctx.store.tables, "upd");
      const next = definition({ ttl: { attribute: "exp", enabled: true }, tags: { a: "1" } });
      expect(await ctx.store.tables.updateTable(t.id, t.version, next)).toBe("ok");
      const after = await ctx.store.tables.getTableById(t.id);
      expect(after).toEqual({ ...t, version: t.version + 1, definition: next });
      expect(await ctx.store.tables.updateTable(t.id, t.version, definition())).toBe("stale");
      expect(await ctx.store.tables.getTable(t.account, "upd")).toEqual(after);
      expect(await ctx.store.tables.updateTable(t.id + 1_000_000, 1, definition())).toBe("stale");
    });
  });

  describe("deleteTable", () => {
    it("removes the table with its items and index entries, leaving other tables alone", async () => {
      const acct = account();
      const t = await makeTable(ctx.store.tables, "gone", { account: acct });
      const u = await makeTable(ctx.store.tables, "kept", { account: acct });
      for (const id of [t.id, u.id]) {
        await write(ctx.store.tables, [put(id, k(1), k(2), null, { index: [entry("g", k(9), k(8))] }), put(id, k(3), k(), null)]);
      }
      expect(await ctx.store.tables.deleteTable(t.id)).toBe(true);
      expect(await ctx.store.tables.getTableById(t.id)).toBeNull();
      expect(await ctx.store.tables.getTable(acct, "gone")).toBeNull();
      expect(await ctx.store.tables.getItems(t.id, [{ pk: k(1), sk: k(2) }])).toEqual([null]);
      expect((await ctx.store.tables.scan(scanOf(t.id))).items).toEqual([]);
      expect((await ctx.store.tables.query(queryOf(t.id, k(9), { index: "g" }))).items).toEqual([]);
      expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 0, bytes: 0 });
      expect(await ctx.store.tables.deleteTable(t.id)).toBe(false);
      expect((await ctx.store.tables.scan(scanOf(u.id))).items).toHaveLength(2);
      expect((await ctx.store.tables.query(queryOf(u.id, k(9), { index: "g" }))).items).toHaveLength(1);
    });

    it("makes writes to the deleted table stale, and frees its name", async () => {
      const t = await makeTable(ctx.store.tables, "again");
      expect(await ctx.store.tables.deleteTable(t.id)).toBe(true);
      expect(await ctx.store.tables.writeItems([put(t.id, k(1), k())], T0)).toEqual({ ok: false, stale: [0] });
      const fresh = await makeTable(ctx.store.tables, "again", { account: t.account });
      expect(fresh.id).not.toBe(t.id);
      expect(fresh.version).toBe(1);
      expect((await ctx.store.tables.scan(scanOf(fresh.id, { segments: { from: 0, to: FULL } }))).items).toEqual([]);
    });
  });
}

function statsTests(ctx: Ctx): void {
  describe("stats", () => {
    it("counts a table's items and sums their sizes as items come, change and go", async () => {
      const t = await makeTable(ctx.store.tables, "stats");
      const other = await makeTable(ctx.store.tables, "other", { account: t.account });
      expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 0, bytes: 0 });
      await write(ctx.store.tables, [put(t.id, k(1), k(), null, { size: 10 }), put(t.id, k(2), k(), null, { size: 250 }), put(other.id, k(1), k(), null, { size: 7 })]);
      expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 2, bytes: 260 });
      await write(ctx.store.tables, [put(t.id, k(1), k(), null, { size: 400_000 })]);
      expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 2, bytes: 400_250 });
      await write(ctx.store.tables, [del(t.id, k(2), k())]);
      expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 1, bytes: 400_000 });
      expect(await ctx.store.tables.stats(other.id)).toEqual({ count: 1, bytes: 7 });
    });
  });
}

export function tableRecordTests(ctx: Ctx): void {
  createTests(ctx);
  listTests(ctx);
  updateDeleteTests(ctx);
  statsTests(ctx);
}
