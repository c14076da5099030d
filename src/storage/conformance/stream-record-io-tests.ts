/** StreamStore conformance: putRecords, readRecords and counterAt. */
import { describe, expect, it } from "vitest";
import {
  binary,
  counters,
  entries,
  entry,
  makeStream,
  put,
  read,
  reload,
  reshardOk,
  run,
  split,
  T0,
  texts,
  type Ctx,
} from "./stream-helpers.js";

function putTests(ctx: Ctx): void {
  describe("putRecords", () => {
    it("numbers each shard's records from 1, in entry order, continuing across calls", async () => {
      const s = await makeStream(ctx.store, "count", 3);
      const mixed = [entry(0, "a"), entry(2, "b"), entry(0, "c"), entry(2, "d"), entry(0, "e")];
      expect(await put(ctx.store, s, mixed, T0)).toEqual([1, 1, 2, 2, 3]);
      expect(await put(ctx.store, s, [entry(2, "f"), entry(0, "g")], T0 + 1)).toEqual([3, 4]);
      expect(await put(ctx.store, s, entries(1, 4), T0 + 2)).toEqual([1, 2, 3, 4]);
      expect((await reload(ctx.store, s)).shards.map((x) => x.nextCounter)).toEqual([5, 5, 4]);
      expect(texts((await read(ctx.store, s, 0)).records)).toEqual(["a", "c", "e", "g"]);
      expect(texts((await read(ctx.store, s, 2)).records)).toEqual(["b", "d", "f"]);
    });

    it("round-trips data byte for byte: empty, binary, text and a 1 MiB record", async () => {
      const s = await makeStream(ctx.store, "bytes");
      const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      const big = binary(1024 * 1024 + 3);
      const datas = [Buffer.alloc(0), all, Buffer.from("ünïcödé \u{1F600}"), binary(1), big, Buffer.alloc(0)];
      const keys = ["k", "ünï \u{1F600}", "x".repeat(256), "a\u0000b", "big", "last"];
      await put(ctx.store, s, datas.map((d, i) => entry(0, d, keys[i])), T0);
      const got = (await read(ctx.store, s, 0)).records;
      expect(got).toHaveLength(datas.length);
      got.forEach((r, i) => {
        expect(Buffer.isBuffer(r.data)).toBe(true);
        expect(r.data.length).toBe(datas[i]!.length);
        expect(r.data.equals(datas[i]!)).toBe(true);
        expect(r.partitionKey).toBe(keys[i]);
        expect(r.counter).toBe(i + 1);
      });
    });

    it("records the arrival time it is given", async () => {
      const s = await makeStream(ctx.store, "arrivals");
      await put(ctx.store, s, entries(0, 2), T0 + 10);
      await put(ctx.store, s, entries(0, 1), T0 + 25);
      expect((await read(ctx.store, s, 0)).records.map((r) => r.arrivedAt)).toEqual([T0 + 10, T0 + 10, T0 + 25]);
    });

    it("answers stale, writing nothing, when a named shard is closed or does not exist", async () => {
      const s0 = await makeStream(ctx.store, "stale", 2);
      await put(ctx.store, s0, [entry(0, "x"), entry(1, "y")], T0);
      const s = await reshardOk(ctx.store, s0, [split(s0, 0)], T0 + 1);
      expect(await ctx.store.putRecords(s.id, [entry(1, "no"), entry(0, "no")], T0 + 2)).toBe("stale");
      expect(await ctx.store.putRecords(s.id, [entry(1, "no"), entry(9, "no")], T0 + 2)).toBe("stale");
      expect(await ctx.store.putRecords(s.id + 1_000_000, [entry(0, "no")], T0 + 2)).toBe("stale");
      expect(await reload(ctx.store, s)).toEqual(s);
      expect(texts((await read(ctx.store, s, 1)).records)).toEqual(["y"]);
      expect(texts((await read(ctx.store, s, 0)).records)).toEqual(["x"]);
      expect(await put(ctx.store, s, [entry(1, "z"), entry(3, "w")], T0 + 3)).toEqual([2, s.shards[3]!.startCounter]);
    });
  });
}

function readTests(ctx: Ctx): void {
  describe("readRecords", () => {
    async function tenRecords(name: string): Promise<Awaited<ReturnType<typeof makeStream>>> {
      const s = await makeStream(ctx.store, name);
      await put(ctx.store, s, entries(0, 10), T0);
      return s;
    }

    it("reads from a counter, at most limit records, and reports the tip", async () => {
      const s = await tenRecords("from");
      const a = await read(ctx.store, s, 0, { from: 4, limit: 3 });
      expect(counters(a.records)).toEqual([4, 5, 6]);
      expect(texts(a.records)).toEqual(["r3", "r4", "r5"]);
      expect(a.nextCounter).toBe(11);
      expect(a.endCounter).toBeNull();
      expect(counters((await read(ctx.store, s, 0, { from: 0, limit: 2 })).records)).toEqual([1, 2]);
      expect(counters((await read(ctx.store, s, 0, { from: 9 })).records)).toEqual([9, 10]);
      expect(await read(ctx.store, s, 0, { from: 11 })).toEqual({ records: [], nextCounter: 11, endCounter: null });
      expect((await read(ctx.store, s, 0, { from: 500 })).records).toEqual([]);
    });

    it("stops before exceeding maxBytes, but always returns at least one record", async () => {
      const s = await makeStream(ctx.store, "bytes");
      const sizes = [100, 100, 0, 100, 300, 10];
      await put(ctx.store, s, sizes.map((n) => entry(0, binary(n))), T0);
      const at = async (maxBytes: number, from = 1): Promise<number[]> => counters((await read(ctx.store, s, 0, { from, maxBytes })).records);
      expect(await at(250)).toEqual([1, 2, 3]);
      expect(await at(200)).toEqual([1, 2, 3]);
      expect(await at(199)).toEqual([1]);
      expect(await at(300)).toEqual([1, 2, 3, 4]);
      expect(await at(1)).toEqual([1]);
      expect(await at(0)).toEqual([1]);
      expect(await at(10, 5)).toEqual([5]);
      expect(await at(310, 5)).toEqual([5, 6]);
      expect(await at(1 << 20)).toEqual(run(1, 6));
    });

    it("skips records that arrived before notBefore", async () => {
      const s = await makeStream(ctx.store, "notbefore");
      await put(ctx.store, s, entries(0, 2, "a"), T0);
      await put(ctx.store, s, entries(0, 2, "b"), T0 + 100);
      await put(ctx.store, s, entries(0, 1, "c"), T0 + 200);
      const at = async (notBefore: number, from = 1): Promise<number[]> => counters((await read(ctx.store, s, 0, { from, notBefore })).records);
      expect(await at(T0)).toEqual([1, 2, 3, 4, 5]);
      expect(await at(T0 + 1)).toEqual([3, 4, 5]);
      expect(await at(T0 + 100)).toEqual([3, 4, 5]);
      expect(await at(T0 + 200, 1)).toEqual([5]);
      expect(await at(T0 + 201)).toEqual([]);
      expect(await at(T0 + 50, 4)).toEqual([4, 5]);
    });

    it("reports a closed shard's end counter, including a shard closed with no records", async () => {
      const s0 = await makeStream(ctx.store, "closed", 2);
      await put(ctx.store, s0, entries(0, 3), T0);
      const s = await reshardOk(ctx.store, s0, [split(s0, 0), split(s0, 1)], T0 + 1);
      expect(await read(ctx.store, s, 0, { from: 4 })).toEqual({ records: [], nextCounter: 4, endCounter: 3 });
      expect(counters((await read(ctx.store, s, 0)).records)).toEqual([1, 2, 3]);
      expect(await read(ctx.store, s, 1)).toEqual({ records: [], nextCounter: 1, endCounter: 0 });
    });

    it("answers null for a shard or stream that does not exist", async () => {
      const s = await makeStream(ctx.store, "none", 2);
      expect(await ctx.store.readRecords(s.id, 2, 0, 10, 1 << 20, 0)).toBeNull();
      expect(await ctx.store.readRecords(s.id, -1, 0, 10, 1 << 20, 0)).toBeNull();
      expect(await ctx.store.readRecords(s.id + 1_000_000, 0, 0, 10, 1 << 20, 0)).toBeNull();
    });
  });
}

function counterAtTests(ctx: Ctx): void {
  describe("counterAt", () => {
    it("names the first record that arrived at or after a time, or the next counter", async () => {
      const s = await makeStream(ctx.store, "at", 2);
      await put(ctx.store, s, entries(0, 2), T0);
      await put(ctx.store, s, entries(0, 3), T0 + 100);
      await put(ctx.store, s, entries(0, 1), T0 + 200);
      const at = (t: number, shard = 0): Promise<number | null> => ctx.store.counterAt(s.id, shard, t);
      expect(await at(0)).toBe(1);
      expect(await at(T0)).toBe(1);
      expect(await at(T0 + 1)).toBe(3);
      expect(await at(T0 + 100)).toBe(3);
      expect(await at(T0 + 150)).toBe(6);
      expect(await at(T0 + 200)).toBe(6);
      expect(await at(T0 + 201)).toBe(7);
      expect(await at(T0, 1)).toBe(1);
      expect(await at(T0, 2)).toBeNull();
      expect(await ctx.store.counterAt(s.id + 1_000_000, 0, T0)).toBeNull();
    });

    it("keeps a shard's arrival times from decreasing when the clock goes back", async () => {
      const s = await makeStream(ctx.store, "clock", 2);
      await put(ctx.store, s, entries(0, 2, "a"), T0 + 100);
      await put(ctx.store, s, [...entries(0, 2, "b"), entry(1, "other")], T0 + 50);
      await put(ctx.store, s, entries(0, 1, "c"), T0 + 120);
      await put(ctx.store, s, entries(0, 1, "d"), T0);
      const got = (await read(ctx.store, s, 0)).records;
      expect(got.map((r) => r.arrivedAt)).toEqual([T0 + 100, T0 + 100, T0 + 100, T0 + 100, T0 + 120, T0 + 120]);
      expect((await read(ctx.store, s, 1)).records.map((r) => r.arrivedAt)).toEqual([T0 + 50]);
      expect(await ctx.store.counterAt(s.id, 0, T0 + 50)).toBe(1);
      expect(await ctx.store.counterAt(s.id, 0, T0 + 101)).toBe(5);
      expect(await ctx.store.counterAt(s.id, 0, T0 + 121)).toBe(7);
      expect(counters((await read(ctx.store, s, 0, { notBefore: T0 + 101 })).records)).toEqual([5, 6]);
    });

    it("finds the first record among many", async () => {
      const s = await makeStream(ctx.store, "many");
      for (let i = 0; i < 20; i++) await put(ctx.store, s, entries(0, 7), T0 + i * 10);
      for (let i = 0; i < 20; i++) {
        expect(await ctx.store.counterAt(s.id, 0, T0 + i * 10)).toBe(i * 7 + 1);
        expect(await ctx.store.counterAt(s.id, 0, T0 + i * 10 - 3)).toBe(i * 7 + 1);
      }
      expect(await ctx.store.counterAt(s.id, 0, T0 + 191)).toBe(141);
    });
  });
}

export function streamRecordIoTests(ctx: Ctx): void {
  putTests(ctx);
  readTests(ctx);
  counterAtTests(ctx);
}
