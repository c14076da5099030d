import { describe, expect, it } from "vitest";
import type { AttributeValue } from "../types.js";
import { ExpressionInput, parseKeyCondition } from "./index.js";

const S = (s: string): AttributeValue => ({ S: s });
const N = (n: string): AttributeValue => ({ N: n });

function parts(text: string, values: Record<string, AttributeValue>, names?: Record<string, string>) {
  const input = new ExpressionInput(names, values);
  const result = parseKeyCondition(text, input);
  input.assertAllUsed();
  return result.parts;
}

function error(text: string, values?: Record<string, AttributeValue>, names?: Record<string, string>): string {
  try {
    parseKeyCondition(text, new ExpressionInput(names, values));
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`no error for ${text}`);
}

describe("parseKeyCondition", () => {
  it("reads each key's condition", () => {
    expect(parts("pk = :p", { ":p": S("a") })).toEqual([{ name: "pk", op: "=", values: [S("a")] }]);
    expect(parts("pk = :p AND sk BETWEEN :a AND :b", { ":p": S("a"), ":a": N("1"), ":b": N("5") })).toEqual([
      { name: "pk", op: "=", values: [S("a")] },
      { name: "sk", op: "BETWEEN", values: [N("1"), N("5")] },
    ]);
    expect(parts("(#k = :p) and begins_with(sk, :s)", { ":p": S("a"), ":s": S("x") }, { "#k": "pk" })).toEqual([
      { name: "pk", op: "=", values: [S("a")] },
      { name: "sk", op: "begins_with", values: [S("x")] },
    ]);
    expect(parts(":p = pk AND :s < sk", { ":p": S("a"), ":s": N("2") })).toEqual([
      { name: "pk", op: "=", values: [S("a")] },
      { name: "sk", op: ">", values: [N("2")] },
    ]);
    for (const op of ["<", "<=", ">", ">="]) expect(parts(`sk ${op} :v`, { ":v": N("1") })[0]?.op).toBe(op);
  });

  it("refuses what a key condition cannot say", () => {
    const v = { ":p": S("a"), ":s": S("b") };
    expect(error("pk = :p OR sk = :s", v)).toBe("Invalid operator used in KeyConditionExpression: OR");
    expect(error("NOT pk = :p", v)).toBe("Invalid operator used in KeyConditionExpression: NOT");
    expect(error("pk IN (:p, :s)", v)).toBe("Invalid operator used in KeyConditionExpression: IN");
    expect(error("pk <> :p", v)).toBe("Invalid operator used in KeyConditionExpression: <>");
    expect(error("attribute_exists(pk)")).toBe("Invalid operator used in KeyConditionExpression: attribute_exists");
    expect(error("contains(pk, :p)", v)).toBe("Invalid operator used in KeyConditionExpression: contains");
    expect(error("size(pk) = :p", { ":p": N("1") })).toBe("Invalid KeyConditionExpression: KeyConditionExpressions cannot contain nested operations");
    expect(error("pk.a = :p", v)).toBe("Invalid KeyConditionExpression: KeyConditionExpressions cannot have conditions on nested attributes");
    expect(error("pk = :p AND pk = :s", v)).toBe("Invalid KeyConditionExpression: KeyConditionExpressions must only contain one condition per key");
    expect(error("pk = sk")).toBe("Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
    expect(error(":p = :s", v)).toBe("Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: No key attribute specified");
    expect(error("begins_with(:p, sk)", v)).toBe("Invalid KeyConditionExpression: Invalid condition in KeyConditionExpression: begins_with operator must have the key attribute as its first operand");
    expect(error("a = :p AND b = :s AND c = :p", v)).toBe("Invalid KeyConditionExpression: Conditions can be of length 1 or 2 only");
    expect(error("")).toBe("Invalid KeyConditionExpression: The expression can not be empty;");
    expect(error("pk = ")).toBe('Invalid KeyConditionExpression: Syntax error; token: "<EOF>", near: "pk ="');
    expect(error("key = :p", v)).toBe("Invalid KeyConditionExpression: Attribute name is a reserved keyword; reserved keyword: key");
  });
});
