import { describe, expect, it } from "vitest";
import type { AttributeValue, Item } from "../types.js";
import { evaluateCondition, ExpressionInput, parseCondition } from "./index.js";

const item: Item = {
  pk: { S: "a" },
  s: { S: "hello" },
  n: { N: "10" },
  t: { BOOL: true },
  nul: { NULL: true },
  b: { B: "AAEC" },
  l: { L: [{ S: "x" }, { N: "2" }, { M: { k: { S: "v" } } }] },
  m: { M: { a: { S: "1" }, b: { M: { c: { N: "3" } } } } },
  ss: { SS: ["a", "b"] },
  ns: { NS: ["1", "2.5"] },
  bs: { BS: ["AA=="] },
  emoji: { S: "\u{1F600}x" },
};

function check(text: string, values: Record<string, AttributeValue> = {}, names?: Record<string, string>): boolean {
  const input = new ExpressionInput(names, Object.keys(values).length > 0 ? values : undefined);
  const c = parseCondition(text, input, "ConditionExpression");
  input.assertAllUsed();
  return evaluateCondition(c, item);
}

function loose(text: string, values: Record<string, AttributeValue>): boolean {
  return evaluateCondition(parseCondition(text, new ExpressionInput(undefined, values)), item);
}

function error(text: string, values?: Record<string, AttributeValue>, names?: Record<string, string>, kind: "ConditionExpression" | "FilterExpression" = "ConditionExpression"): string {
  try {
    parseCondition(text, new ExpressionInput(names, values), kind);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`no error for ${text}`);
}

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: string): AttributeValue => ({ N: n });

describe("comparisons", () => {
  it("compare by type and value", () => {
    expect(check("s = :v", { ":v": S("hello") })).toBe(true);
    expect(check("n = :v", { ":v": N("10.0") })).toBe(true);
    expect(check("n < :v AND n >= :w", { ":v": N("11"), ":w": N("10") })).toBe(true);
    expect(check("n > :v", { ":v": N("9.99") })).toBe(true);
    expect(check("n <= :v", { ":v": N("9.99") })).toBe(false);
    expect(check("s = :v", { ":v": N("1") })).toBe(false);
    expect(check("s <> :v", { ":v": N("1") })).toBe(true);
    expect(check("s < :v", { ":v": N("1") })).toBe(false);
    expect(check("t = :v", { ":v": { BOOL: true } })).toBe(true);
    expect(check("nul = :v", { ":v": { NULL: true } })).toBe(true);
    expect(check("ss = :v", { ":v": { SS: ["b", "a"] } })).toBe(true);
    expect(check("b < :v", { ":v": { B: "AAED" } })).toBe(true);
  });

  it("treat missing attributes as unequal and unordered", () => {
    expect(check("nothere = :v", { ":v": S("x") })).toBe(false);
    expect(check("nothere <> :v", { ":v": S("x") })).toBe(true);
    expect(check("nothere < :v", { ":v": S("x") })).toBe(false);
    expect(check("NOT nothere = :v", { ":v": S("x") })).toBe(true);
  });

  it("read nested paths and aliases", () => {
    expect(check("m.b.c = :v AND l[1] = :w AND l[2].k = :x", { ":v": N("3"), ":w": N("2"), ":x": S("v") })).toBe(true);
    expect(check("#p.#q = :v", { ":v": S("1") }, { "#p": "m", "#q": "a" })).toBe(true);
    expect(check("l[7] = :v", { ":v": S("x") })).toBe(false);
  });

  it("order strings by UTF-8 bytes", () => {
    expect(check("emoji > :v", { ":v": S("\uFF61") })).toBe(true);
  });

  it("compare a value with a value", () => {
    expect(check(":a = :b", { ":a": N("1"), ":b": N("1.0") })).toBe(true);
  });
});

describe("BETWEEN and IN", () => {
  it("evaluate inclusively", () => {
    expect(check("n BETWEEN :a AND :b", { ":a": N("5"), ":b": N("10") })).toBe(true);
    expect(check("n BETWEEN :a AND :b", { ":a": N("11"), ":b": N("20") })).toBe(false);
    expect(check("s between :a and :b", { ":a": S("h"), ":b": S("i") })).toBe(true);
    expect(check("s IN (:a, :b)", { ":a": S("x"), ":b": S("hello") })).toBe(true);
    expect(check("s IN (:a)", { ":a": S("x") })).toBe(false);
    expect(check("nothere IN (:a)", { ":a": S("x") })).toBe(false);
  });

  it("check bounds and operand counts", () => {
    expect(error("n BETWEEN :a AND :b", { ":a": N("9"), ":b": N("5") })).toBe(
      "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: {N:9}, upper bound operand: AttributeValue: {N:5}",
    );
    expect(error("n BETWEEN :a AND :b", { ":a": N("1"), ":b": S("a") })).toBe(
      "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and upper bounds; lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}",
    );
    const values: Record<string, AttributeValue> = {};
    for (let i = 0; i < 101; i++) values[`:v${i}`] = N(String(i));
    expect(error(`n IN (${Object.keys(values).join(", ")})`, values)).toBe("Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101");
    delete values[":v100"];
    expect(check(`n IN (${Object.keys(values).join(", ")})`, values)).toBe(true);
  });
});

describe("logic", () => {
  it("binds NOT tighter than AND, and AND tighter than OR", () => {
    const v = { ":a": N("1"), ":b": S("hello"), ":f": { BOOL: false } };
    expect(loose("n = :a AND s = :b OR t <> :f", v)).toBe(true); // (false AND true) OR true
    expect(loose("t <> :f OR n = :a AND s = :b", v)).toBe(true); // true OR (false AND true)
    expect(loose("(t <> :f OR n = :a) AND NOT s = :b", v)).toBe(false);
    expect(loose("NOT n = :a AND s = :b", v)).toBe(true); // (NOT false) AND true
    expect(loose("NOT (n = :a OR s = :b)", v)).toBe(false);
    expect(loose("NOT NOT s = :b", v)).toBe(true);
    expect(loose("n = :a and s = :b or t <> :f", v)).toBe(true);
  });
});

describe("functions", () => {
  it("attribute_exists, attribute_not_exists, attribute_type", () => {
    expect(check("attribute_exists(m.b.c) AND attribute_not_exists(zz)")).toBe(true);
    expect(check("attribute_exists(l[5])")).toBe(false);
    expect(check("attribute_type(s, :t) AND attribute_type(l, :l) AND attribute_type(nul, :n)", { ":t": S("S"), ":l": S("L"), ":n": S("NULL") })).toBe(true);
    expect(check("attribute_type(s, :t)", { ":t": S("N") })).toBe(false);
  });

  it("begins_with on strings and binary", () => {
    expect(check("begins_with(s, :p)", { ":p": S("he") })).toBe(true);
    expect(check("begins_with(s, :p)", { ":p": S("lo") })).toBe(false);
    expect(check("begins_with(b, :p)", { ":p": { B: "AAE=" } })).toBe(true);
    expect(check("begins_with(n, :p)", { ":p": S("1") })).toBe(false);
  });

  it("contains on strings, sets and lists", () => {
    expect(check("contains(s, :p)", { ":p": S("ell") })).toBe(true);
    expect(check("contains(ss, :p)", { ":p": S("a") })).toBe(true);
    expect(check("contains(ss, :p)", { ":p": S("z") })).toBe(false);
    expect(check("contains(ns, :p)", { ":p": N("2.50") })).toBe(true);
    expect(check("contains(bs, :p)", { ":p": { B: "AA==" } })).toBe(true);
    expect(check("contains(l, :p)", { ":p": N("2") })).toBe(true);
    expect(check("contains(l, :p)", { ":p": { M: { k: S("v") } } })).toBe(true);
    expect(check("contains(n, :p)", { ":p": N("1") })).toBe(false);
    expect(check("contains(ns, :p)", { ":p": S("1") })).toBe(false);
  });

  it("size of strings, binary, sets, lists and maps", () => {
    expect(check("size(s) = :five AND size(l) = :three AND size(ss) = :two AND size(m) = :two AND size(b) = :three", { ":five": N("5"), ":three": N("3"), ":two": N("2") })).toBe(true);
    expect(check("size(emoji) = :three", { ":three": N("3") })).toBe(true); // UTF-16 code units, as DynamoDB counts
    expect(check("size(:v) = :three", { ":v": S("é\u{1D11E}"), ":three": N("3") })).toBe(true);
    expect(check("size(n) = :one", { ":one": N("1") })).toBe(false);
    expect(check("size(nothere) < :one", { ":one": N("1") })).toBe(false);
    expect(check("size(l) BETWEEN :one AND :five", { ":one": N("1"), ":five": N("5") })).toBe(true);
  });
});

describe("errors", () => {
  it("use DynamoDB's messages", () => {
    expect(error("status = :v", { ":v": S("x") })).toBe("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status");
    expect(error("a.Name = :v", { ":v": S("x") })).toBe("Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: Name");
    expect(error("s = :v")).toBe("Invalid ConditionExpression: An expression attribute value used in expression is not defined; attribute value: :v");
    expect(error("#x = :v", { ":v": S("x") })).toBe("Invalid ConditionExpression: An expression attribute name used in the document path is not defined; attribute name: #x");
    expect(error("foo(s)")).toBe("Invalid ConditionExpression: Invalid function name; function: foo");
    expect(error("attribute_exists(s, n)")).toBe("Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: attribute_exists, number of operands: 2");
    expect(error("((s = :v))", { ":v": S("x") })).toBe("Invalid ConditionExpression: The expression has redundant parentheses;");
    expect(error("((s)) = :v", { ":v": S("x") })).toBe("Invalid ConditionExpression: The expression has redundant parentheses;");
    expect(error("n = n")).toBe("Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: =, first operand: [n]");
    expect(error("contains(#a, a)", undefined, { "#a": "a" })).toContain("operator: contains, first operand: [a]");
    expect(error("n < :v", { ":v": { BOOL: true } })).toBe("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: <, operand type: BOOL");
    expect(error("begins_with(s, :v)", { ":v": N("1") })).toBe("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
    expect(error("size(s)")).toBe("Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: size");
    expect(error("begins_with(s, :v) = :v", { ":v": S("x") })).toBe("Invalid ConditionExpression: The function is not allowed to be used this way in an expression; function: begins_with");
    expect(error("attribute_exists(:v)", { ":v": S("x") })).toBe("Invalid ConditionExpression: Operator or function requires a document path; operator or function: attribute_exists");
    expect(error("attribute_type(s, :v)", { ":v": S("X") })).toBe("Invalid ConditionExpression: Invalid attribute type name found; type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}");
    expect(error("size(:v) > :v", { ":v": N("1") })).toBe("Invalid ConditionExpression: Incorrect operand type for operator or function; operator or function: size, operand type: N");
  });

  it("report syntax errors with the token and its neighbours", () => {
    expect(error("s == :v", { ":v": S("x") })).toBe('Invalid ConditionExpression: Syntax error; token: "=", near: "== :v"');
    expect(error("s = ")).toBe('Invalid ConditionExpression: Syntax error; token: "<EOF>", near: "s ="');
    expect(error("a @ b")).toBe('Invalid ConditionExpression: Syntax error; token: "@", near: "a @ b"');
    expect(error("s = :v AND", { ":v": S("x") })).toBe('Invalid ConditionExpression: Syntax error; token: "<EOF>", near: ":v AND"');
    expect(error("s", undefined, undefined, "FilterExpression")).toBe('Invalid FilterExpression: Syntax error; token: "<EOF>", near: "s"');
    expect(error("s = :v)", { ":v": S("x") })).toBe('Invalid ConditionExpression: Syntax error; token: ")", near: ":v)"');
    expect(error("(s = :v", { ":v": S("x") })).toContain('token: "<EOF>"');
    expect(error("s = : v")).toContain('token: ":"');
    expect(error("l[x] = :v")).toContain('token: "x"');
    expect(error("AND = :v")).toContain('token: "AND"');
  });

  it("refuse empty and oversized expressions", () => {
    expect(error("   ")).toBe("Invalid ConditionExpression: The expression can not be empty;");
    expect(error("")).toBe("Invalid ConditionExpression: The expression can not be empty;");
    const long = `${Array.from({ length: 600 }, () => "a = :v").join(" OR ")}`;
    expect(error(long, { ":v": S("x") })).toMatch(/^Invalid ConditionExpression: Expression size has exceeded the maximum allowed size;/);
  });

  it("stay linear on hostile nesting", () => {
    const deep = `${"(".repeat(150)}s = :v${")".repeat(150)}`;
    expect(error(deep, { ":v": S("x") })).toBe("Invalid ConditionExpression: The expression has redundant parentheses;");
    const operand = `${"(".repeat(1000)}s${")".repeat(1000)} = :v`;
    const started = Date.now();
    expect(() => parseCondition(operand, new ExpressionInput(undefined, { ":v": S("x") }))).toThrow();
    const nots = `${"NOT ".repeat(500)}s = :v`;
    expect(() => parseCondition(nots, new ExpressionInput(undefined, { ":v": S("x") }))).toThrow(/too many nested levels/);
    const pairs = Array.from({ length: 200 }, () => "(s = :v)").join(" AND ");
    expect(evaluateCondition(parseCondition(pairs, new ExpressionInput(undefined, { ":v": S("hello") })), item)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("keep __proto__ an ordinary attribute name", () => {
    const evil: Item = JSON.parse('{"__proto__": {"S": "x"}}') as Item;
    const input = new ExpressionInput({ "#p": "__proto__" }, { ":v": S("x") });
    expect(evaluateCondition(parseCondition("#p = :v", input), evil)).toBe(true);
    expect(evaluateCondition(parseCondition("attribute_exists(#p)", new ExpressionInput({ "#p": "__proto__" }, undefined)), {})).toBe(false);
    expect(evaluateCondition(parseCondition("attribute_exists(#p)", new ExpressionInput({ "#p": "constructor" }, undefined)), {})).toBe(false);
    expect(evaluateCondition(parseCondition("attribute_exists(m.#p)", new ExpressionInput({ "#p": "toString" }, undefined)), item)).toBe(false);
  });
});
