/**
 * The errors queues raise, each named by its code in the AWS JSON protocol. The wire
 * layer knows their Query-protocol names (AWS.SimpleQueueService.NonExistentQueue…).
 */
import { ServiceError } from "../../core/errors.js";

export class QueueDoesNotExist extends ServiceError {
  constructor(message = "The specified queue does not exist.") {
    super("QueueDoesNotExist", message);
  }
}

export class QueueNameExists extends ServiceError {
  constructor(message: string) {
    super("QueueNameExists", message);
  }
}

export class QueueDeletedRecently extends ServiceError {
  constructor(
    message = "You must wait 60 seconds after deleting a queue before you can create another with the same name.",
  ) {
    super("QueueDeletedRecently", message);
  }
}

export class InvalidAttributeName extends ServiceError {
  constructor(message: string) {
    super("InvalidAttributeName", message);
  }
}

export class InvalidAttributeValue extends ServiceError {
  constructor(message: string) {
    super("InvalidAttributeValue", message);
  }
}

export class ReceiptHandleIsInvalid extends ServiceError {
  constructor(message: string) {
    super("ReceiptHandleIsInvalid", message);
  }
}

export class MessageNotInflight extends ServiceError {
  constructor(message = "The message referred to isn't in flight.") {
    super("MessageNotInflight", message);
  }
}

export class PurgeQueueInProgress extends ServiceError {
  constructor(message: string) {
    super("PurgeQueueInProgress", message);
  }
}

export class InvalidMessageContents extends ServiceError {
  constructor(message: string) {
    super("InvalidMessageContents", message);
  }
}

export class TooManyEntriesInBatchRequest extends ServiceError {
  constructor(message: string) {
    super("TooManyEntriesInBatchRequest", message);
  }
}

export class EmptyBatchRequest extends ServiceError {
  constructor(message: string) {
    super("EmptyBatchRequest", message);
  }
}

export class BatchEntryIdsNotDistinct extends ServiceError {
  constructor(message: string) {
    super("BatchEntryIdsNotDistinct", message);
  }
}

export class BatchRequestTooLong extends ServiceError {
  constructor(message: string) {
    super("BatchRequestTooLong", message);
  }
}

export class InvalidBatchEntryId extends ServiceError {
  constructor(message: string) {
    super("InvalidBatchEntryId", message);
  }
}

export class OverLimit extends ServiceError {
  constructor(message: string) {
    super("OverLimit", message);
  }
}

export class ResourceNotFoundException extends ServiceError {
  constructor(message: string) {
    super("ResourceNotFoundException", message);
  }
}

export class InvalidAddress extends ServiceError {
  constructor(message: string) {
    super("InvalidAddress", message);
  }
}
