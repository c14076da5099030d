/** Options of the PostgreSQL backend. */
import type { Logger } from "../../core/logger.js";

export interface PostgresOptions {
  /** A `postgres://` connection URL. */
  url: string;
  /** Schema holding Sluice's tables; created if missing. @default "sluice" */
  schema?: string;
  /** Connections in the pool. @default 10 */
  poolSize?: number;
  /**
   * How often Sluice vacuums its queue tables itself when the server's autovacuum is off
   * (0: never). With autovacuum on, the server does it. @default 5000
   */
  vacuumIntervalMs?: number;
  /** @default a silent logger */
  logger?: Logger;
}
