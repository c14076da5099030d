/**
 * The event source mapping store contract: mapping records, unique per (function,
 * source). Stream sources will add their per-shard checkpoints here.
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
}

export interface MappingStore {
  /** "exists" when the function already has a mapping for this source (returns that one's uuid). */
  createMapping(record: MappingRecord): Promise<MappingRecord | { exists: string }>;
  getMapping(uuid: string): Promise<MappingRecord | null>;
  listMappings(account: string, filter: { functionName?: string; sourceArn?: string }, after: string | null, limit: number): Promise<MappingRecord[]>;
  /** Every mapping of every account (for the pollers). */
  allMappings(): Promise<MappingRecord[]>;
  updateMapping(record: MappingRecord): Promise<MappingRecord | null>;
  deleteMapping(uuid: string): Promise<boolean>;
}
