import { describe, expect, it } from "vitest";
import { LifecycleGroup, type Lifecycle } from "./lifecycle.js";

function part(name: string, log: string[], failStop = false): Lifecycle {
  return {
    start: () => Promise.resolve(void log.push(`start ${name}`)),
    stop: () => {
      log.push(`stop ${name}`);
      return failStop ? Promise.reject(new Error(`${name} failed`)) : Promise.resolve();
    },
  };
}

describe("LifecycleGroup", () => {
  it("starts in order and stops in reverse, trying every member even if one fails", async () => {
    const log: string[] = [];
    const g = new LifecycleGroup();
    g.add(part("a", log));
    g.add(part("b", log, true));
    g.add(part("c", log));
    await g.start();
    await expect(g.stop()).rejects.toThrow("b failed");
    expect(log).toEqual(["start a", "start b", "start c", "stop c", "stop b", "stop a"]);
  });

  it("stops only the members that started", async () => {
    const log: string[] = [];
    const g = new LifecycleGroup();
    g.add(part("a", log));
    g.add({ start: () => Promise.reject(new Error("nope")), stop: () => Promise.resolve(void log.push("stop bad")) });
    await expect(g.start()).rejects.toThrow("nope");
    await g.stop();
    expect(log).toEqual(["start a", "stop a"]);
  });
});
