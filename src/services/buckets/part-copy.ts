/**
 * UploadPartCopy: a part made from a range of an existing object (how large objects
 * are copied). The source range streams from its blobs into a new part blob, hashed
 * on the way like any upload, so nothing is held in memory.
 */
import { Readable } from "node:stream";
import { checkConditions, type Conditions } from "./conditions.js";
import { requireBucket, type BucketDeps, type S3Context } from "./deps.js";
import { InvalidArgument, NoSuchKey, PreconditionFailed, S3Error } from "./errors.js";
import { receive } from "./ingest.js";
import { partNumberOf, requireUpload, savePart } from "./multipart.js";
import { checkKey } from "./names.js";
import { openObject } from "./objects.js";
import type { PartRecord } from "./types.js";

export interface UploadPartCopyInput {
  readonly Bucket: string;
  readonly Key: string;
  readonly uploadId: string;
  readonly partNumber: string | undefined;
  readonly SourceBucket: string;
  readonly SourceKey: string;
  /** `x-amz-copy-source-range`: `bytes=first-last`; the whole object when absent. */
  readonly range?: string;
  readonly sourceConditions?: Conditions;
}

function copyRange(raw: string | undefined, size: number): { start: number; end: number } {
  if (raw === undefined) return { start: 0, end: size - 1 };
  const m = /^bytes=(\d+)-(\d+)$/.exec(raw.trim());
  if (!m) {
    throw new InvalidArgument("The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy", "x-amz-copy-source-range", raw);
  }
  const start = Number(m[1]);
  const end = Number(m[2]);
  if (end < start || end >= size) throw new InvalidArgument(`Range specified is not valid for source object of size: ${size}`, "x-amz-copy-source-range", raw);
  return { start, end };
}

export async function uploadPartCopy(d: BucketDeps, i: UploadPartCopyInput, ctx: S3Context): Promise<PartRecord> {
  const number = partNumberOf(i.partNumber, d.limits.maxParts);
  const { u } = await requireUpload(d, i.Bucket, i.Key, i.uploadId, ctx);
  const src = await requireBucket(d, i.SourceBucket, ctx);
  const o = await d.store.getObject(src.name, checkKey(i.SourceKey));
  if (!o) throw new NoSuchKey(i.SourceKey);
  try {
    checkConditions(i.sourceConditions ?? {}, o.etag, o.lastModified, true);
  } catch (err) {
    if (err instanceof S3Error && err.code === "NotModified") throw new PreconditionFailed("x-amz-copy-source-If-Modified-Since");
    throw err;
  }
  const { start, end } = copyRange(i.range, o.size);
  const length = Math.max(0, end - start + 1);
  const source = length ? openObject(d, o.segments, start, end) : Readable.from([]);
  // Destroyed however receive ends, so the source's blobs are unpinned (see openObject).
  const got = await receive(d.blobs, { source, length }, d.limits.maxPartBytes).finally(() => source.destroy());
  return savePart(d, u, number, got, null);
}
