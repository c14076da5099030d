/**
 * The AWS Query protocol for SQS, as older SDKs and CLIs speak it: form parameters
 * (`Action=SendMessage&Version=2012-11-05&QueueUrl=…&MessageBody=…`, lists and maps as
 * `Name.N…`) in a POST body or a GET query string, answered with XML in the namespace
 * http://queue.amazonaws.com/doc/2012-11-05/. The request may be sent to a queue's URL
 * (`POST /<account>/<name>`), which then stands in for a missing QueueUrl parameter.
 */
import type { ServiceError } from "../../core/errors.js";
import type { QueueService } from "../../services/queues/service.js";
import type { CallContext } from "../../services/queues/types.js";
import type { WireResponse } from "../types.js";
import { SQS_ACTIONS } from "./actions.js";
import { InvalidAction, sqsWireError } from "./errors.js";
import { decodeQueryInput } from "./query-input.js";
import { encodeQueryError, encodeQueryResponse, hasQueryOutput } from "./query-output.js";

const CONTENT_TYPE = "text/xml";

/** The service's wording, and the one the Query protocol has always used for it. */
const JSON_NO_QUEUE = "The specified queue does not exist.";
const QUERY_NO_QUEUE = "The specified queue does not exist for this wsdl version.";

function invalidAction(action: string | undefined): InvalidAction {
  return new InvalidAction(
    action ? `The action ${action.slice(0, 256)} is not valid for this endpoint.` : "The request must contain the parameter Action.",
  );
}

function firstValue(params: readonly (readonly [string, string])[], name: string): string | undefined {
  for (const [k, v] of params) if (k === name) return v;
  return undefined;
}

/**
 * Handles one Query-protocol SQS request. `params` are the decoded form/query pairs
 * (Action, Version, …); `pathQueueUrl` is the URL of the queue named by the request
 * path (POST /<account>/<name>), if any, used when no QueueUrl parameter is given.
 * Failures are thrown as ServiceErrors, for the caller to answer with `queryError`.
 */
export async function handleSqsQuery(
  queues: QueueService,
  params: readonly [string, string][],
  pathQueueUrl: string | undefined,
  ctx: CallContext,
  signal: AbortSignal,
  requestId: string,
): Promise<WireResponse> {
  const action = firstValue(params, "Action");
  const run = action !== undefined && Object.hasOwn(SQS_ACTIONS, action) ? SQS_ACTIONS[action] : undefined;
  const input = action === undefined ? undefined : decodeQueryInput(action, params, pathQueueUrl);
  if (action === undefined || !run || !input || !hasQueryOutput(action)) throw invalidAction(action);
  const output = await run(queues, input, ctx, signal);
  return {
    status: 200,
    headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": requestId },
    body: encodeQueryResponse(action, output ?? {}, requestId),
  };
}

/** An error in the Query protocol's XML form (ErrorResponse with Type, Code = the Query code from sqsWireError, Message, Detail; RequestId). */
export function queryError(err: ServiceError, requestId: string): WireResponse {
  const w = sqsWireError(err.code);
  const message = err.code === "QueueDoesNotExist" && err.message === JSON_NO_QUEUE ? QUERY_NO_QUEUE : err.message;
  return {
    status: w.status,
    headers: { "content-type": CONTENT_TYPE, "x-amzn-requestid": requestId },
    body: encodeQueryError(err.fault, w.queryCode, message, requestId),
  };
}
