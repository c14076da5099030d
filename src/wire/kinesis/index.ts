/**
 * The Kinesis wire protocols: AWS JSON 1.1 (X-Amz-Target: Kinesis_20131202.<Action>,
 * spoken by the JavaScript, Python and Go SDKs and the CLI) and CBOR 1.1 (the same
 * targets with `application/x-amz-cbor-1.1`, the Java SDK's default). JSON carries blobs
 * as base64 and timestamps as epoch seconds; CBOR carries bytes and tag-1 timestamps
 * natively. Replies use the protocol of the request.
 */
import { ServiceError } from "../../core/errors.js";
import type { CallContext } from "../../services/queues/types.js";
import type { StreamService } from "../../services/streams/service.js";
import { CborError, decodeCbor, encodeCbor } from "../cbor.js";
import { isObject, toJsonShape, type Json } from "../json-shape.js";
import type { WireRequest, WireResponse } from "../types.js";

export const KINESIS_TARGET = "Kinesis_20131202.";
const JSON_TYPE = "application/x-amz-json-1.1";
const CBOR_TYPE = "application/x-amz-cbor-1.1";

/** A PutRecords request of 5 MiB of data, base64-encoded, with room for its keys. */
export const KINESIS_BODY_LIMIT = 8 * 1024 * 1024;

class SerializationException extends ServiceError {
  constructor(message: string) {
    super("SerializationException", message);
  }
}

type Format = "json" | "cbor";

export function kinesisFormat(headers: Readonly<Record<string, string | string[] | undefined>>): Format {
  const type = headers["content-type"];
  return typeof type === "string" && type.startsWith(CBOR_TYPE) ? "cbor" : "json";
}

function base64Blob(v: unknown, member: string): Buffer {
  if (typeof v !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(v) || v.length % 4 !== 0) {
    throw new SerializationException(`${member} must be base64-encoded binary data.`);
  }
  return Buffer.from(v, "base64");
}

/** JSON blobs arrive as base64 text; the service wants bytes. */
function decodeJsonBlobs(action: string, input: Json): void {
  if (action === "PutRecord" && input["Data"] !== undefined) input["Data"] = base64Blob(input["Data"], "Data");
  if (action === "PutRecords" && Array.isArray(input["Records"])) {
    for (const r of input["Records"] as unknown[]) if (isObject(r) && r["Data"] !== undefined) r["Data"] = base64Blob(r["Data"], "Data");
  }
}

function parseInput(action: string, body: Buffer, format: Format): Json {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = format === "cbor" ? decodeCbor(body) : JSON.parse(body.toString("utf8"));
  } catch (err) {
    if (format === "cbor" && !(err instanceof CborError)) throw err;
    throw new SerializationException(format === "cbor" ? "The request body is not valid CBOR." : "Start of structure or map found where not expected.");
  }
  if (!isObject(parsed)) throw new SerializationException("The request body must be a structure.");
  if (format === "json") decodeJsonBlobs(action, parsed);
  return parsed;
}


function reply(status: number, format: Format, requestId: string, body: unknown, extra: Record<string, string> = {}): WireResponse {
  const headers = { "content-type": format === "cbor" ? CBOR_TYPE : JSON_TYPE, "x-amzn-requestid": requestId, ...extra };
  return { status, headers, body: format === "cbor" ? encodeCbor(body) : JSON.stringify(toJsonShape(body)) };
}

const AUTH_ERRORS = new Set(["MissingAuthenticationToken", "IncompleteSignature", "InvalidClientTokenId", "SignatureDoesNotMatch", "RequestExpired", "XAmzContentSHA256Mismatch"]);

function statusOf(err: ServiceError): number {
  if (err.fault === "Receiver") return 500;
  if (AUTH_ERRORS.has(err.code)) return 403;
  return err.code === "RequestEntityTooLarge" ? 413 : 400;
}

export function kinesisError(err: ServiceError, format: Format, requestId: string): WireResponse {
  const type = err.fault === "Receiver" ? "InternalFailure" : err.code;
  return reply(statusOf(err), format, requestId, { __type: type, message: err.message }, { "x-amzn-errortype": type });
}

export function isKinesisTarget(target: string | undefined): boolean {
  return target?.startsWith(KINESIS_TARGET) ?? false;
}

export async function handleKinesis(streams: StreamService, target: string, req: WireRequest, ctx: CallContext, requestId: string): Promise<WireResponse> {
  const action = target.slice(KINESIS_TARGET.length);
  const format = kinesisFormat(req.headers);
  const input = parseInput(action, req.body, format);
  const output = await streams.call(action, input, ctx);
  return reply(200, format, requestId, output);
}
