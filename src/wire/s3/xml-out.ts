/** S3's XML response bodies. Keys and prefixes are URL-encoded when the caller asked for `encoding-type=url`. */
import type { ListResult } from "../../services/buckets/listing.js";
import type { BucketRecord, NotificationTarget, ObjectRecord, PartRecord, UploadRecord } from "../../services/buckets/types.js";
import { XML_DECLARATION, xmlElement, xmlText } from "../xml.js";

export const S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/";

export function doc(root: string, inner: string): string {
  return `${XML_DECLARATION}\n<${root} xmlns="${S3_NS}">${inner}</${root}>`;
}

export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

export function quoted(etag: string): string {
  return `"${etag}"`;
}

function owner(account: string): string {
  return xmlElement("Owner", xmlText("ID", account) + xmlText("DisplayName", account));
}

export function listBucketsXml(account: string, buckets: readonly BucketRecord[]): string {
  const items = buckets.map((b) => xmlElement("Bucket", xmlText("Name", b.name) + xmlText("CreationDate", isoTime(b.createdAt)) + xmlText("BucketRegion", b.region))).join("");
  return doc("ListAllMyBucketsResult", owner(account) + xmlElement("Buckets", items));
}

export type Encode = (s: string) => string;
export const urlEncoder: Encode = (s) => encodeURIComponent(s).replace(/%2F/g, "/");
export const plain: Encode = (s) => s;

function contents(o: ObjectRecord, enc: Encode, withOwner: boolean, account: string): string {
  return xmlElement(
    "Contents",
    xmlText("Key", enc(o.key)) + xmlText("LastModified", isoTime(o.lastModified)) + xmlText("ETag", quoted(o.etag)) +
      (o.checksum ? xmlText("ChecksumAlgorithm", o.checksum.algorithm) : "") + xmlText("Size", o.size) +
      (withOwner ? owner(account) : "") + xmlText("StorageClass", "STANDARD"),
  );
}

export interface ListEcho {
  readonly bucket: string;
  readonly account: string;
  readonly prefix: string;
  readonly delimiter?: string;
  readonly encodingType?: string;
}

function listCommon(r: ListResult, e: ListEcho, enc: Encode, withOwner: boolean): { head: string; tail: string } {
  const head = xmlText("Name", e.bucket) + xmlText("Prefix", enc(e.prefix));
  const tail =
    r.contents.map((o) => contents(o, enc, withOwner, e.account)).join("") +
    r.commonPrefixes.map((p) => xmlElement("CommonPrefixes", xmlText("Prefix", enc(p)))).join("") +
    (e.encodingType ? xmlText("EncodingType", e.encodingType) : "");
  return { head, tail };
}

export function listV2Xml(r: ListResult, e: ListEcho, enc: Encode, v2: { token?: string; next?: string; startAfter?: string; fetchOwner: boolean }): string {
  const { head, tail } = listCommon(r, e, enc, v2.fetchOwner);
  return doc(
    "ListBucketResult",
    head + xmlText("Delimiter", e.delimiter === undefined ? undefined : enc(e.delimiter)) + xmlText("MaxKeys", r.maxKeys) +
      xmlText("KeyCount", r.contents.length + r.commonPrefixes.length) + xmlText("IsTruncated", r.truncated) +
      xmlText("ContinuationToken", v2.token) + xmlText("NextContinuationToken", v2.next) +
      xmlText("StartAfter", v2.startAfter === undefined ? undefined : enc(v2.startAfter)) + tail,
  );
}

export function listV1Xml(r: ListResult, e: ListEcho, enc: Encode, marker: string): string {
  const { head, tail } = listCommon(r, e, enc, true);
  // S3 returns NextMarker only when a delimiter was given; otherwise callers use the last key.
  const next = r.truncated && e.delimiter !== undefined && r.last ? enc(r.last.value) : undefined;
  return doc(
    "ListBucketResult",
    head + xmlText("Marker", enc(marker)) + xmlText("NextMarker", next) + xmlText("MaxKeys", r.maxKeys) +
      xmlText("Delimiter", e.delimiter === undefined ? undefined : enc(e.delimiter)) + xmlText("IsTruncated", r.truncated) + tail,
  );
}

export function uploadsXml(bucket: string, account: string, uploads: readonly UploadRecord[], enc: Encode, maxUploads: number, truncated: boolean, prefix: string): string {
  const items = uploads.map((u) =>
    xmlElement("Upload", xmlText("Key", enc(u.key)) + xmlText("UploadId", u.id) + owner(account).replace("<Owner>", "<Initiator>").replace("</Owner>", "</Initiator>") + owner(account) + xmlText("StorageClass", "STANDARD") + xmlText("Initiated", isoTime(u.initiated)) + (u.checksumAlgorithm ? xmlText("ChecksumAlgorithm", u.checksumAlgorithm) : "")),
  ).join("");
  const last = uploads[uploads.length - 1];
  return doc(
    "ListMultipartUploadsResult",
    xmlText("Bucket", bucket) + xmlText("KeyMarker", "") + xmlText("UploadIdMarker", "") +
      (truncated && last ? xmlText("NextKeyMarker", enc(last.key)) + xmlText("NextUploadIdMarker", last.id) : "") +
      xmlText("Prefix", enc(prefix)) + xmlText("MaxUploads", maxUploads) + xmlText("IsTruncated", truncated) + items,
  );
}

export function partsXml(u: UploadRecord, account: string, parts: readonly PartRecord[], maxParts: number, marker: number, truncated: boolean): string {
  const items = parts.map((p) =>
    xmlElement("Part", xmlText("PartNumber", p.number) + xmlText("LastModified", isoTime(p.lastModified)) + xmlText("ETag", quoted(p.etag)) + xmlText("Size", p.size) + (p.checksum ? xmlText(`Checksum${p.checksum.algorithm}`, p.checksum.value) : "")),
  ).join("");
  const last = parts[parts.length - 1];
  return doc(
    "ListPartsResult",
    xmlText("Bucket", u.bucket) + xmlText("Key", u.key) + xmlText("UploadId", u.id) + owner(account).replace("<Owner>", "<Initiator>").replace("</Owner>", "</Initiator>") + owner(account) +
      xmlText("StorageClass", "STANDARD") + xmlText("PartNumberMarker", marker) + (last ? xmlText("NextPartNumberMarker", last.number) : "") +
      xmlText("MaxParts", maxParts) + xmlText("IsTruncated", truncated) + (u.checksumAlgorithm ? xmlText("ChecksumAlgorithm", u.checksumAlgorithm) : "") + items,
  );
}

function filterXml(t: NotificationTarget): string {
  if (!t.rules.length) return "";
  const rules = t.rules.map((r) => xmlElement("FilterRule", xmlText("Name", r.name) + xmlText("Value", r.value))).join("");
  return xmlElement("Filter", xmlElement("S3Key", rules));
}

export function notificationXml(targets: readonly NotificationTarget[]): string {
  const items = targets.map((t) => {
    const [el, arnEl] = t.kind === "queue" ? ["QueueConfiguration", "Queue"] : ["CloudFunctionConfiguration", "CloudFunction"];
    return xmlElement(el, xmlText("Id", t.id) + filterXml(t) + xmlText(arnEl, t.arn) + t.events.map((e) => xmlText("Event", e)).join(""));
  });
  return doc("NotificationConfiguration", items.join(""));
}
