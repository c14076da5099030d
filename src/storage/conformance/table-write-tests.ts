/**
 * TableStore conformance: what rides along with item writes — change records appended
 * to a stream in the same transaction, idempotency tokens — and TTL lookups.
 */
import { describe, expect, it } from "vitest";
import type { RecordEntry, StreamRecord } from "../../services/streams/store.js";
import type { ItemWrite } from "../../services/tables/store.js";
import { newStream, split } from "./stream-helpers.js";
import { account, check, del, EMPTY, era, itemText, k, makeTable, put, T0, version, write, type Ctx } from "./table-helpers.js";

const MINUTE = 60_000;

function changeTests(ctx: Ctx): void {
  async function stream(acct: string, name: string, shards = 2): Promise<StreamRecord> {
    const s = await ctx.store.streams.createStream(newStream(acct, name, shards));
    if (s === "exists") throw new Error("stream exists");
    return s;
  }
  const change = (s: StreamRecord, shardIndex: number, data: string): ItemWrite["change"] => ({
    streamId: s.id,
    entry: { shardIndex, partitionKey: "pk", data: Buffer.from(data), explicitHashKey: null } satisfies RecordEntry,
  });
  const records = async (s: StreamRecord, shard: number): Promise<string[]> =>
    ((await ctx.store.streams.readRecords(s.id, shard, 0, 1000, 1 << 30, 0))?.records ?? []).map((r) => `${r.counter}:${r.data.toString()}`);

  describe("change records", () => {
    it("appends each write's change record to its shard, in position order, with the write", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = await stream(t.account, "changes");
      await write(ctx.store.tables, [put(t.id, k(1), EMPTY, null, { change: change(s, 0, "a") }), put(t.id, k(2), EMPTY), put(t.id, k(3), EMPTY, null, { change: change(s, 1, "b") })], T0);
      await write(ctx.store.tables, [del(t.id, k(1), EMPTY, 1, change(s, 1, "c")), put(t.id, k(3), EMPTY, null, { change: change(s, 0, "d") }), put(t.id, k(4), EMPTY, null, { change: change(s, 0, "e") })], T0 + 1);
      expect(await records(s, 0)).toEqual(["1:a", "2:d", "3:e"]);
      expect(await records(s, 1)).toEqual(["1:b", "2:c"]);
      const read = await ctx.store.streams.readRecords(s.id, 0, 2, 10, 1 << 30, 0);
      expect(read?.records.map((r) => r.arrivedAt)).toEqual([T0 + 1, T0 + 1]);
    });

    it("appends nothing when the write is stale", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = await stream(t.account, "stale");
      const out = await ctx.store.tables.writeItems([put(t.id, k(1), EMPTY, null, { change: change(s, 0, "a") }), put(t.id, k(2), EMPTY, null, { expect: 3, change: change(s, 1, "b") })], T0);
      expect(out).toEqual({ ok: false, stale: [1] });
      expect(await records(s, 0)).toEqual([]);
      expect(await records(s, 1)).toEqual([]);
      expect((await ctx.store.streams.getStream(s.account, s.name))?.shards.map((x) => x.nextCounter)).toEqual([1, 1]);
    });

    it("is stale at a write whose shard closed, writing no item and no record", async () => {
      const t = await makeTable(ctx.store.tables);
      const s = await stream(t.account, "closed");
      expect(await ctx.store.streams.reshard(s.id, s.version, [split(s, 0)], T0)).toBe("ok");
      const out = await ctx.store.tables.writeItems([put(t.id, k(1), EMPTY, null, { change: change(s, 1, "open") }), put(t.id, k(2), EMPTY, null, { change: change(s, 0, "closed") })], T0);
      expect(out.ok).toBe(false);
      expect(out).toHaveProperty("stale");
      expect((out as { stale: number[] }).stale).toContain(1);
      expect(await ctx.store.tables.getItems(t.id, [{ pk: k(1), sk: EMPTY }, { pk: k(2), sk: EMPTY }])).toEqual([null, null]);
      expect(await records(s, 1)).toEqual([]);
      await write(ctx.store.tables, [put(t.id, k(2), EMPTY, null, { change: change(s, 2, "child") })]);
      expect(await records(s, 2)).toEqual([`${(await ctx.store.streams.getStream(s.account, s.name))!.shards[2]!.startCounter}:child`]);
    });

    it("writes nothing in any stream or table when one of several streams is stale", async () => {
      const acct = account();
      const t = await makeTable(ctx.store.tables, "t", { account: acct });
      const u = await makeTable(ctx.store.tables, "u", { account: acct });
      const a = await stream(acct, "a");
      const b = await stream(acct, "b");
      const gone = await stream(acct, "gone");
      expect(await ctx.store.streams.deleteStream(acct, "gone")).toBe(true);
      for (const late of [change(gone, 0, "x"), change(b, 5, "x")]) {
        const out = await ctx.store.tables.writeItems(
          [put(t.id, k(1), EMPTY, null, { change: change(a, 0, "a1") }), put(u.id, k(1), EMPTY, null, { change: change(b, 0, "b1") }), put(u.id, k(2), EMPTY, null, { change: late })],
          T0,
        );
        expect(out).toEqual({ ok: false, stale: expect.arrayContaining([2]) });
      }
      expect(await records(a, 0)).toEqual([]);
      expect(await records(b, 0)).toEqual([]);
      expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 0, bytes: 0 });
      expect(await ctx.store.tables.stats(u.id)).toEqual({ count: 0, bytes: 0 });
      await write(ctx.store.tables, [put(t.id, k(1), EMPTY, null, { change: change(a, 0, "a1") }), put(u.id, k(1), EMPTY, null, { change: change(b, 0, "b1") })]);
      expect(await records(a, 0)).toEqual(["1:a1"]);
      expect(await records(b, 0)).toEqual(["1:b1"]);
    });
  });
}

function tokenTests(ctx: Ctx): void {
  describe("idempotency tokens", () => {
    it("remembers a token with its fingerprint, and refuses its reuse without writing", async () => {
      const t = await makeTable(ctx.store.tables);
      const token = { account: t.account, token: "tok-1", fingerprint: "fp-a" };
      expect(await write(ctx.store.tables, [put(t.id, k(1), EMPTY)], T0, token)).toEqual([1]);
      expect(await ctx.store.tables.findToken(t.account, "tok-1", T0 + 1, 10 * MINUTE)).toBe("fp-a");
      const again = await ctx.store.tables.writeItems([put(t.id, k(1), EMPTY), put(t.id, k(2), EMPTY)], T0 + 5, { ...token, fingerprint: "fp-b" });
      expect(again).toEqual({ ok: false, token: { fingerprint: "fp-a" } });
      expect(await version(ctx.store.tables, t.id, k(1), EMPTY)).toBe(1);
      expect(await version(ctx.store.tables, t.id, k(2), EMPTY)).toBe(0);
      expect(await ctx.store.tables.findToken(t.account, "tok-1", T0 + 6, 10 * MINUTE)).toBe("fp-a");
    });

    it("finds a token only within the window, and only in its account", async () => {
      const t = await makeTable(ctx.store.tables);
      await write(ctx.store.tables, [check(t.id, k(1), EMPTY, 0)], T0, { account: t.account, token: "w", fingerprint: "f" });
      expect(await ctx.store.tables.findToken(t.account, "w", T0 + 10 * MINUTE - 1, 10 * MINUTE)).toBe("f");
      expect(await ctx.store.tables.findToken(t.account, "w", T0 + 10 * MINUTE, 10 * MINUTE)).toBeNull();
      expect(await ctx.store.tables.findToken(t.account, "W", T0, 10 * MINUTE)).toBeNull();
      expect(await ctx.store.tables.findToken(account(), "w", T0, 10 * MINUTE)).toBeNull();
      const other = await makeTable(ctx.store.tables);
      expect(await write(ctx.store.tables, [put(other.id, k(1), EMPTY)], T0, { account: other.account, token: "w", fingerprint: "g" })).toEqual([1]);
      expect(await ctx.store.tables.findToken(other.account, "w", T0, 10 * MINUTE)).toBe("g");
    });

    it("does not keep the token of a write that was refused", async () => {
      const t = await makeTable(ctx.store.tables);
      const token = { account: t.account, token: "retry", fingerprint: "fp" };
      expect(await ctx.store.tables.writeItems([put(t.id, k(1), EMPTY, null, { expect: 4 })], T0, token)).toEqual({ ok: false, stale: [0] });
      expect(await ctx.store.tables.findToken(t.account, "retry", T0, 10 * MINUTE)).toBeNull();
      expect(await write(ctx.store.tables, [put(t.id, k(1), EMPTY)], T0, token)).toEqual([1]);
    });

    it("trims tokens older than the given time", async () => {
      const base = era();
      const t = await makeTable(ctx.store.tables);
      for (const [i, at] of [base, base + 10, base + 20].entries()) {
        await write(ctx.store.tables, [put(t.id, k(i), EMPTY)], at, { account: t.account, token: `t${i}`, fingerprint: `f${i}` });
      }
      expect(await ctx.store.tables.trimTokens(base + 10)).toBe(1);
      expect(await ctx.store.tables.findToken(t.account, "t0", base + 20, 10 * MINUTE)).toBeNull();
      expect(await ctx.store.tables.findToken(t.account, "t1", base + 20, 10 * MINUTE)).toBe("f1");
      expect(await write(ctx.store.tables, [put(t.id, k(0), EMPTY)], base + 30, { account: t.account, token: "t0", fingerprint: "new" })).toEqual([2]);
      expect(await ctx.store.tables.trimTokens(base + 21)).toBe(2);
      expect(await ctx.store.tables.trimTokens(base + 21)).toBe(0);
      expect(await ctx.store.tables.findToken(t.account, "t0", base + 31, 10 * MINUTE)).toBe("new");
    });
  });
}

function expiryTests(ctx: Ctx): void {
  describe("expiredItems", () => {
    it("lists items whose TTL passed across tables, oldest first, at most limit, at their current version", async () => {
      const base = era();
      const t = await makeTable(ctx.store.tables);
      const u = await makeTable(ctx.store.tables, "u", { account: t.account });
      await write(ctx.store.tables, [
        put(t.id, k(1), k(1), null, { expiresAt: base + 5 }),
        put(t.id, k(2), EMPTY, null, { expiresAt: base + 1 }),
        put(t.id, k(3), EMPTY, null, { expiresAt: base + 9 }),
        put(t.id, k(4), EMPTY, null, { expiresAt: null }),
        put(u.id, k(1), k(1), null, { expiresAt: base + 3 }),
      ]);
      await write(ctx.store.tables, [put(t.id, k(1), k(1), "{\"v\":2}", { expiresAt: base + 5 })]);
      const at = async (now: number, limit = 100): Promise<string[]> =>
        (await ctx.store.tables.expiredItems(now, limit)).map((e) => `${e.tableId === t.id ? "t" : "u"}:${e.pk.toString("hex")}/${e.sk.toString("hex")}@${e.version}`);
      expect(await at(base)).toEqual([]);
      expect(await at(base + 5)).toEqual(["t:02/@1", "u:01/01@1", "t:01/01@2"]);
      expect(await at(base + 5, 2)).toEqual(["t:02/@1", "u:01/01@1"]);
      const [first] = await ctx.store.tables.expiredItems(base + 1, 1);
      expect(first).toEqual({ tableId: t.id, pk: k(2), sk: EMPTY, version: 1, item: itemText(k(2), EMPTY) });
      await write(ctx.store.tables, [put(t.id, k(2), EMPTY, null, { expiresAt: null }), put(t.id, k(3), EMPTY, null, { expiresAt: base + 2 }), del(u.id, k(1), k(1))]);
      expect(await at(base + 5)).toEqual(["t:03/@2", "t:01/01@2"]);
    });
  });
}

export function tableWriteTests(ctx: Ctx): void {
  changeTests(ctx);
  tokenTests(ctx);
  expiryTests(ctx);
}
