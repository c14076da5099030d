import { describe, expect, it } from "vitest";
import type { AttributeValue, Item } from "../types.js";
import { ExpressionInput, parseProjection, pathText, project } from "./index.js";

const S = (s: string): AttributeValue => ({ S: s });
const item: Item = {
  s: S("hello"),
  l: { L: [S("a"), { M: { k: S("v"), j: S("w") } }, S("c"), S("d")] },
  m: { M: { a: S("1"), b: { M: { c: { N: "3" }, d: S("x") } } } },
};

function paths(text: string, names?: Record<string, string>) {
  const input = new ExpressionInput(names, undefined);
  const result = parseProjection(text, input);
  input.assertAllUsed();
  return result;
}

function error(text: string, names?: Record<string, string>): string {
  try {
    paths(text, names);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error(`no error for ${text}`);
}

describe("parseProjection", () => {
  it("reads nested and indexed paths with aliases", () => {
    expect(paths("#x, m.b.c, l[1].k, nothere", { "#x": "s" }).map(pathText)).toEqual(["s", "m.b.c", "l[1].k", "nothere"]);
  });

  it("refuses overlaps, conflicts, reserved words and bad syntax", () => {
    expect(error("m, m.a")).toBe("Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [m], path two: [m, a]");
    expect(error("s, s")).toBe("Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [s], path two: [s]");
    expect(error("m.a, m[1]")).toBe("Invalid ProjectionExpression: Two document paths conflict with each other; must remove or rewrite one of these paths; path one: [m, a], path two: [m, [1]]");
    expect(error("name")).toBe("Invalid ProjectionExpression: Attribute name is a reserved keyword; reserved keyword: name");
    expect(error("my-attr")).toBe('Invalid ProjectionExpression: Syntax error; token: "-", near: "my-attr"');
    expect(error("a,")).toBe('Invalid ProjectionExpression: Syntax error; token: "<EOF>", near: "a,"');
    expect(error("")).toBe("Invalid ProjectionExpression: The expression can not be empty;");
    expect(error("#n")).toBe("Invalid ProjectionExpression: An expression attribute name used in the document path is not defined; attribute name: #n");
  });
});

describe("project", () => {
  it("keeps the selected parts in place", () => {
    expect(project(item, paths("s, m.b.c, nothere"))).toEqual({ s: S("hello"), m: { M: { b: { M: { c: { N: "3" } } } } } });
  });

  it("closes up selected list elements in index order", () => {
    expect(project(item, paths("l[3], l[1].k, l[9]"))).toEqual({ l: { L: [{ M: { k: S("v") } }, S("d")] } });
  });

  it("leaves out containers where nothing selected exists", () => {
    expect(project(item, paths("m.zz, s.x, l[7], l[0].k"))).toEqual({});
    expect(project(item, paths("m[0], s[1]"))).toEqual({});
  });

  it("treats __proto__ as an ordinary name", () => {
    const evil = JSON.parse('{"__proto__": {"S": "x"}, "m": {"M": {}}}') as Item;
    const out = project(evil, paths("#p, m.#p", { "#p": "__proto__" }));
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual(S("x"));
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(project({}, paths("#p", { "#p": "__proto__" }))).toEqual({});
  });
});
