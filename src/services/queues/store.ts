/**
 * The queue store contract: atomic domain operations over queues and their messages.
 * The service decides policy (limits, defaults, redrive targets, deduplication scope);
 * each operation here is one atomic step that the store makes durable before it
 * resolves. A result of `null` means the queue no longer exists.
 *
 * Terms: a message is *visible* when `visibleAt <= now`, *delayed* while it waits out
 * its send delay, *in flight* between a receive and its visibility deadline. Each
 * receive increments `receiveCount`; a receipt handle names (seq, receiveCount), so an
 * older handle no longer matches once the message has been received again.
 *
 * Conventions every backend keeps: queue names list in code-unit order; `onAvailable`
 * listeners of this process have been called by the time the operation that made
 * messages available resolves; queue id 0 in a notification means "any queue".
 */

export interface QueueRecord {
  readonly id: number;
  readonly account: string;
  readonly name: string;
  readonly fifo: boolean;
  /** Settable attributes by their AWS names, with AWS's string values. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdAt: number;
  readonly modifiedAt: number;
}

export interface NewQueue {
  readonly account: string;
  readonly name: string;
  readonly fifo: boolean;
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly retentionMs: number;
  readonly now: number;
  /** A name deleted less than this long ago cannot be reused. */
  readonly recreateAfterMs: number;
}

export type CreateOutcome =
  | { readonly kind: "created"; readonly queue: QueueRecord }
  | { readonly kind: "exists"; readonly queue: QueueRecord }
  | { readonly kind: "deletedRecently" };

export interface NewMessage {
  readonly messageId: string;
  readonly body: string;
  /** Message attributes as JSON (binary values base64), or null. */
  readonly attrs: string | null;
  readonly sysAttrs: string | null;
  readonly md5Body: string;
  readonly md5Attrs: string | null;
  readonly md5Sys: string | null;
  readonly senderId: string;
  readonly delayMs: number;
  readonly groupId: string | null;
  readonly dedupId: string | null;
}

export interface SendArgs {
  readonly queueId: number;
  readonly now: number;
  readonly messages: readonly NewMessage[];
  /** FIFO deduplication: a dedup id seen within `windowMs` (per group if `byGroup`) is not enqueued again. */
  readonly dedup: { readonly byGroup: boolean; readonly windowMs: number } | null;
}

export interface SentMessage {
  readonly messageId: string;
  readonly seq: number;
  /** True when the message was a duplicate: the ids are those of the original. */
  readonly duplicate: boolean;
}

export interface StoredMessage {
  readonly seq: number;
  readonly messageId: string;
  readonly body: string;
  readonly attrs: string | null;
  readonly sysAttrs: string | null;
  readonly md5Body: string;
  readonly md5Attrs: string | null;
  readonly md5Sys: string | null;
  readonly senderId: string;
  readonly sentAt: number;
  readonly receiveCount: number;
  readonly firstReceiveAt: number | null;
  readonly groupId: string | null;
  readonly dedupId: string | null;
  readonly sourceArn: string | null;
}

export interface Redrive {
  readonly dlqId: number;
  readonly maxReceiveCount: number;
  /** ARN of the queue the message leaves, kept as DeadLetterQueueSourceArn. */
  readonly sourceArn: string;
  /** FIFO dead-letter queues restart the retention clock; standard ones keep it. */
  readonly resetEnqueue: boolean;
}

export interface ReceiveArgs {
  readonly queueId: number;
  readonly now: number;
  readonly max: number;
  readonly visibilityMs: number;
  readonly retentionMs: number;
  readonly redrive: Redrive | null;
  /** FIFO ReceiveRequestAttemptId: a retry within `windowMs` gets the same messages back. */
  readonly attempt: { readonly id: string; readonly windowMs: number } | null;
}

export interface Received {
  readonly messages: readonly StoredMessage[];
  /** Messages moved to the dead-letter queue instead of being delivered. */
  readonly moved: number;
  /** Messages found past their retention period and deleted. */
  readonly expired: number;
}

export interface HandleRef {
  readonly seq: number;
  readonly receiveCount: number;
}

/** `stale`: the handle is not the latest one; `expired`: its visibility deadline passed. */
export type DeleteOutcome = "deleted" | "stale" | "expired";

export interface DeleteArgs {
  readonly queueId: number;
  readonly now: number;
  readonly entries: readonly HandleRef[];
  /** FIFO handles stop working when their visibility expires; standard ones keep working. */
  readonly requireInFlight: boolean;
}

export interface VisibilityChange extends HandleRef {
  readonly visibilityMs: number;
}

export interface VisibilityArgs {
  readonly queueId: number;
  readonly now: number;
  readonly entries: readonly VisibilityChange[];
  /** A message may not stay invisible longer than this past the receive that took it. */
  readonly maxTotalMs: number;
}

export type VisibilityOutcome = "changed" | "stale" | "notInFlight" | "tooLong";

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export const MoveTaskStatus = {
  Running: "RUNNING",
  Completed: "COMPLETED",
  Cancelling: "CANCELLING",
  Cancelled: "CANCELLED",
  Failed: "FAILED",
} as const;
export type MoveTaskStatus = (typeof MoveTaskStatus)[keyof typeof MoveTaskStatus];

export interface MoveTask {
  readonly handle: string;
  readonly sourceQueueId: number;
  readonly sourceArn: string;
  readonly destinationArn: string | null;
  /** Messages per second, or null for as fast as the system allows. */
  readonly rate: number | null;
  readonly status: MoveTaskStatus;
  readonly toMove: number;
  readonly moved: number;
  readonly startedAt: number;
  readonly failureReason: string | null;
}

export interface StartMoveArgs {
  readonly handle: string;
  readonly sourceQueueId: number;
  readonly sourceArn: string;
  readonly destinationArn: string | null;
  readonly rate: number | null;
  readonly now: number;
}

export interface MoveStepArgs {
  readonly handle: string;
  readonly now: number;
  readonly limit: number;
}

export interface QueueStore {
  createQueue(queue: NewQueue): Promise<CreateOutcome>;
  getQueue(account: string, name: string): Promise<QueueRecord | null>;
  /** Queues of `account` whose names start with `prefix`, after `after`, by name. */
  listQueues(account: string, prefix: string, after: string | null, limit: number): Promise<QueueRecord[]>;
  updateQueue(id: number, attributes: Readonly<Record<string, string>>, retentionMs: number, now: number): Promise<QueueRecord | null>;
  setTags(id: number, tags: Readonly<Record<string, string>>): Promise<QueueRecord | null>;
  /** Deletes the queue and its messages; remembers the name's deletion time. */
  deleteQueue(id: number, now: number): Promise<boolean>;

  sendMessages(args: SendArgs): Promise<SentMessage[] | null>;
  receiveMessages(args: ReceiveArgs): Promise<Received | null>;
  deleteMessages(args: DeleteArgs): Promise<DeleteOutcome[] | null>;
  changeVisibility(args: VisibilityArgs): Promise<VisibilityOutcome[] | null>;
  /** Deletes every message, unless the last purge was less than `intervalMs` ago. */
  purge(queueId: number, now: number, intervalMs: number): Promise<number | "inProgress" | null>;
  counts(queueId: number, now: number, retentionMs: number): Promise<QueueCounts | null>;
  /** The earliest future time a message of the queue becomes visible (or a FIFO group unblocks); null if none or no queue. */
  nextVisibleAt(queueId: number, now: number): Promise<number | null>;
  /** Deletes expired messages and deduplication entries of every queue. */
  sweep(now: number): Promise<{ expired: number; dedup: number }>;

  startMoveTask(args: StartMoveArgs): Promise<MoveTask | "alreadyRunning" | null>;
  /**
   * Moves up to `limit` visible messages (fewer under the task's rate) for a running
   * task, keeping their sent time; the task completes when a step finds fewer than it
   * could move. Returns the task after the step.
   */
  stepMoveTask(args: MoveStepArgs): Promise<MoveTask | null>;
  cancelMoveTask(handle: string): Promise<MoveTask | null>;
  listMoveTasks(sourceQueueId: number, limit: number): Promise<MoveTask[]>;
  runningMoveTasks(): Promise<MoveTask[]>;

  /** Calls `listener` with a queue id whenever messages may have become available there. */
  onAvailable(listener: (queueId: number) => void): () => void;
  close(): Promise<void>;
}
