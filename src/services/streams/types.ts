/** Kinesis response shapes, as the API returns them (timestamps as Dates; the wire encodes them). */

export interface HashKeyRange {
  StartingHashKey: string;
  EndingHashKey: string;
}

export interface Shard {
  ShardId: string;
  ParentShardId?: string;
  AdjacentParentShardId?: string;
  HashKeyRange: HashKeyRange;
  SequenceNumberRange: { StartingSequenceNumber: string; EndingSequenceNumber?: string };
}

export interface ChildShard {
  ShardId: string;
  ParentShards: string[];
  HashKeyRange: HashKeyRange;
}

export interface StreamRecordOut {
  SequenceNumber: string;
  ApproximateArrivalTimestamp: Date;
  Data: Buffer;
  PartitionKey: string;
  EncryptionType?: string;
}

export interface PutRecordsResultEntry {
  SequenceNumber?: string;
  ShardId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export type Output = Record<string, unknown>;
