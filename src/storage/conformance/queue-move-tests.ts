/** Conformance: message move tasks (StartMessageMoveTask and its steps). */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { arn, bodies, moveSetup, msg, receive, redriveTo, send, startArgs, T0, total, type Ctx } from "./queue-helpers.js";

export function moveTaskTests(ctx: Ctx): void {
  describe("message move tasks", () => {
    it("starts a task over the messages present, one running task per source", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 3);
      const args = startArgs(dlq, dest, 5);
      const task = await ctx.store.startMoveTask(args);
      expect(task).toEqual({
        handle: args.handle, sourceQueueId: dlq.id, sourceArn: arn(dlq), destinationArn: arn(dest), rate: 5,
        status: "RUNNING", toMove: 3, moved: 0, startedAt: T0, failureReason: null,
      });
      expect(await ctx.store.startMoveTask(startArgs(dlq, null))).toBe("alreadyRunning");
      expect((await ctx.store.runningMoveTasks()).filter((t) => t.sourceQueueId === dlq.id)).toEqual([task]);
    });

    it("cancels a running task, which then stays cancelled and lets another start", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 2);
      const args = startArgs(dlq, dest);
      await ctx.store.startMoveTask(args);
      const cancelled = await ctx.store.cancelMoveTask(args.handle);
      expect(cancelled).toMatchObject({ status: "CANCELLED", moved: 0 });
      expect(await ctx.store.stepMoveTask({ handle: args.handle, now: T0 + 10, limit: 100 })).toEqual(cancelled);
      expect(await ctx.store.cancelMoveTask(args.handle)).toEqual(cancelled);
      expect(await total(ctx.store, dlq, T0 + 10)).toBe(2);
      expect(await ctx.store.cancelMoveTask(randomUUID())).toBeNull();
      expect(await ctx.store.stepMoveTask({ handle: randomUUID(), now: T0, limit: 1 })).toBeNull();
      expect((await ctx.store.runningMoveTasks()).some((t) => t.handle === args.handle)).toBe(false);
      expect(await ctx.store.startMoveTask(startArgs(dlq, dest, null, T0 + 20))).toMatchObject({ status: "RUNNING" });
    });

    it("lists a source's tasks newest first", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 1);
      const other = await moveSetup(ctx.store, 1);
      const a = startArgs(dlq, dest, null, T0);
      const b = startArgs(dlq, dest, null, T0);
      const c = startArgs(dlq, dest, null, T0 + 1000);
      for (const args of [a, b]) {
        await ctx.store.startMoveTask(args);
        await ctx.store.stepMoveTask({ handle: args.handle, now: args.now, limit: 10 });
      }
      await ctx.store.startMoveTask(c);
      await ctx.store.startMoveTask(startArgs(other.dlq, other.dest));
      const listed = await ctx.store.listMoveTasks(dlq.id, 10);
      expect(listed.map((t) => t.handle)).toEqual([c.handle, b.handle, a.handle]);
      expect(listed.map((t) => t.status)).toEqual(["RUNNING", "COMPLETED", "COMPLETED"]);
      expect((await ctx.store.listMoveTasks(dlq.id, 1)).map((t) => t.handle)).toEqual([c.handle]);
    });

    it("fails when the destination or the source is gone", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 2);
      const args = startArgs(dlq, dest);
      await ctx.store.startMoveTask(args);
      await ctx.store.deleteQueue(dest.id, T0);
      const failed = await ctx.store.stepMoveTask({ handle: args.handle, now: T0 + 1, limit: 10 });
      expect(failed).toMatchObject({ status: "FAILED", failureReason: "AWS.SimpleQueueService.NonExistentQueue", moved: 0 });
      expect(await total(ctx.store, dlq, T0 + 1)).toBe(2);

      const second = await moveSetup(ctx.store, 1);
      const args2 = startArgs(second.dlq, second.dest);
      await ctx.store.startMoveTask(args2);
      await ctx.store.deleteQueue(second.dlq.id, T0);
      expect(await ctx.store.stepMoveTask({ handle: args2.handle, now: T0 + 1, limit: 10 })).toMatchObject({
        status: "FAILED", failureReason: "AWS.SimpleQueueService.NonExistentQueue",
      });
    });

    it("fails to move a message back to its source when it has none", async () => {
      const { dlq } = await moveSetup(ctx.store, 1);
      const args = startArgs(dlq, null);
      await ctx.store.startMoveTask(args);
      const step = await ctx.store.stepMoveTask({ handle: args.handle, now: T0, limit: 10 });
      expect(step).toMatchObject({ status: "FAILED", failureReason: "CouldNotDetermineMessageSource", moved: 0 });
      expect(await total(ctx.store, dlq, T0)).toBe(1);
    });
  });
}

export function moveStepTests(ctx: Ctx): void {
  describe("message move steps", () => {
    it("moves messages to an explicit destination as new messages", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 3);
      const before = (await receive(ctx.store, dlq, T0, { visibilityMs: 0 })).messages;
      const args = startArgs(dlq, dest);
      await ctx.store.startMoveTask(args);
      const step = await ctx.store.stepMoveTask({ handle: args.handle, now: T0 + 10, limit: 1000 });
      expect(step).toMatchObject({ status: "COMPLETED", moved: 3, toMove: 3 });
      expect(await total(ctx.store, dlq, T0 + 10)).toBe(0);
      const got = (await receive(ctx.store, dest, T0 + 10)).messages;
      expect(bodies(got).sort()).toEqual(["m0", "m1", "m2"]);
      const oldIds = new Set(before.map((m) => m.messageId));
      for (const m of got) {
        expect(oldIds.has(m.messageId)).toBe(false);
        expect(m).toMatchObject({ receiveCount: 1, sourceArn: null });
      }
      expect((await ctx.store.runningMoveTasks()).some((t) => t.handle === args.handle)).toBe(false);
    });

    it("moves dead letters back to the queues they came from", async () => {
      const { src, dlq } = await moveSetup(ctx.store, 0);
      const sent = await send(ctx.store, src, [msg("x"), msg("y")]);
      await receive(ctx.store, src, T0, { visibilityMs: 0 });
      expect((await receive(ctx.store, src, T0, { redrive: redriveTo(dlq, src, 1) })).moved).toBe(2);
      const args = startArgs(dlq, null);
      await ctx.store.startMoveTask(args);
      expect(await ctx.store.stepMoveTask({ handle: args.handle, now: T0 + 5, limit: 10 })).toMatchObject({ status: "COMPLETED", moved: 2 });
      const back = (await receive(ctx.store, src, T0 + 5)).messages;
      expect(bodies(back).sort()).toEqual(["x", "y"]);
      for (const m of back) {
        expect(sent.some((s) => s.messageId === m.messageId)).toBe(false);
        expect(m).toMatchObject({ receiveCount: 1, sourceArn: null });
      }
    });

    it("moves only the messages that were there when the task started", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 2);
      const args = startArgs(dlq, dest);
      await ctx.store.startMoveTask(args);
      await send(ctx.store, dlq, [msg("late")], T0 + 1);
      expect(await ctx.store.stepMoveTask({ handle: args.handle, now: T0 + 2, limit: 10 })).toMatchObject({ status: "COMPLETED", moved: 2 });
      expect(bodies((await receive(ctx.store, dlq, T0 + 2)).messages)).toEqual(["late"]);
    });

    it("keeps a FIFO move in group order", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 4, true);
      const args = startArgs(dlq, dest);
      await ctx.store.startMoveTask(args);
      expect(await ctx.store.stepMoveTask({ handle: args.handle, now: T0, limit: 10 })).toMatchObject({ status: "COMPLETED", moved: 4 });
      const got = (await receive(ctx.store, dest, T0)).messages;
      expect(got.map((m) => [m.groupId, m.body])).toEqual([["g0", "m0"], ["g0", "m2"], ["g1", "m1"], ["g1", "m3"]]);
    });

    it("keeps to the rate: rate × elapsed seconds, minus what was moved, however often it steps", async () => {
      const { dlq, dest } = await moveSetup(ctx.store, 10);
      const args = startArgs(dlq, dest, 2);
      await ctx.store.startMoveTask(args);
      const step = (now: number, limit = 1000) => ctx.store.stepMoveTask({ handle: args.handle, now, limit });
      expect(await step(T0)).toMatchObject({ status: "RUNNING", moved: 0 });
      expect(await step(T0 + 1000)).toMatchObject({ status: "RUNNING", moved: 2 });
      expect(await step(T0 + 1000)).toMatchObject({ status: "RUNNING", moved: 2 });
      expect(await step(T0 + 2500)).toMatchObject({ status: "RUNNING", moved: 5 });
      expect(await step(T0 + 4000, 1)).toMatchObject({ status: "RUNNING", moved: 6 });
      expect(await total(ctx.store, dest, T0 + 4000)).toBe(6);
      expect(await step(T0 + 10_000)).toMatchObject({ status: "COMPLETED", moved: 10 });
    });
  });
}
