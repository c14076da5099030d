/** Test helpers: a stream service on a private in-memory store with a manual clock. */
import { ManualClock } from "../core/clock.js";
import type { StreamServiceOptions } from "../services/streams/config.js";
import { StreamService } from "../services/streams/service.js";
import type { Output } from "../services/streams/types.js";
import { openSqliteStorage } from "../storage/sqlite/storage.js";
import type { Storage } from "../storage/types.js";

export interface StreamHarness {
  readonly clock: ManualClock;
  readonly streams: StreamService;
  readonly storage: Storage;
  /** Calls an action in the default context. */
  call(action: string, input: Record<string, unknown>): Promise<Output>;
  close(): Promise<void>;
}

export async function streamHarness(options: StreamServiceOptions = {}, storage?: Storage): Promise<StreamHarness> {
  const clock = new ManualClock();
  const store = storage ?? (await openSqliteStorage({ dataDir: ":memory:" }));
  const streams = new StreamService({ store: store.streams, clock, options });
  await streams.start();
  return {
    clock,
    streams,
    storage: store,
    call: (action, input) => streams.call(action, input),
    async close() {
      await streams.stop();
      await store.close();
    },
  };
}
