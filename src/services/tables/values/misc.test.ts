import { describe, expect, it } from "vitest";
import { itemSize, numberSize } from "./size.js";
import { segmentOf, segmentRange, SEGMENT_SPACE } from "./segment.js";
import { copyRecord, emptyRecord, own } from "./attr.js";

describe("itemSize", () => {
  it("follows DynamoDB's documented rules", () => {
    expect(itemSize({ id: { S: "abc" } })).toBe(2 + 3);
    expect(itemSize({ "é": { S: "é" } })).toBe(2 + 2);
    expect(itemSize({ n: { N: "12345" } })).toBe(1 + 3 + 1);
    expect(numberSize("1.50")).toBe(2);
    expect(numberSize("0")).toBe(1);
    expect(itemSize({ b: { B: "AAEC" } })).toBe(1 + 3);
    expect(itemSize({ x: { NULL: true }, y: { BOOL: false } })).toBe(4);
    expect(itemSize({ l: { L: [{ S: "ab" }, { N: "1" }] } })).toBe(1 + 3 + (1 + 2) + (1 + 2));
    expect(itemSize({ m: { M: { k: { S: "v" } } } })).toBe(1 + 3 + 1 + 1 + 1);
    expect(itemSize({ s: { SS: ["a", "bc"] } })).toBe(1 + 3);
    expect(itemSize({})).toBe(0);
  });
});

describe("segments", () => {
  it("hashes into 32 bits deterministically", () => {
    const h = segmentOf(Buffer.from("key"));
    expect(h).toBe(segmentOf(Buffer.from("key")));
    expect(Number.isInteger(h) && h >= 0 && h < SEGMENT_SPACE).toBe(true);
  });

  it("splits the space into contiguous ranges", () => {
    for (const total of [1, 2, 3, 7, 1000, 1_000_000]) {
      const first = segmentRange(0, total);
      const last = segmentRange(total - 1, total);
      expect(first.from).toBe(0);
      expect(last.to).toBe(SEGMENT_SPACE);
      if (total < 2000) for (let s = 1; s < total; s++) expect(segmentRange(s, total).from).toBe(segmentRange(s - 1, total).to);
    }
    expect(segmentRange(1, 2)).toEqual({ from: 2 ** 31, to: 2 ** 32 });
    expect(() => segmentRange(2, 2)).toThrow(RangeError);
    expect(() => segmentRange(0, 0)).toThrow(RangeError);
  });
});

describe("emptyRecord", () => {
  it("inherits nothing, so any name is an ordinary own key", () => {
    const r = emptyRecord<string>();
    for (const name of ["constructor", "toString", "hasOwnProperty", "valueOf"]) expect(name in r).toBe(false);
    const before = Object.getPrototypeOf(r) as unknown;
    r["__proto__"] = { polluted: "yes" } as unknown as string;
    r["constructor"] = "c";
    expect(Object.getPrototypeOf(r)).toBe(before);
    expect("polluted" in r).toBe(false);
    expect(Object.keys(r)).toEqual(["__proto__", "constructor"]);
    expect(own(r, "__proto__")).toEqual({ polluted: "yes" });
    expect(JSON.stringify(r)).toBe('{"__proto__":{"polluted":"yes"},"constructor":"c"}');
    expect(Object.keys(copyRecord(r))).toEqual(["__proto__", "constructor"]);
  });
});
