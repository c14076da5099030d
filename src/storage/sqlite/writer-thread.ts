/**
 * Entry point of the writer worker thread (see thread-executor.ts). It owns the only
 * writing connection, collects the jobs that arrive while it commits, and runs each
 * collection as one group-committed transaction.
 */
import { parentPort, workerData } from "node:worker_threads";
import { openDatabase, type SqliteOptions } from "./database.js";
import { runBatch, type Job, type Outcome } from "./executor.js";
import { sqliteOps } from "./ops.js";

interface IdJob extends Job {
  readonly id: number;
}

export type ToWriter = { t: "batch"; jobs: IdJob[] } | { t: "close" };
export type FromWriter =
  | { t: "ready" }
  | { t: "results"; ids: number[]; outcomes: Outcome[] }
  | { t: "fatal"; message: string }
  | { t: "closed" };

function main(port: NonNullable<typeof parentPort>, options: SqliteOptions): void {
  const db = openDatabase(options);
  const maxBatch = options.threadBatch ?? 16;
  const pending: IdJob[] = [];
  let scheduled = false;
  const send = (msg: FromWriter): void => port.postMessage(msg);

  const flush = (): void => {
    scheduled = false;
    const jobs = pending.splice(0, maxBatch);
    if (pending.length) schedule();
    if (!jobs.length) return;
    try {
      send({ t: "results", ids: jobs.map((j) => j.id), outcomes: runBatch(db, sqliteOps, jobs) });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const outcome: Outcome = { ok: false, error: { name: "Error", message } };
      send({ t: "results", ids: jobs.map((j) => j.id), outcomes: jobs.map(() => outcome) });
    }
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  port.on("message", (msg: ToWriter) => {
    if (msg.t === "batch") {
      for (const j of msg.jobs) pending.push(j);
      schedule();
      return;
    }
    while (pending.length) flush();
    db.close();
    send({ t: "closed" });
    port.close();
  });
  send({ t: "ready" });
}

if (parentPort) {
  try {
    main(parentPort, workerData as SqliteOptions);
  } catch (err) {
    parentPort.postMessage({ t: "fatal", message: err instanceof Error ? err.message : String(err) });
  }
}
