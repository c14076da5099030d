/**
 * Multipart uploads: create, upload part (1..10000, up to 5 GiB each), list parts and
 * uploads, abort, and complete. Completing checks the listed parts (ascending order,
 * each uploaded with that ETag, every part but the last at least 5 MiB) and turns them
 * into the object's segments without copying bytes. The ETag is the MD5 of the
 * concatenated binary part MD5s, then "-" and the part count, as S3 computes it.
 */
import { createHash, randomBytes } from "node:crypto";
import { newChecksum, isChecksumAlgorithm } from "./checksums.js";
import { dropBlobs, eventsOn, requireBucket, type BucketDeps, type S3Context } from "./deps.js";
import { EntityTooSmall, InvalidArgument, InvalidPart, InvalidPartOrder, InvalidRequest, NoSuchBucket, NoSuchUpload } from "./errors.js";
import { receive, type Payload } from "./ingest.js";
import { checkKey } from "./names.js";
import { storedHeaders } from "./objects.js";
import type { BucketRecord, Checksum, ObjectRecord, PartRecord, UploadRecord } from "./types.js";

export async function createUpload(d: BucketDeps, i: { Bucket: string; Key: string; headers: Readonly<Record<string, string>> }, ctx: S3Context): Promise<UploadRecord> {
  const b = await requireBucket(d, i.Bucket, ctx);
  const algorithm = i.headers["x-amz-checksum-algorithm"]?.toUpperCase() ?? null;
  if (algorithm !== null && !isChecksumAlgorithm(algorithm)) throw new InvalidRequest("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
  const u: UploadRecord = {
    id: randomBytes(36).toString("base64url"),
    bucket: b.name,
    key: checkKey(i.Key),
    initiated: d.clock.now(),
    headers: storedHeaders(i.headers),
    checksumAlgorithm: algorithm,
  };
  if (!(await d.store.createUpload(u))) throw new NoSuchBucket(b.name);
  return u;
}

export async function requireUpload(d: BucketDeps, bucket: string, key: string, uploadId: string, ctx: S3Context): Promise<{ b: BucketRecord; u: UploadRecord }> {
  const b = await requireBucket(d, bucket, ctx);
  const u = uploadId ? await d.store.getUpload(b.name, uploadId) : null;
  if (!u || u.key !== key) throw new NoSuchUpload(uploadId);
  return { b, u };
}

export function partNumberOf(raw: string | number | undefined, max: number): number {
  const n = Number(raw);
  if (raw === undefined || !/^\d+$/.test(String(raw)) || n < 1 || n > max) {
    throw new InvalidArgument(`Part number must be an integer between 1 and ${max}, inclusive`, "partNumber", String(raw ?? ""));
  }
  return n;
}

export async function uploadPart(d: BucketDeps, i: { Bucket: string; Key: string; uploadId: string; partNumber: string | undefined; payload: Payload }, ctx: S3Context): Promise<PartRecord> {
  const number = partNumberOf(i.partNumber, d.limits.maxParts);
  const { u } = await requireUpload(d, i.Bucket, i.Key, i.uploadId, ctx);
  const got = await receive(d.blobs, i.payload, d.limits.maxPartBytes);
  return savePart(d, u, number, got, got.checksum);
}

/** Records a received part (replacing one of the same number), or drops its bytes if the upload is gone. */
export async function savePart(d: BucketDeps, u: UploadRecord, number: number, got: { size: number; md5: Buffer; blob: string }, checksum: Checksum | null): Promise<PartRecord> {
  const p: PartRecord = { uploadId: u.id, number, size: got.size, etag: got.md5.toString("hex"), lastModified: d.clock.now(), blob: got.blob, checksum };
  const r = await d.store.putPart(p);
  if (!r) {
    await dropBlobs(d, [got.blob]);
    throw new NoSuchUpload(u.id);
  }
  await dropBlobs(d, r.dropped);
  return p;
}

export interface CompletedPart {
  readonly PartNumber: number;
  readonly ETag: string;
}

function chosenParts(listed: readonly CompletedPart[], uploaded: readonly PartRecord[], d: BucketDeps): PartRecord[] {
  if (!listed.length) throw new InvalidRequest("You must specify at least one part");
  const byNumber = new Map(uploaded.map((p) => [p.number, p]));
  const chosen: PartRecord[] = [];
  let previous = 0;
  for (const l of listed) {
    if (l.PartNumber <= previous) throw new InvalidPartOrder();
    previous = l.PartNumber;
    const p = byNumber.get(l.PartNumber);
    if (!p || p.etag !== l.ETag.replace(/^"|"$/g, "")) throw new InvalidPart(l.PartNumber);
    chosen.push(p);
  }
  chosen.slice(0, -1).forEach((p) => {
    if (p.size < d.limits.minPartBytes) throw new EntityTooSmall(p.size, d.limits.minPartBytes);
  });
  return chosen;
}

/** S3's composite checksum: the algorithm over the parts' raw checksums, then "-N". */
function compositeChecksum(algorithm: string | null, parts: readonly PartRecord[]): Checksum | null {
  if (!algorithm || !isChecksumAlgorithm(algorithm) || parts.some((p) => p.checksum?.algorithm !== algorithm)) return null;
  const c = newChecksum(algorithm);
  for (const p of parts) c.update(Buffer.from(p.checksum?.value ?? "", "base64"));
  return { algorithm, value: `${c.digest().toString("base64")}-${parts.length}` };
}

export async function completeUpload(d: BucketDeps, i: { Bucket: string; Key: string; uploadId: string; parts: readonly CompletedPart[] }, ctx: S3Context): Promise<ObjectRecord> {
  const { b, u } = await requireUpload(d, i.Bucket, i.Key, i.uploadId, ctx);
  const chosen = chosenParts(i.parts, await d.store.listParts(u.id), d);
  const md5 = createHash("md5");
  for (const p of chosen) md5.update(Buffer.from(p.etag, "hex"));
  const o: ObjectRecord = {
    bucket: b.name,
    key: u.key,
    size: chosen.reduce((s, p) => s + p.size, 0),
    etag: `${md5.digest("hex")}-${chosen.length}`,
    lastModified: d.clock.now(),
    headers: u.headers,
    checksum: compositeChecksum(u.checksumAlgorithm, chosen),
    segments: chosen.map((p) => ({ blob: p.blob, size: p.size })),
  };
  const events = eventsOn(d, b, ctx, { eventName: "ObjectCreated:CompleteMultipartUpload", key: o.key, size: o.size, etag: o.etag });
  const r = await d.store.completeUpload(b.name, u.id, o, events);
  if (!r) throw new NoSuchUpload(u.id);
  if (r === "partsChanged") {
    // A listed part was uploaded again meanwhile: its ETag is no longer the one listed, as S3 would then find.
    const now = new Map((await d.store.listParts(u.id)).map((p) => [p.number, p.blob]));
    throw new InvalidPart(chosen.find((p) => now.get(p.number) !== p.blob)?.number ?? chosen[0]?.number ?? 0);
  }
  await dropBlobs(d, r.dropped);
  if (events.length) d.wake();
  return o;
}

export async function abortUpload(d: BucketDeps, i: { Bucket: string; Key: string; uploadId: string }, ctx: S3Context): Promise<void> {
  const { b, u } = await requireUpload(d, i.Bucket, i.Key, i.uploadId, ctx);
  const r = await d.store.abortUpload(b.name, u.id);
  if (!r) throw new NoSuchUpload(u.id);
  await dropBlobs(d, r.dropped);
}

export async function listParts(d: BucketDeps, i: { Bucket: string; Key: string; uploadId: string }, ctx: S3Context): Promise<{ upload: UploadRecord; parts: PartRecord[] }> {
  const { u } = await requireUpload(d, i.Bucket, i.Key, i.uploadId, ctx);
  return { upload: u, parts: await d.store.listParts(u.id) };
}

export async function listUploads(d: BucketDeps, bucket: string, ctx: S3Context): Promise<UploadRecord[]> {
  const b = await requireBucket(d, bucket, ctx);
  return d.store.listUploads(b.name);
}
