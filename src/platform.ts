/**
 * The platform: storage, clock, logger, metrics and the services over them, started
 * and stopped in order. Everything a user reaches (the TypeScript API, the CLI, the
 * AWS endpoint) goes through one of these.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SystemClock, type Clock } from "./core/clock.js";
import { LifecycleGroup, type Lifecycle } from "./core/lifecycle.js";
import { silentLogger, type Logger } from "./core/logger.js";
import { MetricsRegistry } from "./core/metrics.js";
import { MappingService } from "./services/event-sources/service.js";
import type { FunctionServiceOptions } from "./services/functions/config.js";
import { FunctionService } from "./services/functions/service.js";
import type { QueueServiceOptions } from "./services/queues/config.js";
import { QueueService } from "./services/queues/service.js";
import type { StreamServiceOptions } from "./services/streams/config.js";
import { StreamService } from "./services/streams/service.js";
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
  const mappings = new MappingService({ store: storage.mappings, functions, queues, streams, clock, logger, metrics });
  const parts = new LifecycleGroup();
  parts.add(queues);
  parts.add(streams);
  parts.add(functions);
  parts.add(mappings);
  return {
    storage,
    clock,
    logger,
    metrics,
    queues,
    functions,
    mappings,
    streams,
    start: () => parts.start(),
    async stop() {
      try {
        await parts.stop();
      } finally {
        await storage.close();
      }
    },
  };
}
