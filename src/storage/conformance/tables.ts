/**
 * The TableStore conformance suite: one specification of the store contract
 * (src/services/tables/store.ts), run against every backend. It drives the store
 * directly with explicit times and sees the whole Storage, so change records can go to
 * real streams. Each test works in fresh tables of a random account, and lookups that
 * span tables (expired items, token trims) use times far below every other test's, so
 * backends whose `open` returns the same database every time (PostgreSQL, an SQLite
 * file) may share it across the suite. With `durable`, the suite also reopens the
 * database and races several stores on it.
 */
import type { Storage } from "../types.js";
import type { ConformanceOptions } from "./queues.js";
import { storeSuite } from "./suite.js";
import { tableItemTests } from "./table-item-tests.js";
import { tableQueryTests } from "./table-query-tests.js";
import { tableRaceTests } from "./table-race-tests.js";
import { tableRecordTests } from "./table-record-tests.js";
import { tableScanTests } from "./table-scan-tests.js";
import { tableWriteTests } from "./table-write-tests.js";

export function tableStoreConformance(
  title: string,
  open: () => Promise<Storage>,
  cleanup?: () => Promise<void>,
  options: ConformanceOptions = {},
): void {
  storeSuite(`TableStore conformance: ${title}`, (s) => s, open, cleanup, (ctx) => {
    tableRecordTests(ctx);
    tableItemTests(ctx);
    tableWriteTests(ctx);
    tableQueryTests(ctx);
    tableScanTests(ctx);
    tableRaceTests(ctx, options);
  });
}
