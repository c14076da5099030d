/**
 * BullMQ (open-source edition) on Redis as a queue peer. Producers call
 * `Queue.addBulk` with one step of jobs. BullMQ OSS has no batch fetch or batch
 * acknowledgement, so consumers are `Worker`s with `concurrency` = the step size and a
 * no-op processor; each job is fetched and completed on its own (BullMQ's
 * moveToCompleted also fetches the next job), and jobs are removed on completion.
 */
import { randomBytes } from "node:crypto";
import { Queue, Worker } from "bullmq";
import { DEFAULT_REDIS } from "./machine.js";
import type { ConsumeContext, QueuePeer } from "./workload.js";
import { BODY } from "./workload.js";

const connection = { host: DEFAULT_REDIS.host, port: DEFAULT_REDIS.port };
const JOB_OPTS = { removeOnComplete: true, removeOnFail: true } as const;

export class BullmqPeer implements QueuePeer {
  private readonly name = `bench-${randomBytes(4).toString("hex")}`;
  private queue?: Queue;
  private readonly workers: Worker[] = [];

  async setup(): Promise<void> {
    this.queue = new Queue(this.name, { connection });
    await this.queue.waitUntilReady();
  }

  async produce(count: number): Promise<void> {
    await this.queue!.addBulk(Array.from({ length: count }, () => ({ name: "m", data: { body: BODY }, opts: JOB_OPTS })));
  }

  async startConsumers(count: number, max: number, ctx: ConsumeContext): Promise<void> {
    let failure: Error | undefined;
    for (let i = 0; i < count; i++) {
      const worker = new Worker(this.name, async () => {}, {
        connection,
        concurrency: max,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 0 },
      });
      worker.on("completed", () => ctx.acked(1));
      worker.on("failed", (_job, err) => (failure ??= err));
      worker.on("error", (err) => (failure ??= err));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    if (failure) throw failure;
  }

  async leftover(): Promise<string | null> {
    const counts = await this.queue!.getJobCounts("wait", "active", "delayed", "prioritized", "paused", "completed", "failed");
    const left = Object.entries(counts).filter(([, n]) => n > 0);
    return left.length ? left.map(([k, n]) => `${k}=${n}`).join(", ") : null;
  }

  async teardown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close(true)));
    if (this.queue) {
      await this.queue.obliterate({ force: true });
      await this.queue.close();
    }
  }
}
