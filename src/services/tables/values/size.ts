/**
 * Item sizes by DynamoDB's documented rules, used for the 400 KB item limit and capacity
 * units. Names and strings count their UTF-8 bytes; binary its bytes; a number about one
 * byte per two significant digits plus one; NULL and BOOL one byte; a list or map 3 bytes
 * plus one per element plus its elements (map keys counted as names); a set the sum of
 * its elements.
 */
import type { AttributeValue, Item } from "../types.js";
import { readDecimal } from "./number.js";

/** The size in bytes DynamoDB accounts for an item. */
export function itemSize(item: Item): number {
  let total = 0;
  for (const name of Object.keys(item)) total += Buffer.byteLength(name, "utf8") + valueSize(item[name] as AttributeValue);
  return total;
}

/** The size in bytes of one value, without its attribute name. */
export function valueSize(v: AttributeValue): number {
  if ("S" in v) return Buffer.byteLength(v.S, "utf8");
  if ("N" in v) return numberSize(v.N);
  if ("B" in v) return binarySize(v.B);
  if ("SS" in v) return v.SS.reduce((n, s) => n + Buffer.byteLength(s, "utf8"), 0);
  if ("NS" in v) return v.NS.reduce((n, s) => n + numberSize(s), 0);
  if ("BS" in v) return v.BS.reduce((n, s) => n + binarySize(s), 0);
  if ("L" in v) return v.L.reduce((n, e) => n + 1 + valueSize(e), 3);
  if ("M" in v) return 3 + itemSize(v.M) + Object.keys(v.M).length;
  return 1;
}

/** Significant digits, two to a byte, plus one byte. */
export function numberSize(text: string): number {
  const d = readDecimal(text);
  const digits = d ? d.digits.length : text.length;
  return Math.ceil(digits / 2) + 1;
}

function binarySize(base64: string): number {
  return Buffer.byteLength(base64, "base64");
}
