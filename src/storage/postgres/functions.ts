/**
 * The function and event source mapping stores on PostgreSQL: one transaction per
 * operation (retried when PostgreSQL aborts it to break a deadlock); single-statement
 * operations run straight on the pool.
 */
import type { MappingRecord, MappingStore, ShardCheckpoint, WindowCheckpoint } from "../../services/event-sources/store.js";
import type { FunctionRecord, FunctionStore } from "../../services/functions/store.js";
import * as checkpoints from "./checkpoint-ops.js";
import { transaction, type Sql } from "./database.js";
import { createFunction, deleteFunction, getCode, getFunction, listFunctions, updateFunction } from "./function-ops.js";
import { allMappings, createMapping, deleteMapping, getMapping, listMappings, updateMapping } from "./mapping-ops.js";

export class PostgresFunctionStore implements FunctionStore {
  constructor(private readonly sql: Sql) {}

  createFunction(record: FunctionRecord, zip: Buffer | null): Promise<FunctionRecord | "exists"> {
    return transaction(this.sql, (tx) => createFunction(tx, record, zip));
  }
  getFunction(account: string, name: string): Promise<FunctionRecord | null> {
    return getFunction(this.sql, account, name);
  }
  listFunctions(account: string, after: string | null, limit: number): Promise<FunctionRecord[]> {
    return listFunctions(this.sql, { account, after, limit });
  }
  updateFunction(record: FunctionRecord, expectedRevision: string | null, zip: Buffer | null): Promise<FunctionRecord | "notFound" | "revisionMismatch"> {
    return transaction(this.sql, (tx) => updateFunction(tx, { record, expectedRevision, zip }));
  }
  deleteFunction(account: string, name: string): Promise<boolean> {
    return deleteFunction(this.sql, account, name);
  }
  getCode(account: string, name: string, sha256: string): Promise<Buffer | null> {
    return getCode(this.sql, { account, name, sha256 });
  }
}

export class PostgresMappingStore implements MappingStore {
  constructor(private readonly sql: Sql) {}

  createMapping(record: MappingRecord): Promise<MappingRecord | { exists: string }> {
    return transaction(this.sql, (tx) => createMapping(tx, record));
  }
  getMapping(uuid: string): Promise<MappingRecord | null> {
    return getMapping(this.sql, uuid);
  }
  listMappings(account: string, filter: { functionName?: string; sourceArn?: string }, after: string | null, limit: number): Promise<MappingRecord[]> {
    return listMappings(this.sql, { account, functionName: filter.functionName, sourceArn: filter.sourceArn, after, limit });
  }
  allMappings(): Promise<MappingRecord[]> {
    return allMappings(this.sql);
  }
  updateMapping(record: MappingRecord): Promise<MappingRecord | null> {
    return updateMapping(this.sql, record);
  }
  deleteMapping(uuid: string): Promise<boolean> {
    return transaction(this.sql, (tx) => deleteMapping(tx, uuid));
  }
  checkpoints(uuid: string): Promise<ShardCheckpoint[]> {
    return checkpoints.checkpoints(this.sql, uuid);
  }
  leaseShard(uuid: string, shardId: string, owner: string, now: number, until: number): Promise<ShardCheckpoint | null> {
    return transaction(this.sql, (tx) => checkpoints.leaseShard(tx, { uuid, shardId, owner, now, until }));
  }
  saveCheckpoint(uuid: string, shardId: string, owner: string, position: string | null, done: boolean, window: WindowCheckpoint | null = null): Promise<boolean> {
    return checkpoints.saveCheckpoint(this.sql, { uuid, shardId, owner, position, done, window });
  }
  releaseShard(uuid: string, shardId: string, owner: string): Promise<void> {
    return checkpoints.releaseShard(this.sql, { uuid, shardId, owner });
  }
}
