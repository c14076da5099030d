/**
 * Buckets on PostgreSQL: each function runs in the caller's transaction, so an object,
 * its replaced blobs and its outbox events commit together. Rows a change depends on
 * are locked first (the bucket `FOR SHARE` against a concurrent DeleteBucket, the
 * upload `FOR UPDATE` against a concurrent Complete/Abort).
 */
import type { ListQuery } from "../../services/buckets/store.js";
import type { BucketRecord, NewEvent, NotificationConfig, ObjectRecord, PartRecord, PendingEvent, UploadRecord } from "../../services/buckets/types.js";
import * as rows from "../bucket-rows.js";
import type { Conn, Tx } from "./database.js";

type Dropped = { dropped: string[] };

export async function getBucket(c: Conn, name: string): Promise<BucketRecord | null> {
  const [r] = await c<rows.BucketRow[]>`SELECT * FROM buckets WHERE name = ${name}`;
  return r ? rows.bucketFromRow(r) : null;
}

async function bucketLive(tx: Tx, name: string): Promise<boolean> {
  return (await tx`SELECT 1 FROM buckets WHERE name = ${name} FOR SHARE`).length > 0;
}

export async function createBucket(tx: Tx, b: BucketRecord): Promise<{ created: boolean; bucket: BucketRecord }> {
  const inserted = await tx`INSERT INTO buckets (name, account, region, created_at, notification)
    VALUES (${b.name}, ${b.account}, ${b.region}, ${b.createdAt}, ${b.notification ? JSON.stringify(b.notification) : null})
    ON CONFLICT (name) DO NOTHING RETURNING name`;
  if (inserted.length) return { created: true, bucket: b };
  const existing = await getBucket(tx, b.name);
  if (!existing) throw new Error(`bucket ${b.name} vanished during create`);
  return { created: false, bucket: existing };
}

export async function listBuckets(c: Conn, account: string): Promise<BucketRecord[]> {
  return (await c<rows.BucketRow[]>`SELECT * FROM buckets WHERE account = ${account} ORDER BY name`).map(rows.bucketFromRow);
}

export async function deleteBucket(tx: Tx, name: string): Promise<"missing" | "notEmpty" | Dropped> {
  if (!(await tx`SELECT 1 FROM buckets WHERE name = ${name} FOR UPDATE`).length) return "missing";
  if ((await tx`SELECT 1 FROM bucket_objects WHERE bucket = ${name} LIMIT 1`).length) return "notEmpty";
  const blobs = await tx<{ blob: string }[]>`DELETE FROM bucket_parts WHERE upload_id IN (SELECT id FROM bucket_uploads WHERE bucket = ${name}) RETURNING blob`;
  await tx`DELETE FROM bucket_uploads WHERE bucket = ${name}`;
  await tx`DELETE FROM buckets WHERE name = ${name}`;
  return { dropped: blobs.map((b) => b.blob) };
}

async function addEvents(tx: Tx, events: readonly NewEvent[]): Promise<void> {
  for (const e of events) await tx`INSERT INTO bucket_events (kind, target, body) VALUES (${e.kind}, ${e.target}, ${e.body})`;
}

export async function setNotification(tx: Tx, name: string, config: NotificationConfig | null, events: readonly NewEvent[]): Promise<boolean> {
  const r = await tx`UPDATE buckets SET notification = ${config ? JSON.stringify(config) : null} WHERE name = ${name} RETURNING name`;
  if (r.length) await addEvents(tx, events);
  return r.length === 1;
}

async function writeObject(tx: Tx, o: ObjectRecord): Promise<string[]> {
  const [bucket, key, size, etag, at, headers, checksum, segments] = rows.objectParams(o);
  const [old] = await tx<{ segments: string }[]>`SELECT segments FROM bucket_objects WHERE bucket = ${bucket} AND key = ${key} FOR UPDATE`;
  await tx`INSERT INTO bucket_objects (bucket, key, size, etag, last_modified, headers, checksum, segments)
    VALUES (${bucket}, ${key}, ${size}, ${etag}, ${at}, ${headers}, ${checksum}, ${segments})
    ON CONFLICT (bucket, key) DO UPDATE SET size = EXCLUDED.size, etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
      headers = EXCLUDED.headers, checksum = EXCLUDED.checksum, segments = EXCLUDED.segments`;
  const keep = new Set(o.segments.map((s) => s.blob));
  return rows.segmentBlobs(old?.segments).filter((b) => !keep.has(b));
}

export async function putObject(tx: Tx, o: ObjectRecord, events: readonly NewEvent[], expect?: { readonly etag: string | null }): Promise<Dropped | null | "conflict"> {
  if (!(await bucketLive(tx, o.bucket))) return null;
  if (expect) {
    // Two creates of an absent key both find nothing to lock: the key's advisory lock orders them.
    await tx`SELECT pg_advisory_xact_lock(hashtextextended(${o.bucket}::text || '/' || encode(${rows.keyBytes(o.key)}::bytea, 'hex'), 0))`;
    const [cur] = await tx<{ etag: string }[]>`SELECT etag FROM bucket_objects WHERE bucket = ${o.bucket} AND key = ${rows.keyBytes(o.key)} FOR UPDATE`;
    if ((cur?.etag ?? null) !== expect.etag) return "conflict";
  }
  const dropped = await writeObject(tx, o);
  await addEvents(tx, events);
  return { dropped };
}

export async function getObject(c: Conn, bucket: string, key: string): Promise<ObjectRecord | null> {
  const [r] = await c<rows.ObjectRow[]>`SELECT * FROM bucket_objects WHERE bucket = ${bucket} AND key = ${rows.keyBytes(key)}`;
  return r ? rows.objectFromRow(r) : null;
}

export async function deleteObjects(tx: Tx, bucket: string, entries: readonly { key: string; events: readonly NewEvent[] }[]): Promise<{ deleted: string[]; dropped: string[] } | null> {
  if (!(await bucketLive(tx, bucket))) return null;
  const deleted: string[] = [];
  const dropped: string[] = [];
  for (const e of entries) {
    const [old] = await tx<{ segments: string }[]>`DELETE FROM bucket_objects WHERE bucket = ${bucket} AND key = ${rows.keyBytes(e.key)} RETURNING segments`;
    if (!old) continue;
    deleted.push(e.key);
    dropped.push(...rows.segmentBlobs(old.segments));
    await addEvents(tx, e.events);
  }
  return { deleted, dropped };
}

export async function listObjects(c: Conn, q: ListQuery): Promise<ObjectRecord[] | null> {
  if (!(await getBucket(c, q.bucket))) return null;
  const after = q.skipPrefix ? rows.pastPrefix(q.after) : rows.keyBytes(q.after);
  const rs = await c<rows.ObjectRow[]>`SELECT * FROM bucket_objects WHERE bucket = ${q.bucket} AND key > ${after}
    AND key >= ${rows.keyBytes(q.prefix)} AND key < ${rows.pastPrefix(q.prefix)} ORDER BY key LIMIT ${q.limit}`;
  return rs.map(rows.objectFromRow);
}

export async function createUpload(tx: Tx, u: UploadRecord): Promise<boolean> {
  if (!(await bucketLive(tx, u.bucket))) return false;
  await tx`INSERT INTO bucket_uploads (id, bucket, key, initiated, headers, checksum_algorithm)
    VALUES (${u.id}, ${u.bucket}, ${rows.keyBytes(u.key)}, ${u.initiated}, ${JSON.stringify(u.headers)}, ${u.checksumAlgorithm})`;
  return true;
}

export async function getUpload(c: Conn, bucket: string, id: string, lock = false): Promise<UploadRecord | null> {
  const [r] = lock
    ? await c<rows.UploadRow[]>`SELECT * FROM bucket_uploads WHERE id = ${id} AND bucket = ${bucket} FOR UPDATE`
    : await c<rows.UploadRow[]>`SELECT * FROM bucket_uploads WHERE id = ${id} AND bucket = ${bucket}`;
  return r ? rows.uploadFromRow(r) : null;
}

export async function listUploads(c: Conn, bucket: string): Promise<UploadRecord[]> {
  return (await c<rows.UploadRow[]>`SELECT * FROM bucket_uploads WHERE bucket = ${bucket} ORDER BY key, initiated, id`).map(rows.uploadFromRow);
}

export async function putPart(tx: Tx, p: PartRecord): Promise<Dropped | null> {
  if (!(await tx`SELECT 1 FROM bucket_uploads WHERE id = ${p.uploadId} FOR SHARE`).length) return null;
  const [old] = await tx<{ blob: string }[]>`SELECT blob FROM bucket_parts WHERE upload_id = ${p.uploadId} AND number = ${p.number} FOR UPDATE`;
  await tx`INSERT INTO bucket_parts (upload_id, number, size, etag, last_modified, blob, checksum)
    VALUES (${p.uploadId}, ${p.number}, ${p.size}, ${p.etag}, ${p.lastModified}, ${p.blob}, ${p.checksum ? JSON.stringify(p.checksum) : null})
    ON CONFLICT (upload_id, number) DO UPDATE SET size = EXCLUDED.size, etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified,
      blob = EXCLUDED.blob, checksum = EXCLUDED.checksum`;
  return { dropped: old && old.blob !== p.blob ? [old.blob] : [] };
}

export async function listParts(c: Conn, uploadId: string): Promise<PartRecord[]> {
  return (await c<rows.PartRow[]>`SELECT * FROM bucket_parts WHERE upload_id = ${uploadId} ORDER BY number`).map(rows.partFromRow);
}

async function dropUpload(tx: Tx, id: string, keep: ReadonlySet<string>): Promise<string[]> {
  const blobs = await tx<{ blob: string }[]>`DELETE FROM bucket_parts WHERE upload_id = ${id} RETURNING blob`;
  await tx`DELETE FROM bucket_uploads WHERE id = ${id}`;
  return blobs.map((b) => b.blob).filter((b) => !keep.has(b));
}

export async function completeUpload(tx: Tx, bucket: string, uploadId: string, o: ObjectRecord, events: readonly NewEvent[]): Promise<Dropped | null | "partsChanged"> {
  if (!(await bucketLive(tx, bucket))) return null;
  if (!(await getUpload(tx, bucket, uploadId, true))) return null;
  // The upload's lock keeps parts from changing until the commit (putPart shares it).
  const parts = new Set((await tx<{ blob: string }[]>`SELECT blob FROM bucket_parts WHERE upload_id = ${uploadId}`).map((p) => p.blob));
  if (o.segments.some((s) => !parts.has(s.blob))) return "partsChanged";
  const replaced = await writeObject(tx, o);
  const unused = await dropUpload(tx, uploadId, new Set(o.segments.map((s) => s.blob)));
  await addEvents(tx, events);
  return { dropped: [...replaced, ...unused] };
}

export async function abortUpload(tx: Tx, bucket: string, uploadId: string): Promise<Dropped | null> {
  if (!(await getUpload(tx, bucket, uploadId, true))) return null;
  return { dropped: await dropUpload(tx, uploadId, new Set()) };
}

export async function claimEvents(tx: Tx, now: number, leaseMs: number, limit: number): Promise<PendingEvent[]> {
  const rs = await tx<rows.EventRow[]>`UPDATE bucket_events SET lease_until = ${now + leaseMs}
    WHERE id IN (SELECT id FROM bucket_events WHERE lease_until <= ${now} ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED)
    RETURNING id, kind, target, body, attempts`;
  return rs.map(rows.eventFromRow).sort((a, b) => a.id - b.id);
}

export async function ackEvents(c: Conn, ids: readonly number[]): Promise<void> {
  if (ids.length) await c`DELETE FROM bucket_events WHERE id = ANY(${c.array([...ids])}::bigint[])`;
}

export async function retryEvent(c: Conn, id: number, retryAt: number): Promise<void> {
  await c`UPDATE bucket_events SET lease_until = ${retryAt}, attempts = attempts + 1 WHERE id = ${id}`;
}

export async function blobsInUse(c: Conn): Promise<string[]> {
  const parts = await c<{ blob: string }[]>`SELECT blob FROM bucket_parts`;
  const objects = await c<{ segments: string }[]>`SELECT segments FROM bucket_objects`;
  return [...parts.map((p) => p.blob), ...objects.flatMap((o) => rows.segmentBlobs(o.segments))];
}
