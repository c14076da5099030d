/**
 * The queue API's shapes. Member names and meanings are SQS's own (see the SQS API
 * reference), so that code written against the AWS SDK reads the same here and the
 * wire layer passes shapes through unchanged.
 */

export interface CallContext {
  /** The caller's account. @default "000000000000" */
  readonly accountId: string;
  /** The region ARNs are minted in. @default "us-east-1" */
  readonly region: string;
  /** Scheme, host and port queue URLs start with. @default "http://127.0.0.1:4566" */
  readonly baseUrl: string;
  /** Reported as the SenderId system attribute. @default the account id */
  readonly senderId?: string;
}

export interface MessageAttributeValue {
  DataType: string;
  StringValue?: string;
  BinaryValue?: Uint8Array;
  StringListValues?: string[];
  BinaryListValues?: Uint8Array[];
}

export type MessageAttributeMap = Record<string, MessageAttributeValue>;

export interface CreateQueueInput {
  QueueName: string;
  Attributes?: Record<string, string>;
  tags?: Record<string, string>;
}

export interface QueueUrlInput {
  QueueUrl: string;
}

export interface GetQueueUrlInput {
  QueueName: string;
  QueueOwnerAWSAccountId?: string;
}

export interface ListQueuesInput {
  QueueNamePrefix?: string;
  NextToken?: string;
  MaxResults?: number;
}

export interface ListQueuesOutput {
  QueueUrls?: string[];
  NextToken?: string;
}

export interface GetQueueAttributesInput extends QueueUrlInput {
  AttributeNames?: string[];
}

export interface SetQueueAttributesInput extends QueueUrlInput {
  Attributes: Record<string, string>;
}

export interface TagQueueInput extends QueueUrlInput {
  Tags: Record<string, string>;
}

export interface UntagQueueInput extends QueueUrlInput {
  TagKeys: string[];
}

export interface AddPermissionInput extends QueueUrlInput {
  Label: string;
  AWSAccountIds: string[];
  Actions: string[];
}

export interface RemovePermissionInput extends QueueUrlInput {
  Label: string;
}

export interface SendMessageInput extends QueueUrlInput {
  MessageBody: string;
  DelaySeconds?: number;
  MessageAttributes?: MessageAttributeMap;
  MessageSystemAttributes?: MessageAttributeMap;
  MessageDeduplicationId?: string;
  MessageGroupId?: string;
}

export interface SendMessageOutput {
  MessageId: string;
  MD5OfMessageBody: string;
  MD5OfMessageAttributes?: string;
  MD5OfMessageSystemAttributes?: string;
  SequenceNumber?: string;
}

export interface SendMessageBatchEntry extends Omit<SendMessageInput, "QueueUrl"> {
  Id: string;
}

export interface BatchResultErrorEntry {
  Id: string;
  SenderFault: boolean;
  Code: string;
  Message?: string;
}

export interface SendMessageBatchInput extends QueueUrlInput {
  Entries: SendMessageBatchEntry[];
}

export interface SendMessageBatchOutput {
  Successful: (SendMessageOutput & { Id: string })[];
  Failed: BatchResultErrorEntry[];
}

export interface ReceiveMessageInput extends QueueUrlInput {
  /** @deprecated by SQS in favour of MessageSystemAttributeNames; both are honoured. */
  AttributeNames?: string[];
  MessageSystemAttributeNames?: string[];
  MessageAttributeNames?: string[];
  /** 1 to 10. @default 1 */
  MaxNumberOfMessages?: number;
  /** 0 to 43200 seconds. @default the queue's VisibilityTimeout */
  VisibilityTimeout?: number;
  /** 0 to 20 seconds. @default the queue's ReceiveMessageWaitTimeSeconds */
  WaitTimeSeconds?: number;
  ReceiveRequestAttemptId?: string;
}

export interface Message {
  MessageId: string;
  ReceiptHandle: string;
  MD5OfBody: string;
  Body: string;
  Attributes?: Record<string, string>;
  MD5OfMessageAttributes?: string;
  MessageAttributes?: MessageAttributeMap;
}

export interface ReceiveMessageOutput {
  Messages?: Message[];
}

export interface DeleteMessageInput extends QueueUrlInput {
  ReceiptHandle: string;
}

export interface DeleteMessageBatchInput extends QueueUrlInput {
  Entries: { Id: string; ReceiptHandle: string }[];
}

export interface BatchOutput {
  Successful: { Id: string }[];
  Failed: BatchResultErrorEntry[];
}

export interface ChangeMessageVisibilityInput extends QueueUrlInput {
  ReceiptHandle: string;
  VisibilityTimeout: number;
}

export interface ChangeMessageVisibilityBatchInput extends QueueUrlInput {
  Entries: { Id: string; ReceiptHandle: string; VisibilityTimeout?: number }[];
}

export interface ListDeadLetterSourceQueuesInput extends QueueUrlInput {
  NextToken?: string;
  MaxResults?: number;
}

export interface StartMessageMoveTaskInput {
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
}

export interface ListMessageMoveTasksInput {
  SourceArn: string;
  /** 1 to 10. @default 1 */
  MaxResults?: number;
}

export interface MessageMoveTaskEntry {
  TaskHandle?: string;
  Status: string;
  SourceArn: string;
  DestinationArn?: string;
  MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  ApproximateNumberOfMessagesToMove: number;
  FailureReason?: string;
  StartedTimestamp: number;
}
