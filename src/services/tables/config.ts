/** Table service options, compiled once into a validated config. */

export interface TableServiceOptions {
  /** How often items whose TTL passed are deleted. @default 5000 */
  ttlIntervalMs?: number;
  /** Items deleted per TTL sweep step. @default 500 */
  ttlBatch?: number;
  /** Shards of each table's change stream (records of one partition key stay in one shard). @default 4 */
  streamShards?: number;
  /** How long a TransactWriteItems ClientRequestToken is remembered (DynamoDB: 10 minutes). @default 600000 */
  tokenWindowMs?: number;
  /**
   * How long a table's definition is cached before it is read again. Another process's
   * change to a table (PostgreSQL with several workers) takes effect within this time.
   * @default 1000
   */
  definitionCacheMs?: number;
  /** Tables an account may have (DynamoDB's default quota). @default 2500 */
  tableLimit?: number;
  /** The account used when a caller gives none. @default "000000000000" */
  defaultAccount?: string;
  /** The region used when a caller gives none. @default "us-east-1" */
  defaultRegion?: string;
}

export interface TableServiceConfig {
  readonly ttlIntervalMs: number;
  readonly ttlBatch: number;
  readonly streamShards: number;
  readonly tokenWindowMs: number;
  readonly definitionCacheMs: number;
  readonly tableLimit: number;
  readonly defaultAccount: string;
  readonly defaultRegion: string;
}

function whole(value: number | undefined, name: string, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) throw new RangeError(`tables.${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

export function compileTableOptions(o: TableServiceOptions = {}): TableServiceConfig {
  return {
    ttlIntervalMs: whole(o.ttlIntervalMs, "ttlIntervalMs", 5000),
    ttlBatch: whole(o.ttlBatch, "ttlBatch", 500),
    streamShards: whole(o.streamShards, "streamShards", 4),
    tokenWindowMs: whole(o.tokenWindowMs, "tokenWindowMs", 600_000),
    definitionCacheMs: whole(o.definitionCacheMs, "definitionCacheMs", 1000, 0),
    tableLimit: whole(o.tableLimit, "tableLimit", 2500),
    defaultAccount: o.defaultAccount ?? "000000000000",
    defaultRegion: o.defaultRegion ?? "us-east-1",
  };
}
