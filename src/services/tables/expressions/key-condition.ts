/**
 * KeyConditionExpression: the condition grammar restricted to ANDed comparisons
 * (=, <, <=, >, >=), BETWEEN and begins_with, each naming one top-level attribute and
 * given values. `value OP attribute` is turned around to `attribute OP' value`. Which
 * attributes are the table's keys is the caller's check.
 */
import type { AttributeValue } from "../types.js";
import type { Condition, KeyCondition, KeyOperator, Operand } from "./ast.js";
import { ConditionChecker, parseRawCondition } from "./condition.js";
import type { ExpressionInput } from "./input.js";
import { ValidationException } from "../errors.js";
import { invalid } from "./syntax.js";

const FLIPPED: Readonly<Record<string, KeyOperator>> = { "=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<=" };
const MAX_PARTS = 2;

/** Parses a key condition into one part per attribute; throws DynamoDB's errors. */
export function parseKeyCondition(text: string, input: ExpressionInput): KeyCondition {
  const kind = "KeyConditionExpression";
  const { syntax, raw } = parseRawCondition(text, kind);
  const checker = new ConditionChecker(input, kind);
  const condition = checker.condition(raw);
  checker.finish(syntax);
  const parts: { name: string; op: KeyOperator; values: AttributeValue[] }[] = [];
  collect(condition, parts);
  if (parts.length > MAX_PARTS) throw invalid(kind, "Conditions can be of length 1 or 2 only");
  return { parts };
}

function fail(message: string): never {
  throw invalid("KeyConditionExpression", message);
}

/** DynamoDB words this one without the usual "Invalid KeyConditionExpression:" prefix. */
function badOperator(op: string): never {
  throw new ValidationException(`Invalid operator used in KeyConditionExpression: ${op}`);
}

function collect(c: Condition, parts: { name: string; op: KeyOperator; values: AttributeValue[] }[]): void {
  switch (c.kind) {
    case "and":
      collect(c.left, parts);
      collect(c.right, parts);
      return;
    case "or":
    case "not":
    case "in":
      return badOperator(c.kind.toUpperCase());
    case "attribute_exists":
    case "attribute_not_exists":
    case "attribute_type":
    case "contains":
      return badOperator(c.kind);
    case "compare":
      if (c.op === "<>") badOperator("<>");
      return add(parts, c.op, [c.left, c.right], false);
    case "between":
      return add(parts, "BETWEEN", [c.subject, c.low, c.high], true);
    case "begins_with":
      return add(parts, "begins_with", [c.subject, c.prefix], true);
  }
}

function add(parts: { name: string; op: KeyOperator; values: AttributeValue[] }[], op: KeyOperator, operands: readonly Operand[], keyFirst: boolean): void {
  if (operands.some((o) => o.kind === "size")) fail("KeyConditionExpressions cannot contain nested operations");
  const at = operands.findIndex((o) => o.kind === "path");
  if (at < 0) fail("Invalid condition in KeyConditionExpression: No key attribute specified");
  if (operands.filter((o) => o.kind === "path").length > 1) fail("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition");
  if (keyFirst && at !== 0) fail(`Invalid condition in KeyConditionExpression: ${op === "BETWEEN" ? "BETWEEN" : op} operator must have the key attribute as its first operand`);
  const key = operands[at] as Operand & { kind: "path" };
  const first = key.path[0];
  if (key.path.length > 1 || !first || !("name" in first)) fail("KeyConditionExpressions cannot have conditions on nested attributes");
  if (parts.some((p) => p.name === first.name)) fail("KeyConditionExpressions must only contain one condition per key");
  const values = operands.filter((o): o is Operand & { kind: "value" } => o.kind === "value").map((o) => o.value);
  parts.push({ name: first.name, op: at === 0 ? op : (FLIPPED[op] ?? op), values });
}
