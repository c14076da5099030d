/**
 * The TableStore conformance suite on SQLite: an in-memory database with the writer
 * on the calling thread, and a database file with the writer in a worker thread (which
 * several stores may open at once).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tableStoreConformance } from "../conformance/tables.js";
import { openSqliteStorage } from "./storage.js";

tableStoreConformance("sqlite :memory:", () => openSqliteStorage({ dataDir: ":memory:" }));

const dir = mkdtempSync(join(tmpdir(), "sluice-table-conformance-"));
tableStoreConformance(
  "sqlite file, writer thread",
  () => openSqliteStorage({ dataDir: dir, writer: "thread" }),
  () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  { durable: true },
);
