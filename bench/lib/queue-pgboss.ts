/**
 * pg-boss on PostgreSQL as a queue peer, in its own schema (dropped afterwards).
 * Producers call `insert` with one step of jobs (one statement); consumers call
 * `fetch` with `batchSize` = the step size and then `complete` with the fetched ids.
 * pg-boss has no long polling: an empty fetch sleeps `IDLE_MS` before the next (its
 * own `work()` polls every 0.5 s at the fastest, so this favours pg-boss). Background
 * maintenance and cron scheduling are off for the run (also in pg-boss's favour).
 */
import { randomBytes } from "node:crypto";
import PgBoss from "pg-boss";
import { dropSchema } from "./queue-sluice.js";
import { sleep } from "./timing.js";
import type { ConsumeContext, QueuePeer } from "./workload.js";
import { BODY } from "./workload.js";

export const IDLE_MS = 5;

export class PgBossPeer implements QueuePeer {
  private readonly schema = `bench_pgboss_${randomBytes(4).toString("hex")}`;
  private readonly name = "bench";
  private boss?: PgBoss;
  private error?: Error;

  constructor(
    private readonly url: string,
    private readonly poolSize: number,
  ) {}

  async setup(): Promise<void> {
    this.boss = new PgBoss({
      connectionString: this.url,
      schema: this.schema,
      max: this.poolSize,
      supervise: false,
      schedule: false,
      migrate: true,
    });
    this.boss.on("error", (err) => (this.error ??= err));
    await this.boss.start();
    await this.boss.createQueue(this.name);
  }

  async produce(count: number): Promise<void> {
    await this.boss!.insert(Array.from({ length: count }, () => ({ name: this.name, data: { body: BODY } })));
    if (this.error) throw this.error;
  }

  async consume(max: number, ctx: ConsumeContext): Promise<void> {
    const jobs = await this.boss!.fetch(this.name, { batchSize: max });
    if (this.error) throw this.error;
    if (!jobs.length) {
      await sleep(IDLE_MS);
      return;
    }
    // The typings say void; pg-boss 10 resolves with { jobs, requested, affected }.
    const ids = jobs.map((j) => j.id);
    const out = (await ctx.ackLatency.time(() => this.boss!.complete(this.name, ids))) as unknown as { affected?: number } | undefined;
    const affected = out?.affected ?? jobs.length;
    if (affected !== jobs.length) throw new Error(`complete acknowledged ${affected} of ${jobs.length} jobs`);
    ctx.acked(affected);
  }

  async leftover(): Promise<string | null> {
    const left = await this.boss!.getQueueSize(this.name, { before: "completed" });
    return left ? `${left} jobs not completed` : null;
  }

  async teardown(): Promise<void> {
    try {
      await this.boss?.stop({ graceful: false, close: true, wait: true });
    } finally {
      await dropSchema(this.url, this.schema);
    }
  }
}
