/**
 * Lambda's REST-JSON routes: (method, path) → action, with path parameters decoded
 * (a FunctionName may be an ARN, sent as `arn%3Aaws%3A…`, or carry `%24LATEST`), the
 * success status of each action, and the request body each action may send.
 */

/** Path prefixes of Lambda's API versions; a request under one of them is Lambda's. */
export const LAMBDA_PREFIXES = [
  "/2015-03-31/",
  "/2017-10-31/",
  "/2019-09-25/",
  "/2019-09-30/",
  "/2016-08-19/",
  // Versions of actions Sluice does not serve yet; they get Lambda's UnknownOperationException.
  "/2014-11-13/",
  "/2020-04-22/",
  "/2020-06-30/",
  "/2021-07-20/",
  "/2021-10-31/",
  "/2021-11-15/",
  "/2024-08-31/",
] as const;

export function isLambdaPath(rawPath: string): boolean {
  return LAMBDA_PREFIXES.some((p) => rawPath.startsWith(p));
}

/** Lambda's limit on a deployment package uploaded in the request: 50 MB, as base64 text. */
export const MAX_CODE_REQUEST_BYTES = 69_905_067;
/** Lambda's limit on a synchronous invocation's request. */
export const MAX_INVOKE_REQUEST_BYTES = 6_291_456;

export interface RouteSpec {
  readonly method: string;
  readonly path: string;
  readonly action: string;
  /** HTTP status of a success. */
  readonly status: number;
  /** Largest request body, when it differs from the endpoint's default. */
  readonly maxBody?: number;
  /** How the action is named in "Request must be smaller than … for the X operation". */
  readonly operation?: string;
}

const FN = "/2015-03-31/functions/{FunctionName}";
const ESM = "/2015-03-31/event-source-mappings";
const EIC = "/2019-09-25/functions/{FunctionName}/event-invoke-config";

export const ROUTES: readonly RouteSpec[] = [
  { method: "POST", path: "/2015-03-31/functions", action: "CreateFunction", status: 201, maxBody: MAX_CODE_REQUEST_BYTES },
  { method: "GET", path: "/2015-03-31/functions", action: "ListFunctions", status: 200 },
  { method: "GET", path: FN, action: "GetFunction", status: 200 },
  { method: "DELETE", path: FN, action: "DeleteFunction", status: 204 },
  { method: "GET", path: `${FN}/configuration`, action: "GetFunctionConfiguration", status: 200 },
  { method: "PUT", path: `${FN}/configuration`, action: "UpdateFunctionConfiguration", status: 200 },
  { method: "PUT", path: `${FN}/code`, action: "UpdateFunctionCode", status: 200, maxBody: MAX_CODE_REQUEST_BYTES },
  { method: "POST", path: `${FN}/invocations`, action: "Invoke", status: 200, maxBody: MAX_INVOKE_REQUEST_BYTES, operation: "InvokeFunction" },
  { method: "PUT", path: "/2017-10-31/functions/{FunctionName}/concurrency", action: "PutFunctionConcurrency", status: 200 },
  { method: "DELETE", path: "/2017-10-31/functions/{FunctionName}/concurrency", action: "DeleteFunctionConcurrency", status: 204 },
  { method: "GET", path: "/2019-09-30/functions/{FunctionName}/concurrency", action: "GetFunctionConcurrency", status: 200 },
  { method: "PUT", path: EIC, action: "PutFunctionEventInvokeConfig", status: 200 },
  { method: "POST", path: EIC, action: "UpdateFunctionEventInvokeConfig", status: 200 },
  { method: "GET", path: EIC, action: "GetFunctionEventInvokeConfig", status: 200 },
  { method: "DELETE", path: EIC, action: "DeleteFunctionEventInvokeConfig", status: 204 },
  { method: "POST", path: ESM, action: "CreateEventSourceMapping", status: 202 },
  { method: "GET", path: ESM, action: "ListEventSourceMappings", status: 200 },
  { method: "GET", path: `${ESM}/{UUID}`, action: "GetEventSourceMapping", status: 200 },
  { method: "PUT", path: `${ESM}/{UUID}`, action: "UpdateEventSourceMapping", status: 202 },
  { method: "DELETE", path: `${ESM}/{UUID}`, action: "DeleteEventSourceMapping", status: 202 },
];

export interface MatchedRoute {
  readonly route: RouteSpec;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
}

/** Path segments; empty ones (a trailing slash, as some SDKs send for List actions) are dropped. */
function segments(path: string): string[] {
  return path.split("/").filter(Boolean);
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const COMPILED = ROUTES.map((route) => ({ route, parts: segments(route.path) }));

function matchParts(parts: readonly string[], given: readonly string[]): Record<string, string> | null {
  if (parts.length !== given.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const want = parts[i] ?? "";
    const got = given[i] ?? "";
    if (want.startsWith("{")) params[want.slice(1, -1)] = decode(got);
    else if (want !== got) return null;
  }
  return params;
}

/** The route a request names, or null (UnknownOperationException). */
export function matchRoute(method: string, rawPath: string): MatchedRoute | null {
  const given = segments(rawPath);
  for (const { route, parts } of COMPILED) {
    if (route.method !== method.toUpperCase()) continue;
    const params = matchParts(parts, given);
    if (params) return { route, params };
  }
  return null;
}

/** The body limit for a request to `rawPath`: Lambda's where it has one, else `fallback`. */
export function lambdaBodyLimit(method: string, rawPath: string, fallback: number): number {
  return matchRoute(method, rawPath)?.route.maxBody ?? fallback;
}
