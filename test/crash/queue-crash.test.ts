/**
 * Crash test for queues (design.md, "Reliability bar"): `kill -9` mid-load, restart,
 * reconcile. A separate Node process (test/fixtures/queue-load.mjs) runs producers and
 * consumers against the BUILT package on one data directory and logs each outcome to a
 * file after its call resolved. The test kills it with SIGKILL at a random moment, reads
 * the directory back through the public API, and checks, with no tolerance:
 *
 * - nothing whose delete was acknowledged comes back, during the load or after a restart;
 * - a message received before the kill stays invisible after the restart until its
 *   visibility timeout has passed, then is receivable again;
 * - every acknowledged send is in the queue exactly once (with its MessageId) unless a
 *   delete of it was asked for.
 *
 * Several kill cycles run on the same directory, the load continuing after each restart,
 * for both writer modes with durability "full". The kill moments come from a seeded
 * PRNG: set CRASH_SEED to replay a run (the timing of the load itself still varies).
 * On a violation the data directory and the fixture's logs are kept for inspection.
 */
import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { NodeProcess, ROOT, seededRandom, sleep, TempDirs } from "../lib/process.js";
import { QueueLedger, type Seen } from "../lib/queue-ledger.js";
import { loadBuiltSluice } from "../lib/sluice.js";
import type { QueueService } from "../../src/index.js";

const FIXTURE = join(ROOT, "test", "fixtures", "queue-load.mjs");
const QUEUE = "crash-load";
const VISIBILITY_S = 3;
const CYCLES = 5;
const PRODUCERS = 2;
const CONSUMERS = 6;
const KILL_AFTER_MS = { min: 300, max: 1500 };

const SEED = Number(process.env["CRASH_SEED"] ?? randomInt(2 ** 31));
console.log(`queue crash test: seed ${SEED} (replay with CRASH_SEED=${SEED})`);

const dirs = new TempDirs();
afterAll(() => {
  NodeProcess.killAll();
  dirs.removeAll();
});

type Writer = "inline" | "thread";

interface Held extends Seen {
  readonly handle: string;
}

/**
 * Every message visible now, each taken with a receive (several receivers at once, so
 * group commit keeps it quick) and recorded with the moment that receive resolved.
 */
async function takeVisible(q: QueueService, url: string, visibility: number): Promise<Held[]> {
  const out: Held[] = [];
  const receiver = async (): Promise<void> => {
    for (;;) {
      const { Messages = [] } = await q.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: visibility });
      const seenBy = Date.now();
      if (!Messages.length) return;
      for (const m of Messages) out.push({ body: m.Body, messageId: m.MessageId, seenBy, handle: m.ReceiptHandle });
    }
  };
  await Promise.all(Array.from({ length: 8 }, receiver));
  return out;
}

/** Makes taken messages visible again at once, so the next cycle's load finds them. */
async function release(q: QueueService, url: string, held: readonly Held[]): Promise<string[]> {
  const failures: string[] = [];
  for (let i = 0; i < held.length; i += 10) {
    const chunk = held.slice(i, i + 10);
    const entries = chunk.map((m, k) => ({ Id: `v${k}`, ReceiptHandle: m.handle, VisibilityTimeout: 0 }));
    const { Failed } = await q.changeMessageVisibilityBatch({ QueueUrl: url, Entries: entries });
    for (const f of Failed) failures.push(`release of ${chunk[Number(f.Id.slice(1))]?.body}: ${f.Code} ${f.Message ?? ""}`);
  }
  return failures;
}

/** Opens the data directory the way a user would, runs `fn` on its queue, and closes it. */
async function withQueue<T>(dataDir: string, writer: Writer, fn: (q: QueueService, url: string) => Promise<T>): Promise<T> {
  const sluice = await loadBuiltSluice();
  const platform = await sluice.createPlatform({ dataDir, writer, durability: "full" });
  await platform.start();
  try {
    const { QueueUrl } = await platform.queues.getQueueUrl({ QueueName: QUEUE });
    return await fn(platform.queues, QueueUrl);
  } finally {
    await platform.stop();
  }
}

/**
 * Runs the load fixture until `killAfter` ms after it is ready, then kills it with
 * SIGKILL, and applies the log it wrote (see the fixture) to the ledger.
 */
async function loadAndKill(
  dataDir: string,
  writer: Writer,
  cycle: number,
  killAfter: number,
  ledger: QueueLedger,
  log: string,
): Promise<number> {
  let ready!: () => void;
  const isReady = new Promise<void>((resolve) => (ready = resolve));
  const args = [FIXTURE, "--data", dataDir, "--log", log, "--writer", writer, "--cycle", String(cycle)];
  args.push("--visibility", String(VISIBILITY_S), "--producers", String(PRODUCERS), "--consumers", String(CONSUMERS));
  const child = new NodeProcess(args, (line) => {
    if (line.startsWith("READY ")) ready();
  });
  // Settles only if the fixture dies by itself; each race below handles its rejection.
  const early = child.closed.then((s) => {
    throw new Error(`the load fixture exited (code ${s.code}, signal ${s.signal}) before it was killed:\n${child.stderr}`);
  });
  await Promise.race([isReady, early]);
  await Promise.race([sleep(killAfter), early]);
  child.kill("SIGKILL");
  const killedAt = Date.now();
  const status = await child.closed;
  expect(status.signal, `fixture stderr:\n${child.stderr}`).toBe("SIGKILL");
  // A record the kill cut short (no newline yet) reports nothing: its call never began
  // (X) or its acknowledgement was not recorded (S, R, D), which the checks allow.
  const text = readFileSync(log, "utf8");
  for (const line of text.slice(0, text.lastIndexOf("\n") + 1).split("\n")) if (line) ledger.apply(line, cycle);
  return killedAt;
}

describe.each<Writer>(["inline", "thread"])("queues survive kill -9 (writer %s, durability full)", (writer) => {
  test(`${CYCLES} kill cycles under load, then a full reconciliation`, async () => {
    const seed = (SEED + (writer === "thread" ? 1 : 0)) >>> 0;
    const random = seededRandom(seed);
    const base = dirs.make(`sluice-crash-${writer}-`);
    const dataDir = join(base, "data");
    const context = `writer ${writer}, seed ${SEED} (CRASH_SEED=${SEED}); data and logs in ${base}`;
    const ledger = new QueueLedger(VISIBILITY_S * 1000);
    let killedAt = 0;
    // Messages a receive still hid at a restart, with that receive's start: each must
    // be receivable again once its timeout has passed (a later receive got it, or the
    // final read finds it).
    const hiddenAtRestart = new Map<string, number>();

    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const killAfter = Math.round(KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min));
      killedAt = await loadAndKill(dataDir, writer, cycle, killAfter, ledger, join(base, `cycle-${cycle}.log`));
      // Restart at once: everything visible must be accounted for, and messages whose
      // receive still holds them must not be among it.
      const { seen, extras, failures, peekEnd } = await withQueue(dataDir, writer, async (q, url) => {
        const held = await takeVisible(q, url, 30);
        const peekEnd = Date.now();
        const extras = ledger.checkVisible(held, `cycle ${cycle} restart (${context})`, cycle);
        const failures = await release(q, url, held);
        for (const m of held) ledger.release(m.body);
        return { seen: held.length, extras, failures, peekEnd };
      });
      for (const f of failures) ledger.fail("a message could not be made visible again after a restart", f);
      const hidden = ledger.hiddenAt(peekEnd);
      for (const body of hidden) hiddenAtRestart.set(body, ledger.inFlight.get(body)?.start ?? 0);
      const c = ledger.counts;
      console.log(
        `[${writer}] cycle ${cycle}: killed ${killAfter} ms after READY; so far ${c.sendAcks} sends and ` +
          `${c.deleteAcks} deletes acknowledged, ${c.receives} receives; at restart ${seen} visible ` +
          `(${extras.length} from unacknowledged sends), ${hidden.length} received but still hidden`,
      );
    }

    // After the last visibility timeout everything is visible: take the whole queue.
    await sleep(killedAt + VISIBILITY_S * 1000 + 250 - Date.now());
    const all = await withQueue(dataDir, writer, (q, url) => takeVisible(q, url, 60));
    ledger.checkVisible(all, `final read (${context})`, CYCLES);
    ledger.checkComplete(all, `final read (${context})`);
    ledger.checkUnacknowledgedSends(PRODUCERS * 10);
    const present = new Set(all.map((m) => m.body));
    for (const [body, start] of hiddenAtRestart) {
      if (present.has(body) || ledger.inFlight.get(body)?.start !== start) continue;
      ledger.fail("a message hidden at a restart never came back after its visibility timeout", `${body} (${ledger.describe(body)})`);
    }
    const c = ledger.counts;
    console.log(
      `[${writer}] reconciled: ${c.sendAcks} acknowledged sends, ${c.deleteAcks} acknowledged deletes ` +
        `(${c.staleDeletes} with a replaced handle), ${c.receives} receives (${c.redeliveries} redeliveries), ` +
        `${hiddenAtRestart.size} messages hidden by a receive at a restart; ${all.length} left in the queue`,
    );

    const violations = ledger.report();
    if (violations.length) dirs.keep(base);
    expect(violations, `violations (${context})`).toEqual([]);
    // The run must have exercised what it checks.
    expect(c.sendAcks, context).toBeGreaterThan(1000);
    expect(c.deleteAcks, context).toBeGreaterThan(500);
    expect(hiddenAtRestart.size, `no message was in flight at any restart (${context})`).toBeGreaterThan(0);
  }, 60_000);
});
