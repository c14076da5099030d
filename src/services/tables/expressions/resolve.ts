/**
 * Turning raw syntax into resolved paths and values while collecting the errors of
 * meaning. DynamoDB reports at most one error and prefers some kinds over others
 * (redundant parentheses, then unknown functions, misused functions, reserved words,
 * undefined names or values, operand counts, repeated operands, operand types), so each
 * kind keeps its first message and `finish` throws the most preferred.
 */
import type { AttributeValue } from "../types.js";
import { typeOf } from "../values/attr.js";
import type { Path, PathElement } from "../values/paths.js";
import { pathListText } from "../values/paths.js";
import type { ExpressionInput } from "./input.js";
import { isReserved } from "./reserved.js";
import type { ExpressionKind, RawOperand, RawPathElement, Syntax } from "./syntax.js";
import { invalid } from "./syntax.js";

const ORDER = ["unknownFunction", "misusedFunction", "reserved", "reference", "operands", "distinct", "type", "paths"] as const;
export type ErrorCategory = (typeof ORDER)[number];

/** A placeholder for values that failed to resolve; never evaluated, since `finish` throws. */
const MISSING: AttributeValue = { NULL: true };

export class Resolver {
  private readonly errors = new Map<ErrorCategory, string>();

  constructor(
    readonly input: ExpressionInput,
    readonly kind: ExpressionKind,
  ) {}

  /** Records an error unless one of the same category came first. */
  note(category: ErrorCategory, message: string): void {
    if (!this.errors.has(category)) this.errors.set(category, message);
  }

  /** Throws the most preferred error found, if any. */
  finish(syntax: Syntax): void {
    if (syntax.redundantParens) throw invalid(this.kind, "The expression has redundant parentheses;");
    for (const category of ORDER) {
      const message = this.errors.get(category);
      if (message !== undefined) throw invalid(this.kind, message);
    }
  }

  path(raw: readonly RawPathElement[]): Path {
    return raw.map((e): PathElement => {
      if (e.t === "index") return { index: e.index };
      if (e.t === "ident") {
        if (isReserved(e.text)) this.note("reserved", `Attribute name is a reserved keyword; reserved keyword: ${e.text}`);
        return { name: e.text };
      }
      const name = this.input.name(e.text);
      if (name === undefined) this.note("reference", `An expression attribute name used in the document path is not defined; attribute name: ${e.text}`);
      return { name: name ?? e.text };
    });
  }

  value(ref: string): AttributeValue {
    const value = this.input.value(ref);
    if (value === undefined) this.note("reference", `An expression attribute value used in expression is not defined; attribute value: ${ref}`);
    return value ?? MISSING;
  }

  /** The type of a given value, or null for anything not known before evaluation. */
  staticType(raw: RawOperand): string | null {
    if (raw.t !== "value") return null;
    const value = this.input.value(raw.ref);
    return value === undefined ? null : typeOf(value);
  }

  operandCount(name: string, args: readonly unknown[], expected: number): boolean {
    if (args.length === expected) return true;
    this.note("operands", `Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`);
    return false;
  }

  operandType(name: string, type: string): void {
    this.note("type", `Incorrect operand type for operator or function; operator or function: ${name}, operand type: ${type}`);
  }

  /** DynamoDB refuses an operator whose first operand is the same path as a later one. */
  distinct(name: string, first: RawOperand, rest: readonly RawOperand[]): void {
    if (first.t !== "path") return;
    const shown = this.plainPath(first.elements);
    const key = JSON.stringify(shown);
    if (!rest.some((r) => r.t === "path" && JSON.stringify(this.plainPath(r.elements)) === key)) return;
    this.note("distinct", `The first operand must be distinct from the remaining operands for this operator or function; operator: ${name}, first operand: ${pathListText(shown)}`);
  }

  /** The path with aliases substituted where known, without recording errors. */
  private plainPath(elements: readonly RawPathElement[]): Path {
    return elements.map((e) => (e.t === "index" ? { index: e.index } : { name: e.t === "alias" ? (this.input.name(e.text) ?? e.text) : e.text }));
  }
}
