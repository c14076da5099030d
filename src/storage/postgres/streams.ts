/** The stream store on PostgreSQL: one transaction per operation, single statements on the pool. */
import type { NewStream, ReadResult, RecordEntry, ReshardStep, StreamRecord, StreamSettings, StreamStore } from "../../services/streams/store.js";
import { transaction, type Sql } from "./database.js";
import * as ops from "./stream-ops.js";

export class PostgresStreamStore implements StreamStore {
  constructor(private readonly sql: Sql) {}
  createStream(stream: NewStream): Promise<StreamRecord | "exists"> {
    return transaction(this.sql, (tx) => ops.createStream(tx, stream));
  }
  getStream(account: string, name: string): Promise<StreamRecord | null> {
    return transaction(this.sql, (tx) => ops.getStream(tx, account, name));
  }
  listStreams(account: string, after: string | null, limit: number): Promise<StreamRecord[]> {
    return transaction(this.sql, (tx) => ops.listStreams(tx, account, after, limit));
  }
  deleteStream(account: string, name: string): Promise<boolean> {
    return transaction(this.sql, (tx) => ops.deleteStream(tx, account, name));
  }
  updateSettings(streamId: number, version: number, settings: StreamSettings): Promise<"ok" | "stale"> {
    return ops.updateSettings(this.sql, streamId, version, settings);
  }
  reshard(streamId: number, version: number, steps: readonly ReshardStep[], now: number): Promise<"ok" | "stale"> {
    return transaction(this.sql, (tx) => ops.reshard(tx, streamId, version, steps, now));
  }
  putRecords(streamId: number, entries: readonly RecordEntry[], now: number): Promise<number[] | "stale"> {
    return transaction(this.sql, (tx) => ops.putRecords(tx, streamId, entries, now));
  }
  readRecords(streamId: number, shard: number, from: number, limit: number, maxBytes: number, notBefore: number): Promise<ReadResult | null> {
    return transaction(this.sql, (tx) => ops.readRecords(tx, { streamId, shard, from, limit, maxBytes, notBefore }));
  }
  counterAt(streamId: number, shard: number, at: number): Promise<number | null> {
    return ops.counterAt(this.sql, streamId, shard, at);
  }
  trim(now: number): Promise<number> {
    return transaction(this.sql, (tx) => ops.trim(tx, now));
  }
}
