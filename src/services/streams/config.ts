/** Stream service options, compiled once into a validated config. */

export interface StreamServiceOptions {
  /** Open shards an account may have across its streams (Kinesis' default quota). @default 500 */
  shardLimit?: number;
  /** Shards an on-demand stream starts with. @default 4 */
  onDemandShards?: number;
  /**
   * Enforce the per-shard limits: writes of 1 MiB/s and 1000 records/s, reads of 5
   * GetRecords calls/s and 2 MiB/s (ProvisionedThroughputExceededException). @default false
   */
  enforceThroughput?: boolean;
  /** How often records past retention are trimmed. @default 60000 */
  trimIntervalMs?: number;
  /** The account used when a caller gives none. @default "000000000000" */
  defaultAccount?: string;
  /** The region used when a caller gives none. @default "us-east-1" */
  defaultRegion?: string;
}

export interface StreamServiceConfig {
  readonly shardLimit: number;
  readonly onDemandShards: number;
  readonly enforceThroughput: boolean;
  readonly trimIntervalMs: number;
  readonly defaultAccount: string;
  readonly defaultRegion: string;
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`streams.${name} must be a positive integer, got ${value}`);
  return value;
}

export function compileStreamOptions(o: StreamServiceOptions = {}): StreamServiceConfig {
  return {
    shardLimit: positive(o.shardLimit, "shardLimit", 500),
    onDemandShards: positive(o.onDemandShards, "onDemandShards", 4),
    enforceThroughput: o.enforceThroughput ?? false,
    trimIntervalMs: positive(o.trimIntervalMs, "trimIntervalMs", 60_000),
    defaultAccount: o.defaultAccount ?? "000000000000",
    defaultRegion: o.defaultRegion ?? "us-east-1",
  };
}
