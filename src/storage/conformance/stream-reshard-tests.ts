/** StreamStore conformance: reshard (lineage, counters, atomicity) and trim (retention). */
import { describe, expect, it } from "vitest";
import type { StreamRecord } from "../../services/streams/store.js";
import {
  counters,
  entries,
  entry,
  epoch,
  highestUsed,
  HOUR,
  makeStream,
  merge,
  put,
  read,
  reload,
  reshardOk,
  settings,
  shardOf,
  split,
  T0,
  texts,
  type Ctx,
} from "./stream-helpers.js";

function reshardTests(ctx: Ctx): void {
  describe("reshard", () => {
    it("closes a split shard at its last counter and opens children above every counter used", async () => {
      const s0 = await makeStream(ctx.store, "split", 2);
      await put(ctx.store, s0, entries(0, 5), T0);
      await put(ctx.store, s0, entries(1, 40), T0);
      const before = await reload(ctx.store, s0);
      const step = split(before, 0);
      const s = await reshardOk(ctx.store, before, [step], T0 + 7);
      expect(s.version).toBe(before.version + 1);
      expect(s.shards.map((x) => x.index)).toEqual([0, 1, 2, 3]);
      expect(shardOf(s, 0)).toEqual({ ...shardOf(before, 0), endCounter: 5, closedAt: T0 + 7 });
      expect(shardOf(s, 1)).toEqual(shardOf(before, 1));
      const [low, high] = [shardOf(s, 2), shardOf(s, 3)];
      for (const [child, want] of [[low, step.open[0]!], [high, step.open[1]!]] as const) {
        expect(child).toMatchObject({ ...want, endCounter: null, closedAt: null, createdAt: T0 + 7 });
        expect(child.startCounter).toBeGreaterThan(highestUsed(before));
        expect(child.nextCounter).toBe(child.startCounter);
      }
      expect(await put(ctx.store, s, [entry(3, "h"), entry(2, "l"), entry(3, "h2")], T0 + 8)).toEqual([high.startCounter, low.startCounter, high.startCounter + 1]);
    });

    it("records both parents of a merged shard", async () => {
      const s0 = await makeStream(ctx.store, "merge", 3);
      await put(ctx.store, s0, [...entries(1, 2), ...entries(2, 9)], T0);
      const before = await reload(ctx.store, s0);
      const s = await reshardOk(ctx.store, before, [merge(before, 1, 2)], T0 + 3);
      expect(s.shards.map((x) => [x.index, x.endCounter, x.closedAt])).toEqual([[0, null, null], [1, 2, T0 + 3], [2, 9, T0 + 3], [3, null, null]]);
      const child = shardOf(s, 3);
      expect(child).toMatchObject({ parent: 1, adjacentParent: 2, hashStart: before.shards[1]!.hashStart, hashEnd: before.shards[2]!.hashEnd });
      expect(child.startCounter).toBeGreaterThan(9);
    });

    it("applies several steps in order, numbering new shards one above the highest index", async () => {
      const s0 = await makeStream(ctx.store, "steps", 2);
      await put(ctx.store, s0, entries(0, 3), T0);
      const first = split(s0, 0);
      const afterSplit: StreamRecord = { ...s0, shards: [...s0.shards, { ...shardOf(s0, 0), index: 2, ...first.open[0]! }, { ...shardOf(s0, 0), index: 3, ...first.open[1]! }] };
      const s = await reshardOk(ctx.store, s0, [first, merge(afterSplit, 3, 1)], T0 + 5);
      expect(s.shards.map((x) => [x.index, x.parent, x.adjacentParent, x.endCounter === null])).toEqual([
        [0, null, null, false], [1, null, null, false], [2, 0, null, true], [3, 0, null, false], [4, 3, 1, true],
      ]);
      expect(shardOf(s, 3).endCounter).toBe(shardOf(s, 3).startCounter - 1);
      expect(shardOf(s, 4).startCounter).toBeGreaterThanOrEqual(shardOf(s, 3).startCounter);
      expect(shardOf(s, 2).startCounter).toBeGreaterThan(3);
      const again = await reshardOk(ctx.store, s, [split(s, 4)], T0 + 6);
      expect(again.shards.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
      expect(shardOf(again, 5).parent).toBe(4);
    });

    it("answers stale, changing nothing, for an old version or a missing stream", async () => {
      const s = await makeStream(ctx.store, "stale", 2);
      const now = await reshardOk(ctx.store, s, [split(s, 0)], T0 + 1);
      expect(await ctx.store.reshard(s.id, s.version, [split(now, 1)], T0 + 2)).toBe("stale");
      expect(await ctx.store.reshard(s.id, now.version + 1, [split(now, 1)], T0 + 2)).toBe("stale");
      expect(await ctx.store.reshard(s.id + 1_000_000, 1, [], T0 + 2)).toBe("stale");
      expect(await reload(ctx.store, s)).toEqual(now);
    });

    it("throws, leaving everything as it was, when a step closes a shard that is not open", async () => {
      const s0 = await makeStream(ctx.store, "atomic", 2);
      await put(ctx.store, s0, entries(0, 2), T0);
      const s = await reshardOk(ctx.store, s0, [split(s0, 1)], T0 + 1);
      const bad = [
        [split(s, 0), split(s, 1)],
        [split(s, 0), split(s, 0)],
        [split(s, 0), { close: [9], open: [] }],
        [split(s, 0), merge(s, 0, 1)],
      ];
      for (const steps of bad) {
        await expect(ctx.store.reshard(s.id, s.version, steps, T0 + 2)).rejects.toThrow();
        expect(await reload(ctx.store, s)).toEqual(s);
      }
      expect(await put(ctx.store, s, entries(0, 1), T0 + 3)).toEqual([3]);
      const after = await reshardOk(ctx.store, s, [split(s, 0)], T0 + 4);
      expect(after.shards.map((x) => x.index)).toEqual([0, 1, 2, 3, 4, 5]);
    });
  });
}

/** Records at `t` in each of `shards`, `n` per shard, tagged with the time's offset. */
async function putAt(ctx: Ctx, s: StreamRecord, shards: readonly number[], n: number, t: number): Promise<void> {
  await put(ctx.store, s, shards.flatMap((i) => entries(i, n, `t${t % 1_000_000_000}-`)), t);
}

function trimTests(ctx: Ctx): void {
  describe("trim", () => {
    it("deletes records older than the stream's retention, counts them, and keeps open shards", async () => {
      const e = epoch();
      const s = await makeStream(ctx.store, "trim", 2, { createdAt: e });
      await putAt(ctx, s, [0, 1], 3, e);
      await putAt(ctx, s, [0], 2, e + 2 * HOUR);
      expect(await ctx.store.trim(e + 24 * HOUR)).toBe(0);
      expect(await ctx.store.trim(e + 25 * HOUR)).toBe(6);
      expect(await ctx.store.trim(e + 25 * HOUR)).toBe(0);
      expect(counters((await read(ctx.store, s, 0)).records)).toEqual([4, 5]);
      expect((await read(ctx.store, s, 1)).records).toEqual([]);
      expect(await ctx.store.trim(e + 26 * HOUR + 1)).toBe(2);
      const after = await reload(ctx.store, s);
      expect(after.shards.map((x) => [x.index, x.nextCounter])).toEqual([[0, 6], [1, 4]]);
      expect(await put(ctx.store, s, entries(0, 1), e + 27 * HOUR)).toEqual([6]);
    });

    it("keeps a record that arrived exactly at the horizon, per stream's own retention", async () => {
      const e = epoch();
      const short = await makeStream(ctx.store, "short", 1, { createdAt: e });
      const long = await makeStream(ctx.store, "long", 1, { account: short.account, createdAt: e, settings: settings({ retentionHours: 48 }) });
      await putAt(ctx, short, [0], 1, e - 1);
      await putAt(ctx, short, [0], 1, e);
      await putAt(ctx, long, [0], 2, e);
      expect(await ctx.store.trim(e + 24 * HOUR)).toBe(1);
      expect(counters((await read(ctx.store, short, 0)).records)).toEqual([2]);
      expect(await ctx.store.trim(e + 47 * HOUR)).toBe(1);
      expect((await read(ctx.store, long, 0)).records).toHaveLength(2);
      expect(await ctx.store.updateSettings(long.id, long.version, settings({ retentionHours: 24 }))).toBe("ok");
      expect(await ctx.store.trim(e + 47 * HOUR)).toBe(2);
    });

    it("deletes a closed shard once it closed before the horizon and its records are gone", async () => {
      const e = epoch();
      const s0 = await makeStream(ctx.store, "closed", 1, { createdAt: e });
      await putAt(ctx, s0, [0], 4, e);
      const s = await reshardOk(ctx.store, s0, [split(s0, 0)], e + HOUR);
      await putAt(ctx, s, [1], 1, e + 2 * HOUR);
      expect(await ctx.store.trim(e + 24 * HOUR + HOUR / 2)).toBe(4);
      expect(await read(ctx.store, s, 0)).toEqual({ records: [], nextCounter: 5, endCounter: 4 });
      expect((await reload(ctx.store, s)).shards.map((x) => x.index)).toEqual([0, 1, 2]);
      expect(await ctx.store.trim(e + 25 * HOUR + 1)).toBe(0);
      const later = await reload(ctx.store, s);
      expect(later.shards.map((x) => x.index)).toEqual([1, 2]);
      expect(later.shards).toEqual(s.shards.filter((x) => x.index !== 0).map((x) => (x.index === 1 ? { ...x, nextCounter: x.nextCounter + 1 } : x)));
      expect(await ctx.store.readRecords(s.id, 0, 0, 10, 1 << 20, 0)).toBeNull();
      expect(await ctx.store.counterAt(s.id, 0, 0)).toBeNull();
      expect(await ctx.store.trim(e + 100 * HOUR)).toBe(1);
      expect((await reload(ctx.store, s)).shards.map((x) => x.index)).toEqual([1, 2]);
    });

    it("keeps a closed shard that still holds records inside the window", async () => {
      const e = epoch();
      const s0 = await makeStream(ctx.store, "late", 1, { createdAt: e });
      await putAt(ctx, s0, [0], 1, e + 5 * HOUR);
      const s = await reshardOk(ctx.store, s0, [split(s0, 0)], e + HOUR);
      expect(await ctx.store.trim(e + 26 * HOUR)).toBe(0);
      expect((await reload(ctx.store, s)).shards.map((x) => x.index)).toEqual([0, 1, 2]);
      expect(await ctx.store.trim(e + 29 * HOUR + 1)).toBe(1);
      expect((await reload(ctx.store, s)).shards.map((x) => x.index)).toEqual([1, 2]);
    });

    it("leaves counterAt naming the first record left, and reshards above everything used", async () => {
      const e = epoch();
      const s0 = await makeStream(ctx.store, "after", 1, { createdAt: e });
      await putAt(ctx, s0, [0], 10, e);
      const s1 = await reshardOk(ctx.store, s0, [split(s0, 0)], e + HOUR);
      const low = shardOf(s1, 1).startCounter;
      await putAt(ctx, s1, [1], 5, e + HOUR);
      await putAt(ctx, s1, [1], 5, e + 3 * HOUR);
      expect(await ctx.store.trim(e + 26 * HOUR)).toBe(15);
      expect((await reload(ctx.store, s1)).shards.map((x) => x.index)).toEqual([1, 2]);
      expect(await ctx.store.counterAt(s1.id, 1, 0)).toBe(low + 5);
      expect(await ctx.store.counterAt(s1.id, 1, e + 3 * HOUR)).toBe(low + 5);
      expect(await ctx.store.counterAt(s1.id, 1, e + 3 * HOUR + 1)).toBe(low + 10);
      expect(counters((await read(ctx.store, s1, 1)).records)).toEqual([5, 6, 7, 8, 9].map((i) => low + i));
      const s2 = await reload(ctx.store, s1);
      const s3 = await reshardOk(ctx.store, s2, [split(s2, 1)], e + 27 * HOUR);
      expect(s3.shards.map((x) => x.index)).toEqual([1, 2, 3, 4]);
      for (const c of [shardOf(s3, 3), shardOf(s3, 4)]) expect(c.startCounter).toBeGreaterThan(Math.max(10, low + 9));
      expect(texts((await read(ctx.store, s3, 1)).records)).toHaveLength(5);
    });
  });
}

export function streamReshardTests(ctx: Ctx): void {
  reshardTests(ctx);
  trimTests(ctx);
}
