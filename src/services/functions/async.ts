/**
 * Asynchronous invocation (InvocationType Event): each function has a durable internal
 * queue; a consumer per function runs its events with Lambda's rules. A function error
 * is retried after 1 minute, then 2 minutes (MaximumRetryAttempts, default 2); a throttle
 * is retried with backoff (1 s doubling to 5 min) without using an attempt; an event
 * older than MaximumEventAgeInSeconds (default 6 h) is dropped. Outcomes go to the
 * configured destinations and the dead-letter queue. Retries are new internal messages
 * carrying the attempt count, so a crash repeats at most the attempt in progress.
 */
import type { Clock } from "../../core/clock.js";
import type { Failure } from "../../core/errors.js";
import type { Lifecycle } from "../../core/lifecycle.js";
import type { Logger } from "../../core/logger.js";
import type { QueueService } from "../queues/service.js";
import type { CallContext } from "../queues/types.js";
import { Condition, deadLetter, deliver, destinationRecord, type Delivery, type Outcome } from "./destinations.js";
import { TooManyRequestsException } from "./errors.js";
import type { Invoker } from "./invoker.js";
import { functionArn } from "./names.js";
import { MAX_ASYNC_PAYLOAD } from "./payload.js";
import type { FunctionRecord, FunctionStore } from "./store.js";

interface AsyncEvent {
  readonly v: 1;
  readonly requestId: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly payload: string;
  /** Function errors so far. */
  readonly attempts: number;
  readonly throttles: number;
  readonly firstAt: number;
}

export interface AsyncDeps {
  readonly store: FunctionStore;
  readonly queues: QueueService;
  readonly invoker: Invoker;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly invokeAsync: Delivery["invokeAsync"];
}

/** Consumers run at most this many of one function's events at once. @default 10 */
const PER_FUNCTION = 10;

function queueName(account: string, name: string): string {
  return `${account}-${name}`;
}

export class AsyncInvoker implements Lifecycle {
  private readonly consumers = new Map<string, AbortController>();
  private ctx?: CallContext;
  private stopped = true;

  constructor(private readonly d: AsyncDeps) {}

  async start(): Promise<void> {
    this.stopped = false;
    const ctx = await this.context();
    const { QueueUrls = [] } = await this.d.queues.listQueues({}, ctx);
    for (const url of QueueUrls) this.consume(url.split("/").at(-1) ?? "");
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const c of this.consumers.values()) c.abort();
    this.consumers.clear();
    return Promise.resolve();
  }

  /** Queues an event; with reserved concurrency 0 it fails at once, without retries. */
  async enqueue(r: FunctionRecord, region: string, requestId: string, payload: string): Promise<void> {
    const ev: AsyncEvent = { v: 1, requestId, account: r.account, region, name: r.name, payload, attempts: 0, throttles: 0, firstAt: this.d.clock.now() };
    if (r.reservedConcurrency === 0) {
      await this.finish(r, ev, Condition.RetriesExhausted, 0, undefined);
      return;
    }
    await this.put(ev, 0);
    this.consume(queueName(r.account, r.name));
  }

  private async context(): Promise<CallContext> {
    this.ctx ??= { ...this.d.queues.defaultContext, accountId: "sluice-internal" };
    return Promise.resolve(this.ctx);
  }

  private async put(ev: AsyncEvent, delaySeconds: number): Promise<void> {
    const name = queueName(ev.account, ev.name);
    const ctx = await this.d.queues.ensureInternalQueue(name, { MessageRetentionPeriod: "86400" }, MAX_ASYNC_PAYLOAD + 64 * 1024);
    await this.d.queues.sendMessage({ QueueUrl: name, MessageBody: JSON.stringify(ev), DelaySeconds: delaySeconds }, ctx);
  }

  private consume(queue: string): void {
    if (this.stopped || !queue || this.consumers.has(queue)) return;
    const ac = new AbortController();
    this.consumers.set(queue, ac);
    void this.loop(queue, ac.signal).catch((err: unknown) => {
      this.d.logger.error({ err, queue }, "asynchronous invocation consumer stopped");
      this.consumers.delete(queue);
    });
  }

  private async loop(queue: string, signal: AbortSignal): Promise<void> {
    const ctx = await this.context();
    const running = new Set<Promise<void>>();
    while (!signal.aborted) {
      if (running.size >= PER_FUNCTION) {
        await Promise.race(running);
        continue;
      }
      const { Messages = [] } = await this.d.queues.receiveMessage(
        { QueueUrl: queue, MaxNumberOfMessages: Math.min(10, PER_FUNCTION - running.size), WaitTimeSeconds: 20, VisibilityTimeout: 960 },
        ctx,
        signal,
      );
      for (const m of Messages) {
        const p = this.handle(queue, m.Body, m.ReceiptHandle, ctx).catch((err: unknown) => this.d.logger.error({ err, queue }, "asynchronous invocation failed"));
        running.add(p);
        void p.finally(() => running.delete(p));
      }
    }
    await Promise.all(running);
  }

  private async handle(queue: string, body: string, receipt: string, ctx: CallContext): Promise<void> {
    const ev = JSON.parse(body) as AsyncEvent;
    const r = await this.d.store.getFunction(ev.account, ev.name);
    if (r) await this.attempt(r, ev);
    await this.d.queues.deleteMessage({ QueueUrl: queue, ReceiptHandle: receipt }, ctx);
  }

  private async attempt(r: FunctionRecord, ev: AsyncEvent): Promise<void> {
    const maxRetries = r.invokeConfig?.maximumRetryAttempts ?? 2;
    const maxAgeMs = (r.invokeConfig?.maximumEventAgeInSeconds ?? 21_600) * 1000;
    const age = (): number => this.d.clock.now() - ev.firstAt;
    if (age() >= maxAgeMs) return this.finish(r, ev, Condition.EventAgeExceeded, ev.attempts, undefined);
    let outcome;
    try {
      await this.d.invoker.prepare(r);
      outcome = await this.d.invoker.run(r, ev.region, { requestId: ev.requestId, event: ev.payload, invokedFunctionArn: functionArn(ev) });
    } catch (err) {
      if (!(err instanceof TooManyRequestsException)) throw err;
      const delay = Math.min(2 ** ev.throttles, 300);
      if (age() + delay * 1000 >= maxAgeMs) return this.finish(r, ev, Condition.EventAgeExceeded, ev.attempts, undefined);
      return this.put({ ...ev, throttles: ev.throttles + 1 }, delay);
    }
    const attempts = ev.attempts + 1;
    if (!outcome.failure) return this.finish(r, ev, Condition.Success, attempts, { text: outcome.payload ?? "null" });
    const delay = attempts === 1 ? 60 : 120;
    if (attempts > maxRetries) return this.finish(r, ev, Condition.RetriesExhausted, attempts, { failure: outcome.failure });
    if (age() + delay * 1000 >= maxAgeMs) return this.finish(r, ev, Condition.EventAgeExceeded, attempts, { failure: outcome.failure });
    return this.put({ ...ev, attempts }, delay);
  }

  private async finish(r: FunctionRecord, ev: AsyncEvent, condition: Condition, count: number, response: { text: string } | { failure: Failure } | undefined): Promise<void> {
    const failure = response && "failure" in response ? response.failure : undefined;
    const o: Outcome = {
      requestId: ev.requestId,
      account: ev.account,
      region: ev.region,
      name: ev.name,
      condition,
      invokeCount: count,
      payload: ev.payload,
      failed: condition !== Condition.Success,
      ...(response ? { response: "text" in response ? response.text : JSON.stringify(response.failure) } : {}),
    };
    const delivery: Delivery = { queues: this.d.queues, invokeAsync: this.d.invokeAsync, ctx: { ...this.d.queues.defaultContext, accountId: ev.account, region: ev.region } };
    const target = condition === Condition.Success ? r.invokeConfig?.onSuccess : r.invokeConfig?.onFailure;
    if (target) await this.send(() => deliver(delivery, target, destinationRecord(o, this.d.clock.now())), target, ev);
    if (o.failed && r.deadLetterTarget) await this.send(() => deadLetter(delivery, r.deadLetterTarget ?? "", o, failure), r.deadLetterTarget, ev);
    this.d.logger.info({ fn: ev.name, requestId: ev.requestId, condition, attempts: count }, "asynchronous invocation finished");
  }

  private async send(fn: () => Promise<boolean>, target: string, ev: AsyncEvent): Promise<void> {
    try {
      if (!(await fn())) this.d.logger.warn({ fn: ev.name, target }, "destination type is not supported; record dropped");
    } catch (err) {
      this.d.logger.error({ err, fn: ev.name, target }, "could not deliver to destination");
    }
  }
}
