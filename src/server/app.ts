/**
 * The AWS endpoint as a request handler: health and metrics, then every AWS request
 * authenticated with SigV4 and dispatched by protocol (JSON via X-Amz-Target, or the
 * Query protocol's Action parameter; Lambda's REST-JSON by path) to the platform's
 * services. Errors become HTTP here, in the caller's protocol, and nowhere else.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { Http2ServerResponse, type Http2ServerRequest } from "node:http2";
import { InternalError, ServiceError } from "../core/errors.js";
import { requestId } from "../core/ids.js";
import type { Logger } from "../core/logger.js";
import type { Platform } from "../platform.js";
import type { CallContext } from "../services/queues/types.js";
import { DYNAMODB_BODY_LIMIT, dynamoDbError, handleDynamoDb, isDynamoDbTarget } from "../wire/dynamodb/index.js";
import { handleKinesis, isKinesisTarget, KINESIS_BODY_LIMIT, kinesisError, kinesisFormat } from "../wire/kinesis/index.js";
import { handleLambda, isLambdaPath, lambdaBodyLimit, lambdaError } from "../wire/lambda/index.js";
import { handleSqsJson, jsonError } from "../wire/sqs/json.js";
import { handleSqsQuery, queryError } from "../wire/sqs/query.js";
import { verifySigV4, type CredentialStore } from "../wire/sigv4.js";
import type { Caller, WireRequest, WireResponse } from "../wire/types.js";
import { readBody } from "./body.js";
import { isS3Request, serveS3 } from "./s3.js";

export interface AppOptions {
  readonly platform: Platform;
  readonly credentials: CredentialStore;
  /**
   * Largest request body accepted, in bytes, where the action has no limit of its own.
   * Lambda's CreateFunction/UpdateFunctionCode (69905067) and Invoke (6291456) do.
   * @default 3 MiB (an SQS batch with base64 binaries)
   */
  readonly maxBodyBytes?: number;
  /** Base of queue URLs; by default taken from each request's Host header. */
  readonly publicUrl?: string;
  readonly logger: Logger;
  /**
   * AWS requests wait for this before they are served (health and metrics do not): the
   * listener can open before the platform's background work starts.
   * @default already resolved
   */
  readonly ready?: Promise<void>;
}

/** A request or response from Node's HTTP/1 server or its HTTP/2 compatibility API. */
export type HttpRequest = IncomingMessage | Http2ServerRequest;
export type HttpResponse = ServerResponse | Http2ServerResponse;

export interface App {
  handle(req: HttpRequest, res: HttpResponse): void;
  /** Requests being served now. */
  readonly inFlight: number;
  /** Ends waits (long polls) early so shutdown does not wait for them. */
  abortWaits(): void;
}

const DEFAULT_MAX_BODY = 3 * 1024 * 1024;

/** Connection-specific headers, which HTTP/2 forbids (RFC 9113, 8.2.2). */
const HOP_BY_HOP = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

function toWire(req: HttpRequest, body: Buffer): WireRequest {
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(",") : v;
  // HTTP/2 clients name the host in :authority; queue URLs are built from "host".
  const authority = headers[":authority"];
  if (headers["host"] === undefined && authority !== undefined) headers["host"] = authority;
  return { method: req.method ?? "GET", rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? "" : url.slice(q + 1), headers, body };
}

function withoutHopByHop(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !HOP_BY_HOP.has(k.toLowerCase())));
}

function send(res: HttpResponse, w: WireResponse): void {
  if (res.headersSent) return;
  if (res instanceof Http2ServerResponse) res.writeHead(w.status, withoutHopByHop(w.headers));
  else res.writeHead(w.status, w.headers);
  res.end(w.body);
}

/** The AWS protocol a request speaks, known from its path and headers before its body is read. */
type Protocol = "lambda" | "kinesis" | "dynamodb" | "sqs-json" | "sqs-query";

function protocolOf(rawPath: string, headers: HttpRequest["headers"]): Protocol {
  if (isLambdaPath(rawPath)) return "lambda";
  const target = headers["x-amz-target"];
  if (typeof target !== "string" || !target) return "sqs-query";
  if (isDynamoDbTarget(target)) return "dynamodb";
  return isKinesisTarget(target) ? "kinesis" : "sqs-json";
}

function bodyLimit(protocol: Protocol, method: string, rawPath: string, limit: number): number {
  if (protocol === "lambda") return lambdaBodyLimit(method, rawPath, limit);
  if (protocol === "dynamodb") return Math.max(limit, DYNAMODB_BODY_LIMIT);
  return protocol === "kinesis" ? Math.max(limit, KINESIS_BODY_LIMIT) : limit;
}

/** An error in the caller's protocol, even when it happened before the body was read. */
function errorFor(protocol: Protocol, req: HttpRequest, err: ServiceError, id: string, rawPath: string): WireResponse {
  switch (protocol) {
    case "lambda":
      return lambdaError(err, id, { method: req.method ?? "GET", rawPath });
    case "kinesis":
      return kinesisError(err, kinesisFormat(req.headers), id);
    case "dynamodb":
      return dynamoDbError(err, id);
    case "sqs-json":
      return jsonError(err, id);
    case "sqs-query":
      return queryError(err, id);
  }
}

/** Query-protocol parameters: the query string, then a form-encoded body. */
function formParams(req: WireRequest): [string, string][] {
  const out = [...new URLSearchParams(req.rawQuery)];
  const type = req.headers["content-type"] ?? "";
  if (req.method === "POST" && type.startsWith("application/x-www-form-urlencoded")) {
    out.push(...new URLSearchParams(req.body.toString("utf8")));
  }
  return out;
}

/** The queue a Query request's path names (POST /<account>/<name>), if any. */
function pathQueue(req: WireRequest, base: string): string | undefined {
  return req.rawPath && req.rawPath !== "/" ? `${base}${req.rawPath}` : undefined;
}

export function createApp(o: AppOptions): App {
  const limit = o.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const waits = new Set<AbortController>();
  let inFlight = 0;

  async function dispatch(wire: WireRequest, caller: Caller, signal: AbortSignal, id: string): Promise<WireResponse> {
    const base = o.publicUrl ?? `http://${wire.headers["host"] ?? "127.0.0.1:4566"}`;
    const ctx: CallContext = { accountId: caller.accountId, region: caller.region, baseUrl: base, senderId: caller.accessKeyId };
    if (isLambdaPath(wire.rawPath)) return handleLambda(o.platform, wire, ctx, id);
    const target = wire.headers["x-amz-target"];
    if (target?.startsWith("AmazonSQS.")) return handleSqsJson(o.platform.queues, target, wire.body, ctx, signal, id);
    if (target && isKinesisTarget(target)) return handleKinesis(o.platform.streams, target, wire, ctx, id);
    if (target && isDynamoDbTarget(target)) return handleDynamoDb(o.platform.tables, target, wire, ctx, id);
    if (target) throw new ServiceError("InvalidAction", `The target ${target} is not served by this endpoint.`);
    return handleSqsQuery(o.platform.queues, formParams(wire), pathQueue(wire, base), ctx, signal, id);
  }

  async function serveAws(req: HttpRequest, res: HttpResponse): Promise<void> {
    const id = requestId();
    const method = req.method ?? "GET";
    const rawPath = (req.url ?? "/").split("?")[0] ?? "/";
    const protocol = protocolOf(rawPath, req.headers);
    const abort = new AbortController();
    const onClose = (): void => {
      if (!res.writableEnded) abort.abort();
    };
    res.on("close", onClose);
    waits.add(abort);
    try {
      // readBody needs only the headers and the body stream, which HTTP/2 requests have too.
      const body = await readBody(req as IncomingMessage, bodyLimit(protocol, method, rawPath, limit));
      const wire = toWire(req, body);
      const caller = verifySigV4(wire, o.credentials, o.platform.clock.now());
      send(res, await dispatch(wire, caller, abort.signal, id));
    } catch (err) {
      const known = err instanceof ServiceError ? err : new InternalError();
      if (!(err instanceof ServiceError)) o.logger.error({ err, requestId: id }, "request failed");
      send(res, errorFor(protocol, req, known, id, rawPath));
    } finally {
      waits.delete(abort);
      res.off("close", onClose);
    }
  }

  function handle(req: HttpRequest, res: HttpResponse): void {
    // A signed S3 request for a bucket named "health" or "metrics" is S3's, not ours.
    const s3 = isS3Request(req);
    const path = s3 ? undefined : (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/health") {
      send(res, { status: 200, headers: { "content-type": "application/json" }, body: '{"status":"ok"}' });
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      send(res, { status: 200, headers: { "content-type": "text/plain; version=0.0.4" }, body: o.platform.metrics.expose() });
      return;
    }
    inFlight++;
    // S3 bodies stream instead of being buffered, so S3 is served on its own path.
    const ready = o.ready ?? Promise.resolve();
    const serving = ready.then(() => (s3 ? serveS3(o, req, res) : serveAws(req, res)));
    void serving.finally(() => inFlight--);
  }

  return {
    handle,
    get inFlight() {
      return inFlight;
    },
    abortWaits() {
      for (const w of waits) w.abort();
    },
  };
}
