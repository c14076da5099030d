/**
 * The StreamStore conformance suite: one specification of the store contract
 * (src/services/streams/store.ts), run against every backend. It drives the store
 * directly with explicit times. Each test works in a fresh random account, and trims
 * run at times far below every other test's, so backends whose `open` returns the same
 * database every time (PostgreSQL, an SQLite file) may share it across the suite. With
 * `durable`, the suite also reopens the database and races several stores on it.
 */
import type { Storage } from "../types.js";
import type { ConformanceOptions } from "./queues.js";
import { streamRaceTests } from "./stream-race-tests.js";
import { streamRecordIoTests } from "./stream-record-io-tests.js";
import { streamRecordTests } from "./stream-record-tests.js";
import { streamReshardTests } from "./stream-reshard-tests.js";
import { storeSuite } from "./suite.js";

export function streamStoreConformance(
  title: string,
  open: () => Promise<Storage>,
  cleanup?: () => Promise<void>,
  options: ConformanceOptions = {},
): void {
  storeSuite(`StreamStore conformance: ${title}`, (s) => s.streams, open, cleanup, (ctx) => {
    streamRecordTests(ctx);
    streamRecordIoTests(ctx);
    streamReshardTests(ctx);
    streamRaceTests(ctx, options);
  });
}
