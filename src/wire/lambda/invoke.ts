/**
 * Invoke: the raw request body is the event; X-Amz-Invocation-Type, X-Amz-Log-Type and
 * X-Amz-Client-Context are the options; the answer's status is 200 (RequestResponse),
 * 202 (Event) or 204 (DryRun), with the function's result or error as the raw body and
 * X-Amz-Function-Error, X-Amz-Log-Result and X-Amz-Executed-Version headers.
 */
import { validationError } from "../../services/functions/errors.js";
import type { InvokeInput } from "../../services/functions/types.js";
import type { WireResponse } from "../types.js";
import { qualified, type Call } from "./actions.js";

const LOG_TYPES = ["None", "Tail"];

export async function invoke(c: Call): Promise<WireResponse> {
  const logType = c.headers["x-amz-log-type"];
  if (logType !== undefined && !LOG_TYPES.includes(logType)) {
    throw validationError(logType, "logType", "Member must satisfy enum value set: [Tail, None]");
  }
  const type = c.headers["x-amz-invocation-type"];
  const context = c.headers["x-amz-client-context"];
  const input: InvokeInput = {
    ...qualified(c),
    Payload: c.body,
    // The service checks the value against Lambda's enum.
    ...(type !== undefined ? { InvocationType: type as InvokeInput["InvocationType"] } : {}),
    ...(logType !== undefined ? { LogType: logType as InvokeInput["LogType"] } : {}),
    ...(context !== undefined ? { ClientContext: context } : {}),
  };
  const out = await c.services.functions.invoke(input, c.ctx);
  const headers: Record<string, string> = { "x-amzn-RequestId": out.RequestId };
  if (out.ExecutedVersion) headers["X-Amz-Executed-Version"] = out.ExecutedVersion;
  if (out.FunctionError) headers["X-Amz-Function-Error"] = out.FunctionError;
  if (out.LogResult !== undefined) headers["X-Amz-Log-Result"] = out.LogResult;
  if (out.StatusCode !== 200) return { status: out.StatusCode, headers, body: "" };
  return { status: 200, headers: { ...headers, "Content-Type": "application/json" }, body: out.Payload ?? "" };
}
