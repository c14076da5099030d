/**
 * StreamStore conformance: concurrency and durability. Without `durable`, the races run
 * on the one store (its own concurrency); with it, across several stores opened on the
 * same database, as several processes would.
 */
import { describe, expect, it } from "vitest";
import type { StreamRecord, StreamStore } from "../../services/streams/store.js";
import type { ConformanceOptions } from "./queues.js";
import {
  account,
  binary,
  counters,
  entries,
  entry,
  makeStream,
  newStream,
  put,
  read,
  reload,
  reshardOk,
  run,
  settings,
  split,
  T0,
  texts,
  type Ctx,
} from "./stream-helpers.js";

async function stores(ctx: Ctx, options: ConformanceOptions, n = 4): Promise<StreamStore[]> {
  if (!options.durable) return Array.from({ length: n }, () => ctx.store);
  const out = [ctx.store];
  while (out.length < n) out.push(await ctx.another());
  return out;
}

/** Every read of `shard` until `done` reports records only below the tip it reports. */
async function watchTip(store: StreamStore, s: StreamRecord, shard: number, done: () => boolean): Promise<number> {
  let reads = 0;
  while (!done()) {
    const r = await read(store, s, shard, { from: 1 });
    for (const rec of r.records) expect(rec.counter).toBeLessThan(r.nextCounter);
    reads++;
    // An inline store answers reads at once; let the writes it races get their turn.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return reads;
}

function putRaceTests(ctx: Ctx, options: ConformanceOptions): void {
  it("gives puts to one shard from several writers at once unique, gap-free counters", async () => {
    const all = await stores(ctx, options);
    const s = await makeStream(ctx.store, "race", 2);
    let finished = false;
    const watching = watchTip(ctx.store, s, 0, () => finished);
    const writers = all.map(async (store, w) => {
      const mine: number[][] = [];
      const batch = Array.from({ length: 50 }, async (_, p) => {
        const got = await put(store, s, entries(0, 5, `w${w}p${p}-`), T0 + p);
        mine[p] = got;
      });
      await Promise.all(batch);
      return mine;
    });
    const writing = Promise.all(writers).finally(() => (finished = true));
    const [out] = await Promise.all([writing, watching]);
    const flat = out.flat();
    for (const got of flat) for (let i = 1; i < got.length; i++) expect(got[i]).toBeGreaterThan(got[i - 1]!);
    expect(flat.flat().sort((a, b) => a - b)).toEqual(run(1, all.length * 250));
    const records = (await read(ctx.store, s, 0)).records;
    expect(counters(records)).toEqual(run(1, all.length * 250));
    out.forEach((mine, w) => mine.forEach((got, p) => got.forEach((c, i) => expect(records[c - 1]!.data.toString()).toBe(`w${w}p${p}-${i}`))));
    const arrivals = records.map((r) => r.arrivedAt);
    expect(arrivals).toEqual([...arrivals].sort((a, b) => a - b));
    expect((await reload(ctx.store, s)).shards.map((x) => x.nextCounter)).toEqual([all.length * 250 + 1, 1]);
  });

  it("of creates of one name issued at once, exactly one succeeds", async () => {
    const all = await stores(ctx, options);
    const acct = account();
    const out = await Promise.all(Array.from({ length: 8 }, (_, i) => all[i % all.length]!.createStream(newStream(acct, "once", 1 + (i % 3)))));
    const made = out.filter((o): o is StreamRecord => o !== "exists");
    expect(made).toHaveLength(1);
    expect(await ctx.store.getStream(acct, "once")).toEqual(made[0]);
  });

  it("of reshards from the same version issued at once, exactly one applies", async () => {
    const all = await stores(ctx, options);
    const s = await makeStream(ctx.store, "versions", 2);
    const out = await Promise.all(all.map((store, i) => store.reshard(s.id, s.version, [split(s, i % 2)], T0 + i)));
    expect(out.filter((o) => o === "ok")).toHaveLength(1);
    const after = await reload(ctx.store, s);
    expect(after.version).toBe(s.version + 1);
    expect(after.shards).toHaveLength(4);
    expect(after.shards.filter((x) => x.endCounter !== null)).toHaveLength(1);
  });
}

interface Landed {
  readonly shard: number;
  readonly counter: number;
  readonly data: string;
}

/** Checks that the records the stream holds are exactly the ones puts reported, and gap-free. */
async function expectExactly(store: StreamStore, s0: StreamRecord, landed: readonly Landed[]): Promise<void> {
  const s = await reload(store, s0);
  let total = 0;
  for (const shard of s.shards) {
    const r = await read(store, s, shard.index);
    const want = landed.filter((l) => l.shard === shard.index).sort((a, b) => a.counter - b.counter);
    expect(counters(r.records)).toEqual(want.map((l) => l.counter));
    expect(texts(r.records)).toEqual(want.map((l) => l.data));
    expect(counters(r.records)).toEqual(run(shard.startCounter, shard.nextCounter - shard.startCounter));
    if (shard.endCounter !== null) expect(shard.endCounter).toBe(shard.nextCounter - 1);
    total += r.records.length;
  }
  expect(total).toBe(landed.length);
}

function reshardRaceTests(ctx: Ctx, options: ConformanceOptions): void {
  it("puts racing a reshard either land in an open shard or answer stale, writing nothing", async () => {
    const all = await stores(ctx, options);
    const s = await makeStream(ctx.store, "split-race", 2);
    const landed: Landed[] = [];
    let stale = 0;
    let trigger: () => void = () => undefined;
    const halfway = new Promise<void>((resolve) => (trigger = resolve));
    const writers = all.map(async (store, w) => {
      for (let p = 0; p < 25; p++) {
        const list = [entry(0, `w${w}p${p}a`), entry(1, `w${w}p${p}b`), entry(0, `w${w}p${p}c`)];
        const out = await store.putRecords(s.id, list, T0 + p);
        if (out === "stale") stale++;
        else out.forEach((counter, i) => landed.push({ shard: list[i]!.shardIndex, counter, data: list[i]!.data.toString() }));
        if (landed.length >= 30) trigger();
      }
    });
    const resharding = halfway.then(() => reshardOk(ctx.store, s, [split(s, 0)], T0 + 10));
    await Promise.all(writers);
    const after = await resharding;
    expect(landed.length + stale * 3).toBe(all.length * 25 * 3);
    expect(stale).toBeGreaterThan(0);
    await expectExactly(ctx.store, s, landed);
    const closed = after.shards[0]!;
    for (const child of after.shards.slice(2)) expect(child.startCounter).toBeGreaterThan(closed.endCounter!);
  });

  it("puts that follow the open shards while the stream reshards lose no record", async () => {
    const all = await stores(ctx, options);
    const s = await makeStream(ctx.store, "follow", 1);
    const landed: Landed[] = [];
    let done = 0;
    const writers = all.map(async (store, w) => {
      const key = BigInt(w) * (1n << 126n) + 12345n;
      for (let p = 0; p < 20; p++) await putFollowing(store, s, key, `w${w}p${p}`, landed);
      done++;
    });
    const resharder = (async () => {
      let cur = await reload(ctx.store, s);
      for (let round = 0; round < 6 && done < all.length; round++) {
        const open = cur.shards.filter((x) => x.endCounter === null);
        cur = await reshardOk(ctx.store, cur, [split(cur, open[round % open.length]!.index)], T0 + round);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    await Promise.all([...writers, resharder]);
    expect(landed).toHaveLength(all.length * 20 * 2);
    await expectExactly(ctx.store, s, landed);
  });
}

/** Puts two records at `key`'s open shard, re-reading the stream whenever the put is stale. */
async function putFollowing(store: StreamStore, s0: StreamRecord, key: bigint, tag: string, landed: Landed[]): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const s = await reload(store, s0);
    const shard = s.shards.find((x) => x.endCounter === null && BigInt(x.hashStart) <= key && key <= BigInt(x.hashEnd));
    if (!shard) throw new Error(`no open shard holds ${key}`);
    const list = [entry(shard.index, `${tag}a`), entry(shard.index, `${tag}b`)];
    const out = await store.putRecords(s.id, list, T0 + attempt);
    if (out === "stale") continue;
    out.forEach((counter, i) => landed.push({ shard: shard.index, counter, data: list[i]!.data.toString() }));
    return;
  }
  throw new Error(`put ${tag} stayed stale`);
}

function durabilityTests(ctx: Ctx): void {
  it("keeps streams, shards, records and arrival clocks across a reopen", async () => {
    const s0 = await makeStream(ctx.store, "durable", 2);
    const big = binary(200_000);
    await put(ctx.store, s0, [entry(0, big), entry(1, Buffer.alloc(0)), entry(0, "x")], T0 + 100);
    const s1 = await reshardOk(ctx.store, s0, [split(s0, 1)], T0 + 101);
    expect(await ctx.store.updateSettings(s1.id, s1.version, settings({ retentionHours: 72, tags: { a: "b" } }))).toBe("ok");
    const before = await reload(ctx.store, s1);
    await ctx.reopen();
    expect(await ctx.store.getStream(s0.account, "durable")).toEqual(before);
    const r = await read(ctx.store, before, 0);
    expect(r.records[0]!.data.equals(big)).toBe(true);
    expect(texts(r.records.slice(1))).toEqual(["x"]);
    expect((await read(ctx.store, before, 1)).records.map((x) => x.data.length)).toEqual([0]);
    expect(await put(ctx.store, before, entries(0, 1), T0)).toEqual([3]);
    expect((await read(ctx.store, before, 0, { from: 3 })).records[0]!.arrivedAt).toBe(T0 + 100);
    expect(await ctx.store.reshard(s0.id, s1.version, [], T0)).toBe("stale");
  });
}

export function streamRaceTests(ctx: Ctx, options: ConformanceOptions): void {
  describe("concurrency", () => {
    putRaceTests(ctx, options);
    reshardRaceTests(ctx, options);
  });
  if (options.durable) describe("durability", () => durabilityTests(ctx));
}
