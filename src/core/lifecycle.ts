/**
 * Long-running parts implement `start()`/`stop()`. A `LifecycleGroup` starts its
 * members in order and stops them in reverse, so a part is stopped before what it
 * depends on.
 */

export interface Lifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
}

export class LifecycleGroup implements Lifecycle {
  private readonly members: Lifecycle[] = [];
  private started: Lifecycle[] = [];

  add<T extends Lifecycle>(member: T): T {
    this.members.push(member);
    return member;
  }

  async start(): Promise<void> {
    for (const m of this.members) {
      await m.start();
      this.started.push(m);
    }
  }

  /** Stops every started member, newest first; reports the first failure after trying all. */
  async stop(): Promise<void> {
    let first: unknown;
    for (const m of [...this.started].reverse()) {
      try {
        await m.stop();
      } catch (err) {
        first ??= err;
      }
    }
    this.started = [];
    if (first !== undefined) throw first instanceof Error ? first : new Error("stop failed", { cause: first });
  }
}
