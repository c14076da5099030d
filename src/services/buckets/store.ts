/**
 * The bucket store: bucket, object, upload and part records and the notification
 * outbox, as atomic domain operations. Object keys are compared as UTF-8 bytes (S3's
 * listing order). Operations that replace or drop records return the blob ids no longer
 * referenced, which the service deletes after the commit; a crash in between leaves
 * only orphan files, which the blob store's start-up sweep removes (never a record that
 * points at missing bytes). Outbox rows are written in the same transaction as the
 * change they report, so an acknowledged change is never left unannounced.
 */
import type { BucketRecord, NewEvent, NotificationConfig, ObjectRecord, PartRecord, PendingEvent, UploadRecord } from "./types.js";

/** What an operation stopped referencing; null when the bucket (or upload) is gone. */
export interface Dropped {
  readonly dropped: string[];
}

export interface ListQuery {
  readonly bucket: string;
  /** Only keys that start with this. */
  readonly prefix: string;
  /** Only keys sorting after this (bytes); "" for from the start. */
  readonly after: string;
  /** When set, also skip every key that starts with `after` (a rolled-up common prefix). */
  readonly skipPrefix: boolean;
  readonly limit: number;
}

export interface BucketStore {
  /** Creates the bucket, or returns the one that already has the name. */
  createBucket(b: BucketRecord): Promise<{ created: boolean; bucket: BucketRecord }>;
  getBucket(name: string): Promise<BucketRecord | null>;
  listBuckets(account: string): Promise<BucketRecord[]>;
  /** Deletes an empty bucket, with its unfinished uploads. */
  deleteBucket(name: string): Promise<"missing" | "notEmpty" | Dropped>;
  /** Replaces the notification configuration and queues `events` (S3's test events). */
  setNotification(name: string, config: NotificationConfig | null, events: readonly NewEvent[]): Promise<boolean>;

  /**
   * Creates or replaces an object; null when the bucket is gone. With `expect` (a
   * conditional write), only when the key's current ETag is `expect.etag` (null: no
   * object), else "conflict" and nothing changes.
   */
  putObject(o: ObjectRecord, events: readonly NewEvent[], expect?: { readonly etag: string | null }): Promise<Dropped | null | "conflict">;
  getObject(bucket: string, key: string): Promise<ObjectRecord | null>;
  /** Deletes objects; events are written only for keys that existed. Null when the bucket is gone. */
  deleteObjects(bucket: string, entries: readonly { key: string; events: readonly NewEvent[] }[]): Promise<{ deleted: string[]; dropped: string[] } | null>;
  /** Objects in key (byte) order; null when the bucket is gone. */
  listObjects(q: ListQuery): Promise<ObjectRecord[] | null>;

  createUpload(u: UploadRecord): Promise<boolean>;
  getUpload(bucket: string, uploadId: string): Promise<UploadRecord | null>;
  /** Unfinished uploads of a bucket, by key then initiation time. */
  listUploads(bucket: string): Promise<UploadRecord[]>;
  /** Adds or replaces a part; null when the upload is gone. */
  putPart(p: PartRecord): Promise<Dropped | null>;
  listParts(uploadId: string): Promise<PartRecord[]>;
  /**
   * Turns an upload into its object (whose segments are the used parts' blobs) and
   * drops the upload; null when the upload is gone, "partsChanged" (and nothing
   * changes) when a segment's blob is no longer one of the upload's parts (a part was
   * uploaded again since the caller read them, and its old blob is being deleted).
   */
  completeUpload(bucket: string, uploadId: string, o: ObjectRecord, events: readonly NewEvent[]): Promise<Dropped | null | "partsChanged">;
  abortUpload(bucket: string, uploadId: string): Promise<Dropped | null>;

  /** Leases up to `limit` undelivered events until `now + leaseMs`. */
  claimEvents(now: number, leaseMs: number, limit: number): Promise<PendingEvent[]>;
  /** Removes delivered events. */
  ackEvents(ids: readonly number[]): Promise<void>;
  /** Gives a failed event another attempt after `retryAt`. */
  retryEvent(id: number, retryAt: number): Promise<void>;
  /** Every blob id a record refers to (the start-up sweep keeps these). */
  blobsInUse(): Promise<string[]>;
}
