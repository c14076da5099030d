/**
 * DynamoDB's error bodies. DynamoDB names each error with the namespace of the layer that
 * raised it: request parsing and authentication are the framework's
 * (`com.amazon.coral.service#`), input validation its validator's
 * (`com.amazon.coral.validate#`), throttling `com.amazon.coral.availability#`, and the rest
 * the service's own (`com.amazonaws.dynamodb.v20120810#`, which DynamoDB Streams uses too).
 * SDKs match on the part after "#", but some tools compare the whole `__type`, so it is
 * reproduced exactly. All errors are HTTP 400 except the service's own failures (500).
 */
import type { ServiceError } from "../../core/errors.js";
import type { WireResponse } from "../types.js";
import { jsonReply } from "./json.js";

const SERVICE = "com.amazonaws.dynamodb.v20120810#";
const CORAL = "com.amazon.coral.service#";

/** Sluice's shared authentication errors, as DynamoDB names them. */
const AUTH_TYPES: Readonly<Record<string, string>> = {
  MissingAuthenticationToken: `${CORAL}MissingAuthenticationTokenException`,
  IncompleteSignature: `${CORAL}IncompleteSignatureException`,
  InvalidClientTokenId: `${CORAL}UnrecognizedClientException`,
  SignatureDoesNotMatch: `${CORAL}InvalidSignatureException`,
  RequestExpired: `${CORAL}InvalidSignatureException`,
  XAmzContentSHA256Mismatch: `${CORAL}InvalidSignatureException`,
};

/** Errors raised outside the DynamoDB service proper, with their namespaces. */
const FRAMEWORK_TYPES: Readonly<Record<string, string>> = {
  SerializationException: `${CORAL}SerializationException`,
  UnknownOperationException: `${CORAL}UnknownOperationException`,
  AccessDeniedException: `${CORAL}AccessDeniedException`,
  RequestEntityTooLarge: `${CORAL}RequestEntityTooLargeException`,
  ValidationException: "com.amazon.coral.validate#ValidationException",
  ThrottlingException: "com.amazon.coral.availability#ThrottlingException",
};

/** The `__type` DynamoDB gives an error; failures inside Sluice are InternalServerError. */
export function dynamoDbErrorType(err: ServiceError): string {
  if (err.fault === "Receiver") return `${SERVICE}${err.code === "ServiceUnavailable" ? "ServiceUnavailable" : "InternalServerError"}`;
  return AUTH_TYPES[err.code] ?? FRAMEWORK_TYPES[err.code] ?? `${SERVICE}${err.code}`;
}

function statusOf(err: ServiceError): number {
  if (err.fault === "Receiver") return err.code === "ServiceUnavailable" ? 503 : 500;
  return err.code === "RequestEntityTooLarge" ? 413 : 400;
}

/** Members some errors carry besides the message: the old item, the cancellation reasons. */
function extraMembers(err: ServiceError): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if (err.code === "ConditionalCheckFailedException" && "item" in err && err.item !== undefined) extra["Item"] = err.item;
  if (err.code === "TransactionCanceledException" && "reasons" in err && Array.isArray(err.reasons)) extra["CancellationReasons"] = err.reasons;
  return extra;
}

/**
 * DynamoDB writes `message`, except in the two errors whose model names the member
 * `Message` (SerializationException, TransactionCanceledException); SDKs read either,
 * but hand-written clients read the one DynamoDB sends.
 */
const CAPITALISED = new Set(["SerializationException", "TransactionCanceledException"]);

/**
 * The error as DynamoDB writes it. The framework's own SerializationException and
 * UnknownOperationException come without a message when there is none to give.
 */
export function dynamoDbError(err: ServiceError, requestId: string): WireResponse {
  const body: Record<string, unknown> = { __type: dynamoDbErrorType(err) };
  if (err.message) body[CAPITALISED.has(err.code) ? "Message" : "message"] = err.message;
  Object.assign(body, extraMembers(err));
  return jsonReply(statusOf(err), requestId, body);
}
