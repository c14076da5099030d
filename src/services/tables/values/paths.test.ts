import { describe, expect, it } from "vitest";
import type { Item } from "../types.js";
import { getPath, pathListText, pathsConflict, pathsOverlap, pathText, removePath, setPath } from "./paths.js";
import type { Path } from "./paths.js";

const n = (name: string) => ({ name });
const i = (index: number) => ({ index });

const item: Item = { a: { M: { b: { L: [{ N: "1" }, { M: { c: { S: "x" } } }] } } }, s: { S: "top" } };

describe("paths", () => {
  it("print as written and as DynamoDB lists them", () => {
    const p: Path = [n("a"), n("b"), i(3), n("c")];
    expect(pathText(p)).toBe("a.b[3].c");
    expect(pathListText(p)).toBe("[a, b, [3], c]");
  });

  it("read nested values", () => {
    expect(getPath(item, [n("a"), n("b"), i(1), n("c")])).toEqual({ S: "x" });
    expect(getPath(item, [n("a"), n("b"), i(5)])).toBeUndefined();
    expect(getPath(item, [n("s"), n("x")])).toBeUndefined();
    expect(getPath(item, [n("__proto__")])).toBeUndefined();
    expect(getPath(item, [n("a"), n("toString")])).toBeUndefined();
    expect(getPath(undefined, [n("a")])).toBeUndefined();
  });

  it("set immutably, appending past a list's end", () => {
    const next = setPath(item, [n("a"), n("b"), i(9)], { N: "2" });
    expect(getPath(next, [n("a"), n("b"), i(2)])).toEqual({ N: "2" });
    expect(getPath(item, [n("a"), n("b"), i(2)])).toBeUndefined();
    expect(getPath(setPath(item, [n("a"), n("new")], { S: "y" }), [n("a"), n("new")])).toEqual({ S: "y" });
    const proto = setPath(item, [n("__proto__")], { S: "p" });
    expect(Object.getOwnPropertyDescriptor(proto, "__proto__")?.value).toEqual({ S: "p" });
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });

  it("refuse to set under a missing or mistyped parent", () => {
    const invalid = "The document path provided in the update expression is invalid for update";
    expect(() => setPath(item, [n("x"), n("y")], { S: "" })).toThrow(invalid);
    expect(() => setPath(item, [n("s"), n("y")], { S: "" })).toThrow(invalid);
    expect(() => setPath(item, [n("a"), i(0)], { S: "" })).toThrow(invalid);
  });

  it("remove, shifting list elements", () => {
    const next = removePath(item, [n("a"), n("b"), i(0)]);
    expect(getPath(next, [n("a"), n("b"), i(0), n("c")])).toEqual({ S: "x" });
    expect(removePath(item, [n("zz")])).toBe(item);
    expect(removePath(item, [n("a"), n("b"), i(7)])).toEqual(item);
    expect(Object.keys(removePath(item, [n("s")]))).toEqual(["a"]);
  });

  it("detect overlap and conflict", () => {
    expect(pathsOverlap([n("a")], [n("a"), n("b")])).toBe(true);
    expect(pathsOverlap([n("a"), n("c")], [n("a"), n("b")])).toBe(false);
    expect(pathsConflict([n("a"), n("b")], [n("a"), i(0)])).toBe(true);
    expect(pathsConflict([n("a"), i(1)], [n("a"), i(0)])).toBe(false);
  });
});
