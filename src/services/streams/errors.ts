/**
 * The errors streams raise, each named by its Kinesis error code. Messages follow the
 * wording Kinesis uses, so callers matching on them keep working.
 */
import { ServiceError } from "../../core/errors.js";

export class ResourceNotFoundException extends ServiceError {
  constructor(message: string) {
    super("ResourceNotFoundException", message);
  }
}

export class ResourceInUseException extends ServiceError {
  constructor(message: string) {
    super("ResourceInUseException", message);
  }
}

export class InvalidArgumentException extends ServiceError {
  constructor(message: string) {
    super("InvalidArgumentException", message);
  }
}

/** A member breaks its declared constraint (length, range, pattern), worded as Kinesis words it. */
export class ValidationException extends ServiceError {
  constructor(message: string) {
    super("ValidationException", message);
  }
}

export class LimitExceededException extends ServiceError {
  constructor(message: string) {
    super("LimitExceededException", message);
  }
}

export class ExpiredIteratorException extends ServiceError {
  constructor(message: string) {
    super("ExpiredIteratorException", message);
  }
}

export class ProvisionedThroughputExceededException extends ServiceError {
  constructor(message: string) {
    super("ProvisionedThroughputExceededException", message);
  }
}

export function streamNotFound(name: string, account: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Stream ${name} under account ${account} not found.`);
}

/** "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …" */
export function constraint(member: string, value: unknown, rule: string): ValidationException {
  const shown = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  const text = shown.length > 128 ? `${shown.slice(0, 128)}…` : shown;
  return new ValidationException(`1 validation error detected: Value '${text}' at '${member}' failed to satisfy constraint: ${rule}`);
}
