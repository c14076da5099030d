/**
 * The writer in a worker thread: the event loop never waits for an fsync. Writes are
 * posted to the thread in batches (one message per event-loop turn) and resolve when
 * the thread reports their transaction committed. Reads run on this thread against a
 * second connection, which WAL lets read committed data while the writer writes.
 */
import type { Worker } from "node:worker_threads";
import { siblingModule, spawnWorker } from "../../core/threads.js";
import { openDatabase, type Db, type SqliteOptions } from "./database.js";
import { revive, runRead, type Executor, type OpArgs, type OpRegistry, type OpResult } from "./executor.js";
import type { FromWriter, ToWriter } from "./writer-thread.js";

interface Waiting {
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

function spawnWriter(options: SqliteOptions): Worker {
  return spawnWorker(siblingModule(import.meta.url, "writer-thread"), { workerData: options });
}

export class ThreadExecutor<R extends OpRegistry> implements Executor<R> {
  private readonly waiting = new Map<number, Waiting>();
  private outbox: { id: number; op: string; args: unknown }[] = [];
  private nextId = 1;
  private scheduled = false;
  private closing?: Promise<void>;

  private constructor(
    private readonly worker: Worker,
    private readonly reader: Db,
    private readonly registry: R,
  ) {
    worker.on("message", (msg: FromWriter) => this.onMessage(msg));
    worker.on("error", (err) => this.failAll(err));
  }

  static async open<R extends OpRegistry>(options: SqliteOptions, registry: R): Promise<ThreadExecutor<R>> {
    if (options.dataDir === ":memory:") throw new Error("the writer thread needs a data directory, not :memory:");
    const worker = spawnWriter(options);
    await new Promise<void>((resolve, reject) => {
      worker.once("message", (msg: FromWriter) =>
        msg.t === "ready" ? resolve() : reject(new Error(msg.t === "fatal" ? msg.message : "writer failed")),
      );
      worker.once("error", reject);
    });
    return new ThreadExecutor(worker, openDatabase({ ...options, role: "reader" }), registry);
  }

  write<K extends keyof R & string>(op: K, args: OpArgs<R, K>): Promise<OpResult<R, K>> {
    if (this.closing) return Promise.reject(new Error("store is closed"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.outbox.push({ id, op, args });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.post());
      }
    });
  }

  read<K extends keyof R & string>(op: K, args: OpArgs<R, K>): Promise<OpResult<R, K>> {
    try {
      return Promise.resolve(runRead(this.reader, this.registry, { op, args }) as OpResult<R, K>);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.post();
      this.worker.on("message", (msg: FromWriter) => {
        if (msg.t !== "closed") return;
        this.reader.close();
        void this.worker.terminate().then(() => resolve());
      });
      this.send({ t: "close" });
    });
    return this.closing;
  }

  private post(): void {
    this.scheduled = false;
    if (!this.outbox.length) return;
    const jobs = this.outbox;
    this.outbox = [];
    this.send({ t: "batch", jobs });
  }

  private send(msg: ToWriter): void {
    this.worker.postMessage(msg);
  }

  private onMessage(msg: FromWriter): void {
    if (msg.t === "results") {
      msg.ids.forEach((id, i) => {
        const w = this.waiting.get(id);
        const outcome = msg.outcomes[i];
        if (!w || !outcome) return;
        this.waiting.delete(id);
        if (outcome.ok) w.resolve(outcome.value);
        else w.reject(revive(outcome.error));
      });
    } else if (msg.t === "fatal") {
      this.failAll(new Error(msg.message));
    }
  }

  private failAll(err: unknown): void {
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
  }
}
