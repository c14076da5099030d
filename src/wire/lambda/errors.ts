/**
 * How Lambda's errors look on the wire: the HTTP status, the `x-amzn-ErrorType` header,
 * and a JSON body `{"Type":"User","Message":…}` whose message member is spelled as
 * Lambda's model spells it for that exception (`Message` or `message`). Front-end
 * errors (ValidationException, signature failures, unknown operations) carry only
 * `message`. Throttles add `Reason`.
 */
import { Fault, ServiceError } from "../../core/errors.js";
import type { WireResponse } from "../types.js";
import { matchRoute } from "./routes.js";

type Casing = "Message" | "message";

interface Shape {
  readonly status: number;
  /** The message member's name. */
  readonly casing: Casing;
  /** The name on the wire, when it differs from the error's code. */
  readonly wireName?: string;
  /** Errors the front end raises have no `Type`. */
  readonly untyped?: true;
}

const M = "Message";
const m = "message";

/** Lambda's exceptions as modeled (status and message member), and front-end errors. */
const SHAPES: Record<string, Shape> = {
  CodeSigningConfigNotFoundException: { status: 404, casing: M },
  CodeStorageExceededException: { status: 400, casing: m },
  CodeVerificationFailedException: { status: 400, casing: M },
  EC2AccessDeniedException: { status: 502, casing: M },
  EC2ThrottledException: { status: 502, casing: M },
  EC2UnexpectedException: { status: 502, casing: M },
  ENILimitReachedException: { status: 502, casing: M },
  InvalidCodeSignatureException: { status: 400, casing: M },
  InvalidParameterValueException: { status: 400, casing: m },
  InvalidRequestContentException: { status: 400, casing: m },
  InvalidRuntimeException: { status: 502, casing: M },
  InvalidZipFileException: { status: 502, casing: M },
  NoPublishedVersionException: { status: 400, casing: M },
  PolicyLengthExceededException: { status: 400, casing: m },
  PreconditionFailedException: { status: 412, casing: m },
  ProvisionedConcurrencyConfigNotFoundException: { status: 404, casing: m },
  RecursiveInvocationException: { status: 400, casing: M },
  RequestTooLargeException: { status: 413, casing: m },
  // What Lambda actually sends for RequestTooLargeException.
  RequestEntityTooLargeException: { status: 413, casing: m },
  ResourceConflictException: { status: 409, casing: m },
  ResourceInUseException: { status: 400, casing: M },
  ResourceNotFoundException: { status: 404, casing: M },
  ResourceNotReadyException: { status: 502, casing: m },
  ServiceException: { status: 500, casing: M },
  SnapStartNotReadyException: { status: 409, casing: M },
  TooManyRequestsException: { status: 429, casing: m },
  UnsupportedMediaTypeException: { status: 415, casing: m },
  // Raised by the front end, not modeled.
  ValidationException: { status: 400, casing: m, untyped: true },
  UnknownOperationException: { status: 404, casing: m, untyped: true },
  // Errors of the platform's other parts, in Lambda's names.
  InternalError: { status: 500, casing: M, wireName: "ServiceException" },
  InvalidParameterValue: { status: 400, casing: m, wireName: "InvalidParameterValueException" },
  MissingParameter: { status: 400, casing: m, wireName: "InvalidParameterValueException" },
  // Signature checks, as AWS's JSON front end names them.
  MissingAuthenticationToken: { status: 403, casing: m, wireName: "MissingAuthenticationTokenException", untyped: true },
  InvalidClientTokenId: { status: 403, casing: m, wireName: "UnrecognizedClientException", untyped: true },
  SignatureDoesNotMatch: { status: 403, casing: m, wireName: "InvalidSignatureException", untyped: true },
  RequestExpired: { status: 403, casing: m, wireName: "InvalidSignatureException", untyped: true },
  IncompleteSignature: { status: 400, casing: m, wireName: "IncompleteSignatureException", untyped: true },
  XAmzContentSHA256Mismatch: { status: 400, casing: m, untyped: true },
};

/** A request for a route Lambda does not have (or Sluice does not serve yet). */
export class UnknownOperationException extends ServiceError {
  constructor(method: string, path: string) {
    super("UnknownOperationException", `Unknown operation: ${method} ${path}`);
  }
}

function shapeOf(err: ServiceError): Shape {
  return SHAPES[err.code] ?? { status: err.fault === Fault.Receiver ? 500 : 400, casing: m };
}

/** The body reader's refusal, said as Lambda says it for the route. */
function tooLarge(err: ServiceError, route?: { method: string; rawPath: string }): ServiceError {
  const matched = route ? matchRoute(route.method, route.rawPath) : null;
  if (!matched?.route.maxBody) return new ServiceError("RequestEntityTooLargeException", err.message);
  const op = matched.route.operation ?? matched.route.action;
  return new ServiceError("RequestEntityTooLargeException", `Request must be smaller than ${matched.route.maxBody} bytes for the ${op} operation`);
}

/**
 * `err` as Lambda's error response. `route` (the request's method and raw path) lets
 * an oversized body be reported with the limit of the action it was meant for.
 */
export function lambdaError(err: ServiceError, requestId: string, route?: { method: string; rawPath: string }): WireResponse {
  const e = err.code === "RequestEntityTooLarge" ? tooLarge(err, route) : err;
  const shape = shapeOf(e);
  const name = shape.wireName ?? e.code;
  const body: Record<string, unknown> = {};
  if (!shape.untyped) body["Type"] = shape.status >= 500 ? "Service" : "User";
  body[shape.casing] = e.message;
  const reason = (e as { reason?: unknown }).reason;
  if (e.code === "TooManyRequestsException" && typeof reason === "string") body["Reason"] = reason;
  return {
    status: shape.status,
    headers: { "Content-Type": "application/json", "x-amzn-RequestId": requestId, "x-amzn-ErrorType": name },
    body: JSON.stringify(body),
  };
}
