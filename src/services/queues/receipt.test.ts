import { describe, expect, it } from "vitest";
import { decodeReceipt, encodeReceipt } from "./receipt.js";

describe("receipt handles", () => {
  it("round-trip the queue, seq and receive count", () => {
    const r = { queueId: 7, seq: 2 ** 40 + 3, receiveCount: 12 };
    expect(decodeReceipt(encodeReceipt(r))).toEqual(r);
  });

  it("differ between receives of the same message", () => {
    expect(encodeReceipt({ queueId: 1, seq: 1, receiveCount: 1 })).not.toBe(encodeReceipt({ queueId: 1, seq: 1, receiveCount: 2 }));
  });

  it("reject anything Sluice did not issue", () => {
    const good = encodeReceipt({ queueId: 1, seq: 5, receiveCount: 1 });
    for (const bad of ["", "x", good.slice(1), good + "A", good.replace(/.$/, (c) => (c === "A" ? "B" : "A")), "A".repeat(good.length), "../../etc/passwd"]) {
      expect(decodeReceipt(bad)).toBeNull();
    }
    expect(decodeReceipt(42 as unknown as string)).toBeNull();
  });
});
