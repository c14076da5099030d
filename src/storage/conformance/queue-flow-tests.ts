/** Conformance: FIFO groups, receive request attempts, deletes and visibility changes. */
import { describe, expect, it } from "vitest";
import type { QueueRecord, ReceiveArgs, StoredMessage } from "../../services/queues/store.js";
import {
  bodies, del, fmsg, handle, makeQueue, MAX_VISIBILITY, msg, receive, RETENTION, send, T0, total, WINDOW,
  type Ctx,
} from "./queue-helpers.js";

export function fifoTests(ctx: Ctx): void {
  describe("FIFO message groups", () => {
    it("delivers each group in order and blocks a group while any of it is in flight", async () => {
      const q = await makeQueue(ctx.store, "order.fifo");
      await send(ctx.store, q, [fmsg("g1", "a1"), fmsg("g2", "b1"), fmsg("g1", "a2"), fmsg("g2", "b2"), fmsg("g1", "a3")]);
      const first = (await receive(ctx.store, q, T0, { max: 2 })).messages;
      expect(bodies(first)).toEqual(["a1", "a2"]);
      expect(bodies((await receive(ctx.store, q, T0)).messages)).toEqual(["b1", "b2"]);
      expect((await receive(ctx.store, q, T0)).messages).toEqual([]);
      expect(await del(ctx.store, q, T0, first.slice(0, 1))).toEqual(["deleted"]);
      expect((await receive(ctx.store, q, T0)).messages).toEqual([]);
      expect(await del(ctx.store, q, T0, first.slice(1))).toEqual(["deleted"]);
      expect(bodies((await receive(ctx.store, q, T0)).messages)).toEqual(["a3"]);
    });

    it("delivers a group's head again once its visibility ends", async () => {
      const q = await makeQueue(ctx.store, "again.fifo");
      await send(ctx.store, q, [fmsg("g", "a1"), fmsg("g", "a2")]);
      expect(bodies((await receive(ctx.store, q, T0, { max: 1, visibilityMs: 1000 })).messages)).toEqual(["a1"]);
      expect((await receive(ctx.store, q, T0 + 999)).messages).toEqual([]);
      const got = (await receive(ctx.store, q, T0 + 1000)).messages;
      expect(got.map((m) => [m.body, m.receiveCount])).toEqual([["a1", 2], ["a2", 1]]);
    });

    it("holds back a whole group while its head is delayed", async () => {
      const q = await makeQueue(ctx.store, "delayed.fifo");
      await send(ctx.store, q, [fmsg("g1", "a", { delayMs: 5000 }), fmsg("g1", "b"), fmsg("g2", "c")]);
      expect(bodies((await receive(ctx.store, q, T0)).messages)).toEqual(["c"]);
      expect(bodies((await receive(ctx.store, q, T0 + 5000)).messages)).toEqual(["a", "b"]);
    });

    it("orders groups by their oldest message", async () => {
      const q = await makeQueue(ctx.store, "groups.fifo");
      await send(ctx.store, q, [fmsg("z", "z1"), fmsg("a", "a1"), fmsg("m", "m1"), fmsg("z", "z2")]);
      expect(bodies((await receive(ctx.store, q, T0)).messages)).toEqual(["z1", "z2", "a1", "m1"]);
    });

    it("gives each message a FIFO seq greater than the ones sent before it", async () => {
      const q = await makeQueue(ctx.store, "seq.fifo");
      const a = await send(ctx.store, q, [fmsg("g", "1"), fmsg("h", "2")]);
      const b = await send(ctx.store, q, [fmsg("g", "3")]);
      expect(a[1]!.seq).toBeGreaterThan(a[0]!.seq);
      expect(b[0]!.seq).toBeGreaterThan(a[1]!.seq);
    });
  });
}

export function attemptTests(ctx: Ctx): void {
  describe("FIFO receive request attempts", () => {
    const attempt = (id: string, windowMs = WINDOW): ReceiveArgs["attempt"] => ({ id, windowMs });

    async function setup(): Promise<{ q: QueueRecord; got: readonly StoredMessage[] }> {
      const q = await makeQueue(ctx.store, "att.fifo");
      await send(ctx.store, q, [fmsg("g1", "a"), fmsg("g1", "b"), fmsg("g2", "c")]);
      const got = (await receive(ctx.store, q, T0, { max: 2, visibilityMs: 1000, attempt: attempt("x") })).messages;
      expect(bodies(got)).toEqual(["a", "b"]);
      return { q, got };
    }

    it("returns the same messages to a retry, with a fresh visibility timeout", async () => {
      const { q, got } = await setup();
      const retry = await receive(ctx.store, q, T0 + 500, { max: 2, visibilityMs: 1000, attempt: attempt("x") });
      expect(retry).toEqual({ messages: got, moved: 0, expired: 0 });
      expect(bodies((await receive(ctx.store, q, T0 + 1200)).messages)).toEqual(["c"]);
      expect((await receive(ctx.store, q, T0 + 1499)).messages).toEqual([]);
      const later = (await receive(ctx.store, q, T0 + 1500)).messages;
      expect(later.map((m) => [m.body, m.receiveCount])).toEqual([["a", 2], ["b", 2]]);
    });

    it("is void once one of its messages was deleted", async () => {
      const { q, got } = await setup();
      await del(ctx.store, q, T0 + 10, got);
      const retry = await receive(ctx.store, q, T0 + 20, { max: 2, attempt: attempt("x") });
      expect(bodies(retry.messages)).toEqual(["c"]);
    });

    it("is void once the visibility timeout has passed", async () => {
      const { q } = await setup();
      const retry = await receive(ctx.store, q, T0 + 1000, { max: 2, attempt: attempt("x") });
      expect(retry.messages.map((m) => [m.body, m.receiveCount])).toEqual([["a", 2], ["b", 2]]);
    });

    it("is void after its window", async () => {
      const q = await makeQueue(ctx.store, "win.fifo");
      await send(ctx.store, q, [fmsg("g1", "a")]);
      await receive(ctx.store, q, T0, { visibilityMs: 10_000, attempt: attempt("y", 2000) });
      expect((await receive(ctx.store, q, T0 + 1999, { attempt: attempt("y", 2000) })).messages).toHaveLength(1);
      expect((await receive(ctx.store, q, T0 + 2000, { attempt: attempt("y", 2000) })).messages).toEqual([]);
    });

    it("keeps attempts of different ids apart", async () => {
      const { q } = await setup();
      const other = await receive(ctx.store, q, T0 + 10, { max: 2, attempt: attempt("other") });
      expect(bodies(other.messages)).toEqual(["c"]);
    });
  });
}

export function deleteTests(ctx: Ctx): void {
  describe("deleteMessages", () => {
    it("deletes a received message by its latest handle", async () => {
      const q = await makeQueue(ctx.store, "del");
      await send(ctx.store, q, [msg("a"), msg("b")]);
      const got = (await receive(ctx.store, q, T0, { visibilityMs: 1000 })).messages;
      const gone = got.find((m) => m.body === "a")!;
      expect(await del(ctx.store, q, T0, [gone])).toEqual(["deleted"]);
      expect(await ctx.store.counts(q.id, T0, RETENTION)).toEqual({ visible: 0, inFlight: 1, delayed: 0 });
      expect(bodies((await receive(ctx.store, q, T0 + 1000)).messages)).toEqual(["b"]);
    });

    it("calls an older handle stale once the message was received again", async () => {
      const q = await makeQueue(ctx.store, "stale");
      await send(ctx.store, q, [msg("m")]);
      const [first] = (await receive(ctx.store, q, T0, { visibilityMs: 1000 })).messages;
      const [second] = (await receive(ctx.store, q, T0 + 1000)).messages;
      expect(await del(ctx.store, q, T0 + 1000, [first!])).toEqual(["stale"]);
      expect(await del(ctx.store, q, T0 + 1000, [second!])).toEqual(["deleted"]);
    });

    it("judges each entry of a batch: repeats, unknown seqs and other queues' messages are stale", async () => {
      const q = await makeQueue(ctx.store, "batch");
      const other = await makeQueue(ctx.store, "other", { account: q.account });
      await send(ctx.store, q, [msg("m")]);
      await send(ctx.store, other, [msg("o")]);
      const [m] = (await receive(ctx.store, q, T0)).messages;
      const [o] = (await receive(ctx.store, other, T0)).messages;
      const out = await ctx.store.deleteMessages({
        queueId: q.id, now: T0, requireInFlight: false,
        entries: [handle(m!), handle(m!), { seq: 2 ** 45, receiveCount: 1 }, handle(o!)],
      });
      expect(out).toEqual(["deleted", "stale", "stale", "stale"]);
      expect(await total(ctx.store, other, T0)).toBe(1);
    });

    it("refuses a handle whose visibility ended when in flight is required, and accepts it otherwise", async () => {
      const q = await makeQueue(ctx.store, "exp");
      await send(ctx.store, q, [msg("m")]);
      const [m] = (await receive(ctx.store, q, T0, { visibilityMs: 1000 })).messages;
      expect(await del(ctx.store, q, T0 + 1000, [m!], true)).toEqual(["expired"]);
      expect(await total(ctx.store, q, T0 + 1000)).toBe(1);
      expect(await del(ctx.store, q, T0 + 1000, [m!], false)).toEqual(["deleted"]);
      expect(await total(ctx.store, q, T0 + 1000)).toBe(0);
    });
  });
}

export function visibilityTests(ctx: Ctx): void {
  describe("changeVisibility", () => {
    const change = (q: QueueRecord, now: number, entries: { m: StoredMessage; visibilityMs: number; rc?: number }[]) =>
      ctx.store.changeVisibility({
        queueId: q.id, now, maxTotalMs: MAX_VISIBILITY,
        entries: entries.map((e) => ({ seq: e.m.seq, receiveCount: e.rc ?? e.m.receiveCount, visibilityMs: e.visibilityMs })),
      });

    it("reports stale, notInFlight, tooLong and changed", async () => {
      const q = await makeQueue(ctx.store, "cv");
      await send(ctx.store, q, [msg("a"), msg("b")]);
      const got = (await receive(ctx.store, q, T0, { visibilityMs: 30_000 })).messages;
      const a = got.find((m) => m.body === "a")!;
      const b = got.find((m) => m.body === "b")!;
      await send(ctx.store, q, [msg("c")]);
      const [c] = (await receive(ctx.store, q, T0, { visibilityMs: 0 })).messages;
      expect(await change(q, T0 + 1000, [
        { m: a, visibilityMs: 60_000, rc: 0 },
        { m: c!, visibilityMs: 10 },
        { m: b, visibilityMs: MAX_VISIBILITY },
        { m: a, visibilityMs: 60_000 },
      ])).toEqual(["stale", "notInFlight", "tooLong", "changed"]);
      expect(await change(q, T0 + 1000, [{ m: b, visibilityMs: MAX_VISIBILITY - 1000 }])).toEqual(["changed"]);
      expect(bodies((await receive(ctx.store, q, T0 + 60_999, { visibilityMs: 0 })).messages)).toEqual(["c"]);
      expect(bodies((await receive(ctx.store, q, T0 + 61_000, { visibilityMs: 0 })).messages).sort()).toEqual(["a", "c"]);
    });

    it("makes a message visible at once with a zero timeout", async () => {
      const q = await makeQueue(ctx.store, "zero");
      await send(ctx.store, q, [msg("m")]);
      const [m] = (await receive(ctx.store, q, T0)).messages;
      expect(await change(q, T0 + 5, [{ m: m!, visibilityMs: 0 }])).toEqual(["changed"]);
      expect((await receive(ctx.store, q, T0 + 5)).messages[0]).toMatchObject({ body: "m", receiveCount: 2 });
    });

    it("applies the entries of a batch in order", async () => {
      const q = await makeQueue(ctx.store, "seqd");
      await send(ctx.store, q, [msg("m")]);
      const [m] = (await receive(ctx.store, q, T0)).messages;
      expect(await change(q, T0, [{ m: m!, visibilityMs: 60_000 }, { m: m!, visibilityMs: 0 }])).toEqual(["changed", "changed"]);
      expect(bodies((await receive(ctx.store, q, T0)).messages)).toEqual(["m"]);
    });

    it("unblocks a FIFO group when its message becomes visible again", async () => {
      const q = await makeQueue(ctx.store, "cv.fifo");
      await send(ctx.store, q, [fmsg("g", "a1"), fmsg("g", "a2")]);
      const [a1] = (await receive(ctx.store, q, T0, { max: 1 })).messages;
      expect(await change(q, T0 + 1, [{ m: a1!, visibilityMs: 0 }])).toEqual(["changed"]);
      const got = (await receive(ctx.store, q, T0 + 1)).messages;
      expect(got.map((m) => [m.body, m.receiveCount])).toEqual([["a1", 2], ["a2", 1]]);
    });

    it("keeps a FIFO group blocked for as long as a longer timeout says", async () => {
      const q = await makeQueue(ctx.store, "ext.fifo");
      await send(ctx.store, q, [fmsg("g", "a1"), fmsg("g", "a2")]);
      const [a1] = (await receive(ctx.store, q, T0, { max: 1, visibilityMs: 1000 })).messages;
      expect(await change(q, T0 + 500, [{ m: a1!, visibilityMs: 5000 }])).toEqual(["changed"]);
      expect((await receive(ctx.store, q, T0 + 1000)).messages).toEqual([]);
      expect(await ctx.store.nextVisibleAt(q.id, T0 + 1000)).toBe(T0 + 5500);
      expect(bodies((await receive(ctx.store, q, T0 + 5500)).messages)).toEqual(["a1", "a2"]);
    });
  });
}
