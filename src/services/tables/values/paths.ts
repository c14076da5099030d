/**
 * Document paths into items: a path is a list of elements, each a map key (`{name}`) or
 * a list position (`{index}`); `a.b[3].c` is [{name:"a"},{name:"b"},{index:3},{name:"c"}].
 * Reads return undefined for anything missing or of the wrong shape. Writes are
 * immutable: they return a new item sharing untouched parts with the old one.
 */
import { ValidationException } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { copyRecord, own } from "./attr.js";

export type PathElement = { readonly name: string } | { readonly index: number };
export type Path = readonly PathElement[];

export const PathMessages = {
  invalidForUpdate: "The document path provided in the update expression is invalid for update",
} as const;

/** The path as written in an expression: `a.b[3].c`. */
export function pathText(p: Path): string {
  let out = "";
  for (const e of p) out += "index" in e ? `[${e.index}]` : out === "" ? e.name : `.${e.name}`;
  return out;
}

/** The path as DynamoDB lists it in messages: `[a, b, [3], c]`. */
export function pathListText(p: Path): string {
  return `[${p.map((e) => ("index" in e ? `[${e.index}]` : e.name)).join(", ")}]`;
}

/** The value at `path`, or undefined when any step is missing or of the wrong type. */
export function getPath(item: Item | undefined, path: Path): AttributeValue | undefined {
  const [first, ...rest] = path;
  if (item === undefined || first === undefined || "index" in first) return undefined;
  let current = own(item, first.name);
  for (const e of rest) {
    if (current === undefined) return undefined;
    current = step(current, e);
  }
  return current;
}

function step(v: AttributeValue, e: PathElement): AttributeValue | undefined {
  if ("index" in e) return "L" in v ? v.L[e.index] : undefined;
  return "M" in v ? own(v.M, e.name) : undefined;
}

/**
 * A new item with `value` at `path`. The parent must exist and be a map (for a name) or
 * a list (for an index); an index past the end appends.
 */
export function setPath(item: Item, path: Path, value: AttributeValue): Item {
  const out = copyRecord(item);
  setPathOn(out, path, value);
  return out;
}

/**
 * setPath on an item the caller owns (a copy of its own making): its top level is
 * changed in place, nested maps and lists are replaced, never changed.
 */
export function setPathOn(owned: Record<string, AttributeValue>, path: Path, value: AttributeValue): void {
  const [first, ...rest] = path;
  if (first === undefined || "index" in first) throw new ValidationException(PathMessages.invalidForUpdate);
  if (rest.length === 0) owned[first.name] = value;
  else {
    const child = own(owned, first.name);
    if (child === undefined) throw new ValidationException(PathMessages.invalidForUpdate);
    owned[first.name] = setIn(child, rest, value);
  }
}

function setIn(container: AttributeValue, path: Path, value: AttributeValue): AttributeValue {
  const [e, ...rest] = path;
  if (e === undefined) return value;
  const child = step(container, e);
  if (rest.length > 0 && child === undefined) throw new ValidationException(PathMessages.invalidForUpdate);
  const next = rest.length === 0 ? value : setIn(child as AttributeValue, rest, value);
  if ("index" in e) {
    if (!("L" in container)) throw new ValidationException(PathMessages.invalidForUpdate);
    const list = [...container.L];
    if (e.index >= list.length) list.push(next);
    else list[e.index] = next;
    return { L: list };
  }
  if (!("M" in container)) throw new ValidationException(PathMessages.invalidForUpdate);
  const map = copyRecord(container.M);
  map[e.name] = next;
  return { M: map };
}

/**
 * A new item without the value at `path`; removing a list element shifts the ones after
 * it. A missing last step is no change; a missing or mistyped parent is an error.
 */
export function removePath(item: Item, path: Path): Item {
  const first = path[0];
  if (path.length === 1 && first && !("index" in first) && own(item, first.name) === undefined) return item;
  const out = copyRecord(item);
  removePathOn(out, path);
  return out;
}

/** removePath on an item the caller owns (see setPathOn). */
export function removePathOn(owned: Record<string, AttributeValue>, path: Path): void {
  const [first, ...rest] = path;
  if (first === undefined || "index" in first) throw new ValidationException(PathMessages.invalidForUpdate);
  const child = own(owned, first.name);
  if (child === undefined) {
    if (rest.length === 0) return;
    throw new ValidationException(PathMessages.invalidForUpdate);
  }
  if (rest.length === 0) delete owned[first.name];
  else owned[first.name] = removeIn(child, rest);
}

function removeIn(container: AttributeValue, path: Path): AttributeValue {
  const [e, ...rest] = path;
  if (e === undefined) return container;
  if ("index" in e ? !("L" in container) : !("M" in container)) throw new ValidationException(PathMessages.invalidForUpdate);
  const child = step(container, e);
  if (child === undefined) {
    if (rest.length === 0) return container;
    throw new ValidationException(PathMessages.invalidForUpdate);
  }
  const next = rest.length === 0 ? undefined : removeIn(child, rest);
  if ("index" in e && "L" in container) {
    const list = [...container.L];
    if (next === undefined) list.splice(e.index, 1);
    else list[e.index] = next;
    return { L: list };
  }
  const map = copyRecord((container as { M: Readonly<Record<string, AttributeValue>> }).M);
  if (next === undefined) delete map[(e as { name: string }).name];
  else map[(e as { name: string }).name] = next;
  return { M: map };
}

/** Whether one path is a prefix of (or equal to) the other. */
export function pathsOverlap(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (!sameElement(a[i] as PathElement, b[i] as PathElement)) return false;
  return true;
}

/**
 * Whether two paths step differently into the same value: one by name, the other by
 * index, at the first place they differ with a shared prefix.
 */
export function pathsConflict(a: Path, b: Path): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as PathElement;
    const y = b[i] as PathElement;
    if (sameElement(x, y)) continue;
    return "index" in x !== "index" in y;
  }
  return false;
}

export function sameElement(a: PathElement, b: PathElement): boolean {
  if ("index" in a) return "index" in b && a.index === b.index;
  return "name" in b && a.name === b.name;
}
