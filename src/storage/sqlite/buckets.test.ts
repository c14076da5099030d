/**
 * The BucketStore conformance suite on SQLite: an in-memory database with the writer
 * on the calling thread, and a database file with the writer in a worker thread.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bucketStoreConformance } from "../conformance/buckets.js";
import { openSqliteStorage } from "./storage.js";

bucketStoreConformance("sqlite :memory:", () => openSqliteStorage({ dataDir: ":memory:" }));

const dir = mkdtempSync(join(tmpdir(), "sluice-bucket-conformance-"));
bucketStoreConformance(
  "sqlite file, writer thread",
  () => openSqliteStorage({ dataDir: dir, writer: "thread" }),
  () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  { durable: true },
);
