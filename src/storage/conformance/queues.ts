/**
 * The QueueStore conformance suite: one specification of the store contract
 * (src/services/queues/store.ts), run against every backend. It drives the store
 * directly, not through QueueService, with explicit times, so each test pins one
 * documented behaviour. Backends call `queueStoreConformance` from their own test
 * file with a function that opens a Storage. Tests isolate themselves by account,
 * so backends whose `open` returns the same database every time (PostgreSQL, an
 * SQLite file) may share it across the suite.
 */
import { afterAll, afterEach, beforeEach, describe } from "vitest";
import type { Storage } from "../types.js";
import type { Ctx } from "./queue-helpers.js";
import { attemptTests, deleteTests, fifoTests, visibilityTests } from "./queue-flow-tests.js";
import { dedupTests, receiveTests, redriveTests, sendTests } from "./queue-message-tests.js";
import { moveStepTests, moveTaskTests } from "./queue-move-tests.js";
import { listTests, queueRecordTests } from "./queue-record-tests.js";
import { availabilityTests, durabilityTests, purgeAndCountTests, sweepTests } from "./queue-upkeep-tests.js";

export interface ConformanceOptions {
  /** `open` returns the same database each time, so data written before a close is there after. */
  readonly durable?: boolean;
}

export function queueStoreConformance(
  name: string,
  open: () => Promise<Storage>,
  cleanup?: () => Promise<void>,
  options: ConformanceOptions = {},
): void {
  describe(`QueueStore conformance: ${name}`, () => {
    let storage: Storage | undefined;
    const ctx: Ctx = {
      get store() {
        if (!storage) throw new Error("no storage open");
        return storage.queues;
      },
      get storage() {
        if (!storage) throw new Error("no storage open");
        return storage;
      },
      async reopen() {
        await storage?.close();
        storage = await open();
      },
    };
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await storage?.close();
      storage = undefined;
    });
    if (cleanup) afterAll(cleanup);

    queueRecordTests(ctx);
    listTests(ctx);
    sendTests(ctx);
    dedupTests(ctx);
    receiveTests(ctx);
    redriveTests(ctx);
    fifoTests(ctx);
    attemptTests(ctx);
    deleteTests(ctx);
    visibilityTests(ctx);
    purgeAndCountTests(ctx);
    sweepTests(ctx);
    moveTaskTests(ctx);
    moveStepTests(ctx);
    availabilityTests(ctx);
    if (options.durable) durabilityTests(ctx);
  });
}
