/**
 * The frame every store conformance suite shares: a Storage opened before each test
 * and closed after it, a way to reopen it (durability checks) and to open more on the
 * same database (concurrency checks).
 */
import { afterAll, afterEach, beforeEach, describe } from "vitest";
import type { Storage } from "../types.js";

export interface StoreCtx<S> {
  readonly store: S;
  reopen(): Promise<void>;
  /** Opens another Storage on the same database; closed after the test. */
  another(): Promise<S>;
}

export function storeSuite<S>(
  title: string,
  pick: (s: Storage) => S,
  open: () => Promise<Storage>,
  cleanup: (() => Promise<void>) | undefined,
  register: (ctx: StoreCtx<S>) => void,
): void {
  describe(title, () => {
    let storage: Storage | undefined;
    let extra: Storage[] = [];
    const ctx: StoreCtx<S> = {
      get store() {
        if (!storage) throw new Error("no storage open");
        return pick(storage);
      },
      async reopen() {
        await storage?.close();
        storage = await open();
      },
      async another() {
        const s = await open();
        extra.push(s);
        return pick(s);
      },
    };
    beforeEach(async () => {
      storage = await open();
    });
    afterEach(async () => {
      await Promise.all(extra.map((s) => s.close()));
      extra = [];
      await storage?.close();
      storage = undefined;
    });
    if (cleanup) afterAll(cleanup);
    register(ctx);
  });
}
