/**
 * What the stream mapping engine reads: shards with their parents, iterators and pages
 * of records. Kinesis streams implement it here; DynamoDB table streams in
 * table-source.ts, so both share one engine.
 */
import type { CallContext } from "../queues/types.js";
import type { StreamService } from "../streams/service.js";
import type { SourceRecord } from "./stream-event.js";

export interface SourceShard {
  readonly id: string;
  readonly parents: readonly string[];
}

export type StartAt =
  | { readonly type: "TRIM_HORIZON" | "LATEST" }
  | { readonly type: "AT_TIMESTAMP"; readonly timestamp: number }
  | { readonly type: "AFTER_SEQUENCE_NUMBER"; readonly sequence: string };

export interface Page {
  readonly records: SourceRecord[];
  /** Null when the shard is closed and drained. */
  readonly next: string | null;
}

/** What the engine needs to know of the source as a whole. */
export interface SourceInfo {
  /** Changes when the source is deleted and created again (checkpoints of the old one do not apply). */
  readonly generation: string;
  /** How long records stay readable; records older than this are given up on. */
  readonly retentionMs: number;
}

export interface ShardSource {
  info(): Promise<SourceInfo>;
  shards(): Promise<SourceShard[]>;
  iterator(shardId: string, at: StartAt): Promise<string>;
  read(iterator: string, limit: number): Promise<Page>;
}

/** A Kinesis stream, read through the stream service's API. */
export class KinesisShardSource implements ShardSource {
  constructor(
    private readonly streams: StreamService,
    private readonly streamArn: string,
    private readonly ctx: CallContext,
  ) {}

  async info(): Promise<SourceInfo> {
    const out = (await this.streams.call("DescribeStreamSummary", { StreamARN: this.streamArn }, this.ctx)) as {
      StreamDescriptionSummary: { StreamCreationTimestamp: Date; RetentionPeriodHours: number };
    };
    const d = out.StreamDescriptionSummary;
    return { generation: String(d.StreamCreationTimestamp.getTime()), retentionMs: d.RetentionPeriodHours * 3_600_000 };
  }

  async shards(): Promise<SourceShard[]> {
    const out: SourceShard[] = [];
    let token: string | undefined;
    do {
      const input: Record<string, unknown> = token ? { NextToken: token } : { StreamARN: this.streamArn };
      const page = (await this.streams.call("ListShards", input, this.ctx)) as { Shards: { ShardId: string; ParentShardId?: string; AdjacentParentShardId?: string }[]; NextToken?: string };
      for (const s of page.Shards) out.push({ id: s.ShardId, parents: [s.ParentShardId, s.AdjacentParentShardId].filter((p): p is string => !!p) });
      token = page.NextToken;
    } while (token);
    return out;
  }

  async iterator(shardId: string, at: StartAt): Promise<string> {
    const input: Record<string, unknown> = { StreamARN: this.streamArn, ShardId: shardId, ShardIteratorType: at.type };
    if (at.type === "AT_TIMESTAMP") input["Timestamp"] = new Date(at.timestamp);
    if (at.type === "AFTER_SEQUENCE_NUMBER") input["StartingSequenceNumber"] = at.sequence;
    return (await this.streams.call("GetShardIterator", input, this.ctx))["ShardIterator"] as string;
  }

  async read(iterator: string, limit: number): Promise<Page> {
    const out = (await this.streams.call("GetRecords", { ShardIterator: iterator, Limit: limit }, this.ctx)) as {
      Records: { SequenceNumber: string; PartitionKey: string; Data: Buffer; ApproximateArrivalTimestamp: Date }[];
      NextShardIterator?: string;
    };
    return {
      records: out.Records.map((r) => ({ sequenceNumber: r.SequenceNumber, partitionKey: r.PartitionKey, data: r.Data, arrivedAt: r.ApproximateArrivalTimestamp.getTime() })),
      next: out.NextShardIterator ?? null,
    };
  }
}
