/** Options of the PostgreSQL backend. */
export interface PostgresOptions {
  /** A `postgres://` connection URL. */
  url: string;
  /** Schema holding Sluice's tables; created if missing. @default "sluice" */
  schema?: string;
  /** Connections in the pool. @default 10 */
  poolSize?: number;
}
