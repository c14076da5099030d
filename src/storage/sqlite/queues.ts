/** The queue store on SQLite: the QueueStore contract over the group-commit executor. */
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
import type { Executor } from "./executor.js";
import type { SqliteOps } from "./ops.js";

type Listener = (queueId: number) => void;

export class SqliteQueueStore implements QueueStore {
  private readonly listeners = new Set<Listener>();

  constructor(private readonly exec: Executor<SqliteOps>) {}

  createQueue(queue: NewQueue): Promise<CreateOutcome> {
    return this.exec.write("queues.create", queue);
  }
  getQueue(account: string, name: string): Promise<QueueRecord | null> {
    return this.exec.read("queues.get", { account, name });
  }
  listQueues(account: string, prefix: string, after: string | null, limit: number): Promise<QueueRecord[]> {
    return this.exec.read("queues.list", { account, prefix, after, limit });
  }
  updateQueue(id: number, attributes: Record<string, string>, retentionMs: number, now: number): Promise<QueueRecord | null> {
    return this.exec.write("queues.update", { id, attributes, retentionMs, now });
  }
  setTags(id: number, tags: Record<string, string>): Promise<QueueRecord | null> {
    return this.exec.write("queues.setTags", { id, tags });
  }
  deleteQueue(id: number, now: number): Promise<boolean> {
    return this.exec.write("queues.delete", { id, now });
  }

  async sendMessages(args: SendArgs): Promise<SentMessage[] | null> {
    const sent = await this.exec.write("messages.send", args);
    if (sent) this.emit(args.queueId);
    return sent;
  }
  async receiveMessages(args: ReceiveArgs): Promise<Received | null> {
    const got = await this.exec.write("messages.receive", args);
    if (got?.moved && args.redrive) this.emit(args.redrive.dlqId);
    return got;
  }
  async deleteMessages(args: DeleteArgs): Promise<DeleteOutcome[] | null> {
    const out = await this.exec.write("messages.delete", args);
    // Deleting a FIFO group's in-flight head releases the rest of the group.
    if (args.requireInFlight && out?.includes("deleted")) this.emit(args.queueId);
    return out;
  }
  async changeVisibility(args: VisibilityArgs): Promise<VisibilityOutcome[] | null> {
    const out = await this.exec.write("messages.changeVisibility", args);
    if (out?.includes("changed")) this.emit(args.queueId);
    return out;
  }
  purge(queueId: number, now: number, intervalMs: number): Promise<number | "inProgress" | null> {
    return this.exec.write("messages.purge", { queueId, now, intervalMs });
  }
  counts(queueId: number, now: number, retentionMs: number): Promise<QueueCounts | null> {
    return this.exec.read("queues.counts", { queueId, now, retentionMs });
  }
  nextVisibleAt(queueId: number, now: number): Promise<number | null> {
    return this.exec.read("queues.nextVisibleAt", { queueId, now });
  }
  sweep(now: number): Promise<{ expired: number; dedup: number }> {
    return this.exec.write("queues.sweep", { now });
  }

  startMoveTask(args: StartMoveArgs): Promise<MoveTask | "alreadyRunning" | null> {
    return this.exec.write("moves.start", args);
  }
  async stepMoveTask(args: MoveStepArgs): Promise<MoveTask | null> {
    const task = await this.exec.write("moves.step", args);
    this.emit(0);
    return task;
  }
  cancelMoveTask(handle: string): Promise<MoveTask | null> {
    return this.exec.write("moves.cancel", { handle });
  }
  listMoveTasks(sourceQueueId: number, limit: number): Promise<MoveTask[]> {
    return this.exec.read("moves.list", { sourceQueueId, limit });
  }
  runningMoveTasks(): Promise<MoveTask[]> {
    return this.exec.read("moves.running", undefined);
  }

  onAvailable(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }

  /** Queue id 0 means "any queue". */
  private emit(queueId: number): void {
    for (const l of this.listeners) l(queueId);
  }
}
