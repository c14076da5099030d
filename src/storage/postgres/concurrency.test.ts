/**
 * Many processes on one PostgreSQL queue: real child processes (queue-child.ts), each
 * with its own pool and LISTEN connection, receive and delete from one queue at once.
 * Every message must reach exactly one of them while its visibility holds, FIFO groups
 * must come out in order, and a long poll in one process must be woken by a send in
 * another through NOTIFY, long before its wait time is up.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewMessage, QueueRecord } from "../../services/queues/store.js";
import { dropSchema, postgresTestUrl, randomSchema } from "../../testing/postgres.js";
import type { Storage } from "../types.js";
import { openPostgresStorage } from "./storage.js";

const url = await postgresTestUrl();
const CHILD = fileURLToPath(new URL("../conformance/queue-child.ts", import.meta.url));

interface Child {
  readonly proc: ChildProcess;
  /** Resolves with each JSON line the child prints, in order. */
  next(): Promise<Record<string, unknown>>;
}

function startChild(schema: string, args: string[]): Child {
  const proc = spawn(process.execPath, ["--import", "tsx", CHILD, ...args], {
    env: { ...process.env, SLUICE_CHILD_STORE: url ?? "", SLUICE_CHILD_SCHEMA: schema },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const queue: Record<string, unknown>[] = [];
  const waiting: ((v: Record<string, unknown>) => void)[] = [];
  const failed: ((e: Error) => void)[] = [];
  createInterface({ input: proc.stdout }).on("line", (line) => {
    const value = JSON.parse(line) as Record<string, unknown>;
    const w = waiting.shift();
    failed.shift();
    if (w) w(value);
    else queue.push(value);
  });
  proc.on("exit", (code) => {
    if (code !== 0) for (const f of failed.splice(0)) f(new Error(`child exited with ${code}`));
  });
  return {
    proc,
    next: () => {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        waiting.push(resolve);
        failed.push(reject);
      });
    },
  };
}

function message(body: string, groupId: string | null): NewMessage {
  return {
    messageId: randomUUID(), body, attrs: null, sysAttrs: null, md5Body: "0", md5Attrs: null, md5Sys: null,
    senderId: "test", delayMs: 0, groupId, dedupId: groupId === null ? null : body,
  };
}

interface Batch {
  at: number;
  messages: { seq: number; groupId: string | null; receiveCount: number }[];
  deleted: string[];
}

/** Each process's batches, in the order it received them. */
async function drainWith(schema: string, q: QueueRecord, processes: number): Promise<Batch[][]> {
  const children = Array.from({ length: processes }, () => startChild(schema, ["drain", String(q.id), q.fifo ? "1" : "0"]));
  try {
    for (const c of children) expect(await c.next()).toEqual({ ready: true });
    for (const c of children) c.proc.stdin!.write("go\n");
    const results = await Promise.all(children.map((c) => c.next()));
    const drained = results.map((r) => r["result"] as { batches: Batch[]; finished: boolean });
    expect(drained.map((d) => d.finished)).toEqual(children.map(() => true));
    return drained.map((d) => d.batches);
  } finally {
    for (const c of children) if (c.proc.exitCode === null) c.proc.kill();
  }
}

function expectExactlyOnce(batches: Batch[], seqs: number[]): void {
  const got = batches.flatMap((b) => b.messages);
  expect(got.map((m) => m.receiveCount).every((n) => n === 1)).toBe(true);
  expect(got.map((m) => m.seq).sort((a, b) => a - b)).toEqual([...seqs].sort((a, b) => a - b));
  expect(batches.flatMap((b) => b.deleted).every((d) => d === "deleted")).toBe(true);
}

describe.skipIf(url === null)("PostgreSQL queue store across processes", () => {
  const schema = randomSchema();
  let storage: Storage;
  const now = (): number => Date.now();

  beforeAll(async () => {
    storage = await openPostgresStorage({ url: url!, schema, poolSize: 4 });
  });
  afterAll(async () => {
    await storage?.close();
    await dropSchema(url!, schema);
  });

  async function queue(name: string): Promise<QueueRecord> {
    const out = await storage.queues.createQueue({
      account: "000000000001", name, fifo: name.endsWith(".fifo"), attributes: {}, tags: {},
      retentionMs: 86_400_000, now: now(), recreateAfterMs: 60_000,
    });
    if (out.kind !== "created") throw new Error(out.kind);
    return out.queue;
  }

  it("delivers every message of a standard queue to exactly one of four processes", async () => {
    const q = await queue("standard");
    const sent = await storage.queues.sendMessages({
      queueId: q.id, now: now(), dedup: null, messages: Array.from({ length: 800 }, (_, i) => message(`m${i}`, null)),
    });
    const perProcess = await drainWith(schema, q, 4);
    expectExactlyOnce(perProcess.flat(), sent!.map((s) => s.seq));
    // They really competed: more than one process got a share.
    expect(perProcess.filter((b) => b.length > 0).length).toBeGreaterThan(1);
  }, 120_000);

  it("delivers every FIFO message exactly once and each group in order across four processes", async () => {
    const q = await queue("groups.fifo");
    const messages = Array.from({ length: 300 }, (_, i) => message(`m${i}`, `g${i % 12}`));
    const sent = await storage.queues.sendMessages({ queueId: q.id, now: now(), dedup: { byGroup: false, windowMs: 300_000 }, messages });
    const batches = (await drainWith(schema, q, 4)).flat();
    expectExactlyOnce(batches, sent!.map((s) => s.seq));
    const byGroup = new Map<string, number[]>();
    for (const b of [...batches].sort((x, y) => x.at - y.at)) {
      for (const m of b.messages) byGroup.set(m.groupId!, [...(byGroup.get(m.groupId!) ?? []), m.seq]);
    }
    expect(byGroup.size).toBe(12);
    for (const seqs of byGroup.values()) expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  }, 120_000);

  it("wakes a long poll in one process with a send from another", async () => {
    const q = await queue("longpoll");
    const child = startChild(schema, ["poll", String(q.id), "20000"]);
    try {
      expect(await child.next()).toEqual({ ready: true });
      child.proc.stdin!.write("go\n");
      expect(await child.next()).toEqual({ waiting: true });
      await new Promise((r) => setTimeout(r, 200));
      await storage.queues.sendMessages({ queueId: q.id, now: now(), dedup: null, messages: [message("wake up", null)] });
      const out = (await child.next())["result"] as { body: string | null; waitedMs: number };
      expect(out.body).toBe("wake up");
      // Without NOTIFY the child would sleep its full 20 seconds.
      expect(out.waitedMs).toBeGreaterThanOrEqual(200);
      expect(out.waitedMs).toBeLessThan(5000);
    } finally {
      if (child.proc.exitCode === null) child.proc.kill();
    }
  }, 60_000);
});
