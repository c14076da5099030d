/**
 * Lambda's control-plane actions: each takes the request's path parameters, query and
 * body to the service method of the same name and returns its output (the JSON body of
 * the response), or nothing for actions that answer 204.
 */
import type { MappingService } from "../../services/event-sources/service.js";
import type * as E from "../../services/event-sources/types.js";
import type { FunctionService } from "../../services/functions/service.js";
import type * as F from "../../services/functions/types.js";
import type { CallContext } from "../../services/queues/types.js";
import { validationError } from "../../services/functions/errors.js";
import { bodyInput, queryInt, type Schema } from "./input.js";
import * as S from "./shapes.js";

export interface LambdaServices {
  readonly functions: FunctionService;
  readonly mappings: MappingService;
}

export interface Call {
  readonly services: LambdaServices;
  readonly params: Readonly<Record<string, string>>;
  readonly query: ReadonlyMap<string, string>;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly ctx: CallContext;
}

export type Action = (c: Call) => Promise<unknown>;

function fn(c: Call): string {
  return c.params["FunctionName"] ?? "";
}

/** The function named by the path, with ?Qualifier= when given. */
export function qualified(c: Call): { FunctionName: string; Qualifier?: string } {
  const q = c.query.get("Qualifier");
  return q ? { FunctionName: fn(c), Qualifier: q } : { FunctionName: fn(c) };
}

function body<T>(c: Call, schema: Schema): T {
  return bodyInput(c.body, schema) as T;
}

function page(c: Call): { Marker?: string; MaxItems?: number } {
  const marker = c.query.get("Marker");
  const max = queryInt(c.query, "MaxItems", "maxItems");
  return { ...(marker ? { Marker: marker } : {}), ...(max !== undefined ? { MaxItems: max } : {}) };
}

function listFunctions(c: Call): Promise<unknown> {
  const version = c.query.get("FunctionVersion");
  if (version !== undefined && version !== "ALL") {
    throw validationError(version, "functionVersion", "Member must satisfy enum value set: [ALL]");
  }
  return c.services.functions.listFunctions(page(c), c.ctx);
}

function listMappings(c: Call): Promise<unknown> {
  const arn = c.query.get("EventSourceArn");
  const name = c.query.get("FunctionName");
  const input: E.ListEventSourceMappingsInput = { ...page(c), ...(arn ? { EventSourceArn: arn } : {}), ...(name ? { FunctionName: name } : {}) };
  return c.services.mappings.listEventSourceMappings(input, c.ctx);
}

function eventInvokeConfig(c: Call): F.PutEventInvokeConfigInput {
  return { ...body<Omit<F.PutEventInvokeConfigInput, "FunctionName">>(c, S.EVENT_INVOKE_CONFIG), ...qualified(c) };
}

function uuid(c: Call): string {
  return c.params["UUID"] ?? "";
}

export const ACTIONS: Readonly<Record<string, Action>> = {
  CreateFunction: (c) => c.services.functions.createFunction(body<F.CreateFunctionInput>(c, S.CREATE_FUNCTION), c.ctx),
  ListFunctions: listFunctions,
  GetFunction: (c) => c.services.functions.getFunction(qualified(c), c.ctx),
  GetFunctionConfiguration: (c) => c.services.functions.getFunctionConfiguration(qualified(c), c.ctx),
  DeleteFunction: (c) => c.services.functions.deleteFunction(qualified(c), c.ctx),
  UpdateFunctionCode: (c) =>
    c.services.functions.updateFunctionCode({ ...body<Omit<F.UpdateFunctionCodeInput, "FunctionName">>(c, S.UPDATE_FUNCTION_CODE), FunctionName: fn(c) }, c.ctx),
  UpdateFunctionConfiguration: (c) =>
    c.services.functions.updateFunctionConfiguration(
      { ...body<Omit<F.UpdateFunctionConfigurationInput, "FunctionName">>(c, S.UPDATE_FUNCTION_CONFIGURATION), FunctionName: fn(c) },
      c.ctx,
    ),
  PutFunctionConcurrency: (c) =>
    c.services.functions.putFunctionConcurrency({ ...body<{ ReservedConcurrentExecutions: number }>(c, S.PUT_CONCURRENCY), FunctionName: fn(c) }, c.ctx),
  GetFunctionConcurrency: (c) => c.services.functions.getFunctionConcurrency({ FunctionName: fn(c) }, c.ctx),
  DeleteFunctionConcurrency: (c) => c.services.functions.deleteFunctionConcurrency({ FunctionName: fn(c) }, c.ctx),
  PutFunctionEventInvokeConfig: (c) => c.services.functions.putFunctionEventInvokeConfig(eventInvokeConfig(c), c.ctx),
  UpdateFunctionEventInvokeConfig: (c) => c.services.functions.updateFunctionEventInvokeConfig(eventInvokeConfig(c), c.ctx),
  GetFunctionEventInvokeConfig: (c) => c.services.functions.getFunctionEventInvokeConfig(qualified(c), c.ctx),
  DeleteFunctionEventInvokeConfig: (c) => c.services.functions.deleteFunctionEventInvokeConfig(qualified(c), c.ctx),
  CreateEventSourceMapping: (c) => c.services.mappings.createEventSourceMapping(body<E.CreateEventSourceMappingInput>(c, S.CREATE_MAPPING), c.ctx),
  ListEventSourceMappings: listMappings,
  GetEventSourceMapping: (c) => c.services.mappings.getEventSourceMapping({ UUID: uuid(c) }, c.ctx),
  UpdateEventSourceMapping: (c) =>
    c.services.mappings.updateEventSourceMapping({ ...body<Omit<E.UpdateEventSourceMappingInput, "UUID">>(c, S.UPDATE_MAPPING), UUID: uuid(c) }, c.ctx),
  DeleteEventSourceMapping: (c) => c.services.mappings.deleteEventSourceMapping({ UUID: uuid(c) }, c.ctx),
};
