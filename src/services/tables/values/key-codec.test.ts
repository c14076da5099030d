import { describe, expect, it } from "vitest";
import { compareScalars } from "./compare.js";
import { decodeKey, encodeKey, prefixEnd } from "./key-codec.js";
import { canonicalNumber, compareNumbers } from "./number.js";

/** A deterministic pseudo-random source, so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

function randomNumber(next: () => number): string {
  const digitCount = 1 + (next() % 38);
  let digits = "";
  for (let i = 0; i < digitCount; i++) digits += String(next() % 10);
  const sign = next() % 3 === 0 ? "-" : "";
  const exp = (next() % 200) - 100;
  // Keep within range: the leading digit's power is at most exp + digitCount - 1.
  return canonicalNumber(`${sign}${digits}e${Math.min(exp, 125 - digitCount)}`);
}

describe("number keys", () => {
  it("sort by encoding exactly as numerically", () => {
    const next = rng(42);
    const values = Array.from({ length: 3000 }, () => randomNumber(next));
    values.push("0", "1", "-1", "10", "-10", "0.1", "-0.1", "1e125", "-1e125", "1e-130", "-1e-130", "12", "120", "1.2", "-12", "-1.2", "-120");
    const byNumber = [...values].sort(compareNumbers);
    const byEncoding = [...values].sort((a, b) => Buffer.compare(encodeKey({ N: a }), encodeKey({ N: b })));
    expect(byEncoding).toEqual(byNumber);
  });

  it("round-trip to canonical text", () => {
    const next = rng(7);
    for (let i = 0; i < 1000; i++) {
      const n = randomNumber(next);
      expect(decodeKey(encodeKey({ N: n }), "N")).toEqual({ N: n });
    }
    expect(decodeKey(encodeKey({ N: "-0.00" }), "N")).toEqual({ N: "0" });
    const max = `9.${"9".repeat(37)}E+125`;
    expect(decodeKey(encodeKey({ N: max }), "N")).toEqual({ N: canonicalNumber(max) });
  });

  it("encode equal numbers identically", () => {
    expect(encodeKey({ N: "1.50" })).toEqual(encodeKey({ N: "1.5" }));
  });
});

describe("string and binary keys", () => {
  it("sort as DynamoDB orders them and round-trip", () => {
    const strings = ["", "a", "ab", "b", "\u00e9", "\uFF61", "\u{1F600}", "Z"];
    const byValue = [...strings].sort((a, b) => compareScalars({ S: a }, { S: b }) ?? 0);
    const byEncoding = [...strings].sort((a, b) => Buffer.compare(encodeKey({ S: a }), encodeKey({ S: b })));
    expect(byEncoding).toEqual(byValue);
    for (const s of strings) expect(decodeKey(encodeKey({ S: s }), "S")).toEqual({ S: s });
    expect(decodeKey(encodeKey({ B: "AP8=" }), "B")).toEqual({ B: "AP8=" });
    expect(encodeKey({ B: "AP8=" })).toEqual(Buffer.from([0, 255]));
  });

  it("make begins_with a byte prefix", () => {
    const prefix = encodeKey({ S: "ab" });
    expect(encodeKey({ S: "abc" }).subarray(0, prefix.length)).toEqual(prefix);
  });
});

describe("prefixEnd", () => {
  it("is the least buffer after every extension of the prefix", () => {
    expect(prefixEnd(Buffer.from([1, 2]))).toEqual(Buffer.from([1, 3]));
    expect(prefixEnd(Buffer.from([1, 0xff]))).toEqual(Buffer.from([2]));
    expect(prefixEnd(Buffer.from([0xff, 0xff]))).toBeNull();
    expect(prefixEnd(Buffer.alloc(0))).toBeNull();
    const end = prefixEnd(Buffer.from("ab"))!;
    expect(Buffer.compare(Buffer.from("ab\xff\xff", "latin1"), end)).toBe(-1);
    expect(Buffer.compare(Buffer.from("ac"), end)).toBe(0);
  });
});
