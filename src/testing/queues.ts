/** Test helpers: a queue service on a private in-memory store with a manual clock. */
import { ManualClock } from "../core/clock.js";
import { MetricsRegistry } from "../core/metrics.js";
import { QueueService } from "../services/queues/service.js";
import type { QueueServiceOptions } from "../services/queues/config.js";
import { openSqliteStorage } from "../storage/sqlite/storage.js";
import type { Storage } from "../storage/types.js";

export interface QueueHarness {
  readonly clock: ManualClock;
  readonly queues: QueueService;
  readonly storage: Storage;
  readonly metrics: MetricsRegistry;
  close(): Promise<void>;
}

export async function queueHarness(options: QueueServiceOptions = {}, storage?: Storage): Promise<QueueHarness> {
  const clock = new ManualClock();
  const store = storage ?? (await openSqliteStorage({ dataDir: ":memory:" }));
  const metrics = new MetricsRegistry();
  const queues = new QueueService({ store: store.queues, clock, metrics, options });
  await queues.start();
  return {
    clock,
    queues,
    storage: store,
    metrics,
    async close() {
      await queues.stop();
      await store.close();
    },
  };
}
