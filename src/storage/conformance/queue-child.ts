/**
 * A child process for multi-process checks of a queue store backend (run with
 * `node --import tsx`). It opens the storage named by SLUICE_CHILD_STORE and
 * SLUICE_CHILD_SCHEMA and talks JSON lines: it prints `{"ready":true}`, waits for a
 * line on stdin, does its work on the wall clock, prints one result line and exits.
 *
 *   drain <queueId> <fifo 0|1>  receive and delete until the queue is empty (30 s at most)
 *   poll <queueId> <waitMs>     long-poll once, as ReceiveMessage does, and report the wait
 */
import { createInterface } from "node:readline";
import { SystemClock } from "../../core/clock.js";
import { Waiters } from "../../services/queues/long-poll.js";
import type { QueueStore, StoredMessage } from "../../services/queues/store.js";
import { openStorage } from "../open.js";

const clock = new SystemClock();

/** Wall time with sub-millisecond resolution, comparable across processes on one machine. */
function stamp(): number {
  return performance.timeOrigin + performance.now();
}

function receive(store: QueueStore, queueId: number, max: number) {
  return store.receiveMessages({
    queueId, now: clock.now(), max, visibilityMs: 60_000, retentionMs: 86_400_000, redrive: null, attempt: null,
  });
}

async function remaining(store: QueueStore, queueId: number): Promise<number> {
  const c = await store.counts(queueId, clock.now(), 86_400_000);
  return c ? c.visible + c.inFlight + c.delayed : 0;
}

interface Batch {
  readonly at: number;
  readonly messages: { seq: number; groupId: string | null; receiveCount: number }[];
  readonly deleted: string[];
}

/** How long a drain may take before it gives up and reports what it has (so a test fails, not hangs). */
const DRAIN_LIMIT_MS = 30_000;

async function drain(store: QueueStore, queueId: number, fifo: boolean): Promise<{ batches: Batch[]; finished: boolean }> {
  const waiters = new Waiters(store, clock);
  const batches: Batch[] = [];
  const giveUp = clock.now() + DRAIN_LIMIT_MS;
  let finished = false;
  while (clock.now() < giveUp) {
    const seen = waiters.generation(queueId);
    const got = await receive(store, queueId, 10);
    const messages: readonly StoredMessage[] = got?.messages ?? [];
    if (messages.length) {
      const at = stamp();
      const deleted = await store.deleteMessages({
        queueId, now: clock.now(), requireInFlight: fifo,
        entries: messages.map((m) => ({ seq: m.seq, receiveCount: m.receiveCount })),
      });
      batches.push({ at, messages: messages.map((m) => ({ seq: m.seq, groupId: m.groupId, receiveCount: m.receiveCount })), deleted: deleted ?? [] });
      continue;
    }
    if ((await remaining(store, queueId)) === 0) {
      finished = true;
      break;
    }
    // FIFO groups held by other processes: wait until one of them deletes (NOTIFY) or briefly.
    await waiters.wait(queueId, seen, clock.now() + 250);
  }
  waiters.close();
  return { batches, finished };
}

async function poll(store: QueueStore, queueId: number, waitMs: number, announce: () => void): Promise<unknown> {
  const waiters = new Waiters(store, clock);
  const start = clock.now();
  const deadline = start + waitMs;
  let announced = false;
  for (;;) {
    const seen = waiters.generation(queueId);
    const got = await receive(store, queueId, 1);
    const [m] = got?.messages ?? [];
    if (m) {
      waiters.close();
      return { body: m.body, waitedMs: clock.now() - start };
    }
    if (clock.now() >= deadline) break;
    if (!announced) {
      announced = true;
      announce();
    }
    await waiters.wait(queueId, seen, deadline);
  }
  waiters.close();
  return { body: null, waitedMs: clock.now() - start };
}

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + "\n");
}

async function main(): Promise<void> {
  const [mode, queueArg, extra] = process.argv.slice(2);
  const url = process.env["SLUICE_CHILD_STORE"];
  const schema = process.env["SLUICE_CHILD_SCHEMA"];
  if (!url || !schema || !mode || !queueArg) throw new Error("usage: SLUICE_CHILD_STORE=… SLUICE_CHILD_SCHEMA=… queue-child <mode> <queueId> [arg]");
  const storage = await openStorage({ store: url, schema, poolSize: 3 });
  const lines = createInterface({ input: process.stdin });
  const go = new Promise<void>((resolve) => lines.once("line", () => resolve()));
  print({ ready: true });
  await go;
  lines.close();
  const queueId = Number(queueArg);
  const result =
    mode === "drain"
      ? await drain(storage.queues, queueId, extra === "1")
      : await poll(storage.queues, queueId, Number(extra), () => print({ waiting: true }));
  print({ result });
  await storage.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`queue-child failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
