/**
 * The AWS JSON 1.0 protocol for SQS (X-Amz-Target: AmazonSQS.<Action>), as current
 * SDKs and CLIs speak it. Blobs (binary attribute values) travel as base64.
 */
import { ServiceError } from "../../core/errors.js";
import type { QueueService } from "../../services/queues/service.js";
import type { CallContext } from "../../services/queues/types.js";
import { SQS_ACTIONS } from "./actions.js";
import { InvalidAction, sqsWireError } from "./errors.js";
import type { WireResponse } from "../types.js";

const CONTENT_TYPE = "application/x-amz-json-1.0";

class SerializationException extends ServiceError {
  constructor(message: string) {
    super("SerializationException", message);
  }
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Binary attribute values arrive as base64 text; the service wants bytes. */
function decodeBlobs(attrs: unknown): void {
  if (!isObject(attrs)) return;
  for (const v of Object.values(attrs)) {
    if (isObject(v) && typeof v["BinaryValue"] === "string") v["BinaryValue"] = Buffer.from(v["BinaryValue"], "base64");
  }
}

function decodeInput(action: string, input: Json): void {
  const entries = action === "SendMessageBatch" && Array.isArray(input["Entries"]) ? (input["Entries"] as unknown[]) : [input];
  for (const e of entries) {
    if (!isObject(e)) continue;
    decodeBlobs(e["MessageAttributes"]);
    decodeBlobs(e["MessageSystemAttributes"]);
  }
}

function encodeOutput(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString("base64");
  if (Array.isArray(value)) return value.map(encodeOutput);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encodeOutput(v)]));
  return value;
}

function parseBody(body: Buffer): Json {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new SerializationException("Start of structure or map found where not expected.");
  }
  if (!isObject(parsed)) throw new SerializationException("Start of structure or map found where not expected.");
  return parsed;
}

export function jsonError(err: ServiceError, requestId: string): WireResponse {
  const w = sqsWireError(err.code);
  return {
    status: w.status,
    headers: {
      "content-type": CONTENT_TYPE,
      "x-amzn-requestid": requestId,
      "x-amzn-query-error": `${w.queryCode};${err.fault}`,
    },
    body: JSON.stringify({ __type: `com.amazonaws.sqs#${w.jsonType}`, message: err.message }),
  };
}

export async function handleSqsJson(
  queues: QueueService,
  target: string,
  body: Buffer,
  ctx: CallContext,
  signal: AbortSignal,
  requestId: string,
): Promise<WireResponse> {
  const action = target.slice("AmazonSQS.".length);
  const run = Object.hasOwn(SQS_ACTIONS, action) ? SQS_ACTIONS[action] : undefined;
  if (!run) throw new InvalidAction(`The action ${action} is not valid for this endpoint.`);
  const input = parseBody(body);
  decodeInput(action, input);
  const output = await run(queues, input, ctx, signal);
  return {
    status: 200,
    headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": requestId },
    body: JSON.stringify(encodeOutput(output ?? {})),
  };
}
