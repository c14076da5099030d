/**
 * The parts item actions share: a request's expressions (names and values checked and
 * used up), ReturnValues choices, consumed capacity, and reading items and keys from
 * request members.
 */
import { ValidationException } from "./errors.js";
import { ExpressionInput, parseCondition, parseProjection, type Condition, type Path } from "./expressions/index.js";
import { optChoice, optMap, optString, type Input, type Output } from "./input.js";
import type { Item } from "./types.js";
import { validateItem } from "./values/validate.js";

export const MAX_EXPRESSION = 4096;

/** ExpressionAttributeNames and ExpressionAttributeValues of a request; ExpressionInput checks them. */
export function expressionInput(input: Input, hasExpression: boolean): ExpressionInput {
  const names = optMap(input, "ExpressionAttributeNames");
  const values = optMap(input, "ExpressionAttributeValues");
  if (!hasExpression) {
    if (names) throw new ValidationException("ExpressionAttributeNames can only be specified when using expressions");
    if (values) throw new ValidationException("ExpressionAttributeValues can only be specified when using expressions");
  }
  return new ExpressionInput(names, values);
}

export function expressionText(input: Input, member: string): string | undefined {
  return optString(input, member, { min: 0, max: 1_000_000 });
}

export function optCondition(input: Input, member: string, exprs: ExpressionInput): Condition | null {
  const text = expressionText(input, member);
  if (text === undefined) return null;
  return parseCondition(text, exprs, member as "ConditionExpression");
}

export function optProjection(input: Input, exprs: ExpressionInput): Path[] | null {
  const text = expressionText(input, "ProjectionExpression");
  return text === undefined ? null : parseProjection(text, exprs);
}

/** Legacy (pre-expression) parameters, which Sluice does not read. */
const LEGACY = ["Expected", "ConditionalOperator", "AttributesToGet", "AttributeUpdates", "KeyConditions", "QueryFilter", "ScanFilter"];

export function rejectLegacy(input: Input): void {
  for (const member of LEGACY) {
    if (input[member] !== undefined) throw new ValidationException(`${member} is a legacy parameter that Sluice does not support; use the expression parameters instead.`);
  }
}

export function reqItem(input: Input, member: string): Item {
  if (input[member] === undefined || input[member] === null) {
    throw new ValidationException(`1 validation error detected: Value null at '${member.charAt(0).toLowerCase()}${member.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return validateItem(input[member], member);
}

export const ReturnValue = { None: "NONE", AllOld: "ALL_OLD", UpdatedOld: "UPDATED_OLD", AllNew: "ALL_NEW", UpdatedNew: "UPDATED_NEW" } as const;
export type ReturnValue = (typeof ReturnValue)[keyof typeof ReturnValue];

export function returnValues(input: Input, allowed: readonly ReturnValue[]): ReturnValue {
  const v = optChoice(input, "ReturnValues", Object.values(ReturnValue)) ?? "NONE";
  // DynamoDB: "ReturnValues can only be ALL_OLD or NONE" (PutItem, DeleteItem).
  if (!allowed.includes(v)) throw new ValidationException(`ReturnValues can only be ${allowed.join(" or ")}`);
  return v;
}

export function failureReturn(input: Input): boolean {
  return optChoice(input, "ReturnValuesOnConditionCheckFailure", ["ALL_OLD", "NONE"] as const) === "ALL_OLD";
}

/** ConsumedCapacity when asked for: one unit per KB written, per 4 KB read (half when eventually consistent). */
export function consumed(input: Input, table: string, units: number): Output {
  const mode = optChoice(input, "ReturnConsumedCapacity", ["INDEXES", "TOTAL", "NONE"] as const) ?? "NONE";
  if (mode === "NONE") return {};
  const c: Output = { TableName: table, CapacityUnits: units };
  if (mode === "INDEXES") c["Table"] = { CapacityUnits: units };
  return { ConsumedCapacity: c };
}

export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / 1024));
}

export function readUnits(bytes: number, consistent: boolean): number {
  const units = Math.max(1, Math.ceil(bytes / 4096));
  return consistent ? units : units / 2;
}
