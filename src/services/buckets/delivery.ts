/**
 * Delivering notifications from the outbox. Events are written with the change they
 * report (store.ts); this loop leases a batch, hands each to its destination (a queue:
 * SendMessage; a function: an Event invocation, whose retries, maximum event age and
 * destinations are Lambda's own), deletes the delivered ones and retries the rest
 * with a capped backoff. A destination that no longer exists drops its event, as S3
 * does. Leases make it safe for several processes (PostgreSQL) to run the loop.
 */
import type { Clock, Timer } from "../../core/clock.js";
import type { Lifecycle } from "../../core/lifecycle.js";
import type { Logger } from "../../core/logger.js";
import type { BucketStore } from "./store.js";
import type { PendingEvent, TargetKind } from "./types.js";

/** Where notifications go; the platform implements it over its queues and functions. */
export interface Destinations {
  /** Whether the target exists (PutBucketNotificationConfiguration validates with it). */
  exists(kind: TargetKind, arn: string): Promise<boolean>;
  /** Delivers a message; "gone" when the target no longer exists. */
  deliver(kind: TargetKind, arn: string, body: string): Promise<"ok" | "gone">;
}

export interface DeliveryOptions {
  /** How often the outbox is polled when nothing wakes the loop. @default 1000 */
  readonly pollMs?: number;
  /** How long a claimed batch is leased. @default 30000 */
  readonly leaseMs?: number;
  /** Events per batch. @default 100 */
  readonly batch?: number;
  /** Longest wait between attempts of a failing delivery. @default 60000 */
  readonly maxBackoffMs?: number;
}

export class Delivery implements Lifecycle {
  private timer: Timer | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly maxBackoffMs: number;

  constructor(
    private readonly store: BucketStore,
    private readonly destinations: Destinations,
    private readonly clock: Clock,
    private readonly logger: Logger,
    o: DeliveryOptions = {},
  ) {
    this.pollMs = o.pollMs ?? 1000;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.batch = o.batch ?? 100;
    this.maxBackoffMs = o.maxBackoffMs ?? 60_000;
  }

  start(): Promise<void> {
    this.stopped = false;
    this.wake();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    await this.running;
  }

  /** Runs the loop now (after a commit that wrote events). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.timer?.cancel();
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again) {
        this.again = false;
        this.wake();
      } else this.timer = this.clock.setTimer(this.pollMs, () => this.wake());
    });
  }

  /** Waits for a delivery under way, then delivers everything due now. */
  async flush(): Promise<void> {
    await this.running;
    await this.drain();
  }

  /** Delivers everything due now; resolves when the outbox has nothing due. */
  private async drain(): Promise<void> {
    for (;;) {
      let events: PendingEvent[];
      try {
        events = await this.store.claimEvents(this.clock.now(), this.leaseMs, this.batch);
      } catch (err) {
        this.logger.error({ err }, "claiming bucket notifications failed");
        return;
      }
      if (!events.length) return;
      const done: number[] = [];
      await Promise.all(events.map(async (e) => {
        if (await this.deliverOne(e)) done.push(e.id);
      }));
      try {
        if (done.length) await this.store.ackEvents(done);
      } catch (err) {
        // The rows stay leased and are delivered again when the lease ends (at least once).
        this.logger.error({ err }, "acknowledging bucket notifications failed");
        return;
      }
      if (events.length < this.batch || this.stopped) return;
    }
  }

  private async deliverOne(e: PendingEvent): Promise<boolean> {
    try {
      const outcome = await this.destinations.deliver(e.kind, e.target, e.body);
      if (outcome === "gone") this.logger.warn({ target: e.target }, "bucket notification target is gone; event dropped");
      return true;
    } catch (err) {
      const delay = Math.min(this.maxBackoffMs, 1000 * 2 ** Math.min(e.attempts, 16));
      this.logger.warn({ err, target: e.target, attempts: e.attempts + 1 }, "bucket notification delivery failed; will retry");
      await this.store.retryEvent(e.id, this.clock.now() + delay).catch(() => undefined);
      return false;
    }
  }
}
