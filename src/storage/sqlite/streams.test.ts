/**
 * The StreamStore conformance suite on SQLite: an in-memory database with the writer
 * on the calling thread, and a database file with the writer in a worker thread (which
 * several stores may open at once).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { streamStoreConformance } from "../conformance/streams.js";
import { openSqliteStorage } from "./storage.js";

streamStoreConformance("sqlite :memory:", () => openSqliteStorage({ dataDir: ":memory:" }));

const dir = mkdtempSync(join(tmpdir(), "sluice-stream-conformance-"));
streamStoreConformance(
  "sqlite file, writer thread",
  () => openSqliteStorage({ dataDir: dir, writer: "thread" }),
  () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  { durable: true },
);
