import { describe, expect, it } from "vitest";
import type { AttributeValue, Item } from "../types.js";
import { applyUpdate, ExpressionInput, parseUpdate, pathText, project, updatedTopNames } from "./index.js";

const item: Item = {
  pk: { S: "a" },
  s: { S: "hello" },
  n: { N: "10" },
  t: { BOOL: true },
  nul: { NULL: true },
  l: { L: [{ S: "x" }, { N: "2" }, { M: { k: { S: "v" } } }] },
  m: { M: { a: { S: "1" }, b: { M: { c: { N: "3" } } } } },
  ss: { SS: ["a", "b"] },
  ns: { NS: ["1", "2.5"] },
};

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: string): AttributeValue => ({ N: n });

function update(text: string, values?: Record<string, AttributeValue>, names?: Record<string, string>, on: Item = item): Item {
  const input = new ExpressionInput(names, values);
  const u = parseUpdate(text, input);
  input.assertAllUsed();
  return applyUpdate(u, on).item;
}

function error(text: string, values?: Record<string, AttributeValue>, names?: Record<string, string>): string {
  try {
    update(text, values, names);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`no error for ${text}`);
}

describe("SET", () => {
  it("assigns values, paths and arithmetic exactly", () => {
    expect(update("SET n = n + :v", { ":v": N("5") }).n).toEqual(N("15"));
    expect(update("SET n = n - :v", { ":v": N("0.1") }).n).toEqual(N("9.9"));
    expect(update("SET q = :a + :b", { ":a": N("0.1"), ":b": N("0.2") }).q).toEqual(N("0.3"));
    expect(update("SET q = :a - :b", { ":a": N("1e-130"), ":b": N("1e-130") }).q).toEqual(N("0"));
    expect(update("set q = s").q).toEqual(S("hello"));
  });

  it("supports if_not_exists and list_append", () => {
    expect(update("SET q = if_not_exists(q, :z) + :o", { ":z": N("0"), ":o": N("1") }).q).toEqual(N("1"));
    expect(update("SET n = if_not_exists(n, :z)", { ":z": N("99") }).n).toEqual(N("10"));
    const r = update("SET l = list_append(l, :x), m.b.c = :v", { ":x": { L: [S("z")] }, ":v": N("4") });
    expect(r.l).toEqual({ L: [S("x"), N("2"), { M: { k: S("v") } }, S("z")] });
    expect(r.m).toEqual({ M: { a: S("1"), b: { M: { c: N("4") } } } });
    expect(update("SET l = list_append(:x, l)", { ":x": { L: [S("z")] } }).l).toEqual({ L: [S("z"), S("x"), N("2"), { M: { k: S("v") } }] });
  });

  it("evaluates against the original item, so assignments can swap", () => {
    const swap = update("SET s = n, n = s");
    expect(swap.s).toEqual(N("10"));
    expect(swap.n).toEqual(S("hello"));
  });

  it("sets list elements, appending past the end", () => {
    expect((update("SET l[0] = :y", { ":y": S("Y") }).l as { L: AttributeValue[] }).L[0]).toEqual(S("Y"));
    expect((update("SET l[10] = :v", { ":v": S("end") }).l as { L: AttributeValue[] }).L).toHaveLength(4);
  });

  it("reports runtime errors with DynamoDB's messages", () => {
    expect(error("SET q = zz")).toBe("The provided expression refers to an attribute that does not exist in the item");
    expect(error("SET nope.x = :v", { ":v": S("x") })).toBe("The document path provided in the update expression is invalid for update");
    expect(error("SET s.x = :v", { ":v": S("x") })).toBe("The document path provided in the update expression is invalid for update");
    expect(error("SET n = s + :v", { ":v": N("1") })).toBe("An operand in the update expression has an incorrect data type");
    expect(error("SET l = list_append(l, s)")).toBe("An operand in the update expression has an incorrect data type");
    expect(error("SET n = :a + :b", { ":a": N("99999999999999999999999999999999999999"), ":b": N("0.1") })).toBe("Attempting to store more than 38 significant digits in a Number");
  });

  it("keeps items within 32 levels of nesting", () => {
    let deep: AttributeValue = S("x");
    for (let i = 0; i < 31; i++) deep = { L: [deep] };
    expect(update("SET q = :v", { ":v": deep }).q).toEqual(deep);
    expect(update("SET m.z = :v", { ":v": deep }).m).toBeDefined();
    expect(error("SET m.b.z = :v", { ":v": deep })).toBe("Nesting Levels have exceeded supported limits");
  });

  it("refuses given values of the wrong type at parse time", () => {
    expect(error("SET n = n + :v", { ":v": S("1") })).toBe("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: +, operand type: S");
    expect(error("SET n = :v - n", { ":v": { BOOL: true } })).toBe("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: -, operand type: BOOL");
    expect(error("SET l = list_append(l, :v)", { ":v": S("1") })).toBe("Invalid UpdateExpression: Incorrect operand type for operator or function; operator or function: list_append, operand type: S");
    expect(error("SET q = if_not_exists(:v, :v)", { ":v": S("1") })).toBe("Invalid UpdateExpression: Operator or function requires a document path; operator or function: if_not_exists");
    expect(error("SET q = if_not_exists(q, q)")).toBe("Invalid UpdateExpression: The first operand must be distinct from the remaining operands for this operator or function; operator: if_not_exists, first operand: [q]");
    expect(error("SET q = size(s)")).toBe("Invalid UpdateExpression: The function is not allowed in an update expression; function: size");
    expect(error("SET q = foo(s)")).toBe("Invalid UpdateExpression: Invalid function name; function: foo");
    expect(error("SET q = list_append(l)")).toBe("Invalid UpdateExpression: Incorrect number of operands for operator or function; operator or function: list_append, number of operands: 1");
  });
});

describe("REMOVE, ADD, DELETE", () => {
  it("removes attributes and list elements by original position", () => {
    expect("s" in update("REMOVE s")).toBe(false);
    expect(update("REMOVE m.b.c").m).toEqual({ M: { a: S("1"), b: { M: {} } } });
    expect(update("REMOVE l[0], l[1]").l).toEqual({ L: [{ M: { k: S("v") } }] });
    expect(update("REMOVE l[1], l[0]").l).toEqual({ L: [{ M: { k: S("v") } }] });
    expect(update("REMOVE zz, l[9]")).toEqual(item);
    expect(error("REMOVE nope.x")).toBe("The document path provided in the update expression is invalid for update");
  });

  it("adds to numbers and sets", () => {
    expect(update("ADD n :v", { ":v": N("5") }).n).toEqual(N("15"));
    expect(update("ADD q :v", { ":v": N("5") }).q).toEqual(N("5"));
    expect(update("ADD ss :v", { ":v": { SS: ["c", "a"] } }).ss).toEqual({ SS: ["a", "b", "c"] });
    expect(update("ADD ns :v", { ":v": { NS: ["2.50", "3"] } }).ns).toEqual({ NS: ["1", "2.5", "3"] });
    expect(update("ADD m.b.z :v", { ":v": N("1") }).m).toEqual({ M: { a: S("1"), b: { M: { c: N("3"), z: N("1") } } } });
  });

  it("deletes from sets, dropping emptied sets", () => {
    expect(update("DELETE ss :v", { ":v": { SS: ["a"] } }).ss).toEqual({ SS: ["b"] });
    expect("ss" in update("DELETE ss :v", { ":v": { SS: ["a", "b"] } })).toBe(false);
    expect(update("DELETE ns :v", { ":v": { NS: ["2.5"] } }).ns).toEqual({ NS: ["1"] });
    expect("zz" in update("DELETE zz :v", { ":v": { SS: ["a"] } })).toBe(false);
  });

  it("refuses operands of the wrong type", () => {
    expect(error("ADD s :v", { ":v": S("x") })).toBe("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND");
    expect(error("ADD s :v", { ":v": { L: [] } })).toContain("operand type: LIST, typeSet: ALLOWED_FOR_ADD_OPERAND");
    expect(error("DELETE ss :v", { ":v": N("1") })).toBe("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND");
    expect(error("ADD ss :v", { ":v": { NS: ["1"] } })).toBe("An operand in the update expression has an incorrect data type");
    expect(error("ADD s :v", { ":v": N("1") })).toBe("An operand in the update expression has an incorrect data type");
    expect(error("DELETE n :v", { ":v": { NS: ["1"] } })).toBe("An operand in the update expression has an incorrect data type");
  });
});

describe("structure", () => {
  it("accepts clauses in any order and reports what changed", () => {
    const input = new ExpressionInput(undefined, { ":v": S("a"), ":d": N("1"), ":x": { SS: ["a"] } });
    const u = parseUpdate("DELETE ss :x SET s = :v ADD n :d REMOVE t, nul", input);
    expect(u.actions).toHaveLength(5);
    const { item: next, changed } = applyUpdate(u, item);
    expect(changed.map(pathText)).toEqual(["ss", "s", "n", "t", "nul"]);
    expect(updatedTopNames(u)).toEqual(["ss", "s", "n", "t", "nul"]);
    expect(project(next, changed)).toEqual({ ss: { SS: ["b"] }, s: S("a"), n: N("11") });
  });

  it("names nested changes so UPDATED_NEW can project them", () => {
    const input = new ExpressionInput(undefined, { ":v": S("new") });
    const u = parseUpdate("SET m.a = :v", input);
    const { item: next, changed } = applyUpdate(u, item);
    expect(project(next, changed)).toEqual({ m: { M: { a: S("new") } } });
    expect(project(item, changed)).toEqual({ m: { M: { a: S("1") } } });
    expect(updatedTopNames(u)).toEqual(["m"]);
  });

  it("reports structural errors", () => {
    expect(error("SET s = :v SET n = :v", { ":v": S("x") })).toBe('Invalid UpdateExpression: The "SET" section can only be used once in an update expression;');
    expect(error("REMOVE s ADD n :v remove t", { ":v": N("1") })).toBe('Invalid UpdateExpression: The "REMOVE" section can only be used once in an update expression;');
    expect(error("SET m = :v, m.a = :v", { ":v": S("x") })).toBe("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, a]");
    expect(error("SET s = :v REMOVE s", { ":v": S("x") })).toBe("Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [s], path two: [s]");
    expect(error("SET m.a = :v, m[0] = :v", { ":v": S("x") })).toBe("Invalid UpdateExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [m, a], path two: [m, [0]]");
    expect(error("SET s :v", { ":v": S("x") })).toBe('Invalid UpdateExpression: Syntax error; token: ":v", near: "s :v"');
    expect(error("")).toBe("Invalid UpdateExpression: The expression can not be empty;");
    expect(error("FOO s = :v", { ":v": S("x") })).toBe('Invalid UpdateExpression: Syntax error; token: "FOO", near: "FOO s"');
    expect(error("SET a = :v,", { ":v": S("x") })).toBe('Invalid UpdateExpression: Syntax error; token: "<EOF>", near: ":v,"');
    expect(error("ADD hits : incr", { ":incr": N("1") })).toBe('Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"');
    expect(error("ADD n n")).toContain('token: "n"');
    expect(error("SET #count = #count +", undefined, { "#count": "c" })).toBe('Invalid UpdateExpression: Syntax error; token: "<EOF>", near: "#count +"');
    expect(error("SET status = :v", { ":v": S("x") })).toBe("Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status");
    expect(error("SET #s = :v", { ":v": S("x") })).toBe("Invalid UpdateExpression: An expression attribute name used in the document path is not defined; attribute name: #s");
    expect(error("SET s = :w", { ":v": S("x") })).toBe("Invalid UpdateExpression: An expression attribute value used in expression is not defined; attribute value: :w");
  });

  it("writes __proto__ as an ordinary attribute", () => {
    const next = update("SET #p = :v", { ":v": S("x") }, { "#p": "__proto__" });
    expect(Object.getOwnPropertyDescriptor(next, "__proto__")?.value).toEqual(S("x"));
    expect(Object.prototype).not.toHaveProperty("S");
    const after = update("SET #p = #p", undefined, { "#p": "__proto__" }, next);
    expect(Object.getOwnPropertyDescriptor(after, "__proto__")?.value).toEqual(S("x"));
    expect(error("SET q = #p", undefined, { "#p": "__proto__" })).toBe("The provided expression refers to an attribute that does not exist in the item");
  });
});
