/**
 * TableStore conformance: concurrency and durability. Without `durable`, the races run
 * on the one store (its own concurrency); with it, across several stores opened on the
 * same database, as several processes would.
 */
import { describe, expect, it } from "vitest";
import type { TableStore, WriteResult } from "../../services/tables/store.js";
import type { ConformanceOptions } from "./queues.js";
import { check, EMPTY, entry, era, k, makeTable, put, queryOf, scanOf, T0, version, write, type Ctx } from "./table-helpers.js";

const MINUTE = 60_000;

async function stores(ctx: Ctx, options: ConformanceOptions, n = 4): Promise<TableStore[]> {
  if (!options.durable) return Array.from({ length: n }, () => ctx.store.tables);
  const out = [ctx.store.tables];
  while (out.length < n) out.push((await ctx.another()).tables);
  return out;
}

function versionRaceTests(ctx: Ctx, options: ConformanceOptions): void {
  it("of increments expecting the version they read, every success takes a distinct next version", async () => {
    const all = await stores(ctx, options);
    const t = await makeTable(ctx.store.tables);
    await write(ctx.store.tables, [put(t.id, k(1), EMPTY, "{\"n\":0}")]);
    const won: number[] = [];
    let refused = 0;
    await Promise.all(
      all.flatMap((store, w) =>
        [0, 1].map(async (lane) => {
          for (let round = 0; round < 25; round++) {
            const seen = await version(store, t.id, k(1), EMPTY);
            const out = await store.writeItems([put(t.id, k(1), EMPTY, `{"w":${w},"l":${lane},"r":${round}}`, { expect: seen, index: [entry("g", k(w), k(lane, round))] })], T0);
            if (out.ok) won.push(out.versions[0]!);
            else refused++;
          }
        }),
      ),
    );
    expect(won.length + refused).toBe(all.length * 2 * 25);
    expect(won.length).toBeGreaterThan(0);
    expect([...won].sort((a, b) => a - b)).toEqual(Array.from({ length: won.length }, (_, i) => i + 2));
    expect(await version(ctx.store.tables, t.id, k(1), EMPTY)).toBe(won.length + 1);
    const entries = (await ctx.store.tables.scan(scanOf(t.id, { index: "g" }))).items;
    expect(entries).toHaveLength(1);
    expect(entries[0]!.version).toBe(won.length + 1);
  });

  it("of inserts expecting absence, exactly one per item succeeds", async () => {
    const all = await stores(ctx, options);
    const t = await makeTable(ctx.store.tables);
    const outs = await Promise.all(
      Array.from({ length: 20 }, (_, item) => Promise.all(all.map((store, w) => store.writeItems([put(t.id, k(item), EMPTY, `{"w":${w}}`, { expect: 0 })], T0)))),
    );
    for (const per of outs) expect(per.filter((o) => o.ok)).toHaveLength(1);
    expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 20, bytes: 2000 });
  });

  it("of two writes each checking the other's item is absent, never both succeed", async () => {
    const all = await stores(ctx, options);
    const t = await makeTable(ctx.store.tables);
    let both = 0;
    for (let round = 0; round < 20; round++) {
      const [x, y] = [k(round, 1), k(round, 2)];
      const [a, b] = await Promise.all([
        all[0]!.writeItems([check(t.id, x, EMPTY, 0), put(t.id, y, EMPTY, null, { expect: 0 })], T0),
        all[1 % all.length]!.writeItems([check(t.id, y, EMPTY, 0), put(t.id, x, EMPTY, null, { expect: 0 })], T0),
      ]);
      if (a.ok && b.ok) both++;
      expect(a.ok || b.ok).toBe(true);
    }
    expect(both).toBe(0);
  });

  it("of writes carrying one token at once, exactly one applies", async () => {
    const all = await stores(ctx, options);
    const t = await makeTable(ctx.store.tables);
    const outs: WriteResult[] = await Promise.all(
      Array.from({ length: 8 }, (_, i) => all[i % all.length]!.writeItems([put(t.id, k(i), EMPTY)], T0, { account: t.account, token: "same", fingerprint: `fp${i}` })),
    );
    const winners = outs.flatMap((o, i) => (o.ok ? [i] : []));
    expect(winners).toHaveLength(1);
    for (const o of outs) if (!o.ok) expect(o).toEqual({ ok: false, token: { fingerprint: `fp${winners[0]}` } });
    expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 1, bytes: 100 });
  });
}

function sideRaceTests(ctx: Ctx, options: ConformanceOptions): void {
  it("a backfill racing puts leaves each item exactly the index entry of its current version", async () => {
    const all = await stores(ctx, options);
    const t = await makeTable(ctx.store.tables);
    const items = Array.from({ length: 30 }, (_, i) => k(i));
    await write(ctx.store.tables, items.map((pk) => put(t.id, pk, EMPTY)));
    const putter = async (store: TableStore, w: number) => {
      for (const pk of items) await store.writeItems([put(t.id, pk, EMPTY, null, { index: [entry("n", k(0xaa), pk, `{"w":${w}}`)] })], T0);
    };
    const backfill = async () => {
      for (const pk of items) await ctx.store.tables.addIndexEntries(t.id, [{ pk, sk: EMPTY, version: 1, entry: entry("n", k(0xaa), pk, "{\"w\":\"backfill\"}") }]);
    };
    await Promise.all([backfill(), ...all.slice(1).map((s, w) => putter(s, w)), putter(all[0]!, 9)]);
    const entries = (await ctx.store.tables.query(queryOf(t.id, k(0xaa), { index: "n" }))).items;
    const current = await ctx.store.tables.getItems(t.id, items.map((pk) => ({ pk, sk: EMPTY })));
    expect(entries.map((e) => [e.pk.toString("hex"), e.version])).toEqual(current.map((c) => [c!.pk.toString("hex"), c!.version]));
  });

  it("writes racing the deletion of their table either land before it or are stale, leaving nothing", async () => {
    const all = await stores(ctx, options);
    const t = await makeTable(ctx.store.tables);
    let ok = 0;
    let stale = 0;
    let deleting: Promise<boolean> | undefined;
    const writers = all.map(async (store, w) => {
      for (let i = 0; i < 15; i++) {
        const out = await store.writeItems([put(t.id, k(w, i), EMPTY, null, { index: [entry("g", k(1), k(w, i))] })], T0);
        if (out.ok) ok++;
        else stale++;
        if (i === 3 && w === 0) deleting = ctx.store.tables.deleteTable(t.id);
      }
    });
    await Promise.all(writers);
    expect(await deleting).toBe(true);
    expect(ok + stale).toBe(all.length * 15);
    expect(stale).toBeGreaterThan(0);
    expect(await ctx.store.tables.getTableById(t.id)).toBeNull();
    expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 0, bytes: 0 });
    expect((await ctx.store.tables.scan(scanOf(t.id, { index: "g" }))).items).toEqual([]);
  });
}

function durabilityTests(ctx: Ctx): void {
  it("keeps tables, items, index entries, tokens and expiries across a reopen", async () => {
    const base = era();
    const t = await makeTable(ctx.store.tables, "durable");
    const big = JSON.stringify({ s: { S: "é".repeat(100_000) } });
    await write(ctx.store.tables, [put(t.id, k(0xff, 0x00), k(0x80), big, { size: 200_000, segment: 0xffff_ffff, expiresAt: base + 1, index: [entry("g", k(1), k(0x80, 0), "{\"p\":1}", 7)] })], T0, {
      account: t.account,
      token: "tok",
      fingerprint: "fp",
    });
    await write(ctx.store.tables, [put(t.id, k(0xff, 0x00), k(0x80), big, { size: 200_000, segment: 0xffff_ffff, expiresAt: base + 1, index: [entry("g", k(1), k(0x80, 0), "{\"p\":2}", 7)] })]);
    expect(await ctx.store.tables.updateTable(t.id, t.version, { ...t.definition, tags: { kept: "yes" } })).toBe("ok");
    const before = await ctx.store.tables.getTableById(t.id);
    await ctx.reopen();
    expect(await ctx.store.tables.getTable(t.account, "durable")).toEqual(before);
    expect(await ctx.store.tables.getItems(t.id, [{ pk: k(0xff, 0x00), sk: k(0x80) }])).toEqual([{ pk: k(0xff, 0x00), sk: k(0x80), version: 2, item: big }]);
    const entries = (await ctx.store.tables.query(queryOf(t.id, k(1), { index: "g" }))).items;
    expect(entries.map((e) => [e.isk.toString("hex"), e.version, e.item])).toEqual([["8000", 2, "{\"p\":2}"]]);
    expect((await ctx.store.tables.scan(scanOf(t.id, { segments: { from: 0xffff_ffff, to: 2 ** 32 } }))).items).toHaveLength(1);
    expect(await ctx.store.tables.findToken(t.account, "tok", T0 + 1, 10 * MINUTE)).toBe("fp");
    expect((await ctx.store.tables.expiredItems(base + 1, 10)).map((e) => e.tableId)).toEqual([t.id]);
    expect(await ctx.store.tables.stats(t.id)).toEqual({ count: 1, bytes: 200_000 });
    expect(await ctx.store.tables.writeItems([put(t.id, k(0xff, 0x00), k(0x80), null, { expect: 1 })], T0)).toEqual({ ok: false, stale: [0] });
    expect(await write(ctx.store.tables, [put(t.id, k(0xff, 0x00), k(0x80), null, { expect: 2 })])).toEqual([3]);
  });
}

export function tableRaceTests(ctx: Ctx, options: ConformanceOptions): void {
  describe("concurrency", () => {
    versionRaceTests(ctx, options);
    sideRaceTests(ctx, options);
  });
  if (options.durable) describe("durability", () => durabilityTests(ctx));
}
