/** S3 object-level actions on the wire: objects and multipart uploads. Bodies stream. */
import type { Conditions } from "../../services/buckets/conditions.js";
import type { S3Context } from "../../services/buckets/deps.js";
import { InvalidArgument, InvalidURI, MalformedXML } from "../../services/buckets/errors.js";
import type { BucketService } from "../../services/buckets/service.js";
import type { ObjectRecord } from "../../services/buckets/types.js";
import { xmlText } from "../xml.js";
import { checksumHeader, objectPayload, readSmallBody } from "./body.js";
import { xmlResponse, type Query } from "./bucket-actions.js";
import type { S3Request, S3Response } from "./types.js";
import { children, childText, parseXml } from "./xml-in.js";
import * as out from "./xml-out.js";

function conditions(h: Readonly<Record<string, string>>, prefix = ""): Conditions {
  const pick = (name: string): Record<string, string> => {
    const v = h[`${prefix}${name}`];
    return v === undefined ? {} : { [name]: v };
  };
  const c = { ...pick("if-match"), ...pick("if-none-match"), ...pick("if-modified-since"), ...pick("if-unmodified-since") };
  return {
    ...(c["if-match"] !== undefined ? { ifMatch: c["if-match"] } : {}),
    ...(c["if-none-match"] !== undefined ? { ifNoneMatch: c["if-none-match"] } : {}),
    ...(c["if-modified-since"] !== undefined ? { ifModifiedSince: c["if-modified-since"] } : {}),
    ...(c["if-unmodified-since"] !== undefined ? { ifUnmodifiedSince: c["if-unmodified-since"] } : {}),
  };
}

export async function putObject(s: BucketService, r: S3Request, bucket: string, key: string, ctx: S3Context): Promise<S3Response> {
  const put = await s.putObject({ Bucket: bucket, Key: key, headers: r.headers, payload: objectPayload(r), conditions: conditions(r.headers) }, ctx);
  return { status: 200, headers: { etag: out.quoted(put.etag), ...checksumHeader(put.checksum) }, body: "" };
}

/** Response header overrides a (usually presigned) GET may ask for. */
const OVERRIDES = ["content-type", "content-language", "expires", "cache-control", "content-disposition", "content-encoding"];

function objectHeaders(o: ObjectRecord, q: Query, withChecksum: boolean): Record<string, string> {
  const h: Record<string, string> = {
    etag: out.quoted(o.etag),
    "last-modified": new Date(o.lastModified).toUTCString(),
    "accept-ranges": "bytes",
    ...o.headers,
    ...(withChecksum ? checksumHeader(o.checksum) : {}),
  };
  for (const name of OVERRIDES) {
    const v = q.get(`response-${name}`);
    if (v !== undefined) h[name] = v;
  }
  return h;
}

export async function getObject(s: BucketService, r: S3Request, bucket: string, key: string, q: Query, ctx: S3Context): Promise<S3Response> {
  const range = r.headers["range"];
  const partNumber = q.get("partNumber");
  const got = await s.getObject({ Bucket: bucket, Key: key, conditions: conditions(r.headers), ...(range !== undefined ? { range } : {}), ...(partNumber !== undefined ? { partNumber } : {}) }, ctx);
  const o = got.object;
  const whole = !got.range || (got.range.start === 0 && got.range.end === o.size - 1 && partNumber === undefined);
  const headers = objectHeaders(o, q, whole && r.headers["x-amz-checksum-mode"]?.toUpperCase() === "ENABLED");
  if (got.partsCount !== undefined && o.etag.includes("-")) headers["x-amz-mp-parts-count"] = String(got.partsCount);
  const start = got.range?.start ?? 0;
  const end = got.range?.end ?? o.size - 1;
  headers["content-length"] = String(Math.max(0, end - start + 1));
  const partial = got.range !== null && (range !== undefined || partNumber !== undefined);
  if (partial) headers["content-range"] = `bytes ${start}-${end}/${o.size}`;
  const status = partial ? 206 : 200;
  if (r.method === "HEAD" || o.size === 0) return { status, headers, body: "" };
  return { status, headers, stream: s.openObject(o, start, end) };
}

export async function deleteObject(s: BucketService, bucket: string, key: string, ctx: S3Context): Promise<S3Response> {
  if (!key) throw new InvalidArgument("A key must be specified", "key", "");
  await s.deleteObjects({ Bucket: bucket, Keys: [key] }, ctx);
  return { status: 204, headers: {}, body: "" };
}

/** `x-amz-copy-source`: "bucket/key" or "/bucket/key", URL-encoded, maybe with "?versionId=". */
function copySource(raw: string): { bucket: string; key: string } {
  const [path = "", query] = raw.split("?");
  if (query && !/^versionId=null$/.test(query)) throw new InvalidArgument("Sluice buckets are not versioned; a versionId other than null cannot be copied.", "x-amz-copy-source", raw);
  let decoded: string;
  try {
    decoded = decodeURIComponent(path.replace(/^\//, ""));
  } catch {
    throw new InvalidURI();
  }
  const slash = decoded.indexOf("/");
  if (slash <= 0 || slash === decoded.length - 1) throw new InvalidArgument("Copy Source must mention the source bucket and key: sourcebucket/sourcekey", "x-amz-copy-source", raw);
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

export async function copyObject(s: BucketService, r: S3Request, bucket: string, key: string, ctx: S3Context): Promise<S3Response> {
  const src = copySource(r.headers["x-amz-copy-source"] ?? "");
  const directive = r.headers["x-amz-metadata-directive"];
  const o = await s.copyObject(
    { Bucket: bucket, Key: key, SourceBucket: src.bucket, SourceKey: src.key, headers: r.headers, sourceConditions: conditions(r.headers, "x-amz-copy-source-"), ...(directive ? { metadataDirective: directive } : {}) },
    ctx,
  );
  const checksum = o.checksum && !o.checksum.value.includes("-") ? xmlText(`Checksum${o.checksum.algorithm}`, o.checksum.value) : "";
  return xmlResponse(out.doc("CopyObjectResult", xmlText("ETag", out.quoted(o.etag)) + xmlText("LastModified", out.isoTime(o.lastModified)) + checksum));
}

export async function createUpload(s: BucketService, r: S3Request, bucket: string, key: string, ctx: S3Context): Promise<S3Response> {
  const u = await s.createMultipartUpload({ Bucket: bucket, Key: key, headers: r.headers }, ctx);
  const res = xmlResponse(out.doc("InitiateMultipartUploadResult", xmlText("Bucket", bucket) + xmlText("Key", key) + xmlText("UploadId", u.id)));
  if (u.checksumAlgorithm) res.headers["x-amz-checksum-algorithm"] = u.checksumAlgorithm;
  return res;
}

export async function uploadPart(s: BucketService, r: S3Request, bucket: string, key: string, q: Query, ctx: S3Context): Promise<S3Response> {
  if (r.headers["x-amz-copy-source"] !== undefined) return uploadPartCopy(s, r, bucket, key, q, ctx);
  const p = await s.uploadPart({ Bucket: bucket, Key: key, uploadId: q.get("uploadId") ?? "", partNumber: q.get("partNumber"), payload: objectPayload(r) }, ctx);
  return { status: 200, headers: { etag: out.quoted(p.etag), ...checksumHeader(p.checksum) }, body: "" };
}

async function uploadPartCopy(s: BucketService, r: S3Request, bucket: string, key: string, q: Query, ctx: S3Context): Promise<S3Response> {
  const src = copySource(r.headers["x-amz-copy-source"] ?? "");
  const range = r.headers["x-amz-copy-source-range"];
  const p = await s.uploadPartCopy(
    { Bucket: bucket, Key: key, uploadId: q.get("uploadId") ?? "", partNumber: q.get("partNumber"), SourceBucket: src.bucket, SourceKey: src.key, sourceConditions: conditions(r.headers, "x-amz-copy-source-"), ...(range !== undefined ? { range } : {}) },
    ctx,
  );
  return xmlResponse(out.doc("CopyPartResult", xmlText("ETag", out.quoted(p.etag)) + xmlText("LastModified", out.isoTime(p.lastModified))));
}

export async function completeUpload(s: BucketService, r: S3Request, bucket: string, key: string, q: Query, ctx: S3Context): Promise<S3Response> {
  const body = (await readSmallBody(r)).toString("utf8");
  const root = body.trim() ? parseXml(body) : null;
  if (!root || root.name !== "CompleteMultipartUpload") throw new MalformedXML();
  const parts = children(root, "Part").map((p) => {
    const n = childText(p, "PartNumber") ?? "";
    if (!/^\d+$/.test(n)) throw new MalformedXML();
    return { PartNumber: Number(n), ETag: childText(p, "ETag") ?? "" };
  });
  const o = await s.completeMultipartUpload({ Bucket: bucket, Key: key, uploadId: q.get("uploadId") ?? "", parts }, ctx);
  const checksum = o.checksum ? xmlText(`Checksum${o.checksum.algorithm}`, o.checksum.value) : "";
  const location = `/${bucket}/${encodeURIComponent(key)}`;
  return xmlResponse(out.doc("CompleteMultipartUploadResult", xmlText("Location", location) + xmlText("Bucket", bucket) + xmlText("Key", key) + xmlText("ETag", out.quoted(o.etag)) + checksum));
}

export async function abortUpload(s: BucketService, bucket: string, key: string, q: Query, ctx: S3Context): Promise<S3Response> {
  await s.abortMultipartUpload({ Bucket: bucket, Key: key, uploadId: q.get("uploadId") ?? "" }, ctx);
  return { status: 204, headers: {}, body: "" };
}

export async function listParts(s: BucketService, bucket: string, key: string, q: Query, ctx: S3Context): Promise<S3Response> {
  const max = Math.min(1000, Number(q.get("max-parts") ?? 1000));
  const marker = Number(q.get("part-number-marker") ?? 0);
  if (!Number.isInteger(max) || max < 0 || !Number.isInteger(marker) || marker < 0) throw new InvalidArgument("max-parts and part-number-marker must be non-negative integers", "max-parts", q.get("max-parts") ?? "");
  const { upload, parts } = await s.listParts({ Bucket: bucket, Key: key, uploadId: q.get("uploadId") ?? "" }, ctx);
  const rest = parts.filter((p) => p.number > marker);
  const page = rest.slice(0, max);
  return xmlResponse(out.partsXml(upload, ctx.accountId, page, max, marker, rest.length > page.length));
}
