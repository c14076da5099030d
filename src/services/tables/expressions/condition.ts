/**
 * ConditionExpression, FilterExpression and (through key-condition.ts)
 * KeyConditionExpression parsing: the shared grammar, then DynamoDB's checks of meaning —
 * function names and operand counts, `size` only as an operand and the other functions
 * only as conditions, paths where paths are required, types of given values where the
 * operator constrains them, BETWEEN bounds, and at most 100 IN operands.
 */
import { compareScalars } from "../values/compare.js";
import { ATTRIBUTE_TYPES } from "../values/attr.js";
import type { AttributeValue } from "../types.js";
import type { Condition, Operand, Path } from "./ast.js";
import type { ExpressionInput } from "./input.js";
import { Resolver } from "./resolve.js";
import type { ExpressionKind, RawCondition, RawOperand } from "./syntax.js";
import type { Syntax } from "./syntax.js";
import { parseOnce } from "./parse-cache.js";

export type ConditionKind = "ConditionExpression" | "FilterExpression" | "KeyConditionExpression";

const CONDITION_FUNCTIONS = new Set(["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains"]);
const MAX_IN_OPERANDS = 100;
const ORDERED_TYPES = new Set(["N", "S", "B"]);

/** Parses a condition, resolving `#names` and `:values` from `input`; throws DynamoDB's errors. */
export function parseCondition(text: string, input: ExpressionInput, kind: ConditionKind = "ConditionExpression"): Condition {
  const { syntax, raw } = parseOnce(text, kind, (s) => s.condition());
  const checker = new ConditionChecker(input, kind);
  const condition = checker.condition(raw);
  checker.finish(syntax);
  return condition;
}

/** The raw tree of a condition, for checkers that need its shape (key conditions). */
export function parseRawCondition(text: string, kind: ExpressionKind): { syntax: Syntax; raw: RawCondition } {
  return parseOnce(text, kind, (s) => s.condition());
}

export class ConditionChecker extends Resolver {
  condition(raw: RawCondition): Condition {
    switch (raw.t) {
      case "paren": return this.condition(raw.inner);
      case "and":
      case "or": return { kind: raw.t, left: this.condition(raw.left), right: this.condition(raw.right) };
      case "not": return { kind: "not", operand: this.condition(raw.operand) };
      case "cmp": return this.compare(raw);
      case "between": return this.between(raw.subject, raw.low, raw.high);
      case "in": return this.in(raw.subject, raw.options);
      case "call": return this.call(raw.call);
    }
  }

  private compare(raw: RawCondition & { t: "cmp" }): Condition {
    this.distinct(raw.op, raw.left, [raw.right]);
    if (raw.op !== "=" && raw.op !== "<>") this.orderedTypes(raw.op, [raw.left, raw.right]);
    return { kind: "compare", op: raw.op, left: this.operand(raw.left), right: this.operand(raw.right) };
  }

  private between(subject: RawOperand, low: RawOperand, high: RawOperand): Condition {
    this.orderedTypes("BETWEEN", [subject, low, high]);
    const result: Condition = { kind: "between", subject: this.operand(subject), low: this.operand(low), high: this.operand(high) };
    if (result.low.kind === "value" && result.high.kind === "value") {
      const lo = result.low.value;
      const hi = result.high.value;
      const shown = `lower bound operand: AttributeValue: {${valueText(lo)}}, upper bound operand: AttributeValue: {${valueText(hi)}}`;
      const order = compareScalars(lo, hi);
      if (Object.keys(lo)[0] !== Object.keys(hi)[0]) this.note("type", `The BETWEEN operator requires same data type for lower and upper bounds; ${shown}`);
      else if (order !== null && order > 0) this.note("type", `The BETWEEN operator requires upper bound to be greater than or equal to lower bound; ${shown}`);
    }
    return result;
  }

  private in(subject: RawOperand, options: readonly RawOperand[]): Condition {
    if (options.length > MAX_IN_OPERANDS) this.note("operands", `The IN operator is provided with too many operands; number of operands: ${options.length}`);
    return { kind: "in", subject: this.operand(subject), options: options.map((o) => this.operand(o)) };
  }

  /** A function used as a condition. */
  private call(raw: RawOperand & { t: "call" }): Condition {
    const { name, args } = raw;
    if (name === "size") {
      this.note("misusedFunction", `The function is not allowed to be used this way in an expression; function: ${name}`);
      return { kind: "attribute_exists", path: [] };
    }
    if (!CONDITION_FUNCTIONS.has(name)) {
      this.note("unknownFunction", `Invalid function name; function: ${name}`);
      return { kind: "attribute_exists", path: [] };
    }
    const operands = args.map((a) => this.operand(a));
    const expected = name === "attribute_exists" || name === "attribute_not_exists" ? 1 : 2;
    if (!this.operandCount(name, args, expected)) return { kind: "attribute_exists", path: [] };
    this.distinct(name, args[0] as RawOperand, args.slice(1));
    const [first, second] = operands as [Operand, Operand];
    if (name === "attribute_exists" || name === "attribute_not_exists") return { kind: name, path: this.requirePath(name, first) };
    if (name === "attribute_type") return { kind: name, path: this.requirePath(name, first), type: this.typeName(second) };
    if (name === "begins_with") {
      for (const a of args) this.constrain(name, a, ["S", "B"]);
      return { kind: name, subject: first, prefix: second };
    }
    return { kind: "contains", subject: first, operand: second };
  }

  private requirePath(name: string, operand: Operand): Path {
    if (operand.kind === "path") return operand.path;
    this.note("type", `Operator or function requires a document path; operator or function: ${name}`);
    return [];
  }

  private typeName(operand: Operand): string {
    const type = operand.kind === "value" ? Object.keys(operand.value)[0] : undefined;
    if (operand.kind !== "value" || !("S" in operand.value)) {
      this.operandType("attribute_type", type ?? "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
      return "";
    }
    const name = operand.value.S;
    if (!(ATTRIBUTE_TYPES as readonly string[]).includes(name)) this.note("type", `Invalid attribute type name found; type: ${name}, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}`);
    return name;
  }

  /** Ordering operators need N, S or B; a given value of another type is refused now. */
  private orderedTypes(op: string, operands: readonly RawOperand[]): void {
    for (const o of operands) this.constrain(op, o, [...ORDERED_TYPES]);
  }

  private constrain(op: string, raw: RawOperand, allowed: readonly string[]): void {
    const type = raw.t === "call" && raw.name === "size" ? "N" : this.staticType(raw);
    if (type !== null && !allowed.includes(type)) this.operandType(op, type);
  }

  /** An operand: a path, a value, or `size(...)`; other functions may not appear here. */
  operand(raw: RawOperand): Operand {
    if (raw.t === "path") return { kind: "path", path: this.path(raw.elements) };
    if (raw.t === "value") return { kind: "value", value: this.value(raw.ref) };
    if (raw.t === "arith") {
      this.note("misusedFunction", `The function is not allowed to be used this way in an expression; function: ${raw.op}`);
      return { kind: "value", value: { NULL: true } };
    }
    if (raw.name !== "size") {
      const category = CONDITION_FUNCTIONS.has(raw.name) ? "misusedFunction" : "unknownFunction";
      this.note(category, category === "misusedFunction" ? `The function is not allowed to be used this way in an expression; function: ${raw.name}` : `Invalid function name; function: ${raw.name}`);
      return { kind: "value", value: { NULL: true } };
    }
    const of = raw.args.map((a) => this.operand(a));
    if (!this.operandCount("size", raw.args, 1)) return { kind: "value", value: { NULL: true } };
    this.constrain("size", raw.args[0] as RawOperand, ["S", "B", "SS", "NS", "BS", "L", "M"]);
    return { kind: "size", of: of[0] as Operand };
  }
}

/** A value as DynamoDB shows it in messages: `N:5`, `S:abc`. */
function valueText(v: AttributeValue): string {
  const entry: [string, unknown] = Object.entries(v)[0] ?? ["?", ""];
  const body = entry[1];
  return `${entry[0]}:${typeof body === "string" ? body : JSON.stringify(body)}`;
}
