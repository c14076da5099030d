/**
 * Key conditions to store ranges: a Query's KeyConditionExpression must pin the
 * partition key with `=` and may bound the sort key; the bound becomes a range of
 * encoded sort keys (begins_with is a byte-prefix range, which is exact because strings
 * and binaries encode as their bytes).
 */
import { ValidationException } from "./errors.js";
import type { KeyCondition } from "./expressions/index.js";
import type { KeyRange } from "./store.js";
import type { AttributeValue, KeySchema } from "./types.js";
import { typeOf } from "./values/attr.js";
import { compareScalars } from "./values/compare.js";
import { encodeKey, prefixEnd } from "./values/key-codec.js";

const SCHEMA_TYPE = "One or more parameter values were invalid: Condition parameter type does not match schema type";

function shown(v: AttributeValue): string {
  const entry: [string, unknown] = Object.entries(v)[0] ?? ["", ""];
  return `{${entry[0]}:${String(entry[1])}}`;
}

function typed(v: AttributeValue | undefined, type: string): AttributeValue {
  if (!v || typeOf(v) !== type) throw new ValidationException(SCHEMA_TYPE);
  return v;
}

function rangeOf(op: KeyCondition["parts"][number]["op"], values: readonly AttributeValue[], type: string): KeyRange {
  const [a, b] = values;
  const ka = encodeKey(typed(a, type));
  switch (op) {
    case "=":
      return { lo: { key: ka, inclusive: true }, hi: { key: ka, inclusive: true } };
    case "<":
      return { hi: { key: ka, inclusive: false } };
    case "<=":
      return { hi: { key: ka, inclusive: true } };
    case ">":
      return { lo: { key: ka, inclusive: false } };
    case ">=":
      return { lo: { key: ka, inclusive: true } };
    case "BETWEEN": {
      const upper = typed(b, type);
      if ((compareScalars(a as AttributeValue, upper) ?? 0) > 0) {
        throw new ValidationException(`Invalid KeyConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound; lower bound operand: AttributeValue: ${shown(a as AttributeValue)}, upper bound operand: AttributeValue: ${shown(upper)}`);
      }
      return { lo: { key: ka, inclusive: true }, hi: { key: encodeKey(upper), inclusive: true } };
    }
    case "begins_with": {
      if (type === "N") throw new ValidationException("Invalid KeyConditionExpression: Incorrect operand type for operator or function; operator or function: begins_with, operand type: N");
      const end = prefixEnd(ka);
      return end ? { lo: { key: ka, inclusive: true }, hi: { key: end, inclusive: false } } : { lo: { key: ka, inclusive: true } };
    }
  }
}

/** The encoded partition key and sort key range a key condition selects on `key`. */
export function keyRange(cond: KeyCondition, key: KeySchema): { pk: Buffer; range: KeyRange } {
  const hash = cond.parts.filter((p) => p.name === key.hash.name);
  const range = cond.parts.filter((p) => p.name === key.range?.name);
  const other = cond.parts.find((p) => p.name !== key.hash.name && p.name !== key.range?.name);
  if (other) throw new ValidationException(`Query condition missed key schema element: ${key.range && !range.length ? key.range.name : key.hash.name}`);
  if (hash.length === 0) throw new ValidationException(`Query condition missed key schema element: ${key.hash.name}`);
  if (hash.length > 1 || range.length > 1) throw new ValidationException("KeyConditionExpressions must only contain one condition per key");
  const h = hash[0];
  if (!h || h.op !== "=") throw new ValidationException("Query key condition not supported");
  const pk = encodeKey(typed(h.values[0], key.hash.type));
  const r = range[0];
  if (!r || !key.range) return { pk, range: {} };
  return { pk, range: rangeOf(r.op, r.values, key.range.type) };
}
