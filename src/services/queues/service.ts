/**
 * Queues with SQS's behaviour. `QueueService` is the API: one method per SQS action,
 * taking and returning SQS's shapes, plus the background work (retention sweeps and
 * message move tasks) it starts and stops with the platform.
 *
 * States of a message: *delayed* (sent with a delay that has not passed), *visible*
 * (can be received), *in flight* (received; invisible until its visibility timeout
 * ends, when it is visible again unless deleted). A *receipt handle* names one receive;
 * only the latest one deletes. Past `maxReceiveCount` receives, the next receive moves
 * the message to the dead-letter queue instead. FIFO queues deliver each *message
 * group* in order and hold a group back while any of its messages is in flight.
 */
import type { Clock, Timer } from "../../core/clock.js";
import type { Lifecycle } from "../../core/lifecycle.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import { MetricsRegistry } from "../../core/metrics.js";
import * as ack from "./acknowledge.js";
import { compileOptions, defaultContext, type QueueServiceConfig, type QueueServiceOptions } from "./config.js";
import { QueueDirectory } from "./directory.js";
import { Waiters } from "./long-poll.js";
import * as manage from "./management.js";
import { queueMetrics } from "./metrics.js";
import * as moves from "./moves.js";
import * as receive from "./receive.js";
import * as send from "./send.js";
import type { QueueStore } from "./store.js";
import * as tags from "./tags.js";
import type * as T from "./types.js";

/** The account Sluice's own queues live in; no credentials map to it. */
export const INTERNAL_ACCOUNT = "sluice-internal";

export interface QueueServiceDeps {
  readonly store: QueueStore;
  readonly clock: Clock;
  /** @default a silent logger */
  readonly logger?: Logger;
  /** @default a private registry */
  readonly metrics?: MetricsRegistry;
  readonly options?: QueueServiceOptions;
}

export class QueueService implements Lifecycle {
  readonly config: QueueServiceConfig;
  private readonly deps: receive.ReceiveDeps;
  private readonly runner: moves.MoveTaskRunner;
  private readonly logger: Logger;
  private sweepTimer?: Timer;
  private stopped = true;

  constructor(d: QueueServiceDeps) {
    this.config = compileOptions(d.options);
    this.logger = (d.logger ?? silentLogger()).child({ component: "queues" });
    const directory = new QueueDirectory(d.store, d.clock, this.config);
    this.deps = {
      store: d.store,
      clock: d.clock,
      config: this.config,
      directory,
      metrics: queueMetrics(d.metrics ?? new MetricsRegistry()),
      waiters: new Waiters(d.store, d.clock),
    };
    this.runner = new moves.MoveTaskRunner(d.store, d.clock, this.config.moveTickMs, this.logger);
  }

  /** The context used when a caller gives none: default account, region and endpoint. */
  get defaultContext(): T.CallContext {
    return defaultContext(this.config);
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.runner.start();
    this.armSweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sweepTimer?.cancel();
    await this.runner.stop();
    this.deps.waiters.close();
  }

  /** Removes expired messages and deduplication entries now. */
  async sweep(): Promise<{ expired: number; dedup: number }> {
    return this.deps.store.sweep(this.deps.clock.now());
  }

  /** Steps running message move tasks now (the runner also does so on its own). */
  stepMoveTasks(): Promise<void> {
    return this.runner.tick();
  }

  /**
   * A queue of Sluice's own (asynchronous invocations, for instance): created in an
   * account no caller has, with messages of up to `maxMessageBytes`, beyond SQS's 1 MiB.
   */
  async ensureInternalQueue(name: string, attributes: Record<string, string>, maxMessageBytes: number): Promise<T.CallContext> {
    const ctx: T.CallContext = { ...this.defaultContext, accountId: INTERNAL_ACCOUNT };
    await manage.createInternalQueue(this.deps, name, attributes, maxMessageBytes, ctx);
    return ctx;
  }

  createQueue(input: T.CreateQueueInput, ctx = this.defaultContext): Promise<{ QueueUrl: string }> {
    return manage.createQueue(this.deps, input, ctx);
  }
  deleteQueue(input: T.QueueUrlInput, ctx = this.defaultContext): Promise<void> {
    return manage.deleteQueue(this.deps, input.QueueUrl, ctx);
  }
  getQueueUrl(input: T.GetQueueUrlInput, ctx = this.defaultContext): Promise<{ QueueUrl: string }> {
    return manage.getQueueUrl(this.deps, input, ctx);
  }
  listQueues(input: T.ListQueuesInput = {}, ctx = this.defaultContext): Promise<T.ListQueuesOutput> {
    return manage.listQueues(this.deps, input, ctx);
  }
  getQueueAttributes(input: T.GetQueueAttributesInput, ctx = this.defaultContext): Promise<{ Attributes?: Record<string, string> }> {
    return manage.getQueueAttributes(this.deps, input, ctx);
  }
  setQueueAttributes(input: T.SetQueueAttributesInput, ctx = this.defaultContext): Promise<void> {
    return manage.setQueueAttributes(this.deps, input, ctx);
  }
  listDeadLetterSourceQueues(input: T.ListDeadLetterSourceQueuesInput, ctx = this.defaultContext): Promise<{ queueUrls: string[]; NextToken?: string }> {
    return manage.listDeadLetterSourceQueues(this.deps, input, ctx);
  }
  tagQueue(input: T.TagQueueInput, ctx = this.defaultContext): Promise<void> {
    return tags.tagQueue(this.deps, input, ctx);
  }
  untagQueue(input: T.UntagQueueInput, ctx = this.defaultContext): Promise<void> {
    return tags.untagQueue(this.deps, input, ctx);
  }
  listQueueTags(input: T.QueueUrlInput, ctx = this.defaultContext): Promise<{ Tags?: Record<string, string> }> {
    return tags.listQueueTags(this.deps, input.QueueUrl, ctx);
  }
  addPermission(input: T.AddPermissionInput, ctx = this.defaultContext): Promise<void> {
    return tags.addPermission(this.deps, input, ctx);
  }
  removePermission(input: T.RemovePermissionInput, ctx = this.defaultContext): Promise<void> {
    return tags.removePermission(this.deps, input, ctx);
  }

  sendMessage(input: T.SendMessageInput, ctx = this.defaultContext): Promise<T.SendMessageOutput> {
    return send.sendMessage(this.deps, input, ctx);
  }
  sendMessageBatch(input: T.SendMessageBatchInput, ctx = this.defaultContext): Promise<T.SendMessageBatchOutput> {
    return send.sendMessageBatch(this.deps, input, ctx);
  }
  /** `signal` ends a long poll early (for example when the client goes away). */
  receiveMessage(input: T.ReceiveMessageInput, ctx = this.defaultContext, signal?: AbortSignal): Promise<T.ReceiveMessageOutput> {
    return receive.receiveMessage(this.deps, input, ctx, signal);
  }
  deleteMessage(input: T.DeleteMessageInput, ctx = this.defaultContext): Promise<void> {
    return ack.deleteMessage(this.deps, input, ctx);
  }
  deleteMessageBatch(input: T.DeleteMessageBatchInput, ctx = this.defaultContext): Promise<T.BatchOutput> {
    return ack.deleteMessageBatch(this.deps, input, ctx);
  }
  changeMessageVisibility(input: T.ChangeMessageVisibilityInput, ctx = this.defaultContext): Promise<void> {
    return ack.changeMessageVisibility(this.deps, input, ctx);
  }
  changeMessageVisibilityBatch(input: T.ChangeMessageVisibilityBatchInput, ctx = this.defaultContext): Promise<T.BatchOutput> {
    return ack.changeMessageVisibilityBatch(this.deps, input, ctx);
  }
  purgeQueue(input: T.QueueUrlInput, ctx = this.defaultContext): Promise<void> {
    return ack.purgeQueue(this.deps, input.QueueUrl, ctx);
  }

  startMessageMoveTask(input: T.StartMessageMoveTaskInput): Promise<{ TaskHandle: string }> {
    return moves.startMessageMoveTask(this.deps, input);
  }
  listMessageMoveTasks(input: T.ListMessageMoveTasksInput): Promise<{ Results: T.MessageMoveTaskEntry[] }> {
    return moves.listMessageMoveTasks(this.deps, input);
  }
  cancelMessageMoveTask(input: { TaskHandle: string }): Promise<{ ApproximateNumberOfMessagesMoved: number }> {
    return moves.cancelMessageMoveTask(this.deps, input);
  }

  private armSweep(): void {
    if (this.stopped) return;
    this.sweepTimer = this.deps.clock.setTimer(this.config.sweepIntervalMs, () => {
      void this.sweep()
        .then((r) => {
          if (r.expired) this.logger.info({ expired: r.expired }, "expired messages removed");
        })
        .catch((err: unknown) => this.logger.error({ err }, "queue sweep failed"))
        .finally(() => this.armSweep());
    });
  }
}
