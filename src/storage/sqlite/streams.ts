/** The stream store on SQLite, over the group-commit executor. */
import type { NewStream, ReadResult, RecordEntry, ReshardStep, StreamRecord, StreamSettings, StreamStore } from "../../services/streams/store.js";
import { asBuffer } from "../stream-rows.js";
import type { Executor } from "./executor.js";
import type { SqliteOps } from "./ops.js";

export class SqliteStreamStore implements StreamStore {
  constructor(private readonly exec: Executor<SqliteOps>) {}
  createStream(stream: NewStream): Promise<StreamRecord | "exists"> {
    return this.exec.write("streams.create", stream);
  }
  getStream(account: string, name: string): Promise<StreamRecord | null> {
    return this.exec.read("streams.get", { account, name });
  }
  listStreams(account: string, after: string | null, limit: number): Promise<StreamRecord[]> {
    return this.exec.read("streams.list", { account, after, limit });
  }
  deleteStream(account: string, name: string): Promise<boolean> {
    return this.exec.write("streams.delete", { account, name });
  }
  updateSettings(streamId: number, version: number, settings: StreamSettings): Promise<"ok" | "stale"> {
    return this.exec.write("streams.updateSettings", { streamId, version, settings });
  }
  reshard(streamId: number, version: number, steps: readonly ReshardStep[], now: number): Promise<"ok" | "stale"> {
    return this.exec.write("streams.reshard", { streamId, version, steps: [...steps], now });
  }
  putRecords(streamId: number, entries: readonly RecordEntry[], now: number): Promise<number[] | "stale"> {
    return this.exec.write("streams.put", { streamId, entries: [...entries], now });
  }
  async readRecords(streamId: number, shard: number, from: number, limit: number, maxBytes: number, notBefore: number): Promise<ReadResult | null> {
    const read = await this.exec.read("streams.read", { streamId, shard, from, limit, maxBytes, notBefore });
    if (read) for (const r of read.records) (r as { data: Buffer }).data = asBuffer(r.data);
    return read;
  }
  counterAt(streamId: number, shard: number, at: number): Promise<number | null> {
    return this.exec.read("streams.counterAt", { streamId, shard, at });
  }
  trim(now: number): Promise<number> {
    return this.exec.write("streams.trim", { now });
  }
}
