/**
 * Dead-letter queue redrive: StartMessageMoveTask, ListMessageMoveTasks and
 * CancelMessageMoveTask, and the runner that steps running tasks on the clock.
 * A task's progress lives in the store, so a restart resumes it.
 */
import type { Clock, Timer } from "../../core/clock.js";
import { InvalidParameterValue } from "../../core/errors.js";
import { uuid } from "../../core/ids.js";
import type { Lifecycle } from "../../core/lifecycle.js";
import type { Logger } from "../../core/logger.js";
import { optionalInt, optionalString, requireString } from "../../core/validate.js";
import type { QueueDeps, ResolvedQueue } from "./directory.js";
import { ResourceNotFoundException } from "./errors.js";
import { parseQueueArn } from "./names.js";
import { parseRedrivePolicy } from "./redrive-policy.js";
import { MoveTaskStatus, type MoveTask, type QueueStore } from "./store.js";
import type { ListMessageMoveTasksInput, MessageMoveTaskEntry, StartMessageMoveTaskInput } from "./types.js";

/** Messages one step moves at most when no rate is set. @default 1000 */
const UNLIMITED_STEP = 1000;

async function queueByArn(d: QueueDeps, arn: string, param: string): Promise<ResolvedQueue> {
  const ref = parseQueueArn(arn);
  if (!ref) {
    throw new InvalidParameterValue(
      `You must use this format to specify the ${param}: arn:<partition>:<service>:<region>:<account-id>:<resource-id>`,
    );
  }
  const q = await d.directory.find(ref);
  if (!q) throw new ResourceNotFoundException(`The resource that you specified for the ${param} parameter doesn't exist.`);
  return q;
}

async function isDeadLetterQueue(d: QueueDeps, dlq: ResolvedQueue): Promise<boolean> {
  let after: string | null = null;
  for (;;) {
    const batch = await d.store.listQueues(dlq.ref.account, "", after, 1000);
    for (const r of batch) {
      const raw = r.attributes["RedrivePolicy"];
      const target = raw ? parseQueueArn(parseRedrivePolicy(raw).deadLetterTargetArn) : null;
      if (target?.account === dlq.ref.account && target.name === dlq.ref.name) return true;
    }
    const last = batch.at(-1);
    if (batch.length < 1000 || !last) return false;
    after = last.name;
  }
}

function encodeHandle(sourceArn: string): string {
  return Buffer.from(JSON.stringify({ taskId: uuid(), sourceArn })).toString("base64");
}

function checkHandle(handle: string): void {
  try {
    const parsed = JSON.parse(Buffer.from(handle, "base64").toString("utf8")) as { taskId?: unknown };
    if (typeof parsed.taskId === "string") return;
  } catch {
    // falls through to the error below
  }
  throw new InvalidParameterValue("Value for parameter TaskHandle is invalid.");
}

export async function startMessageMoveTask(d: QueueDeps, input: StartMessageMoveTaskInput): Promise<{ TaskHandle: string }> {
  const sourceArn = requireString(input.SourceArn, "SourceArn");
  const source = await queueByArn(d, sourceArn, "SourceArn");
  const destinationArn = optionalString(input.DestinationArn, "DestinationArn") ?? null;
  const rate = optionalInt(input.MaxNumberOfMessagesPerSecond, "MaxNumberOfMessagesPerSecond", 1, 500,
    "You must enter a number that's between 1 and 500.") ?? null;
  if (destinationArn !== null) {
    const dest = await queueByArn(d, destinationArn, "DestinationArn");
    if (dest.record.id === source.record.id) throw new InvalidParameterValue("Source queue arn and destination queue arn cannot be the same.");
    if (dest.record.fifo !== source.record.fifo) throw new InvalidParameterValue("The source queue and destination queue must be of the same queue type.");
  }
  if (!(await isDeadLetterQueue(d, source))) throw new InvalidParameterValue("Source queue must be configured as a Dead Letter Queue.");
  const handle = encodeHandle(sourceArn);
  const task = await d.store.startMoveTask({ handle, sourceQueueId: source.record.id, sourceArn, destinationArn, rate, now: d.clock.now() });
  if (task === null) throw new ResourceNotFoundException("The resource that you specified for the SourceArn parameter doesn't exist.");
  if (task === "alreadyRunning") {
    throw new InvalidParameterValue("There is already a task running. Only one active task is allowed for a source queue arn at a given time.");
  }
  return { TaskHandle: handle };
}

export async function cancelMessageMoveTask(d: QueueDeps, input: { TaskHandle: string }): Promise<{ ApproximateNumberOfMessagesMoved: number }> {
  const handle = requireString(input.TaskHandle, "TaskHandle");
  checkHandle(handle);
  const task = await d.store.cancelMoveTask(handle);
  if (!task) throw new ResourceNotFoundException("Task does not exist.");
  if (task.status !== MoveTaskStatus.Cancelled) throw new InvalidParameterValue("Only a running task can be cancelled.");
  return { ApproximateNumberOfMessagesMoved: task.moved };
}

function entry(t: MoveTask): MessageMoveTaskEntry {
  return {
    ...(t.status === MoveTaskStatus.Running ? { TaskHandle: t.handle } : {}),
    Status: t.status,
    SourceArn: t.sourceArn,
    ...(t.destinationArn ? { DestinationArn: t.destinationArn } : {}),
    ...(t.rate !== null ? { MaxNumberOfMessagesPerSecond: t.rate } : {}),
    ApproximateNumberOfMessagesMoved: t.moved,
    ApproximateNumberOfMessagesToMove: t.toMove,
    ...(t.failureReason ? { FailureReason: t.failureReason } : {}),
    StartedTimestamp: t.startedAt,
  };
}

export async function listMessageMoveTasks(d: QueueDeps, input: ListMessageMoveTasksInput): Promise<{ Results: MessageMoveTaskEntry[] }> {
  const source = await queueByArn(d, requireString(input.SourceArn, "SourceArn"), "SourceArn");
  const max = optionalInt(input.MaxResults, "MaxResults", 1, 10, "You must enter a number that's between 1 and 10.") ?? 1;
  const tasks = await d.store.listMoveTasks(source.record.id, max);
  return { Results: tasks.map(entry) };
}

/** Steps every running move task once per tick. */
export class MoveTaskRunner implements Lifecycle {
  private timer?: Timer;
  private running = false;
  private stopped = true;

  constructor(
    private readonly store: QueueStore,
    private readonly clock: Clock,
    private readonly tickMs: number,
    private readonly logger: Logger,
  ) {}

  start(): Promise<void> {
    this.stopped = false;
    this.arm();
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    return Promise.resolve();
  }

  /** Runs one step of every running task now. */
  async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (const task of await this.store.runningMoveTasks()) {
        const after = await this.store.stepMoveTask({ handle: task.handle, now: this.clock.now(), limit: UNLIMITED_STEP });
        if (after && after.status !== MoveTaskStatus.Running) {
          this.logger.info({ task: after.handle, status: after.status, moved: after.moved }, "message move task ended");
        }
      }
    } catch (err) {
      this.logger.error({ err }, "message move step failed");
    } finally {
      this.running = false;
    }
  }

  private arm(): void {
    if (this.stopped) return;
    this.timer = this.clock.setTimer(this.tickMs, () => {
      void this.tick().finally(() => this.arm());
    });
  }
}
