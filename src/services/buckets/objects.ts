/**
 * Object operations: PutObject, GetObject/HeadObject (ranges, part numbers,
 * conditions), DeleteObject(s) and CopyObject. Bytes go to a committed blob before the
 * record that points at them; replaced blobs are deleted after the record changes.
 */
import { Readable } from "node:stream";
import { checkConditions, parseRange, type ByteRange, type Conditions } from "./conditions.js";
import { dropBlobs, eventsOn, requireBucket, type BucketDeps, type S3Context } from "./deps.js";
import { InvalidArgument, InvalidRequest, NoSuchBucket, NoSuchKey, PreconditionFailed, S3Error } from "./errors.js";
import { receive, type Payload } from "./ingest.js";
import { checkKey } from "./names.js";
import type { BucketRecord, ObjectRecord, Segment } from "./types.js";

/** Headers S3 stores with an object and returns on GET/HEAD (lower-case). */
const STORED = new Set(["content-type", "content-encoding", "content-disposition", "content-language", "cache-control", "expires", "x-amz-website-redirect-location", "x-amz-storage-class", "x-amz-tagging-count"]);
const MAX_METADATA_BYTES = 2048;

/** The headers of a request that become the object's stored headers. */
export function storedHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  let metaBytes = 0;
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith("x-amz-meta-")) {
      out[k] = v;
      metaBytes += Buffer.byteLength(k.slice("x-amz-meta-".length)) + Buffer.byteLength(v);
    } else if (STORED.has(k)) out[k] = v;
  }
  if (metaBytes > MAX_METADATA_BYTES) throw new S3Error("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size.", 400, { MaxSizeAllowed: String(MAX_METADATA_BYTES) });
  // aws-chunked describes the request, not the object.
  const enc = out["content-encoding"]?.split(",").map((s) => s.trim()).filter((s) => s && s !== "aws-chunked").join(",");
  if (enc) out["content-encoding"] = enc;
  else delete out["content-encoding"];
  out["content-type"] ??= "binary/octet-stream";
  return out;
}

export interface PutObjectInput {
  readonly Bucket: string;
  readonly Key: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload: Payload;
  /** Conditional write (If-Match / If-None-Match). */
  readonly conditions?: Conditions;
}

export interface PutResult {
  readonly etag: string;
  readonly checksum: ObjectRecord["checksum"];
  readonly size: number;
}

/** Checks a conditional write; returns the ETag (null: no object) the key must still have at commit. */
async function checkWriteConditions(d: BucketDeps, bucket: string, key: string, c: Conditions | undefined): Promise<{ etag: string | null } | undefined> {
  if (!c || (c.ifMatch === undefined && c.ifNoneMatch === undefined)) return undefined;
  const existing = await d.store.getObject(bucket, key);
  if (c.ifNoneMatch !== undefined) {
    if (c.ifNoneMatch.trim() !== "*") throw new S3Error("NotImplemented", "If-None-Match only supports *.", 501);
    if (existing) throw new PreconditionFailed("If-None-Match");
  }
  if (c.ifMatch !== undefined) {
    if (!existing) throw new NoSuchKey(key);
    checkConditions({ ifMatch: c.ifMatch }, existing.etag, existing.lastModified, false);
  }
  return { etag: existing?.etag ?? null };
}

/**
 * Commits an object record (deleting its blobs if the bucket went away meanwhile, or
 * if a conditional write's key changed since its condition was checked: S3's 409).
 */
export async function commitObject(d: BucketDeps, b: BucketRecord, o: ObjectRecord, ctx: S3Context, eventName: string, expect?: { etag: string | null }): Promise<void> {
  const events = eventsOn(d, b, ctx, { eventName, key: o.key, size: o.size, etag: o.etag });
  const r = await d.store.putObject(o, events, expect);
  if (r === "conflict") {
    await dropBlobs(d, o.segments.map((s) => s.blob));
    throw new S3Error("ConditionalRequestConflict", "The conditional request cannot succeed due to a conflicting operation against this resource.", 409);
  }
  if (!r) {
    await dropBlobs(d, o.segments.map((s) => s.blob));
    throw new NoSuchBucket(b.name);
  }
  await dropBlobs(d, r.dropped);
  if (events.length) d.wake();
}

export async function putObject(d: BucketDeps, i: PutObjectInput, ctx: S3Context): Promise<PutResult> {
  const b = await requireBucket(d, i.Bucket, ctx);
  const key = checkKey(i.Key);
  const headers = storedHeaders(i.headers);
  const expect = await checkWriteConditions(d, b.name, key, i.conditions);
  const got = await receive(d.blobs, i.payload, d.limits.maxObjectBytes);
  const o: ObjectRecord = {
    bucket: b.name,
    key,
    size: got.size,
    etag: got.md5.toString("hex"),
    lastModified: d.clock.now(),
    headers,
    checksum: got.checksum,
    segments: [{ blob: got.blob, size: got.size }],
  };
  await commitObject(d, b, o, ctx, "ObjectCreated:Put", expect);
  return { etag: o.etag, checksum: o.checksum, size: o.size };
}

export interface GetObjectInput {
  readonly Bucket: string;
  readonly Key: string;
  readonly range?: string;
  readonly partNumber?: string;
  readonly conditions?: Conditions;
}

export interface GetResult {
  readonly object: ObjectRecord;
  /** The bytes served; null for the whole object. */
  readonly range: ByteRange | null;
  /** Parts in the object, when a part number was asked for. */
  readonly partsCount?: number;
}

function partRange(o: ObjectRecord, raw: string): { range: ByteRange; count: number } {
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > 10_000) throw new InvalidArgument("Part number must be an integer between 1 and 10000, inclusive", "partNumber", raw);
  const multipart = o.etag.includes("-");
  const segments = multipart ? o.segments : [{ blob: "", size: o.size }];
  if (n > segments.length) throw new S3Error("InvalidPartNumber", "The requested partnumber is not satisfiable", 416, { PartNumberRequested: raw, ActualPartCount: String(segments.length) });
  const start = segments.slice(0, n - 1).reduce((s, x) => s + x.size, 0);
  return { range: { start, end: start + (segments[n - 1]?.size ?? 0) - 1 }, count: segments.length };
}

/** Finds the object and checks conditions and range; the bytes come from `openObject`. */
export async function getObject(d: BucketDeps, i: GetObjectInput, ctx: S3Context): Promise<GetResult> {
  const b = await requireBucket(d, i.Bucket, ctx);
  const key = checkKey(i.Key);
  const o = await d.store.getObject(b.name, key);
  if (!o) throw new NoSuchKey(key);
  checkConditions(i.conditions ?? {}, o.etag, o.lastModified, true);
  if (i.partNumber !== undefined) {
    if (i.range !== undefined) throw new InvalidRequest("Cannot specify both Range header and partNumber query parameter.");
    const p = partRange(o, i.partNumber);
    return { object: o, range: o.size ? p.range : null, partsCount: p.count };
  }
  return { object: o, range: parseRange(i.range, o.size) };
}

/**
 * The bytes of `segments` from `start` to `end` (inclusive), read file by file. The
 * blobs are pinned until the stream closes, so replacing or deleting the object
 * meanwhile does not cut the read short.
 */
export function openObject(d: BucketDeps, segments: readonly Segment[], start: number, end: number): Readable {
  const release = d.blobs.pin(segments.map((s) => s.blob));
  async function* bytes(): AsyncGenerator<Buffer> {
    let offset = 0;
    for (const s of segments) {
      const from = Math.max(start, offset);
      const to = Math.min(end, offset + s.size - 1);
      if (from <= to) for await (const chunk of d.blobs.read(s.blob, from - offset, to - offset)) yield chunk as Buffer;
      offset += s.size;
      if (offset > end) return;
    }
  }
  const stream = Readable.from(bytes(), { objectMode: false });
  stream.once("close", release);
  return stream;
}

export async function deleteObjects(d: BucketDeps, bucket: string, keys: readonly string[], ctx: S3Context): Promise<string[]> {
  const b = await requireBucket(d, bucket, ctx);
  keys.forEach(checkKey);
  const entries = keys.map((key) => ({ key, events: eventsOn(d, b, ctx, { eventName: "ObjectRemoved:Delete", key }) }));
  const r = await d.store.deleteObjects(b.name, entries);
  if (!r) throw new NoSuchBucket(bucket);
  await dropBlobs(d, r.dropped);
  if (entries.some((e) => e.events.length) && r.deleted.length) d.wake();
  return r.deleted;
}

export interface CopyObjectInput {
  readonly Bucket: string;
  readonly Key: string;
  readonly SourceBucket: string;
  readonly SourceKey: string;
  /** COPY (default) keeps the source's headers; REPLACE takes the request's. */
  readonly metadataDirective?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly sourceConditions?: Conditions;
}

export async function copyObject(d: BucketDeps, i: CopyObjectInput, ctx: S3Context): Promise<ObjectRecord> {
  const directive = i.metadataDirective ?? "COPY";
  if (directive !== "COPY" && directive !== "REPLACE") throw new InvalidArgument("Unknown metadata directive.", "x-amz-metadata-directive", directive);
  const src = await requireBucket(d, i.SourceBucket, ctx);
  const dst = await requireBucket(d, i.Bucket, ctx);
  const key = checkKey(i.Key);
  const o = await d.store.getObject(src.name, checkKey(i.SourceKey));
  if (!o) throw new NoSuchKey(i.SourceKey);
  const c = i.sourceConditions ?? {};
  try {
    checkConditions(c, o.etag, o.lastModified, true);
  } catch (err) {
    // S3 answers a failed copy-source condition with 412, never 304.
    if (err instanceof S3Error && err.code === "NotModified") throw new PreconditionFailed("x-amz-copy-source-If-Modified-Since");
    throw err;
  }
  if (src.name === dst.name && o.key === key && directive === "COPY") {
    throw new InvalidRequest("This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.");
  }
  const segments: Segment[] = [];
  // Pinned since the record was read (no await in between): replacing the source meanwhile cannot remove them.
  const release = d.blobs.pin(o.segments.map((s) => s.blob));
  try {
    for (const s of o.segments) segments.push({ blob: await d.blobs.duplicate(s.blob), size: s.size });
  } catch (err) {
    await dropBlobs(d, segments.map((s) => s.blob));
    throw err;
  } finally {
    release();
  }
  const headers = directive === "REPLACE" ? storedHeaders(i.headers) : o.headers;
  const copy: ObjectRecord = { ...o, bucket: dst.name, key, lastModified: d.clock.now(), headers, segments };
  await commitObject(d, dst, copy, ctx, "ObjectCreated:Copy");
  return copy;
}
