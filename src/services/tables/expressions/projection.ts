/**
 * ProjectionExpression: comma-separated document paths, and projecting an item onto
 * them. The result keeps each selected value at its place — nested maps keep only the
 * selected keys, and selected list elements keep their order but close up (l[1], l[3]
 * of a list give a two-element list). Missing paths are left out, as are containers in
 * which nothing selected exists.
 */
import type { AttributeValue, Item } from "../types.js";
import { emptyRecord, own } from "../values/attr.js";
import { pathListText, pathsConflict, pathsOverlap } from "../values/paths.js";
import type { Path } from "./ast.js";
import type { ExpressionInput } from "./input.js";
import { Resolver } from "./resolve.js";
import { Syntax } from "./syntax.js";

/** Parses a projection expression into its paths; overlapping or conflicting paths are refused. */
export function parseProjection(text: string, input: ExpressionInput): Path[] {
  const syntax = new Syntax(text, "ProjectionExpression");
  const raw = syntax.run(() => syntax.operandList(() => ({ t: "path", elements: syntax.path(), parens: 0 })));
  const resolver = new Resolver(input, "ProjectionExpression");
  const paths = raw.map((r) => resolver.path(r.t === "path" ? r.elements : []));
  for (let i = 0; i < paths.length; i++) {
    for (let j = i + 1; j < paths.length; j++) {
      const one = paths[i] as Path;
      const two = paths[j] as Path;
      const kind = pathsOverlap(one, two) ? "overlap" : pathsConflict(one, two) ? "conflict" : null;
      if (kind) resolver.note("paths", `Two document paths ${kind} with each other; must remove or rewrite one of these paths; path one: ${pathListText(one)}, path two: ${pathListText(two)}`);
    }
  }
  resolver.finish(syntax);
  return paths;
}

/** A selection tree: `all` takes the whole value; otherwise only the listed children. */
interface Selection {
  all: boolean;
  readonly names: Map<string, Selection>;
  readonly indexes: Map<number, Selection>;
}

function selection(): Selection {
  return { all: false, names: new Map(), indexes: new Map() };
}

/** The parts of `item` the paths select. */
export function project(item: Item, paths: readonly Path[]): Item {
  const root = selection();
  for (const path of paths) add(root, path);
  const out = emptyRecord<AttributeValue>();
  for (const [name, sel] of root.names) {
    const value = own(item, name);
    const picked = value === undefined ? undefined : pick(value, sel);
    if (picked !== undefined) out[name] = picked;
  }
  return out;
}

function add(root: Selection, path: Path): void {
  let node = root;
  for (const e of path) {
    const children: Map<string | number, Selection> = "index" in e ? node.indexes : node.names;
    const key = "index" in e ? e.index : e.name;
    let child = children.get(key);
    if (!child) {
      child = selection();
      children.set(key, child);
    }
    node = child;
  }
  node.all = true;
}

function pick(value: AttributeValue, sel: Selection): AttributeValue | undefined {
  if (sel.all) return value;
  if ("M" in value && sel.names.size > 0) {
    const out = emptyRecord<AttributeValue>();
    for (const [name, child] of sel.names) {
      const inner = own(value.M, name);
      const picked = inner === undefined ? undefined : pick(inner, child);
      if (picked !== undefined) out[name] = picked;
    }
    return Object.keys(out).length > 0 ? { M: out } : undefined;
  }
  if ("L" in value && sel.indexes.size > 0) {
    const out: AttributeValue[] = [];
    for (const index of [...sel.indexes.keys()].sort((a, b) => a - b)) {
      const inner = value.L[index];
      const picked = inner === undefined ? undefined : pick(inner, sel.indexes.get(index) as Selection);
      if (picked !== undefined) out.push(picked);
    }
    return out.length > 0 ? { L: out } : undefined;
  }
  return undefined;
}
