/**
 * Sluice as a queue peer, in process, through the QueueService API (the SQS shapes).
 * SQS caps a batch at 10 messages, so a step of `n` messages is ceil(n / 10) concurrent
 * calls of up to 10: SendMessageBatch for producers; ReceiveMessage
 * (MaxNumberOfMessages 10, WaitTimeSeconds 20, long polling) followed by
 * DeleteMessageBatch of what it got for consumers. Group commit puts concurrent calls
 * into shared transactions.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { createPlatform, type Platform, type PlatformOptions } from "../../src/index.js";
import type { ConsumeContext, QueuePeer } from "./workload.js";
import { BODY } from "./workload.js";

export const SQS_MAX_BATCH = 10;

export interface SluiceSetup {
  readonly store: "sqlite" | "postgres";
  readonly durability?: "full" | "relaxed";
  readonly writer?: "inline" | "thread";
  readonly threadBatch?: number;
  readonly pgUrl?: string;
  /** PostgreSQL pool size. */
  readonly poolSize?: number;
}

/** Thrown when the configuration needs a part of Sluice that does not exist yet. */
export class NotAvailable extends Error {}

function chunks(n: number): number[] {
  const out: number[] = [];
  for (let left = n; left > 0; left -= SQS_MAX_BATCH) out.push(Math.min(SQS_MAX_BATCH, left));
  return out;
}

export class SluicePeer implements QueuePeer {
  private platform?: Platform;
  private queueUrl = "";
  private dataDir?: string;
  private schema?: string;

  constructor(private readonly setupOptions: SluiceSetup) {}

  private get queues(): Platform["queues"] {
    return this.platform!.queues;
  }

  async setup(): Promise<void> {
    const o = this.setupOptions;
    const options: PlatformOptions = {};
    if (o.store === "postgres") {
      this.schema = `bench_sluice_${randomBytes(4).toString("hex")}`;
      Object.assign(options, { store: o.pgUrl, schema: this.schema, ...(o.poolSize ? { poolSize: o.poolSize } : {}) });
    } else {
      this.dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-"));
      Object.assign(options, { dataDir: this.dataDir, durability: o.durability ?? "full", writer: o.writer ?? "thread" });
      if (o.threadBatch !== undefined) options.threadBatch = o.threadBatch;
    }
    try {
      this.platform = await createPlatform(options);
    } catch (err) {
      if (err instanceof Error && /not built yet/i.test(err.message)) throw new NotAvailable(err.message);
      throw err;
    }
    await this.platform.start();
    this.queueUrl = (await this.queues.createQueue({ QueueName: "bench" })).QueueUrl;
  }

  async produce(count: number): Promise<void> {
    await Promise.all(chunks(count).map((n) => this.sendBatch(n)));
  }

  private async sendBatch(n: number): Promise<void> {
    const Entries = Array.from({ length: n }, (_, i) => ({ Id: String(i), MessageBody: BODY }));
    const out = await this.queues.sendMessageBatch({ QueueUrl: this.queueUrl, Entries });
    if (out.Failed.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(out.Failed[0])}`);
  }

  async consume(max: number, ctx: ConsumeContext): Promise<void> {
    await Promise.all(chunks(max).map((n) => this.receiveAndDelete(n, ctx)));
  }

  private async receiveAndDelete(n: number, ctx: ConsumeContext): Promise<void> {
    const got = await this.queues.receiveMessage(
      { QueueUrl: this.queueUrl, MaxNumberOfMessages: n, WaitTimeSeconds: 20 },
      undefined,
      ctx.signal,
    );
    const messages = got.Messages ?? [];
    if (!messages.length) return;
    const Entries = messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle }));
    const out = await ctx.ackLatency.time(() => this.queues.deleteMessageBatch({ QueueUrl: this.queueUrl, Entries }));
    if (out.Failed.length) throw new Error(`DeleteMessageBatch failed: ${JSON.stringify(out.Failed[0])}`);
    ctx.acked(out.Successful.length);
  }

  async leftover(): Promise<string | null> {
    const names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"];
    const { Attributes = {} } = await this.queues.getQueueAttributes({ QueueUrl: this.queueUrl, AttributeNames: names });
    const left = names.filter((n) => Attributes[n] !== "0").map((n) => `${n}=${Attributes[n]}`);
    return left.length ? left.join(", ") : null;
  }

  async teardown(): Promise<void> {
    try {
      await this.platform?.stop();
    } finally {
      if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
      if (this.schema && this.setupOptions.pgUrl) await dropSchema(this.setupOptions.pgUrl, this.schema);
    }
  }
}

export async function dropSchema(url: string, schema: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`DROP SCHEMA IF EXISTS ${sql(schema)} CASCADE`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}
