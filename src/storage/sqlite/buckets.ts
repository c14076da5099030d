/** The bucket store on SQLite, over the group-commit executor. */
import type { BucketStore, Dropped, ListQuery } from "../../services/buckets/store.js";
import type { BucketRecord, NewEvent, NotificationConfig, ObjectRecord, PartRecord, PendingEvent, UploadRecord } from "../../services/buckets/types.js";
import type { Executor } from "./executor.js";
import type { SqliteOps } from "./ops.js";

export class SqliteBucketStore implements BucketStore {
  constructor(private readonly exec: Executor<SqliteOps>) {}
  createBucket(b: BucketRecord): Promise<{ created: boolean; bucket: BucketRecord }> {
    return this.exec.write("buckets.create", b);
  }
  getBucket(name: string): Promise<BucketRecord | null> {
    return this.exec.read("buckets.get", { name });
  }
  listBuckets(account: string): Promise<BucketRecord[]> {
    return this.exec.read("buckets.list", { account });
  }
  deleteBucket(name: string): Promise<"missing" | "notEmpty" | Dropped> {
    return this.exec.write("buckets.delete", { name });
  }
  setNotification(name: string, config: NotificationConfig | null, events: readonly NewEvent[]): Promise<boolean> {
    return this.exec.write("buckets.setNotification", { name, config, events: [...events] });
  }
  putObject(object: ObjectRecord, events: readonly NewEvent[], expect?: { readonly etag: string | null }): Promise<Dropped | null | "conflict"> {
    return this.exec.write("buckets.putObject", { object, events: [...events], ...(expect ? { expect: { etag: expect.etag } } : {}) });
  }
  getObject(bucket: string, key: string): Promise<ObjectRecord | null> {
    return this.exec.read("buckets.getObject", { bucket, key });
  }
  deleteObjects(bucket: string, entries: readonly { key: string; events: readonly NewEvent[] }[]): Promise<{ deleted: string[]; dropped: string[] } | null> {
    return this.exec.write("buckets.deleteObjects", { bucket, entries: entries.map((e) => ({ key: e.key, events: [...e.events] })) });
  }
  listObjects(q: ListQuery): Promise<ObjectRecord[] | null> {
    return this.exec.read("buckets.listObjects", q);
  }
  createUpload(u: UploadRecord): Promise<boolean> {
    return this.exec.write("buckets.createUpload", u);
  }
  getUpload(bucket: string, id: string): Promise<UploadRecord | null> {
    return this.exec.read("buckets.getUpload", { bucket, id });
  }
  listUploads(bucket: string): Promise<UploadRecord[]> {
    return this.exec.read("buckets.listUploads", { bucket });
  }
  putPart(p: PartRecord): Promise<Dropped | null> {
    return this.exec.write("buckets.putPart", p);
  }
  listParts(uploadId: string): Promise<PartRecord[]> {
    return this.exec.read("buckets.listParts", { uploadId });
  }
  completeUpload(bucket: string, uploadId: string, object: ObjectRecord, events: readonly NewEvent[]): Promise<Dropped | null | "partsChanged"> {
    return this.exec.write("buckets.completeUpload", { bucket, uploadId, object, events: [...events] });
  }
  abortUpload(bucket: string, uploadId: string): Promise<Dropped | null> {
    return this.exec.write("buckets.abortUpload", { bucket, uploadId });
  }
  claimEvents(now: number, leaseMs: number, limit: number): Promise<PendingEvent[]> {
    return this.exec.write("buckets.claimEvents", { now, leaseMs, limit });
  }
  ackEvents(ids: readonly number[]): Promise<void> {
    return this.exec.write("buckets.ackEvents", { ids: [...ids] });
  }
  retryEvent(id: number, retryAt: number): Promise<void> {
    return this.exec.write("buckets.retryEvent", { id, retryAt });
  }
  blobsInUse(): Promise<string[]> {
    return this.exec.read("buckets.blobsInUse", undefined);
  }
}
