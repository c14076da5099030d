/** Conformance: queue records and listing. */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { account, arn, DAY, makeQueue, msg, newQueue, receive, RETENTION, send, T0, total, type Ctx } from "./queue-helpers.js";

export function queueRecordTests(ctx: Ctx): void {
  describe("queue records", () => {
    it("creates a queue and finds it by account and name", async () => {
      const acct = account();
      const out = await ctx.store.createQueue(
        newQueue(acct, "orders", { attributes: { VisibilityTimeout: "45", DelaySeconds: "0" }, tags: { team: "a" } }),
      );
      expect(out.kind).toBe("created");
      if (out.kind !== "created") return;
      expect(out.queue).toEqual({
        id: out.queue.id,
        account: acct,
        name: "orders",
        fifo: false,
        attributes: { VisibilityTimeout: "45", DelaySeconds: "0" },
        tags: { team: "a" },
        createdAt: T0,
        modifiedAt: T0,
      });
      expect(Number.isSafeInteger(out.queue.id)).toBe(true);
      expect(await ctx.store.getQueue(acct, "orders")).toEqual(out.queue);
      expect(await ctx.store.getQueue(acct, "other")).toBeNull();
      expect(await ctx.store.getQueue(account(), "orders")).toBeNull();
    });

    it("creating an existing name returns the existing queue unchanged", async () => {
      const q = await makeQueue(ctx.store, "dup.fifo", { attributes: { A: "1" } });
      expect(q.fifo).toBe(true);
      const again = await ctx.store.createQueue(newQueue(q.account, "dup.fifo", { attributes: { A: "2" }, now: T0 + 5 }));
      expect(again).toEqual({ kind: "exists", queue: q });
    });

    it("gives distinct queues distinct ids", async () => {
      const a = await makeQueue(ctx.store, "a");
      const b = await makeQueue(ctx.store, "a", { account: account() });
      expect(a.id).not.toBe(b.id);
    });

    it("remembers a deleted name until recreateAfterMs has passed", async () => {
      const q = await makeQueue(ctx.store, "gone");
      const deletedAt = T0 + 1000;
      expect(await ctx.store.deleteQueue(q.id, deletedAt)).toBe(true);
      expect(await ctx.store.getQueue(q.account, "gone")).toBeNull();
      expect(await ctx.store.deleteQueue(q.id, deletedAt)).toBe(false);
      const early = await ctx.store.createQueue(newQueue(q.account, "gone", { now: deletedAt + 59_999 }));
      expect(early).toEqual({ kind: "deletedRecently" });
      const later = await ctx.store.createQueue(newQueue(q.account, "gone", { now: deletedAt + 60_000 }));
      expect(later.kind).toBe("created");
      if (later.kind === "created") expect(later.queue.id).not.toBe(q.id);
    });

    it("deleting a queue deletes its messages", async () => {
      const q = await makeQueue(ctx.store, "full");
      await send(ctx.store, q, [msg("1"), msg("2"), msg("3")]);
      await receive(ctx.store, q, T0, { max: 1 });
      await ctx.store.deleteQueue(q.id, T0);
      const again = await makeQueue(ctx.store, "full", { account: q.account, now: T0 + DAY });
      expect(await total(ctx.store, again, T0 + DAY)).toBe(0);
      expect((await receive(ctx.store, again, T0 + DAY)).messages).toEqual([]);
    });

    it("answers null for every operation on a queue that no longer exists", async () => {
      const q = await makeQueue(ctx.store, "ghost");
      await ctx.store.deleteQueue(q.id, T0);
      const s = ctx.store;
      expect(await s.sendMessages({ queueId: q.id, now: T0, messages: [msg("x")], dedup: null })).toBeNull();
      expect(await s.receiveMessages({ queueId: q.id, now: T0, max: 1, visibilityMs: 1, retentionMs: 1, redrive: null, attempt: null })).toBeNull();
      expect(await s.deleteMessages({ queueId: q.id, now: T0, entries: [{ seq: 1, receiveCount: 1 }], requireInFlight: false })).toBeNull();
      expect(await s.changeVisibility({ queueId: q.id, now: T0, entries: [{ seq: 1, receiveCount: 1, visibilityMs: 0 }], maxTotalMs: 1 })).toBeNull();
      expect(await s.purge(q.id, T0, 60_000)).toBeNull();
      expect(await s.counts(q.id, T0, RETENTION)).toBeNull();
      expect(await s.nextVisibleAt(q.id, T0)).toBeNull();
      expect(await s.updateQueue(q.id, {}, RETENTION, T0)).toBeNull();
      expect(await s.setTags(q.id, {})).toBeNull();
      expect(await s.startMoveTask({ handle: randomUUID(), sourceQueueId: q.id, sourceArn: arn(q), destinationArn: null, rate: null, now: T0 })).toBeNull();
    });

    it("updates attributes and the modification time, keeping tags and creation time", async () => {
      const q = await makeQueue(ctx.store, "upd", { attributes: { A: "1" }, tags: { t: "1" } });
      const updated = await ctx.store.updateQueue(q.id, { A: "2", B: "x" }, RETENTION, T0 + 500);
      expect(updated).toEqual({ ...q, attributes: { A: "2", B: "x" }, modifiedAt: T0 + 500 });
      expect(await ctx.store.getQueue(q.account, "upd")).toEqual(updated);
    });

    it("replaces tags without touching attributes or the modification time", async () => {
      const q = await makeQueue(ctx.store, "tags", { attributes: { A: "1" }, tags: { old: "1" } });
      const tagged = await ctx.store.setTags(q.id, { team: "b", "cost-center": "42" });
      expect(tagged).toEqual({ ...q, tags: { team: "b", "cost-center": "42" } });
      expect(await ctx.store.setTags(q.id, {})).toEqual({ ...q, tags: {} });
    });
  });
}

export function listTests(ctx: Ctx): void {
  describe("listQueues", () => {
    const names = ["a_1", "a%2", "ab", "a_x", "b", "B", "a"];

    async function setup(): Promise<string> {
      const acct = account();
      for (const n of names) await makeQueue(ctx.store, n, { account: acct });
      await makeQueue(ctx.store, "a_other", { account: account() });
      return acct;
    }
    const list = async (acct: string, prefix: string, after: string | null, limit: number): Promise<string[]> =>
      (await ctx.store.listQueues(acct, prefix, after, limit)).map((q) => q.name);

    it("lists an account's queues in code-unit order", async () => {
      const acct = await setup();
      expect(await list(acct, "", null, 100)).toEqual(["B", "a", "a%2", "a_1", "a_x", "ab", "b"]);
    });

    it("treats '_' and '%' in a prefix literally", async () => {
      const acct = await setup();
      expect(await list(acct, "a_", null, 100)).toEqual(["a_1", "a_x"]);
      expect(await list(acct, "a%", null, 100)).toEqual(["a%2"]);
      expect(await list(acct, "a", null, 100)).toEqual(["a", "a%2", "a_1", "a_x", "ab"]);
      expect(await list(acct, "c", null, 100)).toEqual([]);
    });

    it("pages with after and limit", async () => {
      const acct = await setup();
      expect(await list(acct, "", null, 3)).toEqual(["B", "a", "a%2"]);
      expect(await list(acct, "", "a%2", 3)).toEqual(["a_1", "a_x", "ab"]);
      expect(await list(acct, "", "ab", 3)).toEqual(["b"]);
      expect(await list(acct, "", "b", 3)).toEqual([]);
      expect(await list(acct, "a", "a_1", 10)).toEqual(["a_x", "ab"]);
    });

    it("returns full records", async () => {
      const acct = await setup();
      const [first] = await ctx.store.listQueues(acct, "a_1", null, 1);
      expect(first).toEqual(await ctx.store.getQueue(acct, "a_1"));
    });
  });
}
