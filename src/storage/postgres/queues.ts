/**
 * The queue store on PostgreSQL: the QueueStore contract, one transaction per
 * operation. Operations that may make messages available name the queues to wake;
 * those wake-ups go out with the commit (NOTIFY, for other processes) and to this
 * process's listeners right after it (see notify.ts).
 */
import type {
  CreateOutcome,
  DeleteArgs,
  DeleteOutcome,
  MoveStepArgs,
  MoveTask,
  NewQueue,
  QueueCounts,
  QueueRecord,
  QueueStore,
  Received,
  ReceiveArgs,
  SendArgs,
  SentMessage,
  StartMoveArgs,
  VisibilityArgs,
  VisibilityOutcome,
} from "../../services/queues/store.js";
import { changeVisibility, deleteMessages, purge } from "./ack-ops.js";
import { transaction, type Sql, type Tx } from "./database.js";
import { counts, nextVisibleAt, sweep } from "./housekeeping-ops.js";
import { cancelMoveTask, listMoveTasks, runningMoveTasks, startMoveTask, stepMoveTask } from "./move-ops.js";
import type { Notifier } from "./notify.js";
import { createQueue, deleteQueue, getQueue, listQueues, setTags, updateQueue } from "./queue-ops.js";
import { receiveMessages } from "./receive-ops.js";
import type { Wake } from "./rows.js";
import { sendMessages } from "./send-ops.js";

export class PostgresQueueStore implements QueueStore {
  constructor(
    private readonly sql: Sql,
    private readonly notifier: Notifier,
  ) {}

  createQueue(queue: NewQueue): Promise<CreateOutcome> {
    return this.run((tx) => createQueue(tx, queue));
  }
  getQueue(account: string, name: string): Promise<QueueRecord | null> {
    return getQueue(this.sql, account, name);
  }
  listQueues(account: string, prefix: string, after: string | null, limit: number): Promise<QueueRecord[]> {
    return listQueues(this.sql, { account, prefix, after, limit });
  }
  updateQueue(id: number, attributes: Readonly<Record<string, string>>, retentionMs: number, now: number): Promise<QueueRecord | null> {
    return updateQueue(this.sql, { id, attributes, retentionMs, now });
  }
  setTags(id: number, tags: Readonly<Record<string, string>>): Promise<QueueRecord | null> {
    return setTags(this.sql, id, tags);
  }
  deleteQueue(id: number, now: number): Promise<boolean> {
    return this.run((tx) => deleteQueue(tx, { id, now }));
  }

  sendMessages(args: SendArgs): Promise<SentMessage[] | null> {
    return this.run((tx, wake) => sendMessages(tx, args, wake));
  }
  receiveMessages(args: ReceiveArgs): Promise<Received | null> {
    return this.run((tx, wake) => receiveMessages(tx, args, wake));
  }
  deleteMessages(args: DeleteArgs): Promise<DeleteOutcome[] | null> {
    return this.run((tx, wake) => deleteMessages(tx, args, wake));
  }
  changeVisibility(args: VisibilityArgs): Promise<VisibilityOutcome[] | null> {
    return this.run((tx, wake) => changeVisibility(tx, args, wake));
  }
  purge(queueId: number, now: number, intervalMs: number): Promise<number | "inProgress" | null> {
    return this.run((tx) => purge(tx, { queueId, now, intervalMs }));
  }
  counts(queueId: number, now: number, retentionMs: number): Promise<QueueCounts | null> {
    return counts(this.sql, { queueId, now, retentionMs });
  }
  nextVisibleAt(queueId: number, now: number): Promise<number | null> {
    return nextVisibleAt(this.sql, { queueId, now });
  }
  sweep(now: number): Promise<{ expired: number; dedup: number }> {
    return this.run((tx) => sweep(tx, { now }));
  }

  startMoveTask(args: StartMoveArgs): Promise<MoveTask | "alreadyRunning" | null> {
    return this.run((tx) => startMoveTask(tx, args));
  }
  stepMoveTask(args: MoveStepArgs): Promise<MoveTask | null> {
    return this.run((tx, wake) => stepMoveTask(tx, args, wake));
  }
  cancelMoveTask(handle: string): Promise<MoveTask | null> {
    return this.run((tx) => cancelMoveTask(tx, handle));
  }
  listMoveTasks(sourceQueueId: number, limit: number): Promise<MoveTask[]> {
    return listMoveTasks(this.sql, sourceQueueId, limit);
  }
  runningMoveTasks(): Promise<MoveTask[]> {
    return runningMoveTasks(this.sql);
  }

  onAvailable(listener: (queueId: number) => void): () => void {
    return this.notifier.on(listener);
  }
  close(): Promise<void> {
    return this.notifier.close();
  }

  /** Runs one operation in its own transaction, then wakes the queues it named. */
  private async run<T>(op: (tx: Tx, wake: Wake) => Promise<T>): Promise<T> {
    let wake: Wake = new Set();
    const out = await transaction(this.sql, async (tx) => {
      wake = new Set();
      const result = await op(tx, wake);
      if (wake.size) await this.notifier.publish(tx, wake);
      return result;
    });
    for (const id of wake) this.notifier.emit(id);
    return out;
  }
}
