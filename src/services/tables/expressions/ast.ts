/**
 * The checked, resolved trees the parsers return. Paths hold real attribute names (aliases
 * substituted) and values hold the AttributeValues the references stood for, so
 * evaluation needs nothing but the item.
 */
import type { AttributeValue } from "../types.js";
import type { Path } from "../values/paths.js";
import type { Comparator } from "./syntax.js";

export type { Path, PathElement } from "../values/paths.js";
export type { Comparator } from "./syntax.js";

/** A value inside a condition: an item's attribute, a given value, or the size of one. */
export type Operand =
  | { readonly kind: "path"; readonly path: Path }
  | { readonly kind: "value"; readonly value: AttributeValue }
  | { readonly kind: "size"; readonly of: Operand };

export type Condition =
  | { readonly kind: "compare"; readonly op: Comparator; readonly left: Operand; readonly right: Operand }
  | { readonly kind: "between"; readonly subject: Operand; readonly low: Operand; readonly high: Operand }
  | { readonly kind: "in"; readonly subject: Operand; readonly options: readonly Operand[] }
  | { readonly kind: "and" | "or"; readonly left: Condition; readonly right: Condition }
  | { readonly kind: "not"; readonly operand: Condition }
  | { readonly kind: "attribute_exists" | "attribute_not_exists"; readonly path: Path }
  | { readonly kind: "attribute_type"; readonly path: Path; readonly type: string }
  | { readonly kind: "begins_with"; readonly subject: Operand; readonly prefix: Operand }
  | { readonly kind: "contains"; readonly subject: Operand; readonly operand: Operand };

/** The right-hand side of a SET action. */
export type UpdateValue =
  | { readonly kind: "path"; readonly path: Path }
  | { readonly kind: "value"; readonly value: AttributeValue }
  | { readonly kind: "if_not_exists"; readonly path: Path; readonly fallback: UpdateValue }
  | { readonly kind: "list_append"; readonly left: UpdateValue; readonly right: UpdateValue }
  | { readonly kind: "+" | "-"; readonly left: UpdateValue; readonly right: UpdateValue };

export type UpdateAction =
  | { readonly kind: "SET"; readonly path: Path; readonly value: UpdateValue }
  | { readonly kind: "REMOVE"; readonly path: Path }
  | { readonly kind: "ADD" | "DELETE"; readonly path: Path; readonly value: AttributeValue };

export interface Update {
  readonly actions: readonly UpdateAction[];
}

export type KeyOperator = "=" | "<" | "<=" | ">" | ">=" | "BETWEEN" | "begins_with";

/** A key condition: one comparison per named key attribute, ANDed. */
export interface KeyCondition {
  readonly parts: readonly { readonly name: string; readonly op: KeyOperator; readonly values: readonly AttributeValue[] }[];
}
