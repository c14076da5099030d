/**
 * The errors tables raise, each named by its DynamoDB error code. Messages follow the
 * wording DynamoDB uses, so callers matching on them keep working.
 */
import { ServiceError } from "../../core/errors.js";
import type { AttributeValue, Item } from "./types.js";

export class ValidationException extends ServiceError {
  constructor(message: string) {
    super("ValidationException", message);
  }
}

export class ResourceNotFoundException extends ServiceError {
  constructor(message = "Requested resource not found") {
    super("ResourceNotFoundException", message);
  }
}

export class ResourceInUseException extends ServiceError {
  constructor(message: string) {
    super("ResourceInUseException", message);
  }
}

export class LimitExceededException extends ServiceError {
  constructor(message: string) {
    super("LimitExceededException", message);
  }
}

export class ConditionalCheckFailedException extends ServiceError {
  /** The item as it was, when ReturnValuesOnConditionCheckFailure is ALL_OLD. */
  readonly item: Item | undefined;
  constructor(item?: Item, message = "The conditional request failed") {
    super("ConditionalCheckFailedException", message);
    this.item = item;
  }
}

export interface CancellationReason {
  readonly Code: string;
  readonly Message?: string;
  readonly Item?: Readonly<Record<string, AttributeValue>>;
}

export class TransactionCanceledException extends ServiceError {
  readonly reasons: readonly CancellationReason[];
  constructor(reasons: readonly CancellationReason[]) {
    super("TransactionCanceledException", `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(", ")}]`);
    this.reasons = reasons;
  }
}

export class TransactionConflictException extends ServiceError {
  constructor(message = "Transaction is ongoing for the item") {
    super("TransactionConflictException", message);
  }
}

export class IdempotentParameterMismatchException extends ServiceError {
  constructor(message = "The request uses the same client token as a previous, but non-identical request.") {
    super("IdempotentParameterMismatchException", message);
  }
}

export class ItemCollectionSizeLimitExceededException extends ServiceError {
  constructor(message = "Item collection size limit exceeded") {
    super("ItemCollectionSizeLimitExceededException", message);
  }
}

export class ExpiredIteratorException extends ServiceError {
  constructor(message: string) {
    super("ExpiredIteratorException", message);
  }
}

export class TrimmedDataAccessException extends ServiceError {
  constructor(message: string) {
    super("TrimmedDataAccessException", message);
  }
}

export function tableNotFound(name: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Requested resource not found: Table: ${name} not found`);
}

/** "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: …" */
export function constraint(member: string, value: unknown, rule: string): ValidationException {
  if (value === null || value === undefined) return new ValidationException(`1 validation error detected: Value null at '${member}' failed to satisfy constraint: ${rule}`);
  const shown = typeof value === "string" ? value : (JSON.stringify(value) ?? typeof value);
  const text = shown.length > 128 ? `${shown.slice(0, 128)}…` : shown;
  return new ValidationException(`1 validation error detected: Value '${text}' at '${member}' failed to satisfy constraint: ${rule}`);
}
