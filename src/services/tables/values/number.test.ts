import { describe, expect, it } from "vitest";
import { addNumbers, canonicalNumber, compareNumbers, formatDecimal, NumberMessages, parseNumber, readDecimal, subtractNumbers } from "./number.js";

describe("canonicalNumber", () => {
  it.each([
    ["1", "1"], ["-0.5", "-0.5"], ["1.50", "1.5"], ["1e3", "1000"], ["+1", "1"], ["-0", "0"], ["0.000", "0"],
    ["007", "7"], [".5", "0.5"], ["5.", "5"], ["1E-3", "0.001"], ["12.345e1", "123.45"], ["-1.0e-2", "-0.01"],
    ["100", "100"], ["1e125", `1${"0".repeat(125)}`], ["1e-130", `0.${"0".repeat(129)}1`], ["0e999999999999", "0"],
  ])("%s → %s", (text, canonical) => {
    expect(canonicalNumber(text)).toBe(canonical);
  });

  it.each(["", "abc", "1..2", "1e", "e5", " 1", "1 ", "NaN", "Infinity", "0x10", "--1", "1,000", "."])("rejects %j", (text) => {
    expect(() => canonicalNumber(text)).toThrow(NumberMessages.invalid);
  });

  it("takes texts that are canonical already as they are, and only those", () => {
    // Random texts around the shortcut's edges: zeros in every place, 0–22 digit runs, signs.
    let seed = 7;
    const rand = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const digits = (n: number): string => Array.from({ length: n }, () => "0012345678990"[rand(13)]).join("");
    for (let i = 0; i < 20_000; i++) {
      const whole = digits(rand(23));
      const text = `${["", "-", "+"][rand(3)]}${whole}${rand(2) ? `.${digits(rand(21))}` : ""}`;
      let careful: string;
      try {
        careful = formatDecimal(parseNumber(text));
      } catch (err) {
        expect(() => canonicalNumber(text)).toThrow((err as Error).message);
        continue;
      }
      expect(canonicalNumber(text), text).toBe(careful);
    }
  });

  it("enforces 38 significant digits", () => {
    expect(canonicalNumber("1".repeat(38))).toBe("1".repeat(38));
    expect(canonicalNumber(`${"1".repeat(38)}000`)).toBe(`${"1".repeat(38)}000`);
    expect(() => canonicalNumber("1".repeat(39))).toThrow(NumberMessages.precision);
    expect(() => canonicalNumber(`0.${"1".repeat(39)}`)).toThrow(NumberMessages.precision);
  });

  it("enforces the magnitude range", () => {
    expect(canonicalNumber(`9.${"9".repeat(37)}E+125`)).toBe("9".repeat(38) + "0".repeat(88));
    expect(() => canonicalNumber("1E126")).toThrow(NumberMessages.overflow);
    expect(() => canonicalNumber("-1E126")).toThrow(NumberMessages.overflow);
    expect(() => canonicalNumber("1E-131")).toThrow(NumberMessages.underflow);
    expect(() => canonicalNumber("1E999999999999")).toThrow(NumberMessages.overflow);
    expect(() => canonicalNumber("1E-999999999999")).toThrow(NumberMessages.underflow);
  });
});

describe("arithmetic", () => {
  it("adds and subtracts exactly", () => {
    expect(addNumbers("0.1", "0.2")).toBe("0.3");
    expect(addNumbers("1", "-1")).toBe("0");
    expect(subtractNumbers("1", "0.001")).toBe("0.999");
    expect(addNumbers("1e10", "1e-10")).toBe("10000000000.0000000001");
    expect(addNumbers("-5", "3")).toBe("-2");
    expect(subtractNumbers("-5", "-7.5")).toBe("2.5");
    expect(addNumbers("99999999999999999999999999999999999998", "1")).toBe("99999999999999999999999999999999999999");
  });

  it("rejects results that cannot be stored", () => {
    expect(() => addNumbers("99999999999999999999999999999999999999", "0.1")).toThrow(NumberMessages.precision);
    expect(() => addNumbers(`9.${"9".repeat(37)}E+125`, "1E+88")).toThrow(NumberMessages.overflow);
  });
});

describe("compareNumbers", () => {
  it("orders numerically", () => {
    const sorted = ["-100", "-5.5", "-5", "-0.001", "0", "1e-130", "0.5", "1", "1.01", "2", "10", "1e125"];
    const shuffled = [...sorted].reverse();
    expect(shuffled.sort(compareNumbers)).toEqual(sorted);
    expect(compareNumbers("1.50", "1.5")).toBe(0);
    expect(compareNumbers("-0", "0")).toBe(0);
  });

  it("reads the parts of a decimal", () => {
    expect(readDecimal("250")).toEqual({ sign: 1, digits: "25", point: 2 });
    expect(readDecimal("-0.0015")).toEqual({ sign: -1, digits: "15", point: -3 });
  });
});
