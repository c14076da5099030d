/**
 * Lambda's REST-JSON protocol: routes a request by method and path to its action,
 * runs it against the function and mapping services, and answers with the action's
 * status and JSON (Invoke answers with the function's raw payload). Errors are thrown
 * as ServiceErrors; `lambdaError` turns them into Lambda's error responses.
 */
import type { CallContext } from "../../services/queues/types.js";
import type { WireRequest, WireResponse } from "../types.js";
import { ACTIONS, type Call, type LambdaServices } from "./actions.js";
import { UnknownOperationException } from "./errors.js";
import { queryParams } from "./input.js";
import { invoke } from "./invoke.js";
import { matchRoute } from "./routes.js";

export type { LambdaServices } from "./actions.js";

export async function handleLambda(services: LambdaServices, wire: WireRequest, ctx: CallContext, requestId: string): Promise<WireResponse> {
  const matched = matchRoute(wire.method, wire.rawPath);
  if (!matched) throw new UnknownOperationException(wire.method, wire.rawPath);
  const call: Call = { services, params: matched.params, query: queryParams(wire.rawQuery), headers: wire.headers, body: wire.body, ctx };
  if (matched.route.action === "Invoke") return invoke(call);
  const run = ACTIONS[matched.route.action];
  if (!run) throw new UnknownOperationException(wire.method, wire.rawPath);
  const output = await run(call);
  const status = matched.route.status;
  if (status === 204) return { status, headers: { "x-amzn-RequestId": requestId }, body: "" };
  return {
    status,
    headers: { "Content-Type": "application/json", "x-amzn-RequestId": requestId },
    body: JSON.stringify(output ?? {}),
  };
}
