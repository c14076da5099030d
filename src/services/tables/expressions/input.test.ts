import { describe, expect, it } from "vitest";
import { ValidationException } from "../errors.js";
import { ExpressionInput, isReserved, parseCondition, parseProjection, parseUpdate } from "./index.js";
import { RESERVED_WORD_COUNT } from "./reserved.js";

describe("ExpressionInput", () => {
  it("reports unused names, then unused values, across all expressions of a request", () => {
    const input = new ExpressionInput({ "#a": "a", "#b": "b", "#c": "c" }, { ":x": { S: "x" }, ":y": { S: "y" } });
    parseCondition("#a = :x", input);
    expect(() => input.assertAllUsed()).toThrow("Value provided in ExpressionAttributeNames unused in expressions: keys: {#b, #c}");
    parseProjection("#b, #c", input);
    expect(() => input.assertAllUsed()).toThrow("Value provided in ExpressionAttributeValues unused in expressions: keys: {:y}");
    parseUpdate("SET #a = :y", input);
    expect(() => input.assertAllUsed()).not.toThrow();
  });

  it("checks keys and values", () => {
    expect(() => new ExpressionInput({}, undefined)).toThrow("ExpressionAttributeNames must not be empty");
    expect(() => new ExpressionInput(undefined, {})).toThrow("ExpressionAttributeValues must not be empty");
    expect(() => new ExpressionInput({ "#a-b": "x" }, undefined)).toThrow('ExpressionAttributeNames contains invalid key: Syntax error; key: "#a-b"');
    expect(() => new ExpressionInput(undefined, { x: { S: "x" } })).toThrow('ExpressionAttributeValues contains invalid key: Syntax error; key: "x"');
    expect(() => new ExpressionInput(undefined, { ":v": { SS: [] } })).toThrow("ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: An string set  may not be empty for key :v");
    expect(() => new ExpressionInput(undefined, { ":v": {} })).toThrow(ValidationException);
    expect(() => new ExpressionInput({ "#a": 5 }, undefined)).toThrow(/^ExpressionAttributeNames contains invalid value: #a$/);
    expect(() => new ExpressionInput({ "#a": "" }, undefined)).toThrow("ExpressionAttributeNames contains invalid value: Empty attribute name for key #a");
  });

  it("canonicalises given numbers", () => {
    const input = new ExpressionInput(undefined, { ":v": { N: "1.50" } });
    expect(input.value(":v")).toEqual({ N: "1.5" });
  });

  it("is safe with prototype names", () => {
    const input = new ExpressionInput(JSON.parse('{"#__proto__": "x"}') as Record<string, string>, undefined);
    expect(input.name("#__proto__")).toBe("x");
    expect(input.name("#constructor")).toBeUndefined();
    expect(new ExpressionInput(undefined, undefined).value(":toString")).toBeUndefined();
  });
});

describe("reserved words", () => {
  it("holds the documented list, case-insensitively", () => {
    expect(RESERVED_WORD_COUNT).toBe(573);
    for (const w of ["status", "NAME", "Data", "ttl", "zone", "abort", "flattern"]) expect(isReserved(w)).toBe(true);
    for (const w of ["pk", "sk", "foo", "items2"]) expect(isReserved(w)).toBe(false);
  });
});
