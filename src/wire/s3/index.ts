/**
 * S3's REST-XML protocol: the bucket and key from the host and path, the action from
 * the method and the query's sub-resources, answered with S3's headers and XML.
 * Object bodies stream in (PutObject, UploadPart) and out (GetObject).
 */
import { parseQuery } from "../sigv4.js";
import type { S3Context } from "../../services/buckets/deps.js";
import { MethodNotAllowed, NotImplemented } from "../../services/buckets/errors.js";
import type { BucketService } from "../../services/buckets/service.js";
import * as bucketActions from "./bucket-actions.js";
import * as objectActions from "./object-actions.js";
import { escapeXml } from "../xml.js";
import { listBucketsXml, doc } from "./xml-out.js";
import { s3Address } from "./route.js";
import type { S3Request, S3Response } from "./types.js";

export { s3Error } from "./errors.js";
export { signedForS3 } from "./route.js";
export type { S3Request, S3Response } from "./types.js";

/** Bucket sub-resources Sluice does not serve (S3 features beyond this issue). */
const UNSERVED = ["acl", "policy", "cors", "lifecycle", "tagging", "website", "replication", "encryption", "logging", "object-lock", "ownershipControls", "publicAccessBlock", "accelerate", "requestPayment", "analytics", "metrics", "inventory", "intelligent-tiering", "versions", "retention", "legal-hold", "restore", "select", "torrent", "attributes"];

type Handler = (s: BucketService, r: S3Request, q: ReadonlyMap<string, string>, ctx: S3Context, bucket: string, key: string) => Promise<S3Response>;

function bucketHandler(method: string, q: ReadonlyMap<string, string>): Handler {
  const has = (n: string): boolean => q.has(n);
  switch (method) {
    case "PUT":
      if (has("notification")) return (s, r, _q, c, b) => bucketActions.putNotification(s, r, b, c);
      if (has("versioning")) throw new NotImplemented("bucket versioning");
      return (s, r, _q, c, b) => bucketActions.createBucket(s, r, b, c);
    case "DELETE":
      return async (s, _r, _q, c, b) => (await s.deleteBucket({ Bucket: b }, c), { status: 204, headers: {}, body: "" });
    case "HEAD":
      return async (s, _r, _q, c, b) => {
        const rec = await s.headBucket({ Bucket: b }, c);
        return { status: 200, headers: { "x-amz-bucket-region": rec.region }, body: "" };
      };
    case "GET":
      if (has("notification")) return (s, _r, _q, c, b) => bucketActions.getNotification(s, b, c);
      if (has("uploads")) return (s, _r, q2, c, b) => bucketActions.listUploads(s, b, q2, c);
      if (has("location")) return async (s, _r, _q, c, b) => {
        const rec = await s.headBucket({ Bucket: b }, c);
        // us-east-1 is reported as an empty constraint, as S3 does.
        return bucketActions.xmlResponse(doc("LocationConstraint", rec.region === "us-east-1" ? "" : escapeXml(rec.region)));
      };
      if (has("versioning")) return async (s, _r, _q, c, b) => (await s.headBucket({ Bucket: b }, c), bucketActions.xmlResponse(doc("VersioningConfiguration", "")));
      return (s, _r, q2, c, b) => bucketActions.listObjects(s, b, q2, c);
    case "POST":
      if (has("delete")) return (s, r, _q, c, b) => bucketActions.deleteObjects(s, r, b, c);
  }
  throw new MethodNotAllowed(method);
}

function objectHandler(method: string, q: ReadonlyMap<string, string>, headers: Readonly<Record<string, string>>): Handler {
  const upload = q.has("uploadId");
  switch (method) {
    case "PUT":
      if (upload) return (s, r, q2, c, b, k) => objectActions.uploadPart(s, r, b, k, q2, c);
      if (headers["x-amz-copy-source"] !== undefined) return (s, r, _q, c, b, k) => objectActions.copyObject(s, r, b, k, c);
      return (s, r, _q, c, b, k) => objectActions.putObject(s, r, b, k, c);
    case "GET":
    case "HEAD":
      if (upload && method === "GET") return (s, _r, q2, c, b, k) => objectActions.listParts(s, b, k, q2, c);
      return (s, r, q2, c, b, k) => objectActions.getObject(s, r, b, k, q2, c);
    case "DELETE":
      if (upload) return (s, _r, q2, c, b, k) => objectActions.abortUpload(s, b, k, q2, c);
      return (s, _r, _q, c, b, k) => objectActions.deleteObject(s, b, k, c);
    case "POST":
      if (q.has("uploads")) return (s, r, _q, c, b, k) => objectActions.createUpload(s, r, b, k, c);
      if (upload) return (s, r, q2, c, b, k) => objectActions.completeUpload(s, r, b, k, q2, c);
  }
  throw new MethodNotAllowed(method);
}

export async function handleS3(s: BucketService, r: S3Request, ctx: S3Context): Promise<S3Response> {
  const q = new Map(parseQuery(r.rawQuery));
  const addr = s3Address(r.rawPath, r.headers["host"], r.hostBases);
  const unserved = UNSERVED.find((n) => q.has(n));
  if (unserved) throw new NotImplemented(`the ${unserved} sub-resource`);
  if (!addr.bucket) {
    if (r.method !== "GET") throw new MethodNotAllowed(r.method);
    const buckets = await s.listBuckets(ctx);
    return bucketActions.xmlResponse(listBucketsXml(ctx.accountId, buckets));
  }
  const handler = addr.key === undefined ? bucketHandler(r.method, q) : objectHandler(r.method, q, r.headers);
  const res = await handler(s, r, q, ctx, addr.bucket, addr.key ?? "");
  res.headers["x-amz-request-id"] = ctx.requestId;
  res.headers["x-amz-id-2"] = Buffer.from(ctx.requestId).toString("base64");
  return res;
}

