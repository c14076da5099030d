/**
 * The platform: storage, clock, logger, metrics and the services over them, started
 * and stopped in order. Everything a user reaches (the TypeScript API, the CLI, the
 * AWS endpoint) goes through one of these.
 */
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SystemClock, type Clock } from "./core/clock.js";
import { LifecycleGroup, type Lifecycle } from "./core/lifecycle.js";
import { silentLogger, type Logger } from "./core/logger.js";
import { MetricsRegistry } from "./core/metrics.js";
import { FsBlobStore } from "./services/buckets/blobs.js";
import { platformDestinations } from "./services/buckets/destinations.js";
import { BucketService, type BucketServiceOptions } from "./services/buckets/service.js";
import { MappingService } from "./services/event-sources/service.js";
import type { FunctionServiceOptions } from "./services/functions/config.js";
import { FunctionService } from "./services/functions/service.js";
import type { QueueServiceOptions } from "./services/queues/config.js";
import { QueueService } from "./services/queues/service.js";
import type { StreamServiceOptions } from "./services/streams/config.js";
import { StreamService } from "./services/streams/service.js";
import type { TableServiceOptions } from "./services/tables/config.js";
import { TableService } from "./services/tables/service.js";
import { openStorage, type StorageOptions } from "./storage/open.js";
import type { Storage } from "./storage/types.js";

export interface PlatformOptions extends StorageOptions {
  /** @default the system clock */
  clock?: Clock;
  /** @default a silent logger */
  logger?: Logger;
  /** @default a new registry */
  metrics?: MetricsRegistry;
  queues?: QueueServiceOptions;
  functions?: FunctionServiceOptions;
  streams?: StreamServiceOptions;
  buckets?: BucketServiceOptions;
  tables?: TableServiceOptions;
  /** The host's PATH, passed on to function handlers. */
  path?: string;
}

export interface Platform extends Lifecycle {
  readonly storage: Storage;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsRegistry;
  readonly queues: QueueService;
  readonly functions: FunctionService;
  readonly mappings: MappingService;
  readonly streams: StreamService;
  readonly buckets: BucketService;
  readonly tables: TableService;
}

/** Opens storage and builds the services; call `start()` to begin background work. */
export async function createPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? silentLogger();
  const metrics = options.metrics ?? new MetricsRegistry();
  const storage = await openStorage(options);
  const queues = new QueueService({ store: storage.queues, clock, logger, metrics, options: options.queues ?? {} });
  const functions = new FunctionService({
    store: storage.functions,
    queues,
    clock,
    logger,
    options: { dataDir: options.dataDir === ":memory:" ? join(tmpdir(), "sluice-functions") : (options.dataDir ?? "./.sluice"), ...options.functions },
    ...(options.path ? { path: options.path } : {}),
  });
  const streams = new StreamService({ store: storage.streams, clock, logger, options: options.streams ?? {} });
  const tables = new TableService({ store: storage.tables, streams: storage.streams, clock, logger, options: options.tables ?? {} });
  // Object bytes live under the data directory; an in-memory store gets a private temporary one.
  const memory = options.dataDir === ":memory:";
  const bucketRoot = memory ? join(tmpdir(), `sluice-buckets-${randomUUID()}`) : join(options.dataDir ?? "./.sluice", "buckets");
  const buckets = new BucketService({
    store: storage.buckets,
    blobs: new FsBlobStore(bucketRoot),
    clock,
    logger,
    destinations: platformDestinations(queues, functions),
    options: options.buckets ?? {},
  });
  const mappings = new MappingService({ store: storage.mappings, functions, queues, streams, tables, clock, logger, metrics });
  const parts = new LifecycleGroup();
  parts.add(queues);
  parts.add(streams);
  parts.add(tables);
  parts.add(functions);
  parts.add(mappings);
  parts.add(buckets);
  return {
    storage,
    clock,
    logger,
    metrics,
    queues,
    functions,
    mappings,
    streams,
    tables,
    buckets,
    start: () => parts.start(),
    async stop() {
      try {
        await parts.stop();
      } finally {
        await storage.close();
        if (memory) rmSync(bucketRoot, { recursive: true, force: true });
      }
    },
  };
}
