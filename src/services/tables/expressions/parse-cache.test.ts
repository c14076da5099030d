import { describe, expect, it } from "vitest";
import type { AttributeValue, Item } from "../types.js";
import { applyUpdate, evaluateCondition, ExpressionInput, parseCondition, parseUpdate } from "./index.js";

const N = (n: string): AttributeValue => ({ N: n });
const item: Item = { id: { S: "a" }, x: N("1"), y: N("5") };

describe("expressions parsed once", () => {
  it("resolve each request's names and values anew", () => {
    const text = "#a < :v";
    const check = (name: string, v: string): boolean => evaluateCondition(parseCondition(text, new ExpressionInput({ "#a": name }, { ":v": N(v) })), item);
    expect(check("x", "2")).toBe(true);
    expect(check("y", "2")).toBe(false);
    expect(check("y", "6")).toBe(true);
  });

  it("still refuses a request whose names or values do not fit the text", () => {
    const text = "SET #a = :v";
    expect(applyUpdate(parseUpdate(text, new ExpressionInput({ "#a": "x" }, { ":v": N("9") })), item).item["x"]).toEqual(N("9"));
    expect(() => parseUpdate(text, new ExpressionInput({ "#b": "x" }, { ":v": N("9") }))).toThrow(/#a/);
    expect(() => parseUpdate(text, new ExpressionInput({ "#a": "x" }, { ":w": N("9") }))).toThrow(/:v/);
    expect(applyUpdate(parseUpdate(text, new ExpressionInput({ "#a": "y" }, { ":v": N("7") })), item).item["y"]).toEqual(N("7"));
  });

  it("keeps failing a text that does not parse", () => {
    for (let i = 0; i < 2; i++) expect(() => parseCondition("a <", new ExpressionInput(undefined, undefined))).toThrow(/Invalid ConditionExpression/);
  });

  it("keep the kinds apart", () => {
    expect(() => parseCondition("SET a = :v", new ExpressionInput(undefined, { ":v": N("1") }))).toThrow(/Invalid ConditionExpression/);
    expect(parseUpdate("SET a = :v", new ExpressionInput(undefined, { ":v": N("1") })).actions).toHaveLength(1);
  });
});
