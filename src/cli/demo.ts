/**
 * `sluice demo`: a short, real run on the embedded store. A producer sends orders to
 * a queue with a dead-letter queue; four consumers process them in batches; a few
 * poison orders fail every time and end in the dead-letter queue after three receives.
 * Ends with a reconciliation: every order is either processed or dead-lettered.
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import { createPlatform, type Platform } from "../platform.js";
import type { QueueService } from "../services/queues/service.js";
import { bar, Progress } from "./progress.js";

export interface DemoOptions {
  /** A fresh data directory `<dataDir>/demo` is used unless `platform` is given. @default "./.sluice" */
  dataDir?: string;
  /** Run against this (already started) platform instead, under demo-specific queue names. */
  platform?: Platform;
  /** @default 20000 */
  orders: number;
}

interface Tally {
  sent: number;
  processed: Set<string>;
  failures: number;
}

const POISON_EVERY = 2500;

async function produce(q: QueueService, url: string, total: number, tally: Tally): Promise<void> {
  for (let i = 0; i < total; i += 10) {
    const Entries = Array.from({ length: Math.min(10, total - i) }, (_, k) => ({
      Id: `o${k}`,
      MessageBody: JSON.stringify({ order: i + k, amount: ((i + k) % 97) + 0.5 }),
    }));
    await q.sendMessageBatch({ QueueUrl: url, Entries });
    tally.sent += Entries.length;
  }
}

async function consume(q: QueueService, url: string, tally: Tally, until: () => boolean): Promise<void> {
  while (!until()) {
    const { Messages = [] } = await q.receiveMessage({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 });
    const ok = Messages.filter((m) => (JSON.parse(m.Body) as { order: number }).order % POISON_EVERY !== 7);
    tally.failures += Messages.length - ok.length;
    for (const m of ok) tally.processed.add(m.MessageId);
    if (ok.length) {
      await q.deleteMessageBatch({ QueueUrl: url, Entries: ok.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) });
    }
  }
}

async function depth(q: QueueService, url: string): Promise<number> {
  const { Attributes = {} } = await q.getQueueAttributes({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] });
  return Number(Attributes["ApproximateNumberOfMessages"] ?? 0);
}

async function setup(p: Platform, suffix: string): Promise<{ url: string; dlq: string }> {
  const dlq = (await p.queues.createQueue({ QueueName: `orders-dlq${suffix}` })).QueueUrl;
  const dlqArn = (await p.queues.getQueueAttributes({ QueueUrl: dlq, AttributeNames: ["QueueArn"] })).Attributes?.["QueueArn"] ?? "";
  const url = (
    await p.queues.createQueue({
      QueueName: `orders${suffix}`,
      Attributes: { VisibilityTimeout: "1", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) },
    })
  ).QueueUrl;
  return { url, dlq };
}

async function openDemo(o: DemoOptions): Promise<{ p: Platform; where: string; owned: boolean; suffix: string }> {
  if (o.platform) return { p: o.platform, where: "the running endpoint", owned: false, suffix: `-${Date.now().toString(36)}` };
  const dataDir = join(o.dataDir ?? "./.sluice", "demo");
  rmSync(dataDir, { recursive: true, force: true });
  const p = await createPlatform({ dataDir });
  await p.start();
  return { p, where: dataDir, owned: true, suffix: "" };
}

export async function runDemo(o: DemoOptions, out: NodeJS.WriteStream): Promise<boolean> {
  const { p, where, owned, suffix } = await openDemo(o);
  try {
    const { url, dlq } = await setup(p, suffix);
    const poison = Math.ceil((o.orders - 7) / POISON_EVERY);
    const tally: Tally = { sent: 0, processed: new Set(), failures: 0 };
    const progress = new Progress(out);
    let dead = 0;
    const finished = (): boolean => tally.sent === o.orders && tally.processed.size + dead >= o.orders;
    const ticker = setInterval(() => {
      void depth(p.queues, dlq).then((n) => (dead = n));
      progress.update(`${bar(tally.processed.size + dead, o.orders)} sent ${tally.sent}  processed ${tally.processed.size}  dead-lettered ${dead}`);
    }, 200);
    const started = Date.now();
    await Promise.all([produce(p.queues, url, o.orders, tally), ...Array.from({ length: 4 }, () => consume(p.queues, url, tally, finished))]);
    clearInterval(ticker);
    dead = await depth(p.queues, dlq);
    progress.update(`${bar(1, 1)} sent ${tally.sent}  processed ${tally.processed.size}  dead-lettered ${dead}`);
    progress.done();
    const seconds = (Date.now() - started) / 1000;
    const ok = tally.processed.size + dead === o.orders && dead === poison;
    out.write(
      [
        "",
        `  orders sent          ${tally.sent}`,
        `  processed (deleted)  ${tally.processed.size}`,
        `  dead-lettered        ${dead} (expected ${poison} poison orders, each received 3 times)`,
        `  failed attempts      ${tally.failures}`,
        `  elapsed              ${seconds.toFixed(1)} s`,
        `  reconciliation       ${ok ? "OK: every order is processed or in the dead-letter queue" : "MISMATCH"}`,
        `  queues               ${url} and ${dlq} (${where})`,
        "",
      ].join("\n"),
    );
    return ok;
  } finally {
    if (owned) await p.stop();
  }
}
