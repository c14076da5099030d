/** Lambda's errors, named as on the wire (x-amzn-ErrorType). */
import { Fault, ServiceError } from "../../core/errors.js";

export class ResourceNotFoundException extends ServiceError {
  constructor(message: string) {
    super("ResourceNotFoundException", message);
  }
}

export class ResourceConflictException extends ServiceError {
  constructor(message: string) {
    super("ResourceConflictException", message);
  }
}

export class InvalidParameterValueException extends ServiceError {
  constructor(message: string) {
    super("InvalidParameterValueException", message);
  }
}

/** Constraint violations the front end reports ("1 validation error detected: …"). */
export class ValidationException extends ServiceError {
  constructor(message: string) {
    super("ValidationException", message);
  }
}

export const ThrottleReason = {
  Concurrent: "ConcurrentInvocationLimitExceeded",
  Reserved: "ReservedFunctionConcurrentInvocationLimitExceeded",
} as const;
export type ThrottleReason = (typeof ThrottleReason)[keyof typeof ThrottleReason];

export class TooManyRequestsException extends ServiceError {
  constructor(readonly reason: ThrottleReason) {
    super("TooManyRequestsException", "Rate Exceeded.");
  }
}

export class RequestTooLargeException extends ServiceError {
  constructor(message: string) {
    super("RequestEntityTooLargeException", message);
  }
}

export class InvalidRequestContentException extends ServiceError {
  constructor(message: string) {
    super("InvalidRequestContentException", message);
  }
}

export class PreconditionFailedException extends ServiceError {
  constructor() {
    super(
      "PreconditionFailedException",
      "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id",
    );
  }
}

export class InvalidZipFileException extends ServiceError {
  constructor(message: string) {
    super("InvalidZipFileException", message, Fault.Receiver);
  }
}

/** "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …" */
export function validationError(value: unknown, member: string, constraint: string): ValidationException {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return new ValidationException(
    `1 validation error detected: Value '${(text ?? "null").slice(0, 256)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
}
