import { describe, expect, it } from "vitest";
import { ValidationException } from "../errors.js";
import { validateItem, validateValue, ValueMessages } from "./validate.js";

function fails(raw: unknown, message: string): void {
  let caught: unknown;
  try {
    validateValue(raw, "Item.a");
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(ValidationException);
  expect((caught as Error).message).toBe(message);
}

describe("validateValue", () => {
  it("accepts every type and canonicalises numbers", () => {
    expect(validateValue({ S: "" }, "m")).toEqual({ S: "" });
    expect(validateValue({ N: "1.50" }, "m")).toEqual({ N: "1.5" });
    expect(validateValue({ B: "AAE=" }, "m")).toEqual({ B: "AAE=" });
    expect(validateValue({ SS: ["b", "a"] }, "m")).toEqual({ SS: ["b", "a"] });
    expect(validateValue({ NS: ["3", "1e1", "-0"] }, "m")).toEqual({ NS: ["3", "10", "0"] });
    expect(validateValue({ BS: ["AA==", "AQ=="] }, "m")).toEqual({ BS: ["AA==", "AQ=="] });
    expect(validateValue({ NULL: true }, "m")).toEqual({ NULL: true });
    expect(validateValue({ BOOL: false }, "m")).toEqual({ BOOL: false });
    expect(validateValue({ L: [{ N: "1.0" }, { M: { x: { N: "2e0" } } }] }, "m")).toEqual({ L: [{ N: "1" }, { M: { x: { N: "2" } } }] });
  });

  it("needs exactly one datatype", () => {
    fails({}, ValueMessages.empty);
    fails({ S: null }, ValueMessages.empty);
    fails({ S: "a", N: "1" }, ValueMessages.many);
  });

  it("rejects empty sets with DynamoDB's wording", () => {
    fails({ SS: [] }, "One or more parameter values were invalid: An string set  may not be empty");
    fails({ NS: [] }, "One or more parameter values were invalid: An number set  may not be empty");
    fails({ BS: [] }, "One or more parameter values were invalid: Binary sets should not be empty");
  });

  it("rejects duplicates, numbers by value", () => {
    fails({ SS: ["a", "a"] }, "One or more parameter values were invalid: Input collection [a, a] contains duplicates.");
    fails({ NS: ["1", "1.0"] }, "One or more parameter values were invalid: Input collection [1, 1.0] contains duplicates.");
    fails({ BS: ["AA==", "AA=="] }, "One or more parameter values were invalid: Input collection [AA==, AA==] contains duplicates.");
  });

  it("checks numbers, binary, NULL and JSON types", () => {
    fails({ N: "x" }, "A value provided cannot be converted into a number");
    fails({ NS: ["1", "x"] }, "The parameter cannot be converted to a numeric value: x");
    fails({ N: "1".repeat(39) }, "Attempting to store more than 38 significant digits in a Number");
    fails({ NULL: false }, ValueMessages.nullFalse);
    expect(() => validateValue({ B: "not base64!" }, "m")).toThrow(ValidationException);
    expect(() => validateValue({ B: "AAA" }, "m")).toThrow(ValidationException);
    expect(() => validateValue({ S: 1 }, "m")).toThrow(ValidationException);
    expect(() => validateValue({ N: 1 }, "m")).toThrow(ValidationException);
    expect(() => validateValue({ L: {} }, "m")).toThrow(ValidationException);
    expect(() => validateValue({ M: [] }, "m")).toThrow(ValidationException);
    expect(() => validateValue("x", "m")).toThrow(ValidationException);
    expect(() => validateValue(null, "m")).toThrow(ValidationException);
  });

  it("limits nesting to 32 levels", () => {
    let ok: unknown = { S: "x" };
    for (let i = 0; i < 32; i++) ok = { L: [ok] };
    expect(() => validateValue(ok, "m")).not.toThrow();
    fails({ M: { a: ok } }, ValueMessages.nesting);
  });
});

describe("validateItem", () => {
  it("returns a new canonical item", () => {
    const raw = { id: { S: "x" }, n: { N: "010" } };
    const item = validateItem(raw, "Item");
    expect(item).toEqual({ id: { S: "x" }, n: { N: "10" } });
    expect(item).not.toBe(raw);
  });

  it("keeps __proto__ as a plain attribute name", () => {
    const raw: unknown = JSON.parse('{"__proto__": {"S": "evil"}, "m": {"M": {"__proto__": {"N": "1"}}}}');
    const item = validateItem(raw, "Item");
    expect(Object.keys(item)).toEqual(["__proto__", "m"]);
    expect(Object.getOwnPropertyDescriptor(item, "__proto__")?.value).toEqual({ S: "evil" });
    const m = item.m as { M: Record<string, unknown> };
    expect(Object.getOwnPropertyDescriptor(m.M, "__proto__")?.value).toEqual({ N: "1" });
    expect(({} as Record<string, unknown>).S).toBeUndefined();
  });

  it("names the member of a bad value however deep it sits", () => {
    const bad = { ok: { S: "x" }, m: { M: { fine: { N: "1" }, x: { L: [{ BOOL: true }, { S: 5 }] } } } };
    expect(() => validateItem(bad, "Item")).toThrow("Item.m.M.x.L.2.S must be a string");
    expect(() => validateItem({ a: { M: { b: { NULL: false } } } }, "Item")).toThrow(ValueMessages.nullFalse);
    expect(() => validateItem({ a: { L: [{ N: "x1" }] } }, "Item")).toThrow("A value provided cannot be converted into a number");
  });

  it("copies nested values and reads unusual but valid ones", () => {
    const raw = { m: { M: { l: { L: [{ S: "a" }, { N: "2.50" }, { SS: ["b", "a"] }, { B: "AAEC" }] } } }, odd: { S: "y", N: null, Extra: 1 } };
    const item = validateItem(raw, "Item");
    expect(item).toEqual({ m: { M: { l: { L: [{ S: "a" }, { N: "2.5" }, { SS: ["b", "a"] }, { B: "AAEC" }] } } }, odd: { S: "y" } });
    expect((item.m as { M: unknown }).M).not.toBe(raw.m.M);
    expect(((item.m as { M: { l: { L: unknown[] } } }).M.l.L)[0]).not.toBe(raw.m.M.l.L[0]);
  });

  it("rejects non-maps", () => {
    expect(() => validateItem([], "Item")).toThrow(ValidationException);
    expect(() => validateItem(null, "Item")).toThrow(ValidationException);
  });
});
