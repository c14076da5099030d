/**
 * A table's change stream as a shard source for the stream mapping engine. The source
 * is named by its stream ARN (`arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>`)
 * and read straight from the stream store, because the stored entries carry what the
 * DynamoDB Streams API does not show: each record's *partition key* (the hex MD5 of the
 * item's partition key), which ParallelizationFactor groups by so each item keeps its
 * order. Shard ids and sequence numbers are DynamoDB Streams' (tables/stream-shards.ts);
 * shards have no parents (a table stream never reshards). A stream stays readable after
 * it is *disabled* (its table's stream turned off or replaced); its shards then end once
 * drained, after a grace of the table definition cache's lifetime, since a writer holding
 * the definition from before may still add a record. Iterators are this module's own
 * (stream, shard, next counter) and do not expire.
 */
import type { StreamRecord } from "../streams/store.js";
import { streamAccount, type TableDeps } from "../tables/context.js";
import { ResourceNotFoundException, ValidationException } from "../tables/errors.js";
import { counterOf, notFound, sequenceNumber, shardId, shardIndex } from "../tables/stream-shards.js";
import type { Page, ShardSource, SourceInfo, SourceShard, StartAt } from "./shard-source.js";

const STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})\/stream\/([0-9T:.-]+)$/;
/** DynamoDB Streams keeps records for 24 hours. */
export const TABLE_STREAM_RETENTION_MS = 24 * 3_600_000;
/** GetRecords returns at most 1 MB. */
const READ_BYTES = 1024 * 1024;

interface Cursor {
  readonly streamId: number;
  readonly index: number;
  readonly counter: number;
}

const encode = (c: Cursor): string => `${c.streamId}/${c.index}/${c.counter}`;

function decode(iterator: string): Cursor {
  const [streamId, index, counter] = iterator.split("/").map(Number);
  if (streamId === undefined || index === undefined || counter === undefined || ![streamId, index, counter].every(Number.isSafeInteger)) {
    throw new ValidationException("Invalid ShardIterator");
  }
  return { streamId, index, counter };
}

/** The table and stream label a table stream ARN names, or null if it is not one. */
export function parseTableStreamArn(arn: string): { account: string; table: string; label: string } | null {
  const m = STREAM_ARN.exec(arn);
  if (!m?.[1] || !m[2] || !m[3]) return null;
  return { account: m[1], table: m[2], label: m[3] };
}

export class TableShardSource implements ShardSource {
  private readonly account: string;
  private readonly table: string;
  private readonly label: string;
  /** When this source first saw the stream disabled. */
  private disabledSince: number | null = null;

  /** `deps` is the table service's internals (TableService.internals). */
  constructor(
    private readonly deps: TableDeps,
    private readonly arn: string,
  ) {
    // Not thrown here: a malformed ARN makes every call fail as a missing stream would,
    // which the poller reports without stopping the other mappings.
    const ref = parseTableStreamArn(arn) ?? { account: "", table: "", label: "" };
    this.account = ref.account;
    this.table = ref.table;
    this.label = ref.label;
  }

  async info(): Promise<SourceInfo> {
    const s = await this.stream();
    // A table deleted and created again gets a new stream (and label); the creation time still tells incarnations apart.
    return { generation: String(s.createdAt), retentionMs: TABLE_STREAM_RETENTION_MS };
  }

  async shards(): Promise<SourceShard[]> {
    const s = await this.stream();
    return s.shards.map((shard) => ({ id: shardId(s, shard.index), parents: [] }));
  }

  async iterator(id: string, at: StartAt): Promise<string> {
    const s = await this.stream();
    const index = shardIndex(s, id);
    const shard = s.shards.find((x) => x.index === index);
    if (index === null || !shard) throw new ResourceNotFoundException("Requested resource not found: Shard does not exist");
    return encode({ streamId: s.id, index, counter: await this.startCounter(s.id, index, shard.nextCounter, at) });
  }

  async read(iterator: string, limit: number): Promise<Page> {
    const at = decode(iterator);
    // Judged before reading: a stream closed by then takes no more records, so a read
    // that reaches its tip has drained it.
    const closed = await this.isClosed();
    const read = await this.deps.streams.readRecords(at.streamId, at.index, at.counter, limit, READ_BYTES, 0);
    if (!read) throw notFound(this.arn);
    const records = read.records.map((r) => ({ sequenceNumber: sequenceNumber(at.index, r.counter), partitionKey: r.partitionKey, data: r.data, arrivedAt: r.arrivedAt }));
    const last = read.records[read.records.length - 1];
    // An empty page means everything up to the tip was read (or trimmed): resume at the tip.
    const next = last ? last.counter + 1 : Math.max(at.counter, read.nextCounter);
    return { records, next: closed && next >= read.nextCounter ? null : encode({ ...at, counter: next }) };
  }

  private async startCounter(streamId: number, index: number, next: number, at: StartAt): Promise<number> {
    switch (at.type) {
      case "TRIM_HORIZON":
        return 0;
      case "LATEST":
        return next;
      case "AT_TIMESTAMP":
        return (await this.deps.streams.counterAt(streamId, index, at.timestamp)) ?? next;
      case "AFTER_SEQUENCE_NUMBER": {
        const counter = counterOf(index, at.sequence);
        if (counter === null) throw new ValidationException(`Invalid SequenceNumber for ShardIterator: ${at.sequence}`);
        return counter + 1;
      }
    }
  }

  /** The stream store's stream behind the ARN, current or disabled. */
  private async stream(): Promise<StreamRecord> {
    const s = await this.deps.streams.getStream(streamAccount(this.account), `${this.table}/${this.label}`);
    if (!s) throw notFound(this.arn);
    return s;
  }

  /** Whether the stream is disabled and every writer has seen that (table definitions are cached for a while). */
  private async isClosed(): Promise<boolean> {
    const table = await this.deps.directory.find(this.account, this.table);
    if (table?.definition.stream?.label === this.label) return false;
    const now = this.deps.clock.now();
    this.disabledSince ??= now;
    return now - this.disabledSince >= this.deps.config.definitionCacheMs;
  }
}
