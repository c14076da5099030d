/**
 * The checkpoint and shard lease part of the MappingStore conformance suite. A lease
 * is the only thing that keeps two processes from reading one shard at once, so the
 * tests pin who may take, renew, save and release it, at explicit times, and race
 * stores for one shard to check that exactly one of them ever gets it.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SourceKind, type MappingRecord, type MappingStore, type ShardCheckpoint } from "../../services/event-sources/store.js";
import { account, T0 } from "./queue-helpers.js";
import type { ConformanceOptions } from "./queues.js";
import type { StoreCtx } from "./suite.js";

type Ctx = StoreCtx<MappingStore>;

const LEASE = 10_000;
const SHARD = "shardId-000000000000";
/** A Kinesis sequence number is longer than any integer type holds, so it must round-trip as text. */
const SEQ = "49590338271490256608559692538361571095921575989136588898";

function streamMapping(): MappingRecord {
  const acct = account();
  return {
    uuid: randomUUID(),
    account: acct,
    region: "us-east-1",
    functionName: "consumer",
    functionArn: `arn:aws:lambda:us-east-1:${acct}:function:consumer`,
    sourceArn: `arn:aws:kinesis:us-east-1:${acct}:stream/clicks`,
    sourceKind: SourceKind.Kinesis,
    enabled: true,
    settings: { BatchSize: 100, MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [], StartingPosition: "TRIM_HORIZON" },
    state: "Enabled",
    stateReason: "USER_INITIATED",
    lastModified: T0,
    lastProcessingResult: null,
    createdAt: T0,
  };
}

async function makeMapping(store: MappingStore): Promise<string> {
  const m = streamMapping();
  const out = await store.createMapping(m);
  if ("exists" in out) throw new Error("fresh mapping already exists");
  return m.uuid;
}

function ckpt(uuid: string, shardId: string, more: Partial<ShardCheckpoint>): ShardCheckpoint {
  return { uuid, shardId, position: null, done: false, window: null, owner: null, leaseUntil: 0, ...more };
}

/** The checkpoints of a mapping by shard, so no test depends on the listing order. */
async function byShard(store: MappingStore, uuid: string): Promise<Map<string, ShardCheckpoint>> {
  return new Map((await store.checkpoints(uuid)).map((c) => [c.shardId, c]));
}

async function only(store: MappingStore, uuid: string): Promise<ShardCheckpoint | undefined> {
  const all = await store.checkpoints(uuid);
  expect(all).toHaveLength(1);
  return all[0];
}

function leaseTests(ctx: Ctx): void {
  describe("leaseShard", () => {
    it("creates the checkpoint of a new shard, with no position, not done, held by the caller", async () => {
      const uuid = await makeMapping(ctx.store);
      const want = ckpt(uuid, SHARD, { owner: "a", leaseUntil: T0 + LEASE });
      expect(await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE)).toEqual(want);
      expect(await ctx.store.checkpoints(uuid)).toEqual([want]);
    });

    it("lets the holder renew, before and after its lease ran out", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      expect(await ctx.store.leaseShard(uuid, SHARD, "a", T0 + 1, T0 + 1 + LEASE)).toEqual(ckpt(uuid, SHARD, { owner: "a", leaseUntil: T0 + 1 + LEASE }));
      const late = T0 + 5 * LEASE;
      expect(await ctx.store.leaseShard(uuid, SHARD, "a", late, late + LEASE)).toEqual(ckpt(uuid, SHARD, { owner: "a", leaseUntil: late + LEASE }));
      expect(await only(ctx.store, uuid)).toEqual(ckpt(uuid, SHARD, { owner: "a", leaseUntil: late + LEASE }));
    });

    it("refuses another owner while the lease is live, and gives it the shard once now reaches leaseUntil", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      expect(await ctx.store.leaseShard(uuid, SHARD, "b", T0, T0 + LEASE)).toBeNull();
      expect(await ctx.store.leaseShard(uuid, SHARD, "b", T0 + LEASE - 1, T0 + 2 * LEASE)).toBeNull();
      expect(await only(ctx.store, uuid)).toEqual(ckpt(uuid, SHARD, { owner: "a", leaseUntil: T0 + LEASE }));
      expect(await ctx.store.leaseShard(uuid, SHARD, "b", T0 + LEASE, T0 + 2 * LEASE)).toEqual(ckpt(uuid, SHARD, { owner: "b", leaseUntil: T0 + 2 * LEASE }));
      // The taker now holds it: the former owner is the one refused.
      expect(await ctx.store.leaseShard(uuid, SHARD, "a", T0 + LEASE, T0 + 3 * LEASE)).toBeNull();
    });

    it("keeps the position when the lease changes hands", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", SEQ, false)).toBe(true);
      const taken = await ctx.store.leaseShard(uuid, SHARD, "b", T0 + LEASE, T0 + 2 * LEASE);
      expect(taken).toEqual(ckpt(uuid, SHARD, { position: SEQ, owner: "b", leaseUntil: T0 + 2 * LEASE }));
    });

    it("refuses everyone, the holder too, a shard that is done", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", SEQ, true)).toBe(true);
      expect(await ctx.store.leaseShard(uuid, SHARD, "a", T0 + 1, T0 + LEASE)).toBeNull();
      expect(await ctx.store.leaseShard(uuid, SHARD, "b", T0 + 10 * LEASE, T0 + 11 * LEASE)).toBeNull();
      await ctx.store.releaseShard(uuid, SHARD, "a");
      expect(await ctx.store.leaseShard(uuid, SHARD, "b", T0 + 10 * LEASE, T0 + 11 * LEASE)).toBeNull();
      const [c] = await ctx.store.checkpoints(uuid);
      expect(c).toMatchObject({ position: SEQ, done: true });
    });
  });
}

function saveTests(ctx: Ctx): void {
  describe("saveCheckpoint", () => {
    it("round-trips position and done, null position included", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      const held = { owner: "a", leaseUntil: T0 + LEASE };
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", "1", false)).toBe(true);
      expect(await only(ctx.store, uuid)).toEqual(ckpt(uuid, SHARD, { ...held, position: "1" }));
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", SEQ, false)).toBe(true);
      expect(await only(ctx.store, uuid)).toEqual(ckpt(uuid, SHARD, { ...held, position: SEQ }));
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", null, false)).toBe(true);
      expect(await only(ctx.store, uuid)).toEqual(ckpt(uuid, SHARD, held));
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", SEQ, true)).toBe(true);
      expect(await only(ctx.store, uuid)).toEqual(ckpt(uuid, SHARD, { ...held, position: SEQ, done: true }));
    });

    it("round-trips the open tumbling window and clears it when saved without one", async () => {
      const uuid = await makeMapping(ctx.store);
      const lease = await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      expect(lease?.window).toBeNull();
      const window = { start: 1_700_000_040_000, state: JSON.stringify({ sum: 12, keys: ["a", "\u0000"] }) };
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", SEQ, false, window)).toBe(true);
      expect((await only(ctx.store, uuid))?.window).toEqual(window);
      expect((await ctx.store.leaseShard(uuid, SHARD, "a", T0 + 1, T0 + 1 + LEASE))?.window).toEqual(window);
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", SEQ, false)).toBe(true);
      expect((await only(ctx.store, uuid))?.window).toBeNull();
    });

    it("saves nothing for an owner that does not hold the lease", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      await ctx.store.saveCheckpoint(uuid, SHARD, "a", "5", false);
      const before = await only(ctx.store, uuid);
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "b", "9", false)).toBe(false);
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "b", "9", true)).toBe(false);
      expect(await only(ctx.store, uuid)).toEqual(before);
    });

    it("saves nothing for a former holder once another took the shard", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      await ctx.store.leaseShard(uuid, SHARD, "b", T0 + LEASE, T0 + 2 * LEASE);
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", "7", true)).toBe(false);
      expect(await only(ctx.store, uuid)).toEqual(ckpt(uuid, SHARD, { owner: "b", leaseUntil: T0 + 2 * LEASE }));
    });

    it("creates nothing for a shard that was never leased", async () => {
      const uuid = await makeMapping(ctx.store);
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", "1", false)).toBe(false);
      expect(await ctx.store.checkpoints(uuid)).toEqual([]);
    });
  });
}

function releaseTests(ctx: Ctx): void {
  describe("releaseShard", () => {
    it("frees the shard at once for another owner, keeping the position", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      await ctx.store.saveCheckpoint(uuid, SHARD, "a", SEQ, false);
      await ctx.store.releaseShard(uuid, SHARD, "a");
      expect(await only(ctx.store, uuid)).toMatchObject({ owner: null, position: SEQ, done: false });
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", "late", false)).toBe(false);
      expect(await ctx.store.leaseShard(uuid, SHARD, "b", T0 + 1, T0 + 1 + LEASE)).toEqual(
        ckpt(uuid, SHARD, { position: SEQ, owner: "b", leaseUntil: T0 + 1 + LEASE }),
      );
    });

    it("does nothing when called by an owner that does not hold the lease, or for an unknown shard", async () => {
      const uuid = await makeMapping(ctx.store);
      await ctx.store.leaseShard(uuid, SHARD, "a", T0, T0 + LEASE);
      const before = await only(ctx.store, uuid);
      await ctx.store.releaseShard(uuid, SHARD, "b");
      await ctx.store.releaseShard(uuid, "shardId-000000000099", "a");
      expect(await ctx.store.checkpoints(uuid)).toEqual([before]);
      expect(await ctx.store.leaseShard(uuid, SHARD, "b", T0 + 1, T0 + 1 + LEASE)).toBeNull();
      expect(await ctx.store.saveCheckpoint(uuid, SHARD, "a", "2", false)).toBe(true);
    });
  });
}

function listingTests(ctx: Ctx): void {
  describe("checkpoints and deleteMapping", () => {
    it("lists every shard of a mapping, and only that mapping's", async () => {
      const m1 = await makeMapping(ctx.store);
      const m2 = await makeMapping(ctx.store);
      const shards = ["shardId-000000000002", "shardId-000000000000", "shardId-000000000001"];
      for (const s of shards) await ctx.store.leaseShard(m1, s, "a", T0, T0 + LEASE);
      await ctx.store.leaseShard(m2, shards[0]!, "b", T0, T0 + LEASE);
      const mine = await byShard(ctx.store, m1);
      expect([...mine.keys()].sort()).toEqual([...shards].sort());
      for (const s of shards) expect(mine.get(s)).toEqual(ckpt(m1, s, { owner: "a", leaseUntil: T0 + LEASE }));
      expect(await ctx.store.checkpoints(m2)).toEqual([ckpt(m2, shards[0]!, { owner: "b", leaseUntil: T0 + LEASE })]);
      expect(await ctx.store.checkpoints(randomUUID())).toEqual([]);
    });

    it("keeps one mapping's shard apart from another mapping's shard of the same id", async () => {
      const m1 = await makeMapping(ctx.store);
      const m2 = await makeMapping(ctx.store);
      await ctx.store.leaseShard(m1, SHARD, "a", T0, T0 + LEASE);
      expect(await ctx.store.leaseShard(m2, SHARD, "b", T0, T0 + LEASE)).toEqual(ckpt(m2, SHARD, { owner: "b", leaseUntil: T0 + LEASE }));
      expect(await ctx.store.saveCheckpoint(m2, SHARD, "a", "1", false)).toBe(false);
      expect(await ctx.store.saveCheckpoint(m1, SHARD, "a", "1", true)).toBe(true);
      expect(await only(ctx.store, m2)).toEqual(ckpt(m2, SHARD, { owner: "b", leaseUntil: T0 + LEASE }));
    });

    it("deleteMapping removes the mapping's checkpoints and no other mapping's", async () => {
      const gone = await makeMapping(ctx.store);
      const kept = await makeMapping(ctx.store);
      await ctx.store.leaseShard(gone, "shardId-000000000000", "a", T0, T0 + LEASE);
      await ctx.store.leaseShard(gone, "shardId-000000000001", "a", T0, T0 + LEASE);
      await ctx.store.saveCheckpoint(gone, "shardId-000000000001", "a", SEQ, true);
      await ctx.store.leaseShard(kept, SHARD, "a", T0, T0 + LEASE);
      expect(await ctx.store.deleteMapping(gone)).toBe(true);
      expect(await ctx.store.checkpoints(gone)).toEqual([]);
      expect(await ctx.store.checkpoints(kept)).toHaveLength(1);
    });
  });
}

/** `n` owners lease one shard at the same `now` through `stores`: exactly one must get it. */
async function raceLease(stores: readonly MappingStore[], uuid: string, shardId: string, n: number, now: number): Promise<void> {
  const owners = Array.from({ length: n }, (_, i) => `owner-${i}`);
  const out = await Promise.all(owners.map((o, i) => stores[i % stores.length]!.leaseShard(uuid, shardId, o, now, now + LEASE)));
  const won = out.filter((c): c is ShardCheckpoint => c !== null);
  expect(won).toHaveLength(1);
  const winner = won[0]!;
  expect(winner.leaseUntil).toBe(now + LEASE);
  expect((await byShard(stores[0]!, uuid)).get(shardId)).toEqual(winner);
  // Only the winner may record progress.
  const saved = await Promise.all(owners.map((o, i) => stores[i % stores.length]!.saveCheckpoint(uuid, shardId, o, "1", false)));
  expect(saved.filter(Boolean)).toHaveLength(1);
  expect(saved[owners.indexOf(winner.owner!)]).toBe(true);
}

async function raceRounds(stores: readonly MappingStore[], rounds: number): Promise<void> {
  const uuid = await makeMapping(stores[0]!);
  for (let round = 0; round < rounds; round++) {
    const shardId = `shardId-${String(round).padStart(12, "0")}`;
    // A new shard (the checkpoint is created in the race), then the same shard once its lease ran out.
    await raceLease(stores, uuid, shardId, 8, T0);
    await raceLease(stores, uuid, shardId, 8, T0 + LEASE);
  }
  expect(await stores[0]!.checkpoints(uuid)).toHaveLength(rounds);
}

function concurrencyTests(ctx: Ctx, options: ConformanceOptions): void {
  describe("lease concurrency", () => {
    it("of leases of one shard issued at once through one store, exactly one wins each round", async () => {
      await raceRounds([ctx.store], 10);
    });

    if (!options.durable) return;

    it("of leases of one shard from several stores on one database, exactly one wins each round", async () => {
      const stores = [ctx.store, await ctx.another(), await ctx.another(), await ctx.another()];
      await raceRounds(stores, 25);
    });
  });
}

function durabilityTests(ctx: Ctx): void {
  it("keeps checkpoints and leases across a reopen", async () => {
    const uuid = await makeMapping(ctx.store);
    await ctx.store.leaseShard(uuid, "shardId-000000000000", "a", T0, T0 + LEASE);
    await ctx.store.saveCheckpoint(uuid, "shardId-000000000000", "a", SEQ, false);
    await ctx.store.leaseShard(uuid, "shardId-000000000001", "a", T0, T0 + LEASE);
    await ctx.store.saveCheckpoint(uuid, "shardId-000000000001", "a", "3", true);
    const before = await byShard(ctx.store, uuid);
    await ctx.reopen();
    expect(await byShard(ctx.store, uuid)).toEqual(before);
    expect(await ctx.store.leaseShard(uuid, "shardId-000000000000", "b", T0 + 1, T0 + LEASE)).toBeNull();
    expect(await ctx.store.saveCheckpoint(uuid, "shardId-000000000000", "a", "4", false)).toBe(true);
  });
}

export function checkpointTests(ctx: Ctx, options: ConformanceOptions): void {
  describe("checkpoints and shard leases", () => {
    leaseTests(ctx);
    saveTests(ctx);
    releaseTests(ctx);
    listingTests(ctx);
    concurrencyTests(ctx, options);
    if (options.durable) durabilityTests(ctx);
  });
}
