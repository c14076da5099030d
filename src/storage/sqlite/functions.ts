/** The function and event source mapping stores on SQLite, over the group-commit executor. */
import type { MappingRecord, MappingStore, ShardCheckpoint, WindowCheckpoint } from "../../services/event-sources/store.js";
import type { FunctionRecord, FunctionStore } from "../../services/functions/store.js";
import type { Executor } from "./executor.js";
import type { SqliteOps } from "./ops.js";

export class SqliteFunctionStore implements FunctionStore {
  constructor(private readonly exec: Executor<SqliteOps>) {}
  createFunction(record: FunctionRecord, zip: Buffer | null): Promise<FunctionRecord | "exists"> {
    return this.exec.write("functions.create", { record, zip });
  }
  getFunction(account: string, name: string): Promise<FunctionRecord | null> {
    return this.exec.read("functions.get", { account, name });
  }
  listFunctions(account: string, after: string | null, limit: number): Promise<FunctionRecord[]> {
    return this.exec.read("functions.list", { account, after, limit });
  }
  updateFunction(record: FunctionRecord, expectedRevision: string | null, zip: Buffer | null): Promise<FunctionRecord | "notFound" | "revisionMismatch"> {
    return this.exec.write("functions.update", { record, expectedRevision, zip });
  }
  deleteFunction(account: string, name: string): Promise<boolean> {
    return this.exec.write("functions.delete", { account, name });
  }
  getCode(account: string, name: string, sha256: string): Promise<Buffer | null> {
    return this.exec.read("functions.code", { account, name, sha256 });
  }
}

export class SqliteMappingStore implements MappingStore {
  constructor(private readonly exec: Executor<SqliteOps>) {}
  createMapping(record: MappingRecord): Promise<MappingRecord | { exists: string }> {
    return this.exec.write("mappings.create", record);
  }
  getMapping(uuid: string): Promise<MappingRecord | null> {
    return this.exec.read("mappings.get", { uuid });
  }
  listMappings(account: string, filter: { functionName?: string; sourceArn?: string }, after: string | null, limit: number): Promise<MappingRecord[]> {
    return this.exec.read("mappings.list", { account, ...filter, after, limit });
  }
  allMappings(): Promise<MappingRecord[]> {
    return this.exec.read("mappings.all", undefined);
  }
  updateMapping(record: MappingRecord): Promise<MappingRecord | null> {
    return this.exec.write("mappings.update", record);
  }
  deleteMapping(uuid: string): Promise<boolean> {
    return this.exec.write("mappings.delete", { uuid });
  }
  checkpoints(uuid: string): Promise<ShardCheckpoint[]> {
    return this.exec.read("checkpoints.list", { uuid });
  }
  leaseShard(uuid: string, shardId: string, owner: string, now: number, until: number): Promise<ShardCheckpoint | null> {
    return this.exec.write("checkpoints.lease", { uuid, shardId, owner, now, until });
  }
  saveCheckpoint(uuid: string, shardId: string, owner: string, position: string | null, done: boolean, window: WindowCheckpoint | null = null): Promise<boolean> {
    return this.exec.write("checkpoints.save", { uuid, shardId, owner, position, done, window });
  }
  releaseShard(uuid: string, shardId: string, owner: string): Promise<void> {
    return this.exec.write("checkpoints.release", { uuid, shardId, owner });
  }
}
