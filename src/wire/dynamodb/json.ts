/**
 * AWS JSON 1.0 as DynamoDB writes it: `application/x-amz-json-1.0` bodies with the
 * request id and `x-amz-crc32`, the CRC32 of the body bytes as an unsigned decimal, which
 * botocore and the Go and Java SDKs check (and retry on mismatch). Timestamps are epoch
 * seconds, fractional; AttributeValues are already in wire form (binary as base64).
 */
import { crc32 } from "node:zlib";
import type { WireResponse } from "../types.js";

export const DYNAMODB_CONTENT_TYPE = "application/x-amz-json-1.0";

type Json = Record<string, unknown>;

export function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array);
}

/** Dates become epoch seconds; undefined members are left out rather than written as null. */
export function toJsonShape(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (Array.isArray(value)) return value.map(toJsonShape);
  if (isObject(value)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJsonShape(v);
    return out;
  }
  return value;
}

export function jsonReply(status: number, requestId: string, body: unknown): WireResponse {
  const bytes = Buffer.from(JSON.stringify(toJsonShape(body)), "utf8");
  return {
    status,
    headers: {
      "content-type": DYNAMODB_CONTENT_TYPE,
      "content-length": String(bytes.length),
      "x-amzn-requestid": requestId,
      "x-amz-crc32": String(crc32(bytes) >>> 0),
    },
    body: bytes,
  };
}
