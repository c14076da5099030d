/** Conformance: purge, counts, sweeps, availability wake-ups and durability. */
import { describe, expect, it } from "vitest";
import {
  bodies, del, fmsg, handle, makeQueue, MAX_VISIBILITY, moveSetup, msg, receive, redriveTo, RETENTION, send,
  startArgs, T0, total, type Ctx,
} from "./queue-helpers.js";

export function purgeAndCountTests(ctx: Ctx): void {
  describe("purge, counts and nextVisibleAt", () => {
    it("purges every message, at most once per interval", async () => {
      const q = await makeQueue(ctx.store, "p");
      await send(ctx.store, q, [msg("1"), msg("2"), msg("3", { delayMs: 5000 })]);
      await receive(ctx.store, q, T0, { max: 1 });
      expect(await ctx.store.purge(q.id, T0, 60_000)).toBe(3);
      expect(await total(ctx.store, q, T0)).toBe(0);
      await send(ctx.store, q, [msg("4")], T0 + 10);
      expect(await ctx.store.purge(q.id, T0 + 59_999, 60_000)).toBe("inProgress");
      expect(await total(ctx.store, q, T0 + 59_999)).toBe(1);
      expect(await ctx.store.purge(q.id, T0 + 60_000, 60_000)).toBe(1);
    });

    it("purging a FIFO queue forgets its groups", async () => {
      const q = await makeQueue(ctx.store, "p.fifo");
      await send(ctx.store, q, [fmsg("g", "a1")]);
      await receive(ctx.store, q, T0);
      expect(await ctx.store.purge(q.id, T0, 60_000)).toBe(1);
      await send(ctx.store, q, [fmsg("g", "a2")], T0 + 1);
      expect(bodies((await receive(ctx.store, q, T0 + 1)).messages)).toEqual(["a2"]);
      expect(await ctx.store.nextVisibleAt(q.id, T0 + 1)).toBe(T0 + 30_001);
    });

    it("counts visible, in-flight and delayed messages within retention", async () => {
      const q = await makeQueue(ctx.store, "c");
      await send(ctx.store, q, [msg("1"), msg("2"), msg("3"), msg("4", { delayMs: 10_000 }), msg("5", { delayMs: 10_000 })]);
      await receive(ctx.store, q, T0, { max: 1 });
      expect(await ctx.store.counts(q.id, T0, RETENTION)).toEqual({ visible: 2, inFlight: 1, delayed: 2 });
      expect(await ctx.store.counts(q.id, T0 + 10_000, RETENTION)).toEqual({ visible: 4, inFlight: 1, delayed: 0 });
      expect(await ctx.store.counts(q.id, T0 + 1000, 1000)).toEqual({ visible: 0, inFlight: 0, delayed: 0 });
    });

    it("tells when the next message becomes visible", async () => {
      const q = await makeQueue(ctx.store, "n");
      expect(await ctx.store.nextVisibleAt(q.id, T0)).toBeNull();
      await send(ctx.store, q, [msg("now"), msg("later", { delayMs: 5000 })]);
      await receive(ctx.store, q, T0, { max: 1, visibilityMs: 3000 });
      expect(await ctx.store.nextVisibleAt(q.id, T0)).toBe(T0 + 3000);
      expect(await ctx.store.nextVisibleAt(q.id, T0 + 3000)).toBe(T0 + 5000);
      expect(await ctx.store.nextVisibleAt(q.id, T0 + 5000)).toBeNull();
    });
  });
}

export function sweepTests(ctx: Ctx): void {
  describe("sweep", () => {
    it("deletes expired messages of every queue, by each queue's retention", async () => {
      const short = await makeQueue(ctx.store, "short", { retentionMs: 1000 });
      const long = await makeQueue(ctx.store, "long", { account: short.account });
      const changed = await makeQueue(ctx.store, "changed", { account: short.account });
      await ctx.store.updateQueue(changed.id, {}, 2000, T0);
      for (const q of [short, long, changed]) await send(ctx.store, q, [msg("1"), msg("2")]);
      await receive(ctx.store, short, T0, { max: 1 });
      const first = await ctx.store.sweep(T0 + 1000);
      expect(first.expired).toBeGreaterThanOrEqual(2);
      expect(await total(ctx.store, short, T0 + 1000)).toBe(0);
      expect(await total(ctx.store, changed, T0 + 1000)).toBe(2);
      expect((await ctx.store.sweep(T0 + 2000)).expired).toBeGreaterThanOrEqual(2);
      expect(await total(ctx.store, changed, T0 + 2000)).toBe(0);
      expect(await total(ctx.store, long, T0 + 2000)).toBe(2);
    });

    it("keeps a FIFO group usable after its messages expire", async () => {
      const q = await makeQueue(ctx.store, "sweep.fifo", { retentionMs: 1000 });
      await send(ctx.store, q, [fmsg("g", "old")]);
      await receive(ctx.store, q, T0, { visibilityMs: 100_000 });
      expect((await ctx.store.sweep(T0 + 1000)).expired).toBeGreaterThanOrEqual(1);
      await send(ctx.store, q, [fmsg("g", "new")], T0 + 1000);
      expect(bodies((await receive(ctx.store, q, T0 + 1000, { retentionMs: 1000 })).messages)).toEqual(["new"]);
    });

    it("deletes expired deduplication entries", async () => {
      const q = await makeQueue(ctx.store, "dd.fifo");
      await send(ctx.store, q, [fmsg("g", "a", { dedupId: "d" })], T0, { byGroup: false, windowMs: 1000 });
      expect((await ctx.store.sweep(T0 + 999)).dedup).toBe(0);
      expect((await ctx.store.sweep(T0 + 1000)).dedup).toBeGreaterThanOrEqual(1);
      const [again] = await send(ctx.store, q, [fmsg("g", "b", { dedupId: "d" })], T0 + 1000, { byGroup: false, windowMs: 1000 });
      expect(again!.duplicate).toBe(false);
    });
  });
}

export function availabilityTests(ctx: Ctx): void {
  describe("onAvailable", () => {
    function listen(): { ids: number[]; stop: () => void } {
      const ids: number[] = [];
      const stop = ctx.store.onAvailable((id) => ids.push(id));
      return { ids, stop };
    }

    it("tells listeners about a send by the time it resolves, until they unsubscribe", async () => {
      const q = await makeQueue(ctx.store, "av");
      const l = listen();
      await send(ctx.store, q, [msg("1")]);
      expect(l.ids).toContain(q.id);
      l.stop();
      const n = l.ids.length;
      await send(ctx.store, q, [msg("2")]);
      expect(l.ids).toHaveLength(n);
    });

    it("tells listeners about the dead-letter queue after a redrive move", async () => {
      const q = await makeQueue(ctx.store, "av-src");
      const dlq = await makeQueue(ctx.store, "av-dlq", { account: q.account });
      await send(ctx.store, q, [msg("1")]);
      await receive(ctx.store, q, T0, { visibilityMs: 0 });
      const l = listen();
      expect((await receive(ctx.store, q, T0, { redrive: redriveTo(dlq, q, 1) })).moved).toBe(1);
      expect(l.ids).toContain(dlq.id);
    });

    it("tells listeners when a visibility change makes a message visible", async () => {
      const q = await makeQueue(ctx.store, "av-vis");
      await send(ctx.store, q, [msg("1")]);
      const [m] = (await receive(ctx.store, q, T0)).messages;
      const l = listen();
      await ctx.store.changeVisibility({ queueId: q.id, now: T0, maxTotalMs: MAX_VISIBILITY, entries: [{ ...handle(m!), visibilityMs: 0 }] });
      expect(l.ids).toContain(q.id);
    });

    it("tells listeners when deleting a FIFO message unblocks the rest of its group", async () => {
      const q = await makeQueue(ctx.store, "av.fifo");
      await send(ctx.store, q, [fmsg("g", "a1"), fmsg("g", "a2")]);
      const got = (await receive(ctx.store, q, T0, { max: 1 })).messages;
      const l = listen();
      expect(await del(ctx.store, q, T0, got)).toEqual(["deleted"]);
      expect(l.ids.some((id) => id === q.id || id === 0)).toBe(true);
    });

    it("tells listeners after a move step", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 1);
      const args = startArgs(dlq, dest);
      await ctx.store.startMoveTask(args);
      const l = listen();
      await ctx.store.stepMoveTask({ handle: args.handle, now: T0, limit: 10 });
      expect(l.ids.some((id) => id === dest.id || id === 0)).toBe(true);
    });
  });
}

export function durabilityTests(ctx: Ctx): void {
  describe("durability", () => {
    it("keeps queues, messages, in-flight state, dedup entries and tasks across a reopen", async () => {
      const q = await makeQueue(ctx.store, "keep.fifo");
      await send(ctx.store, q, [fmsg("g", "a", { dedupId: "d" }), fmsg("g", "b")]);
      const [a] = (await receive(ctx.store, q, T0, { max: 1, visibilityMs: 1000 })).messages;
      const { dlq, dest } = await moveSetup(ctx.store, 1);
      const args = startArgs(dlq, dest, 1);
      await ctx.store.startMoveTask(args);
      await ctx.reopen();
      expect(await ctx.store.getQueue(q.account, q.name)).toEqual(q);
      expect((await receive(ctx.store, q, T0 + 999)).messages).toEqual([]);
      expect((await send(ctx.store, q, [fmsg("g", "c", { dedupId: "d" })], T0 + 999))[0]!.duplicate).toBe(true);
      expect(await del(ctx.store, q, T0 + 999, [a!])).toEqual(["deleted"]);
      expect(bodies((await receive(ctx.store, q, T0 + 999)).messages)).toEqual(["b"]);
      expect((await ctx.store.runningMoveTasks()).map((t) => t.handle)).toContain(args.handle);
    });
  });
}
