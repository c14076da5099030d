/** S3 bucket-level actions on the wire: buckets, listings, DeleteObjects, notifications. */
import type { S3Context } from "../../services/buckets/deps.js";
import { InvalidArgument, MalformedXML } from "../../services/buckets/errors.js";
import { decodeToken, encodeToken, maxKeysOf } from "../../services/buckets/listing.js";
import type { BucketService } from "../../services/buckets/service.js";
import { TargetKind, type FilterRule, type NotificationTarget } from "../../services/buckets/types.js";
import { uuid } from "../../core/ids.js";
import { xmlElement, xmlText } from "../xml.js";
import { readSmallBody } from "./body.js";
import type { S3Request, S3Response } from "./types.js";
import { child, childText, children, parseXml, type XmlNode } from "./xml-in.js";
import * as out from "./xml-out.js";

export type Query = ReadonlyMap<string, string>;

export function xmlResponse(body: string, status = 200): S3Response {
  return { status, headers: { "content-type": "application/xml" }, body };
}

async function xmlBody(r: S3Request): Promise<XmlNode | null> {
  const body = (await readSmallBody(r)).toString("utf8");
  return body.trim() ? parseXml(body) : null;
}

export async function createBucket(s: BucketService, r: S3Request, bucket: string, ctx: S3Context): Promise<S3Response> {
  const conf = await xmlBody(r);
  if (conf && conf.name !== "CreateBucketConfiguration") throw new MalformedXML();
  const location = conf ? childText(conf, "LocationConstraint") : undefined;
  await s.createBucket({ Bucket: bucket, ...(location ? { LocationConstraint: location } : {}) }, ctx);
  return { status: 200, headers: { location: `/${bucket}` }, body: "" };
}

export async function listObjects(s: BucketService, bucket: string, q: Query, ctx: S3Context): Promise<S3Response> {
  const v2 = q.get("list-type") === "2";
  const encodingType = q.get("encoding-type");
  if (encodingType !== undefined && encodingType !== "url") throw new InvalidArgument("Invalid Encoding Method specified in Request", "encoding-type", encodingType);
  const enc = encodingType ? out.urlEncoder : out.plain;
  const prefix = q.get("prefix") ?? "";
  const delimiter = q.get("delimiter") || undefined;
  const token = v2 ? q.get("continuation-token") : undefined;
  const from = token !== undefined ? decodeToken(token) : undefined;
  const startAfter = v2 ? q.get("start-after") : q.get("marker");
  const after = from?.value ?? startAfter ?? "";
  // A V1 marker is a rolled-up common prefix (a NextMarker) only when it is prefix + one level + delimiter.
  const afterIsPrefix = from ? from.prefix : !!delimiter && !v2 && after.startsWith(prefix) && after.indexOf(delimiter, prefix.length) === after.length - delimiter.length && after.length > prefix.length;
  const result = await s.listObjects({ Bucket: bucket, prefix, after, afterIsPrefix, maxKeys: q.get("max-keys"), ...(delimiter ? { delimiter } : {}) }, ctx);
  const echo = { bucket, account: ctx.accountId, prefix, ...(delimiter ? { delimiter } : {}), ...(encodingType ? { encodingType } : {}) };
  if (!v2) return xmlResponse(out.listV1Xml(result, echo, enc, startAfter ?? ""));
  const next = result.truncated && result.last ? encodeToken(result.last) : undefined;
  return xmlResponse(out.listV2Xml(result, echo, enc, { ...(token !== undefined ? { token } : {}), ...(next ? { next } : {}), ...(startAfter !== undefined ? { startAfter } : {}), fetchOwner: q.get("fetch-owner") === "true" }));
}

export async function listUploads(s: BucketService, bucket: string, q: Query, ctx: S3Context): Promise<S3Response> {
  const max = maxKeysOf(q.get("max-uploads"));
  const prefix = q.get("prefix") ?? "";
  const keyMarker = q.get("key-marker") ?? "";
  const idMarker = q.get("upload-id-marker") ?? "";
  const all = (await s.listMultipartUploads({ Bucket: bucket }, ctx)).filter((u) => u.key.startsWith(prefix));
  const startAt = keyMarker ? all.findIndex((u) => Buffer.compare(Buffer.from(u.key), Buffer.from(keyMarker)) > 0 || (u.key === keyMarker && idMarker !== "" && u.id > idMarker)) : 0;
  const rest = startAt < 0 ? [] : all.slice(startAt);
  const page = rest.slice(0, max);
  const enc = q.get("encoding-type") === "url" ? out.urlEncoder : out.plain;
  return xmlResponse(out.uploadsXml(bucket, ctx.accountId, page, enc, max, rest.length > page.length, prefix));
}

export async function deleteObjects(s: BucketService, r: S3Request, bucket: string, ctx: S3Context): Promise<S3Response> {
  const root = await xmlBody(r);
  if (!root || root.name !== "Delete") throw new MalformedXML();
  const objects = children(root, "Object");
  if (!objects.length || objects.length > 1000) throw new MalformedXML();
  const keys = objects.map((o) => childText(o, "Key") ?? "");
  const quiet = childText(root, "Quiet") === "true";
  const errors: string[] = [];
  const valid = keys.filter((k) => {
    if (k && Buffer.byteLength(k) <= 1024) return true;
    errors.push(xmlElement("Error", xmlText("Key", k) + xmlText("Code", k ? "KeyTooLongError" : "InvalidArgument") + xmlText("Message", k ? "Your key is too long" : "A key must be specified")));
    return false;
  });
  await s.deleteObjects({ Bucket: bucket, Keys: valid }, ctx);
  // S3 reports every requested key as deleted, whether or not it existed.
  const deleted = quiet ? "" : valid.map((k) => xmlElement("Deleted", xmlText("Key", k))).join("");
  return xmlResponse(out.doc("DeleteResult", deleted + errors.join("")));
}

function rulesOf(n: XmlNode): FilterRule[] {
  const key = child(n, "Filter") ? child(child(n, "Filter")!, "S3Key") : undefined;
  if (!key) return [];
  return children(key, "FilterRule").map((f) => {
    const name = (childText(f, "Name") ?? "").toLowerCase();
    if (name !== "prefix" && name !== "suffix") throw new InvalidArgument("filter rule name must be either prefix or suffix", "FilterRule", childText(f, "Name") ?? "");
    const value = childText(f, "Value") ?? "";
    if (Buffer.byteLength(value) > 1024) throw new InvalidArgument("The filter rule value is too long.", "FilterRule", value.slice(0, 64));
    return { name, value };
  });
}

function targetsOf(root: XmlNode): NotificationTarget[] {
  const kinds: [string, string, TargetKind][] = [
    ["QueueConfiguration", "Queue", TargetKind.Queue],
    ["CloudFunctionConfiguration", "CloudFunction", TargetKind.Function],
    ["LambdaFunctionConfiguration", "LambdaFunctionArn", TargetKind.Function],
  ];
  if (children(root, "TopicConfiguration").length) {
    throw new InvalidArgument("Unable to validate the following destination configurations", "TopicConfiguration", "Sluice has no SNS topics");
  }
  return kinds.flatMap(([el, arnEl, kind]) =>
    children(root, el).map((n) => {
      const arn = childText(n, arnEl);
      if (!arn) throw new MalformedXML();
      const events = children(n, "Event").map((e) => e.text);
      return { id: childText(n, "Id") || uuid(), kind, arn, events, rules: rulesOf(n) };
    }),
  );
}

export async function putNotification(s: BucketService, r: S3Request, bucket: string, ctx: S3Context): Promise<S3Response> {
  const root = await xmlBody(r);
  if (!root || root.name !== "NotificationConfiguration") throw new MalformedXML();
  const skip = r.headers["x-amz-skip-destination-validation"]?.toLowerCase() === "true";
  await s.putNotification({ Bucket: bucket, targets: targetsOf(root), skipDestinationValidation: skip }, ctx);
  return { status: 200, headers: {}, body: "" };
}

export async function getNotification(s: BucketService, bucket: string, ctx: S3Context): Promise<S3Response> {
  return xmlResponse(out.notificationXml(await s.getNotification({ Bucket: bucket }, ctx)));
}
