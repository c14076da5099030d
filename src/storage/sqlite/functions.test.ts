/**
 * The FunctionStore and MappingStore conformance suites on SQLite: an in-memory
 * database with the writer on the calling thread, and a database file with the writer
 * in a worker thread (which several stores may open at once).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { functionStoreConformance } from "../conformance/functions.js";
import { mappingStoreConformance } from "../conformance/mappings.js";
import { openSqliteStorage } from "./storage.js";

functionStoreConformance("sqlite :memory:", () => openSqliteStorage({ dataDir: ":memory:" }));
mappingStoreConformance("sqlite :memory:", () => openSqliteStorage({ dataDir: ":memory:" }));

const functionsDir = mkdtempSync(join(tmpdir(), "sluice-function-conformance-"));
functionStoreConformance(
  "sqlite file, writer thread",
  () => openSqliteStorage({ dataDir: functionsDir, writer: "thread" }),
  () => Promise.resolve(rmSync(functionsDir, { recursive: true, force: true })),
  { durable: true },
);

const mappingsDir = mkdtempSync(join(tmpdir(), "sluice-mapping-conformance-"));
mappingStoreConformance(
  "sqlite file, writer thread",
  () => openSqliteStorage({ dataDir: mappingsDir, writer: "thread" }),
  () => Promise.resolve(rmSync(mappingsDir, { recursive: true, force: true })),
  { durable: true },
);
