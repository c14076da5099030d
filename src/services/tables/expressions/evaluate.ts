/**
 * Evaluating a condition against an item (undefined when there is none, which behaves as
 * an empty item). Comparisons between different types, or with a missing attribute, are
 * false rather than errors — except `<>`, which is true whenever `=` is not. `size` is
 * the length of a string in UTF-16 code units (as DynamoDB counts it, so "é𝄞" is 3), the
 * byte length of binary, and the element count of a set, list or map; other types have
 * no size.
 */
import type { AttributeValue, Item } from "../types.js";
import { compareScalars, setElementKey, valuesEqual } from "../values/compare.js";
import { setElements, typeOf } from "../values/attr.js";
import { getPath } from "../values/paths.js";
import type { Condition, Operand } from "./ast.js";

/** Whether `item` satisfies `c`. */
export function evaluateCondition(c: Condition, item: Item | undefined): boolean {
  switch (c.kind) {
    case "and": return evaluateCondition(c.left, item) && evaluateCondition(c.right, item);
    case "or": return evaluateCondition(c.left, item) || evaluateCondition(c.right, item);
    case "not": return !evaluateCondition(c.operand, item);
    case "compare": return compare(c.op, resolve(c.left, item), resolve(c.right, item));
    case "between": return between(resolve(c.subject, item), resolve(c.low, item), resolve(c.high, item));
    case "in": {
      const subject = resolve(c.subject, item);
      return subject !== undefined && c.options.some((o) => equal(subject, resolve(o, item)));
    }
    case "attribute_exists": return getPath(item, c.path) !== undefined;
    case "attribute_not_exists": return getPath(item, c.path) === undefined;
    case "attribute_type": {
      const v = getPath(item, c.path);
      return v !== undefined && typeOf(v) === c.type;
    }
    case "begins_with": return beginsWith(resolve(c.subject, item), resolve(c.prefix, item));
    case "contains": return contains(resolve(c.subject, item), resolve(c.operand, item));
  }
}

/** The value an operand stands for in `item`, or undefined. */
export function resolve(o: Operand, item: Item | undefined): AttributeValue | undefined {
  if (o.kind === "value") return o.value;
  if (o.kind === "path") return getPath(item, o.path);
  const of = resolve(o.of, item);
  const size = of === undefined ? undefined : sizeOf(of);
  return size === undefined ? undefined : { N: String(size) };
}

/** The `size()` of a value, or undefined for types without one. */
export function sizeOf(v: AttributeValue): number | undefined {
  if ("S" in v) return v.S.length;
  if ("B" in v) return Buffer.byteLength(v.B, "base64");
  if ("L" in v) return v.L.length;
  if ("M" in v) return Object.keys(v.M).length;
  return setElements(v)?.length;
}

function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  return a !== undefined && b !== undefined && valuesEqual(a, b);
}

function compare(op: string, a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (op === "=") return equal(a, b);
  if (op === "<>") return !equal(a, b);
  if (a === undefined || b === undefined) return false;
  const order = compareScalars(a, b);
  if (order === null) return false;
  if (op === "<") return order < 0;
  if (op === "<=") return order <= 0;
  if (op === ">") return order > 0;
  return order >= 0;
}

function between(v: AttributeValue | undefined, low: AttributeValue | undefined, high: AttributeValue | undefined): boolean {
  if (v === undefined || low === undefined || high === undefined) return false;
  const aboveLow = compareScalars(v, low);
  const belowHigh = compareScalars(v, high);
  return aboveLow !== null && belowHigh !== null && aboveLow >= 0 && belowHigh <= 0;
}

function beginsWith(v: AttributeValue | undefined, prefix: AttributeValue | undefined): boolean {
  if (v === undefined || prefix === undefined) return false;
  if ("S" in v && "S" in prefix) return bytePrefix(Buffer.from(v.S, "utf8"), Buffer.from(prefix.S, "utf8"));
  if ("B" in v && "B" in prefix) return bytePrefix(Buffer.from(v.B, "base64"), Buffer.from(prefix.B, "base64"));
  return false;
}

function bytePrefix(value: Buffer, prefix: Buffer): boolean {
  return prefix.length <= value.length && value.subarray(0, prefix.length).equals(prefix);
}

/** Substring of a string, element of a set (of the matching type), or element of a list. */
function contains(v: AttributeValue | undefined, operand: AttributeValue | undefined): boolean {
  if (v === undefined || operand === undefined) return false;
  if ("S" in v) return "S" in operand && v.S.includes(operand.S);
  if ("L" in v) return v.L.some((e) => valuesEqual(e, operand));
  const elements = setElements(v);
  if (!elements) return false;
  const setType = typeOf(v);
  const elementType = setType.slice(0, 1);
  if (typeOf(operand) !== elementType) return false;
  const key = setElementKey(setType);
  const wanted = key((operand as Record<string, string>)[elementType] as string);
  return elements.some((e) => key(e) === wanted);
}
