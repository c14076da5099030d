/**
 * UpdateExpression parsing. Clauses SET, REMOVE, ADD and DELETE appear at most once each,
 * in any order, each with comma-separated actions:
 *   SET path = value [+|- value]   value := path | :v | if_not_exists(path, value) | list_append(value, value)
 *   REMOVE path      ADD path :v      DELETE path :v
 * Checks of meaning follow DynamoDB: function placement and operand counts, given values
 * of the wrong type for +, -, list_append, ADD and DELETE, and no two target paths that
 * overlap (one inside the other) or conflict (one indexes what the other names).
 */
import { typeOf } from "../values/attr.js";
import { pathListText, pathsConflict, pathsOverlap } from "../values/paths.js";
import type { Path, Update, UpdateAction, UpdateValue } from "./ast.js";
import type { ExpressionInput } from "./input.js";
import { Resolver } from "./resolve.js";
import type { RawOperand, RawPathElement } from "./syntax.js";
import { invalid, type Syntax } from "./syntax.js";
import { parseOnce } from "./parse-cache.js";

const CLAUSES = ["SET", "REMOVE", "ADD", "DELETE"] as const;
type Clause = (typeof CLAUSES)[number];

const CONDITION_FUNCTIONS = new Set(["attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains", "size"]);

/** DynamoDB's long names of types, used in ADD and DELETE operand messages. */
const LONG_TYPE_NAMES: Readonly<Record<string, string>> = {
  S: "STRING", N: "NUMBER", B: "BINARY", SS: "STRING SET", NS: "NUMBER SET", BS: "BINARY SET",
  M: "MAP", L: "LIST", NULL: "NULL", BOOL: "BOOLEAN",
};

type RawAction =
  | { readonly clause: "SET"; readonly path: RawPathElement[]; readonly value: RawOperand }
  | { readonly clause: "REMOVE"; readonly path: RawPathElement[] }
  | { readonly clause: "ADD" | "DELETE"; readonly path: RawPathElement[]; readonly ref: string };

/** Parses an update expression, resolving `#names` and `:values` from `input`. */
export function parseUpdate(text: string, input: ExpressionInput): Update {
  const { syntax, raw } = parseOnce(text, "UpdateExpression", clauses);
  const checker = new UpdateChecker(input, "UpdateExpression");
  const actions = raw.map((a) => checker.action(a));
  checker.targets(actions.map((a) => a.path));
  checker.finish(syntax);
  return { actions };
}

/** The distinct top-level attribute names an update writes or removes. */
export function updatedTopNames(u: Update): string[] {
  const names = new Set<string>();
  for (const a of u.actions) {
    const first = a.path[0];
    if (first && "name" in first) names.add(first.name);
  }
  return [...names];
}

function clauses(syntax: Syntax): RawAction[] {
  const seen = new Set<Clause>();
  const actions: RawAction[] = [];
  let repeated: Clause | undefined;
  do {
    const t = syntax.peek();
    const clause = CLAUSES.find((c) => t.kind === "ident" && t.text.toUpperCase() === c);
    if (!clause) throw syntax.fail();
    if (seen.has(clause)) repeated ??= clause;
    seen.add(clause);
    syntax.next();
    for (;;) {
      actions.push(action(syntax, clause));
      if (!syntax.isPunct(",")) break;
      syntax.next();
    }
  } while (syntax.peek().kind !== "eof");
  if (repeated) throw invalid("UpdateExpression", `The "${repeated}" section can only be used once in an update expression;`);
  return actions;
}

function action(syntax: Syntax, clause: Clause): RawAction {
  const path = syntax.path();
  if (clause === "REMOVE") return { clause, path };
  if (clause === "SET") {
    syntax.expectPunct("=");
    return { clause, path, value: setValue(syntax) };
  }
  const t = syntax.peek();
  if (t.kind !== "value") throw syntax.fail();
  syntax.next();
  return { clause, path, ref: t.text };
}

/** value [('+' | '-') value] */
function setValue(syntax: Syntax): RawOperand {
  const left = setOperand(syntax);
  if (!syntax.isPunct("+") && !syntax.isPunct("-")) return left;
  const op = syntax.next().text as "+" | "-";
  return { t: "arith", op, left, right: setOperand(syntax), parens: 0 };
}

function setOperand(syntax: Syntax): RawOperand {
  return syntax.simpleOperand(() => setOperand(syntax));
}

class UpdateChecker extends Resolver {
  action(raw: RawAction): UpdateAction {
    const path = this.path(raw.path);
    if (raw.clause === "REMOVE") return { kind: "REMOVE", path };
    if (raw.clause === "SET") return { kind: "SET", path, value: this.updateValue(raw.value) };
    const value = this.value(raw.ref);
    const type = typeOf(value);
    const allowed = raw.clause === "ADD" ? ["N", "SS", "NS", "BS"] : ["SS", "NS", "BS"];
    if (this.input.value(raw.ref) !== undefined && !allowed.includes(type)) {
      this.note("type", `Incorrect operand type for operator or function; operator: ${raw.clause}, operand type: ${LONG_TYPE_NAMES[type] ?? type}, typeSet: ALLOWED_FOR_${raw.clause}_OPERAND`);
    }
    return { kind: raw.clause, path, value };
  }

  private updateValue(raw: RawOperand): UpdateValue {
    switch (raw.t) {
      case "path": return { kind: "path", path: this.path(raw.elements) };
      case "value": return { kind: "value", value: this.value(raw.ref) };
      case "arith": {
        for (const side of [raw.left, raw.right]) this.expectType(raw.op, side, "N");
        return { kind: raw.op, left: this.updateValue(raw.left), right: this.updateValue(raw.right) };
      }
      case "call": return this.call(raw);
    }
  }

  private call(raw: RawOperand & { t: "call" }): UpdateValue {
    const placeholder: UpdateValue = { kind: "value", value: { NULL: true } };
    if (raw.name !== "if_not_exists" && raw.name !== "list_append") {
      if (CONDITION_FUNCTIONS.has(raw.name)) this.note("misusedFunction", `The function is not allowed in an update expression; function: ${raw.name}`);
      else this.note("unknownFunction", `Invalid function name; function: ${raw.name}`);
      return placeholder;
    }
    const args = raw.args.map((a) => this.updateValue(a));
    if (!this.operandCount(raw.name, raw.args, 2)) return placeholder;
    const [first, second] = args as [UpdateValue, UpdateValue];
    if (raw.name === "list_append") {
      for (const a of raw.args) this.expectType("list_append", a, "L");
      return { kind: "list_append", left: first, right: second };
    }
    this.distinct("if_not_exists", raw.args[0] as RawOperand, raw.args.slice(1));
    if (first.kind !== "path") {
      this.note("type", "Operator or function requires a document path; operator or function: if_not_exists");
      return placeholder;
    }
    return { kind: "if_not_exists", path: first.path, fallback: second };
  }

  /** Refuses a given value (or list_append result) whose type `op` cannot take. */
  private expectType(op: string, raw: RawOperand, type: string): void {
    const known = raw.t === "call" && raw.name === "list_append" ? "L" : this.staticType(raw);
    if (known !== null && known !== type) this.operandType(op, known);
  }

  /** No two target paths may overlap or conflict. */
  targets(paths: readonly Path[]): void {
    for (let i = 0; i < paths.length; i++) {
      for (let j = i + 1; j < paths.length; j++) {
        const one = paths[i] as Path;
        const two = paths[j] as Path;
        const kind = pathsOverlap(one, two) ? "overlap" : pathsConflict(one, two) ? "conflict" : null;
        if (kind) this.note("paths", `Two document paths ${kind} with each other; must remove or rewrite one of these paths; path one: ${pathListText(one)}, path two: ${pathListText(two)}`);
      }
    }
  }
}
