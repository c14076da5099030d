/** Conformance: sending, deduplication, receiving and redrive to dead-letter queues. */
import { describe, expect, it } from "vitest";
import type { StoredMessage } from "../../services/queues/store.js";
import {
  arn, bodies, del, fmsg, makeQueue, md5, msg, receive, redriveTo, RETENTION, send, T0, total, WINDOW,
  type Ctx,
} from "./queue-helpers.js";

export function sendTests(ctx: Ctx): void {
  describe("sendMessages", () => {
    it("stores a batch of standard messages with increasing seqs and every field intact", async () => {
      const q = await makeQueue(ctx.store, "std");
      const input = Array.from({ length: 25 }, (_, i) =>
        msg(`body ${i}`, i % 2 ? { attrs: JSON.stringify({ n: { DataType: "Number", StringValue: String(i) } }), md5Attrs: md5(`a${i}`) } : {}),
      );
      const sent = await send(ctx.store, q, input);
      expect(sent.map((s) => s.messageId)).toEqual(input.map((m) => m.messageId));
      expect(sent.every((s) => !s.duplicate)).toBe(true);
      for (let i = 1; i < sent.length; i++) expect(sent[i]!.seq).toBeGreaterThan(sent[i - 1]!.seq);
      expect(await ctx.store.counts(q.id, T0, RETENTION)).toEqual({ visible: 25, inFlight: 0, delayed: 0 });
      const got: StoredMessage[] = [];
      for (let i = 0; i < 3; i++) got.push(...(await receive(ctx.store, q, T0 + 10)).messages);
      expect(got).toHaveLength(25);
      const bySeq = new Map(got.map((m) => [m.seq, m]));
      input.forEach((m, i) => {
        expect(bySeq.get(sent[i]!.seq)).toEqual({
          seq: sent[i]!.seq, messageId: m.messageId, body: m.body, attrs: m.attrs, sysAttrs: null, md5Body: m.md5Body,
          md5Attrs: m.md5Attrs, md5Sys: null, senderId: m.senderId, sentAt: T0, receiveCount: 1, firstReceiveAt: T0 + 10,
          groupId: null, dedupId: null, sourceArn: null,
        });
      });
    });

    it("round-trips unicode, large bodies and system attributes", async () => {
      const q = await makeQueue(ctx.store, "uni");
      const big = "é😀中".repeat(40_000) + "\t\r\n end";
      const sys = JSON.stringify({ AWSTraceHeader: { DataType: "String", StringValue: "Root=1-abc" } });
      await send(ctx.store, q, [msg(big, { sysAttrs: sys, md5Sys: md5(sys), senderId: "Ünïcode" })]);
      const [m] = (await receive(ctx.store, q, T0)).messages;
      expect(m).toMatchObject({ body: big, sysAttrs: sys, md5Sys: md5(sys), senderId: "Ünïcode", md5Body: md5(big) });
    });

    it("keeps a delayed message out of sight until its delay ends", async () => {
      const q = await makeQueue(ctx.store, "delay");
      await send(ctx.store, q, [msg("later", { delayMs: 5000 })]);
      expect(await ctx.store.counts(q.id, T0, RETENTION)).toEqual({ visible: 0, inFlight: 0, delayed: 1 });
      expect((await receive(ctx.store, q, T0 + 4999)).messages).toEqual([]);
      expect(await ctx.store.nextVisibleAt(q.id, T0)).toBe(T0 + 5000);
      expect(bodies((await receive(ctx.store, q, T0 + 5000)).messages)).toEqual(["later"]);
    });

    it("never reuses a seq, even after messages are deleted", async () => {
      const q = await makeQueue(ctx.store, "seq");
      const [first] = await send(ctx.store, q, [msg("1")]);
      const got = (await receive(ctx.store, q, T0)).messages;
      await del(ctx.store, q, T0, got);
      const [second] = await send(ctx.store, q, [msg("2")]);
      expect(second!.seq).toBeGreaterThan(first!.seq);
    });

    it("applies no FIFO ordering to a standard queue's message groups (fair queues)", async () => {
      const q = await makeQueue(ctx.store, "fair");
      await send(ctx.store, q, [msg("a", { groupId: "g" }), msg("b", { groupId: "g" })]);
      const first = (await receive(ctx.store, q, T0, { max: 1 })).messages;
      const second = (await receive(ctx.store, q, T0, { max: 1 })).messages;
      expect([...bodies(first), ...bodies(second)].sort()).toEqual(["a", "b"]);
      expect(first[0]!.groupId).toBe("g");
    });
  });
}

export function dedupTests(ctx: Ctx): void {
  describe("FIFO deduplication", () => {
    it("deduplicates by queue: the same id in another group is a duplicate of the original", async () => {
      const q = await makeQueue(ctx.store, "dq.fifo");
      const [orig] = await send(ctx.store, q, [fmsg("g1", "one", { dedupId: "d1" })]);
      const [dup] = await send(ctx.store, q, [fmsg("g2", "two", { dedupId: "d1" })], T0 + 1000);
      expect(dup).toEqual({ messageId: orig!.messageId, seq: orig!.seq, duplicate: true });
      expect(await ctx.store.counts(q.id, T0 + 1000, RETENTION)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    });

    it("deduplicates within one batch", async () => {
      const q = await makeQueue(ctx.store, "batch.fifo");
      const a = fmsg("g1", "a", { dedupId: "same" });
      const sent = await send(ctx.store, q, [a, fmsg("g1", "b", { dedupId: "same" }), fmsg("g1", "c")]);
      expect(sent.map((s) => s.duplicate)).toEqual([false, true, false]);
      expect(sent[1]).toEqual({ messageId: a.messageId, seq: sent[0]!.seq, duplicate: true });
      expect(bodies((await receive(ctx.store, q, T0)).messages)).toEqual(["a", "c"]);
    });

    it("deduplicates by group when asked: the same id in another group is new", async () => {
      const q = await makeQueue(ctx.store, "dg.fifo");
      const byGroup = { byGroup: true, windowMs: WINDOW };
      const [a] = await send(ctx.store, q, [fmsg("g1", "a", { dedupId: "d" })], T0, byGroup);
      const [b] = await send(ctx.store, q, [fmsg("g2", "b", { dedupId: "d" })], T0, byGroup);
      const [c] = await send(ctx.store, q, [fmsg("g1", "c", { dedupId: "d" })], T0, byGroup);
      expect(b!.duplicate).toBe(false);
      expect(b!.seq).not.toBe(a!.seq);
      expect(c).toEqual({ messageId: a!.messageId, seq: a!.seq, duplicate: true });
    });

    it("forgets a deduplication id once its window has passed", async () => {
      const q = await makeQueue(ctx.store, "win.fifo");
      const [a] = await send(ctx.store, q, [fmsg("g", "a", { dedupId: "d" })]);
      const [b] = await send(ctx.store, q, [fmsg("g", "b", { dedupId: "d" })], T0 + WINDOW - 1);
      expect(b!.duplicate).toBe(true);
      const c = fmsg("g", "c", { dedupId: "d" });
      const [sentC] = await send(ctx.store, q, [c], T0 + WINDOW);
      expect(sentC).toEqual({ messageId: c.messageId, seq: sentC!.seq, duplicate: false });
      expect(sentC!.seq).toBeGreaterThan(a!.seq);
      const [d] = await send(ctx.store, q, [fmsg("g", "d", { dedupId: "d" })], T0 + WINDOW + 1);
      expect(d).toEqual({ messageId: c.messageId, seq: sentC!.seq, duplicate: true });
    });

    it("still deduplicates after the original was deleted", async () => {
      const q = await makeQueue(ctx.store, "deleted.fifo");
      const [a] = await send(ctx.store, q, [fmsg("g", "a", { dedupId: "d" })]);
      await del(ctx.store, q, T0, (await receive(ctx.store, q, T0)).messages);
      const [again] = await send(ctx.store, q, [fmsg("g", "a2", { dedupId: "d" })], T0 + 10);
      expect(again).toEqual({ messageId: a!.messageId, seq: a!.seq, duplicate: true });
      expect(await total(ctx.store, q, T0 + 10)).toBe(0);
    });
  });
}

export function receiveTests(ctx: Ctx): void {
  describe("receiveMessages", () => {
    it("hides a received message for its visibility timeout, then delivers it again", async () => {
      const q = await makeQueue(ctx.store, "vis");
      await send(ctx.store, q, [msg("m")]);
      const [first] = (await receive(ctx.store, q, T0 + 5, { visibilityMs: 30_000 })).messages;
      expect(first).toMatchObject({ body: "m", receiveCount: 1, firstReceiveAt: T0 + 5, sentAt: T0 });
      expect((await receive(ctx.store, q, T0 + 5)).messages).toEqual([]);
      expect((await receive(ctx.store, q, T0 + 30_004)).messages).toEqual([]);
      const [second] = (await receive(ctx.store, q, T0 + 30_005)).messages;
      expect(second).toMatchObject({ seq: first!.seq, messageId: first!.messageId, receiveCount: 2, firstReceiveAt: T0 + 5 });
    });

    it("returns at most max messages per receive", async () => {
      const q = await makeQueue(ctx.store, "max");
      await send(ctx.store, q, ["1", "2", "3", "4", "5"].map((b) => msg(b)));
      const a = (await receive(ctx.store, q, T0, { max: 3 })).messages;
      const b = (await receive(ctx.store, q, T0, { max: 3 })).messages;
      const c = (await receive(ctx.store, q, T0, { max: 3 })).messages;
      expect([a.length, b.length, c.length]).toEqual([3, 2, 0]);
      expect([...bodies(a), ...bodies(b)].sort()).toEqual(["1", "2", "3", "4", "5"]);
    });

    it("never hands one message to two concurrent receives", async () => {
      const q = await makeQueue(ctx.store, "race");
      await send(ctx.store, q, Array.from({ length: 30 }, (_, i) => msg(String(i))));
      const results = await Promise.all(Array.from({ length: 10 }, () => receive(ctx.store, q, T0, { max: 5 })));
      const seqs = results.flatMap((r) => r.messages.map((m) => m.seq));
      expect(seqs).toHaveLength(30);
      expect(new Set(seqs).size).toBe(30);
    });

    it("delivers a message once per receive even with a zero visibility timeout", async () => {
      const q = await makeQueue(ctx.store, "zero");
      await send(ctx.store, q, [msg("only")]);
      expect(bodies((await receive(ctx.store, q, T0, { visibilityMs: 0 })).messages)).toEqual(["only"]);
      const [again] = (await receive(ctx.store, q, T0, { visibilityMs: 0 })).messages;
      expect(again).toMatchObject({ body: "only", receiveCount: 2 });
    });

    it("deletes messages past the retention period instead of delivering them", async () => {
      const q = await makeQueue(ctx.store, "old");
      await send(ctx.store, q, [msg("old")], T0);
      await send(ctx.store, q, [msg("new")], T0 + 10);
      const got = await receive(ctx.store, q, T0 + 1000, { retentionMs: 1000 });
      expect(bodies(got.messages)).toEqual(["new"]);
      expect(got.expired).toBe(1);
      expect(await total(ctx.store, q, T0 + 1000)).toBe(1);
    });
  });
}

export function redriveTests(ctx: Ctx): void {
  describe("redrive to the dead-letter queue", () => {
    it("moves a message received too often, keeping its id, receive count and sent time", async () => {
      const q = await makeQueue(ctx.store, "src");
      const dlq = await makeQueue(ctx.store, "dlq", { account: q.account });
      const attrs = JSON.stringify({ k: { DataType: "String", StringValue: "v" } });
      const [sent] = await send(ctx.store, q, [msg("poison", { attrs, md5Attrs: md5(attrs) })]);
      const redrive = redriveTo(dlq, q, 2);
      await receive(ctx.store, q, T0, { visibilityMs: 1000, redrive });
      await receive(ctx.store, q, T0 + 1000, { visibilityMs: 1000, redrive });
      const third = await receive(ctx.store, q, T0 + 2000, { redrive });
      expect(third).toEqual({ messages: [], moved: 1, expired: 0 });
      expect(await total(ctx.store, q, T0 + 2000)).toBe(0);
      const [dead] = (await receive(ctx.store, dlq, T0 + 2000)).messages;
      expect(dead).toMatchObject({
        messageId: sent!.messageId, body: "poison", attrs, md5Attrs: md5(attrs), receiveCount: 3, sentAt: T0,
        firstReceiveAt: T0, sourceArn: arn(q), dedupId: null,
      });
    });

    it("keeps the original enqueue time in a standard dead-letter queue", async () => {
      const q = await makeQueue(ctx.store, "src");
      const dlq = await makeQueue(ctx.store, "dlq", { account: q.account });
      await send(ctx.store, q, [msg("m")]);
      await receive(ctx.store, q, T0, { visibilityMs: 0 });
      expect((await receive(ctx.store, q, T0 + 2000, { redrive: redriveTo(dlq, q, 1) })).moved).toBe(1);
      const got = await receive(ctx.store, dlq, T0 + 2000, { retentionMs: 2000 });
      expect(got).toMatchObject({ messages: [], expired: 1 });
    });

    it("restarts the retention clock in a FIFO dead-letter queue and uses the message id as deduplication id", async () => {
      const q = await makeQueue(ctx.store, "src.fifo");
      const dlq = await makeQueue(ctx.store, "dlq.fifo", { account: q.account });
      const [a] = await send(ctx.store, q, [fmsg("g", "a"), fmsg("g", "b")]);
      await receive(ctx.store, q, T0, { visibilityMs: 0 });
      const moved = await receive(ctx.store, q, T0 + 2000, { redrive: redriveTo(dlq, q, 1) });
      expect(moved).toMatchObject({ messages: [], moved: 2 });
      const got = await receive(ctx.store, dlq, T0 + 2000, { retentionMs: 2000 });
      expect(bodies(got.messages)).toEqual(["a", "b"]);
      expect(got.messages[0]).toMatchObject({ messageId: a!.messageId, dedupId: a!.messageId, groupId: "g", sourceArn: arn(q), receiveCount: 2 });
    });

    it("delivers normally when the dead-letter queue is gone", async () => {
      const q = await makeQueue(ctx.store, "src");
      const dlq = await makeQueue(ctx.store, "dlq", { account: q.account });
      await send(ctx.store, q, [msg("m")]);
      await receive(ctx.store, q, T0, { visibilityMs: 0 });
      await ctx.store.deleteQueue(dlq.id, T0);
      const got = await receive(ctx.store, q, T0, { redrive: redriveTo(dlq, q, 1) });
      expect(got.moved).toBe(0);
      expect(got.messages[0]).toMatchObject({ body: "m", receiveCount: 2 });
    });
  });
}
