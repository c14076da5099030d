/**
 * Applying a parsed update to an item. Every SET value is computed from the item as it
 * was before the update (so `SET a = b, b = a` swaps), then SET, ADD and DELETE are
 * applied, then REMOVE — list elements from the highest index down, so each index names
 * an element of the original list. Errors here are DynamoDB's runtime messages, which
 * carry no "Invalid UpdateExpression" prefix.
 */
import { ValidationException } from "../errors.js";
import type { AttributeValue, Item } from "../types.js";
import { copyRecord, makeSet, setElements, setTypeOf, typeOf } from "../values/attr.js";
import { setElementKey } from "../values/compare.js";
import { addNumbers, subtractNumbers } from "../values/number.js";
import { getPath, removePathOn, setPathOn } from "../values/paths.js";
import { MAX_NESTING, ValueMessages } from "../values/validate.js";
import type { Path, PathElement, Update, UpdateValue } from "./ast.js";

export const UpdateMessages = {
  missing: "The provided expression refers to an attribute that does not exist in the item",
  dataType: "An operand in the update expression has an incorrect data type",
} as const;

/**
 * The item after `u`, and the target paths of its actions (for ReturnValues UPDATED_OLD
 * and UPDATED_NEW: project the old or new item onto them).
 */
export function applyUpdate(u: Update, item: Item): { item: Item; changed: Path[] } {
  const original = item;
  const values = u.actions.map((a) => (a.kind === "SET" ? evaluate(a.value, original) : undefined));
  u.actions.forEach((a, i) => checkNesting(a.path, a.kind === "SET" ? values[i] : a.kind === "ADD" ? a.value : undefined));
  // One copy for all the actions (the caller's item stays as it was).
  const next = copyRecord(item);
  u.actions.forEach((a, i) => {
    if (a.kind === "SET") setPathOn(next, a.path, values[i] as AttributeValue);
    else if (a.kind === "ADD") setPathOn(next, a.path, add(getPath(original, a.path), a.value));
    else if (a.kind === "DELETE") {
      const remaining = without(getPath(original, a.path), a.value);
      if (remaining === null) removePathOn(next, a.path);
      else if (remaining !== undefined) setPathOn(next, a.path, remaining);
    }
  });
  const removals = u.actions.filter((a) => a.kind === "REMOVE").map((a) => a.path);
  for (const path of [...removals].sort(highestIndexFirst)) removePathOn(next, path);
  return { item: next, changed: u.actions.map((a) => a.path) };
}

function evaluate(v: UpdateValue, item: Item): AttributeValue {
  switch (v.kind) {
    case "value": return v.value;
    case "path": {
      const found = getPath(item, v.path);
      if (found === undefined) throw new ValidationException(UpdateMessages.missing);
      return found;
    }
    case "if_not_exists": return getPath(item, v.path) ?? evaluate(v.fallback, item);
    case "list_append": {
      const left = evaluate(v.left, item);
      const right = evaluate(v.right, item);
      if (!("L" in left) || !("L" in right)) throw new ValidationException(UpdateMessages.dataType);
      return { L: [...left.L, ...right.L] };
    }
    case "+":
    case "-": {
      const left = evaluate(v.left, item);
      const right = evaluate(v.right, item);
      if (!("N" in left) || !("N" in right)) throw new ValidationException(UpdateMessages.dataType);
      return { N: v.kind === "+" ? addNumbers(left.N, right.N) : subtractNumbers(left.N, right.N) };
    }
  }
}

/** A value placed at `path` sits inside path.length - 1 containers and adds its own. */
function checkNesting(path: Path, value: AttributeValue | undefined): void {
  if (value !== undefined && path.length - 1 + containerDepth(value) > MAX_NESTING) throw new ValidationException(ValueMessages.nesting);
}

function containerDepth(v: AttributeValue): number {
  if ("L" in v) return 1 + v.L.reduce((max, e) => Math.max(max, containerDepth(e)), 0);
  if ("M" in v) return 1 + Object.values(v.M).reduce((max, e) => Math.max(max, containerDepth(e)), 0);
  return 0;
}

/** ADD: a number is incremented, a set gains the new elements; missing means the value. */
function add(existing: AttributeValue | undefined, value: AttributeValue): AttributeValue {
  if (existing === undefined) return value;
  if ("N" in value) {
    if (!("N" in existing)) throw new ValidationException(UpdateMessages.dataType);
    return { N: addNumbers(existing.N, value.N) };
  }
  const type = setTypeOf(value);
  const have = setElements(existing);
  if (type === undefined || typeOf(existing) !== type || !have) throw new ValidationException(UpdateMessages.dataType);
  const key = setElementKey(type);
  const seen = new Set(have.map(key));
  const merged = [...have];
  for (const e of setElements(value) ?? []) {
    if (!seen.has(key(e))) merged.push(e);
    seen.add(key(e));
  }
  return makeSet(type, merged);
}

/** DELETE: the set without the given elements; null when none remain, undefined for no change. */
function without(existing: AttributeValue | undefined, value: AttributeValue): AttributeValue | null | undefined {
  if (existing === undefined) return undefined;
  const type = setTypeOf(value);
  const have = setElements(existing);
  if (type === undefined || typeOf(existing) !== type || !have) throw new ValidationException(UpdateMessages.dataType);
  const key = setElementKey(type);
  const drop = new Set((setElements(value) ?? []).map(key));
  const kept = have.filter((e) => !drop.has(key(e)));
  return kept.length === 0 ? null : makeSet(type, kept);
}

/** Orders removals so that, within one list, higher indexes go first. */
function highestIndexFirst(a: Path, b: Path): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as PathElement;
    const y = b[i] as PathElement;
    if ("index" in x && "index" in y) {
      if (x.index !== y.index) return y.index - x.index;
    } else if ("name" in x && "name" in y) {
      if (x.name !== y.name) return 0;
    } else return 0;
  }
  return 0;
}
