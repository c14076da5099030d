/**
 * Buckets on the embedded store. Each function runs inside the executor's transaction,
 * so an object, its replaced blobs and its outbox events commit together.
 */
import type { ListQuery } from "../../services/buckets/store.js";
import type { BucketRecord, NewEvent, NotificationConfig, ObjectRecord, PartRecord, PendingEvent, UploadRecord } from "../../services/buckets/types.js";
import * as rows from "../bucket-rows.js";
import { stmt, type Db } from "./database.js";

type Dropped = { dropped: string[] };

function getBucket(db: Db, a: { name: string }): BucketRecord | null {
  const r = stmt(db, "SELECT * FROM buckets WHERE name = ?").get(a.name) as rows.BucketRow | undefined;
  return r ? rows.bucketFromRow(r) : null;
}

function createBucket(db: Db, b: BucketRecord): { created: boolean; bucket: BucketRecord } {
  const existing = getBucket(db, b);
  if (existing) return { created: false, bucket: existing };
  stmt(db, "INSERT INTO buckets (name, account, region, created_at, notification) VALUES (?, ?, ?, ?, ?)").run(
    b.name, b.account, b.region, b.createdAt, b.notification ? JSON.stringify(b.notification) : null,
  );
  return { created: true, bucket: b };
}

function listBuckets(db: Db, a: { account: string }): BucketRecord[] {
  return (stmt(db, "SELECT * FROM buckets WHERE account = ? ORDER BY name").all(a.account) as rows.BucketRow[]).map(rows.bucketFromRow);
}

function deleteBucket(db: Db, a: { name: string }): "missing" | "notEmpty" | Dropped {
  if (!getBucket(db, a)) return "missing";
  if (stmt(db, "SELECT 1 FROM bucket_objects WHERE bucket = ? LIMIT 1").get(a.name)) return "notEmpty";
  const blobs = stmt(db, "SELECT p.blob FROM bucket_parts p JOIN bucket_uploads u ON u.id = p.upload_id WHERE u.bucket = ?").pluck().all(a.name) as string[];
  stmt(db, "DELETE FROM bucket_parts WHERE upload_id IN (SELECT id FROM bucket_uploads WHERE bucket = ?)").run(a.name);
  stmt(db, "DELETE FROM bucket_uploads WHERE bucket = ?").run(a.name);
  stmt(db, "DELETE FROM buckets WHERE name = ?").run(a.name);
  return { dropped: blobs };
}

function addEvents(db: Db, events: readonly NewEvent[]): void {
  for (const e of events) stmt(db, "INSERT INTO bucket_events (kind, target, body, attempts, lease_until) VALUES (?, ?, ?, 0, 0)").run(e.kind, e.target, e.body);
}

function setNotification(db: Db, a: { name: string; config: NotificationConfig | null; events: NewEvent[] }): boolean {
  const changed = stmt(db, "UPDATE buckets SET notification = ? WHERE name = ?").run(a.config ? JSON.stringify(a.config) : null, a.name).changes;
  if (changed) addEvents(db, a.events);
  return changed === 1;
}

/** Writes the object row; returns the blobs of the object it replaced. */
function writeObject(db: Db, o: ObjectRecord): string[] {
  const old = stmt(db, "SELECT segments FROM bucket_objects WHERE bucket = ? AND key = ?").pluck().get(o.bucket, rows.keyBytes(o.key)) as string | undefined;
  stmt(db, "INSERT OR REPLACE INTO bucket_objects (bucket, key, size, etag, last_modified, headers, checksum, segments) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(...rows.objectParams(o));
  const keep = new Set(o.segments.map((s) => s.blob));
  return rows.segmentBlobs(old).filter((b) => !keep.has(b));
}

function putObject(db: Db, a: { object: ObjectRecord; events: NewEvent[]; expect?: { etag: string | null } }): Dropped | "conflict" | null {
  if (!stmt(db, "SELECT 1 FROM buckets WHERE name = ?").get(a.object.bucket)) return null;
  if (a.expect) {
    const etag = stmt(db, "SELECT etag FROM bucket_objects WHERE bucket = ? AND key = ?").pluck().get(a.object.bucket, rows.keyBytes(a.object.key)) as string | undefined;
    if ((etag ?? null) !== a.expect.etag) return "conflict";
  }
  const dropped = writeObject(db, a.object);
  addEvents(db, a.events);
  return { dropped };
}

function getObject(db: Db, a: { bucket: string; key: string }): ObjectRecord | null {
  const r = stmt(db, "SELECT * FROM bucket_objects WHERE bucket = ? AND key = ?").get(a.bucket, rows.keyBytes(a.key)) as rows.ObjectRow | undefined;
  return r ? rows.objectFromRow(r) : null;
}

function deleteObjects(db: Db, a: { bucket: string; entries: { key: string; events: NewEvent[] }[] }): { deleted: string[]; dropped: string[] } | null {
  if (!stmt(db, "SELECT 1 FROM buckets WHERE name = ?").get(a.bucket)) return null;
  const deleted: string[] = [];
  const dropped: string[] = [];
  for (const e of a.entries) {
    const k = rows.keyBytes(e.key);
    const old = stmt(db, "SELECT segments FROM bucket_objects WHERE bucket = ? AND key = ?").pluck().get(a.bucket, k) as string | undefined;
    if (old === undefined) continue;
    stmt(db, "DELETE FROM bucket_objects WHERE bucket = ? AND key = ?").run(a.bucket, k);
    deleted.push(e.key);
    dropped.push(...rows.segmentBlobs(old));
    addEvents(db, e.events);
  }
  return { deleted, dropped };
}

function listObjects(db: Db, q: ListQuery): ObjectRecord[] | null {
  if (!stmt(db, "SELECT 1 FROM buckets WHERE name = ?").get(q.bucket)) return null;
  const after = q.skipPrefix ? rows.pastPrefix(q.after) : rows.keyBytes(q.after);
  const rs = stmt(db, "SELECT * FROM bucket_objects WHERE bucket = ? AND key > ? AND key >= ? AND key < ? ORDER BY key LIMIT ?").all(
    q.bucket, after, rows.keyBytes(q.prefix), rows.pastPrefix(q.prefix), q.limit,
  ) as rows.ObjectRow[];
  return rs.map(rows.objectFromRow);
}

function createUpload(db: Db, u: UploadRecord): boolean {
  if (!stmt(db, "SELECT 1 FROM buckets WHERE name = ?").get(u.bucket)) return false;
  stmt(db, "INSERT INTO bucket_uploads (id, bucket, key, initiated, headers, checksum_algorithm) VALUES (?, ?, ?, ?, ?, ?)").run(
    u.id, u.bucket, rows.keyBytes(u.key), u.initiated, JSON.stringify(u.headers), u.checksumAlgorithm,
  );
  return true;
}

function getUpload(db: Db, a: { bucket: string; id: string }): UploadRecord | null {
  const r = stmt(db, "SELECT * FROM bucket_uploads WHERE id = ? AND bucket = ?").get(a.id, a.bucket) as rows.UploadRow | undefined;
  return r ? rows.uploadFromRow(r) : null;
}

function listUploads(db: Db, a: { bucket: string }): UploadRecord[] {
  return (stmt(db, "SELECT * FROM bucket_uploads WHERE bucket = ? ORDER BY key, initiated, id").all(a.bucket) as rows.UploadRow[]).map(rows.uploadFromRow);
}

function putPart(db: Db, p: PartRecord): Dropped | null {
  if (!stmt(db, "SELECT 1 FROM bucket_uploads WHERE id = ?").get(p.uploadId)) return null;
  const old = stmt(db, "SELECT blob FROM bucket_parts WHERE upload_id = ? AND number = ?").pluck().get(p.uploadId, p.number) as string | undefined;
  stmt(db, "INSERT OR REPLACE INTO bucket_parts (upload_id, number, size, etag, last_modified, blob, checksum) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
    p.uploadId, p.number, p.size, p.etag, p.lastModified, p.blob, p.checksum ? JSON.stringify(p.checksum) : null,
  );
  return { dropped: old && old !== p.blob ? [old] : [] };
}

function listParts(db: Db, a: { uploadId: string }): PartRecord[] {
  return (stmt(db, "SELECT * FROM bucket_parts WHERE upload_id = ? ORDER BY number").all(a.uploadId) as rows.PartRow[]).map(rows.partFromRow);
}

/** Drops an upload and its parts; returns the part blobs not in `keep`. */
function dropUpload(db: Db, id: string, keep: ReadonlySet<string>): string[] {
  const blobs = stmt(db, "SELECT blob FROM bucket_parts WHERE upload_id = ?").pluck().all(id) as string[];
  stmt(db, "DELETE FROM bucket_parts WHERE upload_id = ?").run(id);
  stmt(db, "DELETE FROM bucket_uploads WHERE id = ?").run(id);
  return blobs.filter((b) => !keep.has(b));
}

function completeUpload(db: Db, a: { bucket: string; uploadId: string; object: ObjectRecord; events: NewEvent[] }): Dropped | null | "partsChanged" {
  if (!getUpload(db, { bucket: a.bucket, id: a.uploadId })) return null;
  if (!stmt(db, "SELECT 1 FROM buckets WHERE name = ?").get(a.bucket)) return null;
  const parts = new Set(stmt(db, "SELECT blob FROM bucket_parts WHERE upload_id = ?").pluck().all(a.uploadId) as string[]);
  if (a.object.segments.some((s) => !parts.has(s.blob))) return "partsChanged";
  const replaced = writeObject(db, a.object);
  const unused = dropUpload(db, a.uploadId, new Set(a.object.segments.map((s) => s.blob)));
  addEvents(db, a.events);
  return { dropped: [...replaced, ...unused] };
}

function abortUpload(db: Db, a: { bucket: string; uploadId: string }): Dropped | null {
  if (!getUpload(db, { bucket: a.bucket, id: a.uploadId })) return null;
  return { dropped: dropUpload(db, a.uploadId, new Set()) };
}

function claimEvents(db: Db, a: { now: number; leaseMs: number; limit: number }): PendingEvent[] {
  const rs = stmt(db, "SELECT id, kind, target, body, attempts FROM bucket_events WHERE lease_until <= ? ORDER BY id LIMIT ?").all(a.now, a.limit) as rows.EventRow[];
  for (const r of rs) stmt(db, "UPDATE bucket_events SET lease_until = ? WHERE id = ?").run(a.now + a.leaseMs, r.id);
  return rs.map(rows.eventFromRow);
}

function ackEvents(db: Db, a: { ids: number[] }): void {
  for (const id of a.ids) stmt(db, "DELETE FROM bucket_events WHERE id = ?").run(id);
}

function retryEvent(db: Db, a: { id: number; retryAt: number }): void {
  stmt(db, "UPDATE bucket_events SET lease_until = ?, attempts = attempts + 1 WHERE id = ?").run(a.retryAt, a.id);
}

function blobsInUse(db: Db): string[] {
  const out = stmt(db, "SELECT blob FROM bucket_parts").pluck().all() as string[];
  for (const s of stmt(db, "SELECT segments FROM bucket_objects").pluck().iterate() as Iterable<string>) out.push(...rows.segmentBlobs(s));
  return out;
}

export const bucketOps = {
  "buckets.create": createBucket,
  "buckets.get": getBucket,
  "buckets.list": listBuckets,
  "buckets.delete": deleteBucket,
  "buckets.setNotification": setNotification,
  "buckets.putObject": putObject,
  "buckets.getObject": getObject,
  "buckets.deleteObjects": deleteObjects,
  "buckets.listObjects": listObjects,
  "buckets.createUpload": createUpload,
  "buckets.getUpload": getUpload,
  "buckets.listUploads": listUploads,
  "buckets.putPart": putPart,
  "buckets.listParts": listParts,
  "buckets.completeUpload": completeUpload,
  "buckets.abortUpload": abortUpload,
  "buckets.claimEvents": claimEvents,
  "buckets.ackEvents": ackEvents,
  "buckets.retryEvent": retryEvent,
  "buckets.blobsInUse": blobsInUse,
} as const;
