/**
 * Errors that callers can act on. Every error a service raises is a `ServiceError`
 * whose `code` is the AWS error name (for example `QueueDoesNotExist`); only `wire/`
 * turns one into an HTTP response. The outcome of user code is never an Error: it is
 * a plain `Failure` record in Lambda's shape, so it can cross thread boundaries.
 */

/** Who caused the error, as AWS reports it: the caller (`Sender`) or the service (`Receiver`). */
export const Fault = { Sender: "Sender", Receiver: "Receiver" } as const;
export type Fault = (typeof Fault)[keyof typeof Fault];

export class ServiceError extends Error {
  /** The AWS error name, stable across releases. */
  readonly code: string;
  readonly fault: Fault;

  constructor(code: string, message: string, fault: Fault = Fault.Sender) {
    super(message);
    this.name = code;
    this.code = code;
    this.fault = fault;
  }
}

/** A parameter has a value AWS would reject (wrong range, type or form). */
export class InvalidParameterValue extends ServiceError {
  constructor(message: string) {
    super("InvalidParameterValue", message);
  }
}

/** A required parameter is absent. */
export class MissingParameter extends ServiceError {
  constructor(message: string) {
    super("MissingParameter", message);
  }
}

/** The caller asked for something the service does not do. */
export class UnsupportedOperation extends ServiceError {
  constructor(message: string) {
    super("UnsupportedOperation", message);
  }
}

/** Something went wrong inside Sluice; the caller may retry. */
export class InternalError extends ServiceError {
  constructor(message = "We encountered an internal error. Please try again.") {
    super("InternalError", message, Fault.Receiver);
  }
}

/** Lambda's error record for a failed invocation of user code. */
export interface Failure {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

export function isServiceError(value: unknown): value is ServiceError {
  return value instanceof ServiceError;
}
