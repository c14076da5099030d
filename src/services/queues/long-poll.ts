/**
 * Long polling: receivers wait here until a queue may have messages (the store says
 * so, in this process or, on PostgreSQL, in another), until a message's delay or
 * visibility ends, or until their wait time is over. A generation number per queue
 * closes the gap between an empty receive and the start of the wait.
 */
import type { Clock } from "../../core/clock.js";
import type { QueueStore } from "./store.js";

interface Sleeper {
  readonly queueId: number;
  wake(): void;
}

export class Waiters {
  private readonly generations = new Map<number, number>();
  private everyone = 0;
  private readonly sleepers = new Set<Sleeper>();
  private readonly unsubscribe: () => void;

  constructor(
    store: QueueStore,
    private readonly clock: Clock,
  ) {
    this.unsubscribe = store.onAvailable((id) => this.wake(id));
  }

  generation(queueId: number): number {
    return (this.generations.get(queueId) ?? 0) + this.everyone;
  }

  /** Resolves at `until`, on a wake-up for the queue after `seen`, or when `signal` aborts. */
  wait(queueId: number, seen: number, until: number, signal?: AbortSignal): Promise<void> {
    if (this.generation(queueId) !== seen || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        timer.cancel();
        this.sleepers.delete(sleeper);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const sleeper: Sleeper = { queueId, wake: done };
      const timer = this.clock.setTimer(until - this.clock.now(), done);
      this.sleepers.add(sleeper);
      signal?.addEventListener("abort", done, { once: true });
    });
  }

  /** Queue id 0 wakes every sleeper. */
  wake(queueId: number): void {
    if (queueId === 0) this.everyone++;
    else this.generations.set(queueId, (this.generations.get(queueId) ?? 0) + 1);
    for (const s of [...this.sleepers]) if (queueId === 0 || s.queueId === queueId) s.wake();
  }

  /** Wakes everyone and stops listening (shutdown). */
  close(): void {
    this.unsubscribe();
    for (const s of [...this.sleepers]) s.wake();
  }

  get waiting(): number {
    return this.sleepers.size;
  }
}
