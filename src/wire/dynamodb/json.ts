/**
 * AWS JSON 1.0 as DynamoDB writes it: `application/x-amz-json-1.0` bodies with the
 * request id and `x-amz-crc32`, the CRC32 of the body bytes as an unsigned decimal, which
 * botocore and the Go and Java SDKs check (and retry on mismatch). Timestamps are epoch
 * seconds, fractional; AttributeValues are already in wire form (binary as base64).
 */
import { crc32 } from "node:zlib";
import { toJsonShape } from "../json-shape.js";
import type { WireResponse } from "../types.js";

export const DYNAMODB_CONTENT_TYPE = "application/x-amz-json-1.0";

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
