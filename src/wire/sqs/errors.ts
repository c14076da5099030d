/**
 * How SQS errors look on the wire: HTTP status, the Query-protocol code (also sent in
 * the JSON protocol's x-amzn-query-error header) and the JSON `__type` shape name.
 * Codes not listed are client errors with status 400 and the same name everywhere.
 */

import { ServiceError } from "../../core/errors.js";

export interface WireError {
  readonly status: number;
  readonly queryCode: string;
  readonly jsonType: string;
}

/** A request naming an action this endpoint does not serve. */
export class InvalidAction extends ServiceError {
  constructor(message: string) {
    super("InvalidAction", message);
  }
}

const Q = "AWS.SimpleQueueService.";

const TABLE: Record<string, [status: number, queryCode: string, jsonType?: string]> = {
  QueueDoesNotExist: [400, `${Q}NonExistentQueue`],
  QueueNameExists: [400, "QueueAlreadyExists"],
  QueueDeletedRecently: [400, `${Q}QueueDeletedRecently`],
  BatchEntryIdsNotDistinct: [400, `${Q}BatchEntryIdsNotDistinct`],
  BatchRequestTooLong: [400, `${Q}BatchRequestTooLong`],
  EmptyBatchRequest: [400, `${Q}EmptyBatchRequest`],
  InvalidBatchEntryId: [400, `${Q}InvalidBatchEntryId`],
  TooManyEntriesInBatchRequest: [400, `${Q}TooManyEntriesInBatchRequest`],
  MessageNotInflight: [400, `${Q}MessageNotInflight`],
  PurgeQueueInProgress: [403, `${Q}PurgeQueueInProgress`],
  UnsupportedOperation: [400, `${Q}UnsupportedOperation`],
  ReceiptHandleIsInvalid: [404, "ReceiptHandleIsInvalid"],
  InvalidAddress: [404, "InvalidAddress"],
  ResourceNotFoundException: [404, "ResourceNotFoundException"],
  OverLimit: [403, "OverLimit"],
  RequestThrottled: [403, "RequestThrottled"],
  InvalidParameterValue: [400, "InvalidParameterValue", "InvalidParameterValueException"],
  MissingParameter: [400, "MissingParameter", "MissingRequiredParameterException"],
  InvalidClientTokenId: [403, "InvalidClientTokenId"],
  SignatureDoesNotMatch: [403, "SignatureDoesNotMatch"],
  MissingAuthenticationToken: [403, "MissingAuthenticationToken", "MissingAuthenticationTokenException"],
  IncompleteSignature: [400, "IncompleteSignature"],
  RequestExpired: [400, "RequestExpired"],
  XAmzContentSHA256Mismatch: [400, "XAmzContentSHA256Mismatch"],
  RequestEntityTooLarge: [413, "RequestEntityTooLarge"],
  InvalidAction: [400, "InvalidAction", "UnknownOperationException"],
  SerializationException: [400, "SerializationException"],
  InternalError: [500, "InternalError", "InternalFailure"],
};

export function sqsWireError(code: string): WireError {
  const row = TABLE[code];
  if (!row) return { status: 400, queryCode: code, jsonType: code };
  return { status: row[0], queryCode: row[1], jsonType: row[2] ?? code };
}
