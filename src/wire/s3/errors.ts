/**
 * S3's error responses: `<Error><Code>…</Code><Message>…</Message>…<RequestId>…`
 * with the error's status; errors raised outside the bucket service (signatures,
 * limits, internal failures) get the codes and statuses S3 uses for them. HEAD
 * requests and 304 answers carry no body.
 */
import type { ServiceError } from "../../core/errors.js";
import { NotModified, S3Error } from "../../services/buckets/errors.js";
import { XML_DECLARATION, xmlText } from "../xml.js";
import type { S3Response } from "./types.js";

const MAPPED: Readonly<Record<string, { code: string; status: number; message?: string }>> = {
  SignatureDoesNotMatch: { code: "SignatureDoesNotMatch", status: 403 },
  InvalidClientTokenId: { code: "InvalidAccessKeyId", status: 403, message: "The AWS Access Key Id you provided does not exist in our records." },
  MissingAuthenticationToken: { code: "AccessDenied", status: 403, message: "Access Denied" },
  IncompleteSignature: { code: "AuthorizationHeaderMalformed", status: 400 },
  RequestExpired: { code: "AccessDenied", status: 403, message: "Request has expired" },
  XAmzContentSHA256Mismatch: { code: "XAmzContentSHA256Mismatch", status: 400 },
  RequestEntityTooLarge: { code: "EntityTooLarge", status: 400 },
  InternalError: { code: "InternalError", status: 500 },
};

export function s3ErrorParts(err: ServiceError): { code: string; status: number; message: string; details: Readonly<Record<string, string>> } {
  if (err instanceof S3Error) return { code: err.code, status: err.status, message: err.message, details: err.details };
  const m = MAPPED[err.code];
  if (m) return { code: m.code, status: m.status, message: m.message ?? err.message, details: {} };
  return { code: err.code, status: err.fault === "Receiver" ? 500 : 400, message: err.message, details: {} };
}

export function s3Error(err: ServiceError, requestId: string, method: string, resource?: string): S3Response {
  const e = s3ErrorParts(err);
  const headers: Record<string, string> = { "x-amz-request-id": requestId, "x-amz-id-2": Buffer.from(requestId).toString("base64") };
  if (err instanceof NotModified) {
    if (err.etag !== undefined) headers["etag"] = `"${err.etag}"`;
    if (err.lastModified !== undefined) headers["last-modified"] = new Date(err.lastModified).toUTCString();
  }
  if (method === "HEAD" || e.status === 304) return { status: e.status, headers, body: "" };
  const extra = Object.entries(e.details).map(([k, v]) => xmlText(k, v)).join("");
  const body = `${XML_DECLARATION}\n<Error>${xmlText("Code", e.code)}${xmlText("Message", e.message)}${extra}${resource !== undefined ? xmlText("Resource", resource) : ""}${xmlText("RequestId", requestId)}${xmlText("HostId", headers["x-amz-id-2"])}</Error>`;
  return { status: e.status, headers: { ...headers, "content-type": "application/xml" }, body };
}
