/**
 * The event source mapping store contract: mapping records, unique per (function,
 * source), and for stream sources one checkpoint per (mapping, shard): how far the
 * mapping has processed the shard, and which process holds the shard's *lease* (only
 * the holder reads the shard, so many processes can run one mapping).
 */

export const SourceKind = { Sqs: "sqs", Kinesis: "kinesis", DynamoDb: "dynamodb" } as const;
export type SourceKind = (typeof SourceKind)[keyof typeof SourceKind];

/** Mapping settings, by Lambda's member names (only those that apply to the source kind are set). */
export interface MappingSettings {
  readonly BatchSize: number;
  readonly MaximumBatchingWindowInSeconds: number;
  readonly FilterCriteria?: { Filters: { Pattern: string }[] };
  readonly FunctionResponseTypes: string[];
  readonly ScalingConfig?: { MaximumConcurrency?: number };
  readonly StartingPosition?: string;
  readonly StartingPositionTimestamp?: number;
  readonly ParallelizationFactor?: number;
  readonly BisectBatchOnFunctionError?: boolean;
  readonly MaximumRetryAttempts?: number;
  readonly MaximumRecordAgeInSeconds?: number;
  readonly TumblingWindowInSeconds?: number;
  readonly DestinationConfig?: { OnFailure?: { Destination?: string } };
}

export interface MappingRecord {
  readonly uuid: string;
  readonly account: string;
  readonly region: string;
  readonly functionName: string;
  /** The FunctionArn as Lambda reports it (qualified only if a qualifier was given). */
  readonly functionArn: string;
  readonly sourceArn: string;
  readonly sourceKind: SourceKind;
  readonly enabled: boolean;
  readonly settings: MappingSettings;
  readonly state: string;
  readonly stateReason: string;
  readonly lastModified: number;
  readonly lastProcessingResult: string | null;
  /** When the mapping was created (stream sources starting at LATEST read what arrived from then on). */
  readonly createdAt?: number;
}

/** A tumbling window in progress: when it started (epoch ms) and the state the function returned last (JSON). */
export interface WindowCheckpoint {
  readonly start: number;
  readonly state: string;
}

export interface ShardCheckpoint {
  readonly uuid: string;
  readonly shardId: string;
  /** The sequence number of the last record handled (processed, filtered out or given up on); null before the first. */
  readonly position: string | null;
  /** The shard is closed and every record in it was handled. */
  readonly done: boolean;
  /** The open tumbling window, for mappings with TumblingWindowInSeconds. */
  readonly window: WindowCheckpoint | null;
  readonly owner: string | null;
  readonly leaseUntil: number;
}

export interface MappingStore {
  /** "exists" when the function already has a mapping for this source (returns that one's uuid). */
  createMapping(record: MappingRecord): Promise<MappingRecord | { exists: string }>;
  getMapping(uuid: string): Promise<MappingRecord | null>;
  listMappings(account: string, filter: { functionName?: string; sourceArn?: string }, after: string | null, limit: number): Promise<MappingRecord[]>;
  /** Every mapping of every account (for the pollers). */
  allMappings(): Promise<MappingRecord[]>;
  updateMapping(record: MappingRecord): Promise<MappingRecord | null>;
  /** Removes the mapping and its checkpoints. */
  deleteMapping(uuid: string): Promise<boolean>;
  /** Every checkpoint of a mapping. */
  checkpoints(uuid: string): Promise<ShardCheckpoint[]>;
  /**
   * Takes or renews the lease on a shard for `owner` until `until` when it is free,
   * expired at `now`, or already `owner`'s (creating the checkpoint if needed). Null when
   * another owner holds it or the shard is done.
   */
  leaseShard(uuid: string, shardId: string, owner: string, now: number, until: number): Promise<ShardCheckpoint | null>;
  /** Records progress (and the open window, none if omitted) if `owner` still holds the lease; false (nothing saved) when it does not. */
  saveCheckpoint(uuid: string, shardId: string, owner: string, position: string | null, done: boolean, window?: WindowCheckpoint | null): Promise<boolean>;
  /** Gives the lease up (at shutdown) so another process can take the shard at once. */
  releaseShard(uuid: string, shardId: string, owner: string): Promise<void>;
}
