/** Store records rendered as Kinesis shapes. */
import { formatSequence, shardId } from "./sequence.js";
import type { ShardRecord, StreamRecord } from "./store.js";
import type { ChildShard, Shard } from "./types.js";

export function shardView(s: ShardRecord): Shard {
  const out: Shard = {
    ShardId: shardId(s.index),
    HashKeyRange: { StartingHashKey: s.hashStart, EndingHashKey: s.hashEnd },
    SequenceNumberRange: { StartingSequenceNumber: formatSequence(s.startCounter, s.index) },
  };
  if (s.parent !== null) out.ParentShardId = shardId(s.parent);
  if (s.adjacentParent !== null) out.AdjacentParentShardId = shardId(s.adjacentParent);
  if (s.endCounter !== null) {
    out.SequenceNumberRange.EndingSequenceNumber = formatSequence(Math.max(s.endCounter, s.startCounter), s.index);
  }
  return out;
}

export function childShards(stream: StreamRecord, parent: number): ChildShard[] {
  return stream.shards
    .filter((s) => s.parent === parent || s.adjacentParent === parent)
    .map((s) => ({
      ShardId: shardId(s.index),
      ParentShards: [s.parent, s.adjacentParent].filter((p): p is number => p !== null).map(shardId),
      HashKeyRange: { StartingHashKey: s.hashStart, EndingHashKey: s.hashEnd },
    }));
}

export function openShards(stream: StreamRecord): ShardRecord[] {
  return stream.shards.filter((s) => s.endCounter === null);
}

function encryption(stream: StreamRecord): Record<string, unknown> {
  return stream.encryption ? { EncryptionType: "KMS", KeyId: stream.encryption.keyId } : { EncryptionType: "NONE" };
}

function common(stream: StreamRecord): Record<string, unknown> {
  return {
    StreamName: stream.name,
    StreamARN: stream.arn,
    StreamStatus: "ACTIVE",
    StreamModeDetails: { StreamMode: stream.mode },
    RetentionPeriodHours: stream.retentionHours,
    StreamCreationTimestamp: new Date(stream.createdAt),
    EnhancedMonitoring: [{ ShardLevelMetrics: [...stream.monitoring] }],
    ...encryption(stream),
  };
}

export function describeView(stream: StreamRecord, shards: ShardRecord[], hasMore: boolean): Record<string, unknown> {
  return { ...common(stream), Shards: shards.map(shardView), HasMoreShards: hasMore };
}

export function summaryView(stream: StreamRecord): Record<string, unknown> {
  return { ...common(stream), OpenShardCount: openShards(stream).length, ConsumerCount: stream.consumers.length };
}

export function consumerArn(stream: StreamRecord, name: string, createdAt: number): string {
  return `${stream.arn}/consumer/${name}:${Math.floor(createdAt / 1000)}`;
}
