/** The bucket store on PostgreSQL: one transaction per operation, single statements on the pool. */
import type { BucketStore, Dropped, ListQuery } from "../../services/buckets/store.js";
import type { BucketRecord, NewEvent, NotificationConfig, ObjectRecord, PartRecord, PendingEvent, UploadRecord } from "../../services/buckets/types.js";
import { transaction, type Sql } from "./database.js";
import * as ops from "./bucket-ops.js";

export class PostgresBucketStore implements BucketStore {
  constructor(private readonly sql: Sql) {}
  createBucket(b: BucketRecord): Promise<{ created: boolean; bucket: BucketRecord }> {
    return transaction(this.sql, (tx) => ops.createBucket(tx, b));
  }
  getBucket(name: string): Promise<BucketRecord | null> {
    return ops.getBucket(this.sql, name);
  }
  listBuckets(account: string): Promise<BucketRecord[]> {
    return ops.listBuckets(this.sql, account);
  }
  deleteBucket(name: string): Promise<"missing" | "notEmpty" | Dropped> {
    return transaction(this.sql, (tx) => ops.deleteBucket(tx, name));
  }
  setNotification(name: string, config: NotificationConfig | null, events: readonly NewEvent[]): Promise<boolean> {
    return transaction(this.sql, (tx) => ops.setNotification(tx, name, config, events));
  }
  putObject(o: ObjectRecord, events: readonly NewEvent[], expect?: { readonly etag: string | null }): Promise<Dropped | null | "conflict"> {
    return transaction(this.sql, (tx) => ops.putObject(tx, o, events, expect));
  }
  getObject(bucket: string, key: string): Promise<ObjectRecord | null> {
    return ops.getObject(this.sql, bucket, key);
  }
  deleteObjects(bucket: string, entries: readonly { key: string; events: readonly NewEvent[] }[]): Promise<{ deleted: string[]; dropped: string[] } | null> {
    return transaction(this.sql, (tx) => ops.deleteObjects(tx, bucket, entries));
  }
  listObjects(q: ListQuery): Promise<ObjectRecord[] | null> {
    return ops.listObjects(this.sql, q);
  }
  createUpload(u: UploadRecord): Promise<boolean> {
    return transaction(this.sql, (tx) => ops.createUpload(tx, u));
  }
  getUpload(bucket: string, id: string): Promise<UploadRecord | null> {
    return ops.getUpload(this.sql, bucket, id);
  }
  listUploads(bucket: string): Promise<UploadRecord[]> {
    return ops.listUploads(this.sql, bucket);
  }
  putPart(p: PartRecord): Promise<Dropped | null> {
    return transaction(this.sql, (tx) => ops.putPart(tx, p));
  }
  listParts(uploadId: string): Promise<PartRecord[]> {
    return ops.listParts(this.sql, uploadId);
  }
  completeUpload(bucket: string, uploadId: string, o: ObjectRecord, events: readonly NewEvent[]): Promise<Dropped | null | "partsChanged"> {
    return transaction(this.sql, (tx) => ops.completeUpload(tx, bucket, uploadId, o, events));
  }
  abortUpload(bucket: string, uploadId: string): Promise<Dropped | null> {
    return transaction(this.sql, (tx) => ops.abortUpload(tx, bucket, uploadId));
  }
  claimEvents(now: number, leaseMs: number, limit: number): Promise<PendingEvent[]> {
    return transaction(this.sql, (tx) => ops.claimEvents(tx, now, leaseMs, limit));
  }
  ackEvents(ids: readonly number[]): Promise<void> {
    return ops.ackEvents(this.sql, ids);
  }
  retryEvent(id: number, retryAt: number): Promise<void> {
    return ops.retryEvent(this.sql, id, retryAt);
  }
  blobsInUse(): Promise<string[]> {
    return ops.blobsInUse(this.sql);
  }
}
