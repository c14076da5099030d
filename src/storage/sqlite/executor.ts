/**
 * Group commit for the embedded store. Store operations are named functions over a
 * connection (`ops`); the executor runs every write issued in the same turn of the
 * event loop in one transaction, each inside its own savepoint so one failure does
 * not undo its neighbours, and resolves their promises only after COMMIT returns,
 * which with `synchronous=FULL` means after the fsync.
 *
 * Two executors share this contract: `InlineExecutor` runs SQLite on the calling
 * thread; `ThreadExecutor` (thread-executor.ts) runs the writer in a worker thread so
 * fsync stalls stay off the event loop.
 */
import type { Db } from "./database.js";

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Op = (db: Db, args: any) => unknown;
export type OpRegistry = Readonly<Record<string, Op>>;

export type OpArgs<R extends OpRegistry, K extends keyof R> = Parameters<R[K]>[1];
export type OpResult<R extends OpRegistry, K extends keyof R> = ReturnType<R[K]>;

export interface Executor<R extends OpRegistry> {
  /** Runs `op` in the next group-committed transaction. */
  write<K extends keyof R & string>(op: K, args: OpArgs<R, K>): Promise<OpResult<R, K>>;
  /** Runs a read-only `op` against committed data. */
  read<K extends keyof R & string>(op: K, args: OpArgs<R, K>): Promise<OpResult<R, K>>;
  close(): Promise<void>;
}

export interface Job {
  readonly op: string;
  readonly args: unknown;
}

export interface PlainError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
}

export type Outcome = { ok: true; value: unknown } | { ok: false; error: PlainError };

/** Most jobs one transaction takes on the calling thread; more wait for the next. */
export const MAX_BATCH = 4000;

function plain(err: unknown): PlainError {
  if (err instanceof Error) return { name: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { name: "Error", message: String(err) };
}

export function revive(error: PlainError): Error {
  const err = new Error(error.message);
  err.name = error.name;
  if (error.stack) err.stack = error.stack;
  return err;
}

const savepoints = new WeakMap<Db, (fn: () => unknown) => unknown>();

function savepoint(db: Db): (fn: () => unknown) => unknown {
  let sp = savepoints.get(db);
  if (!sp) {
    sp = db.transaction((fn: () => unknown) => fn());
    savepoints.set(db, sp);
  }
  return sp;
}

class BatchAborted extends Error {}

/**
 * Runs `jobs` in one IMMEDIATE transaction; throws only if the commit itself fails.
 * Operations rarely throw, so the batch first runs without per-job savepoints; if one
 * does throw, the whole transaction rolls back and the batch runs again with a
 * savepoint around each job, so only the failing job fails.
 */
export function runBatch(db: Db, registry: OpRegistry, jobs: readonly Job[]): Outcome[] {
  try {
    return db.transaction(() =>
      jobs.map((job): Outcome => {
        const fn = registry[job.op];
        if (!fn) throw new BatchAborted();
        try {
          return { ok: true, value: fn(db, job.args) };
        } catch {
          throw new BatchAborted();
        }
      }),
    ).immediate();
  } catch (err) {
    if (!(err instanceof BatchAborted)) throw err;
  }
  const inner = savepoint(db);
  return db.transaction(() =>
    jobs.map((job): Outcome => {
      const fn = registry[job.op];
      try {
        if (!fn) throw new Error(`unknown store operation ${job.op}`);
        return { ok: true, value: inner(() => fn(db, job.args)) };
      } catch (err) {
        return { ok: false, error: plain(err) };
      }
    }),
  ).immediate();
}

export function runRead(db: Db, registry: OpRegistry, job: Job): unknown {
  const fn = registry[job.op];
  if (!fn) throw new Error(`unknown store operation ${job.op}`);
  return fn(db, job.args);
}

interface Waiting extends Job {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

export class InlineExecutor<R extends OpRegistry> implements Executor<R> {
  private pending: Waiting[] = [];
  private scheduled = false;
  private closed = false;

  constructor(
    private readonly db: Db,
    private readonly registry: R,
  ) {}

  write<K extends keyof R & string>(op: K, args: OpArgs<R, K>): Promise<OpResult<R, K>> {
    if (this.closed) return Promise.reject(new Error("store is closed"));
    return new Promise((resolve, reject) => {
      this.pending.push({ op, args, resolve: resolve as (v: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  read<K extends keyof R & string>(op: K, args: OpArgs<R, K>): Promise<OpResult<R, K>> {
    try {
      return Promise.resolve(runRead(this.db, this.registry, { op, args }) as OpResult<R, K>);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  async close(): Promise<void> {
    while (this.pending.length) this.flush();
    this.closed = true;
    this.db.close();
    return Promise.resolve();
  }

  private flush(): void {
    this.scheduled = false;
    const jobs = this.pending.splice(0, MAX_BATCH);
    if (this.pending.length && !this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (!jobs.length) return;
    let outcomes: Outcome[];
    try {
      outcomes = runBatch(this.db, this.registry, jobs);
    } catch (err) {
      for (const j of jobs) j.reject(err);
      return;
    }
    outcomes.forEach((o, i) => settleJob(jobs[i], o));
  }
}

export function settleJob(job: Waiting | undefined, outcome: Outcome): void {
  if (!job) return;
  if (outcome.ok) job.resolve(outcome.value);
  else job.reject(revive(outcome.error));
}
