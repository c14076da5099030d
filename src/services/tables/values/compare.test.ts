import { describe, expect, it } from "vitest";
import { compareScalars, compareStrings, valuesEqual } from "./compare.js";

describe("compareScalars", () => {
  it("orders numbers numerically, not as text", () => {
    expect(compareScalars({ N: "10" }, { N: "9" })).toBe(1);
    expect(compareScalars({ N: "-1" }, { N: "-0.5" })).toBe(-1);
    expect(compareScalars({ N: "1.0" }, { N: "1" })).toBe(0);
  });

  it("orders strings by UTF-8 bytes", () => {
    // UTF-16 puts U+1F600 (a surrogate pair, 0xD83D…) before U+FF61; UTF-8 puts it after.
    const astral = "\u{1F600}";
    const bmp = "\uFF61";
    expect(bmp < astral).toBe(false); // UTF-16: 0xFF61 > 0xD83D
    expect(compareStrings(bmp, astral)).toBe(-1); // UTF-8: EF BD A1 < F0 9F 98 80
    expect(compareScalars({ S: "a" }, { S: "b" })).toBe(-1);
    expect(compareScalars({ S: "ab" }, { S: "a" })).toBe(1);
  });

  it("orders binary by bytes", () => {
    expect(compareScalars({ B: "AA==" }, { B: "/w==" })).toBe(-1);
    expect(compareScalars({ B: "AAA=" }, { B: "AA==" })).toBe(1);
  });

  it("is null across types or for non-scalars", () => {
    expect(compareScalars({ N: "1" }, { S: "1" })).toBeNull();
    expect(compareScalars({ L: [] }, { L: [] })).toBeNull();
    expect(compareScalars({ BOOL: true }, { BOOL: true })).toBeNull();
  });
});

describe("valuesEqual", () => {
  it("compares deeply with DynamoDB's meaning", () => {
    expect(valuesEqual({ N: "1" }, { N: "1.0" })).toBe(true);
    expect(valuesEqual({ N: "1" }, { S: "1" })).toBe(false);
    expect(valuesEqual({ SS: ["a", "b"] }, { SS: ["b", "a"] })).toBe(true);
    expect(valuesEqual({ SS: ["a", "b"] }, { SS: ["a", "c"] })).toBe(false);
    expect(valuesEqual({ NS: ["1", "2"] }, { NS: ["2.0", "1"] })).toBe(true);
    expect(valuesEqual({ BS: ["AA=="] }, { BS: ["AA=="] })).toBe(true);
    expect(valuesEqual({ L: [{ N: "1" }, { S: "x" }] }, { L: [{ N: "1" }, { S: "x" }] })).toBe(true);
    expect(valuesEqual({ L: [{ N: "1" }, { S: "x" }] }, { L: [{ S: "x" }, { N: "1" }] })).toBe(false);
    expect(valuesEqual({ M: { a: { N: "1" }, b: { NULL: true } } }, { M: { b: { NULL: true }, a: { N: "1" } } })).toBe(true);
    expect(valuesEqual({ M: { a: { N: "1" } } }, { M: { b: { N: "1" } } })).toBe(false);
    expect(valuesEqual({ M: { toString: { N: "1" } } }, { M: { constructor: { N: "1" } } })).toBe(false);
    expect(valuesEqual({ BOOL: true }, { BOOL: false })).toBe(false);
    expect(valuesEqual({ NULL: true }, { NULL: true })).toBe(true);
  });
});
