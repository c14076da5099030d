/**
 * Bucket rows as both backends store them, and their records. Keys are stored as
 * UTF-8 bytes (BLOB / bytea) so that ordering and ranges are byte order, as S3 lists.
 */
import type { BucketRecord, Checksum, NotificationConfig, ObjectRecord, PartRecord, PendingEvent, Segment, TargetKind, UploadRecord } from "../services/buckets/types.js";

export interface BucketRow {
  name: string;
  account: string;
  region: string;
  created_at: number;
  notification: string | null;
}
export interface ObjectRow {
  bucket: string;
  key: Uint8Array;
  size: number;
  etag: string;
  last_modified: number;
  headers: string;
  checksum: string | null;
  segments: string;
}
export interface UploadRow {
  id: string;
  bucket: string;
  key: Uint8Array;
  initiated: number;
  headers: string;
  checksum_algorithm: string | null;
}
export interface PartRow {
  upload_id: string;
  number: number;
  size: number;
  etag: string;
  last_modified: number;
  blob: string;
  checksum: string | null;
}
export interface EventRow {
  id: number;
  kind: string;
  target: string;
  body: string;
  attempts: number;
}

/** UTF-8 never contains 0xFF, so `bytes + 0xFF` sorts after every key that starts with `bytes`. */
const TOP = Buffer.from([0xff]);

export function keyBytes(key: string): Buffer {
  return Buffer.from(key, "utf8");
}
export function pastPrefix(prefix: string): Buffer {
  return Buffer.concat([keyBytes(prefix), TOP]);
}
function text(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString("utf8");
}

export function bucketFromRow(r: BucketRow): BucketRecord {
  return { name: r.name, account: r.account, region: r.region, createdAt: Number(r.created_at), notification: r.notification ? (JSON.parse(r.notification) as NotificationConfig) : null };
}
export function objectFromRow(r: ObjectRow): ObjectRecord {
  return {
    bucket: r.bucket,
    key: text(r.key),
    size: Number(r.size),
    etag: r.etag,
    lastModified: Number(r.last_modified),
    headers: JSON.parse(r.headers) as Record<string, string>,
    checksum: r.checksum ? (JSON.parse(r.checksum) as Checksum) : null,
    segments: JSON.parse(r.segments) as Segment[],
  };
}
export function objectParams(o: ObjectRecord): [string, Buffer, number, string, number, string, string | null, string] {
  return [o.bucket, keyBytes(o.key), o.size, o.etag, o.lastModified, JSON.stringify(o.headers), o.checksum ? JSON.stringify(o.checksum) : null, JSON.stringify(o.segments)];
}
export function uploadFromRow(r: UploadRow): UploadRecord {
  return { id: r.id, bucket: r.bucket, key: text(r.key), initiated: Number(r.initiated), headers: JSON.parse(r.headers) as Record<string, string>, checksumAlgorithm: r.checksum_algorithm };
}
export function partFromRow(r: PartRow): PartRecord {
  return {
    uploadId: r.upload_id,
    number: Number(r.number),
    size: Number(r.size),
    etag: r.etag,
    lastModified: Number(r.last_modified),
    blob: r.blob,
    checksum: r.checksum ? (JSON.parse(r.checksum) as Checksum) : null,
  };
}
export function eventFromRow(r: EventRow): PendingEvent {
  return { id: Number(r.id), kind: r.kind as TargetKind, target: r.target, body: r.body, attempts: Number(r.attempts) };
}
/** The blobs of an object row's segments. */
export function segmentBlobs(segments: string | null | undefined): string[] {
  return segments ? (JSON.parse(segments) as Segment[]).map((s) => s.blob) : [];
}
