/**
 * The stream store contract. A stream owns shards; a shard owns a hash key range and an
 * ordered run of records, each numbered by the shard's counter. Open shards take new
 * records; resharding closes shards and opens their children in one transaction.
 * Stores hold no policy: the service validates, hashes and plans, the store applies
 * atomically and reports a stale plan ("stale") instead of guessing.
 */

export const StreamMode = { Provisioned: "PROVISIONED", OnDemand: "ON_DEMAND" } as const;
export type StreamMode = (typeof StreamMode)[keyof typeof StreamMode];

export interface ShardRecord {
  readonly index: number;
  readonly parent: number | null;
  readonly adjacentParent: number | null;
  /** Inclusive hash key range, decimal. */
  readonly hashStart: string;
  readonly hashEnd: string;
  /** The counter of the shard's first record. */
  readonly startCounter: number;
  /** The counter the next record will get. */
  readonly nextCounter: number;
  /** Set when the shard was closed by resharding: the counter of its last record (startCounter - 1 if none). */
  readonly endCounter: number | null;
  readonly createdAt: number;
  readonly closedAt: number | null;
}

export interface StreamSettings {
  readonly mode: StreamMode;
  readonly retentionHours: number;
  readonly encryption: { readonly type: "KMS"; readonly keyId: string } | null;
  readonly monitoring: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly consumers: readonly ConsumerRecord[];
}

export interface ConsumerRecord {
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
}

export interface StreamRecord extends StreamSettings {
  readonly id: number;
  readonly account: string;
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  /** Bumped by every change to settings or shards; updates name the version they read. */
  readonly version: number;
  readonly shards: readonly ShardRecord[];
}

export interface NewStream {
  readonly account: string;
  readonly name: string;
  readonly arn: string;
  readonly createdAt: number;
  readonly settings: StreamSettings;
  readonly shards: readonly { readonly hashStart: string; readonly hashEnd: string }[];
}

export interface NewShard {
  readonly parent: number | null;
  readonly adjacentParent: number | null;
  readonly hashStart: string;
  readonly hashEnd: string;
}

/** Closes `close` (all must be open) and opens `open` in order, as one step of lineage each. */
export interface ReshardStep {
  readonly close: readonly number[];
  readonly open: readonly NewShard[];
}

export interface RecordEntry {
  readonly shardIndex: number;
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly explicitHashKey: string | null;
}

export interface StoredRecord {
  readonly counter: number;
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly arrivedAt: number;
}

export interface ReadResult {
  readonly records: StoredRecord[];
  /** The shard's next counter when read (the tip). */
  readonly nextCounter: number;
  /** The shard's last counter if it is closed. */
  readonly endCounter: number | null;
}

export interface StreamStore {
  /** "exists" when the account already has a stream of that name. */
  createStream(stream: NewStream): Promise<StreamRecord | "exists">;
  getStream(account: string, name: string): Promise<StreamRecord | null>;
  /** Names after `after`, in order, at most `limit`. */
  listStreams(account: string, after: string | null, limit: number): Promise<StreamRecord[]>;
  /** Removes the stream with its shards and records. */
  deleteStream(account: string, name: string): Promise<boolean>;
  /** Replaces the settings if the stream is still at `version`. */
  updateSettings(streamId: number, version: number, settings: StreamSettings): Promise<"ok" | "stale">;
  /** Applies the steps in order if the stream is still at `version`. */
  reshard(streamId: number, version: number, steps: readonly ReshardStep[], now: number): Promise<"ok" | "stale">;
  /**
   * Appends each entry to its shard, numbering them in order. "stale" (nothing written)
   * if a named shard is closed or gone.
   */
  putRecords(streamId: number, entries: readonly RecordEntry[], now: number): Promise<number[] | "stale">;
  /**
   * Records with counter ≥ `from` that arrived at or after `notBefore`, in order, at most
   * `limit`, stopping before `maxBytes` of data (always at least one). Null if no such shard.
   */
  readRecords(streamId: number, shardIndex: number, from: number, limit: number, maxBytes: number, notBefore: number): Promise<ReadResult | null>;
  /** The counter of the shard's first record that arrived at or after `at`, or its next counter. */
  counterAt(streamId: number, shardIndex: number, at: number): Promise<number | null>;
  /**
   * Retention: deletes records that arrived before their stream's retention window, and
   * closed shards whose records are all gone and that closed before the window.
   */
  trim(now: number): Promise<number>;
}
