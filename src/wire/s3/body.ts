/**
 * Request bodies for S3: object payloads stream (aws-chunked decoded, signed chunks
 * checked, the payload hash and checksums verified by the service as the bytes pass);
 * the small XML bodies of configuration and batch actions are read whole, up to a
 * limit, and checked the same way before they are parsed.
 */
import { createHash } from "node:crypto";
import { algorithmOfHeader, requestedAlgorithm, newChecksum } from "../../services/buckets/checksums.js";
import { BadDigest, EntityTooLarge, InvalidDigest, S3Error, XAmzContentSHA256Mismatch } from "../../services/buckets/errors.js";
import type { Payload } from "../../services/buckets/ingest.js";
import { ChunkedDecoder } from "./chunked.js";
import type { S3Request } from "./types.js";

/** Largest XML body accepted (DeleteObjects with 1000 long keys fits). */
export const MAX_XML_BYTES = 4 * 1024 * 1024;

function isChunked(r: S3Request): boolean {
  return r.verified.payloadHash.startsWith("STREAMING-") || (r.headers["content-encoding"] ?? "").split(",").some((e) => e.trim() === "aws-chunked");
}

function declaredLength(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value)) throw new S3Error("InvalidArgument", "Content-Length must be a non-negative integer.");
  return Number(value);
}

/** An object payload (PutObject, UploadPart) for the service to stream into a blob. */
export function objectPayload(r: S3Request): Payload {
  const algorithm = requestedAlgorithm(r.headers);
  const headerValue = algorithm ? r.headers[`x-amz-checksum-${algorithm.toLowerCase()}`] : undefined;
  const md5 = r.headers["content-md5"];
  const base = { checksumAlgorithm: algorithm, ...(md5 !== undefined ? { contentMd5: md5 } : {}) };
  if (isChunked(r)) {
    const signed = r.verified.payloadHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    const decoder = new ChunkedDecoder(r.body, signed ? r.verified.signing : null);
    const length = declaredLength(r.headers["x-amz-decoded-content-length"]);
    const trailer = algorithm ? `x-amz-checksum-${algorithm.toLowerCase()}` : "";
    return { ...base, source: decoder, length, checksumValue: () => headerValue ?? decoder.trailers.get(trailer) };
  }
  const hash = r.verified.payloadHash;
  return {
    ...base,
    source: r.body,
    length: declaredLength(r.headers["content-length"]),
    ...(/^[0-9a-f]{64}$/.test(hash) ? { sha256: hash } : {}),
    checksumValue: () => headerValue,
  };
}

/** A small body, whole, after the same checks an object payload gets. */
export async function readSmallBody(r: S3Request): Promise<Buffer> {
  const p = objectPayload(r);
  if (p.length !== null && p.length > MAX_XML_BYTES) throw new EntityTooLarge(MAX_XML_BYTES);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of p.source) {
    size += c.length;
    if (size > MAX_XML_BYTES) throw new EntityTooLarge(MAX_XML_BYTES);
    chunks.push(Buffer.from(c));
  }
  const body = Buffer.concat(chunks, size);
  if (p.sha256 !== undefined && createHash("sha256").update(body).digest("hex") !== p.sha256) throw new XAmzContentSHA256Mismatch();
  if (p.contentMd5 !== undefined) {
    const want = Buffer.from(p.contentMd5, "base64");
    if (want.length !== 16) throw new InvalidDigest();
    if (!want.equals(createHash("md5").update(body).digest())) throw new BadDigest();
  }
  checkChecksum(p, body);
  return body;
}

function checkChecksum(p: Payload, body: Buffer): void {
  const declared = p.checksumValue?.();
  if (!p.checksumAlgorithm || declared === undefined) return;
  const c = newChecksum(p.checksumAlgorithm);
  c.update(body);
  if (c.digest().toString("base64") !== declared) throw new BadDigest(`The ${p.checksumAlgorithm} you specified did not match the calculated checksum.`);
}

/** The `x-amz-checksum-*` response header for a stored checksum. */
export function checksumHeader(checksum: { algorithm: string; value: string } | null): Record<string, string> {
  if (!checksum || !algorithmOfHeader(`x-amz-checksum-${checksum.algorithm.toLowerCase()}`)) return {};
  return { [`x-amz-checksum-${checksum.algorithm.toLowerCase()}`]: checksum.value };
}
