/** Sluice's public TypeScript API. */
export { createPlatform, type Platform, type PlatformOptions } from "./platform.js";
export { defineApp, type AppDefinition, type FunctionDefinition, type MappingDefinition, type QueueDefinition } from "./app/define.js";
export { applyApp, type ApplyResult } from "./app/apply.js";
export { loadApp } from "./app/load.js";
export { FunctionService } from "./services/functions/service.js";
export type * from "./services/functions/types.js";
export { MappingService } from "./services/event-sources/service.js";
export { ManualClock, SystemClock, type Clock, type Timer } from "./core/clock.js";
export { ServiceError, type Failure } from "./core/errors.js";
export { MetricsRegistry } from "./core/metrics.js";
export { createLogger, silentLogger, type Logger } from "./core/logger.js";
export { QueueService } from "./services/queues/service.js";
export type * from "./services/queues/types.js";
export * as QueueErrors from "./services/queues/errors.js";
export type { QueueServiceOptions } from "./services/queues/config.js";
export type { Storage } from "./storage/types.js";
