/**
 * The QueueStore conformance suite on SQLite: an in-memory database with the writer
 * on the calling thread, and a database file with the writer in a worker thread.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { queueStoreConformance } from "../conformance/queues.js";
import { openSqliteStorage } from "./storage.js";

queueStoreConformance("sqlite :memory:", () => openSqliteStorage({ dataDir: ":memory:" }));

const dir = mkdtempSync(join(tmpdir(), "sluice-queue-conformance-"));
queueStoreConformance(
  "sqlite file, writer thread",
  () => openSqliteStorage({ dataDir: dir, writer: "thread" }),
  () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  { durable: true },
);
