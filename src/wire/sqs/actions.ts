/**
 * Every SQS action the endpoint serves, by name, as a call on the QueueService. Both
 * wire protocols decode a request into the action's input shape and call through here.
 */
import type { QueueService } from "../../services/queues/service.js";
import type { CallContext } from "../../services/queues/types.js";

/* eslint-disable @typescript-eslint/no-unsafe-argument --
   Inputs arrive decoded but unvalidated; the service checks every member's type itself. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Input = any;
type Action = (q: QueueService, input: Input, ctx: CallContext, signal: AbortSignal) => Promise<unknown>;

export const SQS_ACTIONS: Readonly<Record<string, Action>> = {
  CreateQueue: (q, i, c) => q.createQueue(i, c),
  DeleteQueue: (q, i, c) => q.deleteQueue(i, c),
  GetQueueUrl: (q, i, c) => q.getQueueUrl(i, c),
  ListQueues: (q, i, c) => q.listQueues(i, c),
  GetQueueAttributes: (q, i, c) => q.getQueueAttributes(i, c),
  SetQueueAttributes: (q, i, c) => q.setQueueAttributes(i, c),
  ListDeadLetterSourceQueues: (q, i, c) => q.listDeadLetterSourceQueues(i, c),
  TagQueue: (q, i, c) => q.tagQueue(i, c),
  UntagQueue: (q, i, c) => q.untagQueue(i, c),
  ListQueueTags: (q, i, c) => q.listQueueTags(i, c),
  AddPermission: (q, i, c) => q.addPermission(i, c),
  RemovePermission: (q, i, c) => q.removePermission(i, c),
  SendMessage: (q, i, c) => q.sendMessage(i, c),
  SendMessageBatch: (q, i, c) => q.sendMessageBatch(i, c),
  ReceiveMessage: (q, i, c, s) => q.receiveMessage(i, c, s),
  DeleteMessage: (q, i, c) => q.deleteMessage(i, c),
  DeleteMessageBatch: (q, i, c) => q.deleteMessageBatch(i, c),
  ChangeMessageVisibility: (q, i, c) => q.changeMessageVisibility(i, c),
  ChangeMessageVisibilityBatch: (q, i, c) => q.changeMessageVisibilityBatch(i, c),
  PurgeQueue: (q, i, c) => q.purgeQueue(i, c),
  StartMessageMoveTask: (q, i) => q.startMessageMoveTask(i),
  ListMessageMoveTasks: (q, i) => q.listMessageMoveTasks(i),
  CancelMessageMoveTask: (q, i) => q.cancelMessageMoveTask(i),
};
