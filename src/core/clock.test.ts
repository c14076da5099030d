import { describe, expect, it } from "vitest";
import { ManualClock, SystemClock } from "./clock.js";

describe("ManualClock", () => {
  it("fires due timers in time order, and only when advanced", async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    clock.setTimer(30, () => fired.push("b"));
    clock.setTimer(10, () => fired.push("a"));
    clock.setTimer(30, () => fired.push("c"));
    await clock.advance(9);
    expect(fired).toEqual([]);
    await clock.advance(21);
    expect(fired).toEqual(["a", "b", "c"]);
    expect(clock.now()).toBe(30);
  });

  it("sets the time a timer fires at as now while it runs, and runs timers they schedule", async () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.setTimer(10, () => {
      seen.push(clock.now());
      clock.setTimer(5, () => seen.push(clock.now()));
    });
    await clock.advance(100);
    expect(seen).toEqual([10, 15]);
  });

  it("does not fire cancelled timers; sleep resolves on advance or abort", async () => {
    const clock = new ManualClock(0);
    let fired = false;
    clock.setTimer(5, () => (fired = true)).cancel();
    const slept = clock.sleep(50);
    const ac = new AbortController();
    const aborted = clock.sleep(1_000_000, ac.signal);
    ac.abort();
    await aborted;
    await clock.advance(50);
    await slept;
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});

describe("SystemClock", () => {
  it("reads wall time and fires timers", async () => {
    const clock = new SystemClock();
    expect(Math.abs(clock.now() - Date.now())).toBeLessThan(50);
    await clock.sleep(5);
    let fired = false;
    clock.setTimer(1, () => (fired = true)).cancel();
    await clock.sleep(10);
    expect(fired).toBe(false);
  });
});
