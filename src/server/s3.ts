/**
 * Serving S3 requests. Unlike the other protocols, S3 bodies are never buffered: the
 * signature is verified from the headers, the request streams into the bucket service
 * (which checks the payload hash and checksums as the bytes pass), and GetObject
 * streams the object's file(s) back.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { pipeline } from "node:stream/promises";
import { InternalError, ServiceError } from "../core/errors.js";
import { requestId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import type { Platform } from "../platform.js";
import type { S3Context } from "../services/buckets/deps.js";
import { isLambdaPath } from "../wire/lambda/index.js";
import { handleS3, s3Error, signedForS3, type S3Request, type S3Response } from "../wire/s3/index.js";
import { verifySigV4Streaming, type CredentialStore } from "../wire/sigv4.js";
import type { WireRequest } from "../wire/types.js";

type HttpRequest = IncomingMessage | Http2ServerRequest;
type HttpResponse = ServerResponse | Http2ServerResponse;

export interface S3ServeOptions {
  readonly platform: Platform;
  readonly credentials: CredentialStore;
  readonly publicUrl?: string;
  readonly logger: Logger;
}

/** Whether a request speaks S3: no JSON target, not a Lambda path, signed for the s3 service. */
export function isS3Request(req: HttpRequest): boolean {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  if (req.headers["x-amz-target"] || isLambdaPath(q < 0 ? url : url.slice(0, q))) return false;
  return signedForS3(req.headers, q < 0 ? "" : url.slice(q + 1));
}

function headersOf(req: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
  const authority = headers[":authority"];
  if (headers["host"] === undefined && authority !== undefined) headers["host"] = authority;
  return headers;
}

function hostBases(publicUrl: string | undefined): string[] {
  if (!publicUrl) return [];
  try {
    return [new URL(publicUrl).hostname];
  } catch {
    return [];
  }
}

async function write(res: HttpResponse, out: S3Response): Promise<void> {
  if (res.headersSent) return;
  res.writeHead(out.status, out.headers);
  if (!out.stream) {
    res.end(out.body ?? "");
    return;
  }
  await pipeline(out.stream, res as NodeJS.WritableStream);
}

export async function serveS3(o: S3ServeOptions, req: HttpRequest, res: HttpResponse): Promise<void> {
  const id = requestId();
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const method = req.method ?? "GET";
  const wire: WireRequest = { method, rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? "" : url.slice(q + 1), headers: headersOf(req), body: Buffer.alloc(0) };
  let out: S3Response;
  try {
    const verified = verifySigV4Streaming(wire, o.credentials, o.platform.clock.now());
    const ctx: S3Context = { accountId: verified.caller.accountId, region: verified.caller.region, principal: verified.caller.accessKeyId, requestId: id, sourceIp: req.socket?.remoteAddress ?? "127.0.0.1" };
    const r: S3Request = { ...wire, body: req as AsyncIterable<Uint8Array>, verified, sourceIp: ctx.sourceIp, hostBases: hostBases(o.publicUrl) };
    out = await handleS3(o.platform.buckets, r, ctx);
  } catch (err) {
    const known = err instanceof ServiceError ? err : new InternalError();
    if (!(err instanceof ServiceError)) o.logger.error({ err, requestId: id }, "S3 request failed");
    out = s3Error(known, id, method, wire.rawPath);
  }
  try {
    await write(res, out);
  } catch (err) {
    // The client went away or the file could not be read mid-stream: nothing more to send.
    o.logger.debug({ err, requestId: id }, "S3 response ended early");
    res.destroy();
  }
}
