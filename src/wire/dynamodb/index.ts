/**
 * The DynamoDB and DynamoDB Streams wire protocol: AWS JSON 1.0 over `POST /`, the action
 * named by `X-Amz-Target: DynamoDB_20120810.<Action>` (tables and items) or
 * `DynamoDBStreams_20120810.<Action>` (change records). Requests are handed to the table
 * service as parsed JSON; AttributeValues stay in wire form both ways, so this layer only
 * parses, names unknown actions, and writes replies and errors as DynamoDB does.
 */
import { ServiceError } from "../../core/errors.js";
import type { CallContext } from "../../services/queues/types.js";
import type { WireRequest, WireResponse } from "../types.js";
import { STREAMS_ACTIONS, TABLE_ACTIONS } from "./actions.js";
import { isObject } from "../json-shape.js";
import { jsonReply } from "./json.js";

export { dynamoDbError } from "./errors.js";

export const DYNAMODB_TARGET = "DynamoDB_20120810.";
export const DYNAMODB_STREAMS_TARGET = "DynamoDBStreams_20120810.";

/** DynamoDB takes requests up to 16 MiB (BatchWriteItem, TransactWriteItems at their limits). */
export const DYNAMODB_BODY_LIMIT = 16 * 1024 * 1024;

/** What the wire needs of the table service (src/services/tables/service.ts). */
export interface TableCalls {
  call(action: string, input: Readonly<Record<string, unknown>>, ctx: CallContext): Promise<Record<string, unknown>>;
  callStreams(action: string, input: Readonly<Record<string, unknown>>, ctx: CallContext): Promise<Record<string, unknown>>;
}

export function isDynamoDbTarget(target: string | undefined): boolean {
  return target !== undefined && (target.startsWith(DYNAMODB_TARGET) || target.startsWith(DYNAMODB_STREAMS_TARGET));
}

/** DynamoDB's framework errors carry no message of their own. */
function unknownOperation(): ServiceError {
  return new ServiceError("UnknownOperationException", "");
}

function serialization(message = ""): ServiceError {
  return new ServiceError("SerializationException", message);
}

/** The request as a JSON structure; DynamoDB rejects an empty or non-object body. */
function parseInput(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw serialization();
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw serialization();
  }
  if (!isObject(parsed)) throw serialization("Start of structure or map found where not expected.");
  return parsed;
}

/** The service and action a target names; anything DynamoDB would not know is refused. */
function route(target: string): { streams: boolean; action: string } {
  const streams = target.startsWith(DYNAMODB_STREAMS_TARGET);
  const action = target.slice(streams ? DYNAMODB_STREAMS_TARGET.length : DYNAMODB_TARGET.length);
  if (!(streams ? STREAMS_ACTIONS : TABLE_ACTIONS).has(action)) throw unknownOperation();
  return { streams, action };
}

export async function handleDynamoDb(tables: TableCalls, target: string, req: WireRequest, ctx: CallContext, requestId: string): Promise<WireResponse> {
  const { streams, action } = route(target);
  const input = parseInput(req.body);
  const output = streams ? await tables.callStreams(action, input, ctx) : await tables.call(action, input, ctx);
  return jsonReply(200, requestId, output);
}
