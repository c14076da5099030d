/**
 * The grammar shared by all expression kinds, producing a raw syntax tree whose names,
 * aliases, value references and function names are not yet resolved or checked (the
 * kind-specific checkers do that, so errors come out in DynamoDB's order: syntax first,
 * then meaning). Conditions parse with precedence OR < AND < NOT < comparison;
 * parentheses may wrap conditions and operands, which is ambiguous at "(", so a
 * parenthesised condition is tried first and remembered per position (keeping hostile
 * nesting linear).
 */
import { ValidationException } from "../errors.js";
import type { Token } from "./lexer.js";
import { tokenize } from "./lexer.js";

export type ExpressionKind = "ConditionExpression" | "FilterExpression" | "KeyConditionExpression" | "UpdateExpression" | "ProjectionExpression";

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";
export const COMPARATORS: ReadonlySet<string> = new Set(["=", "<>", "<", "<=", ">", ">="]);

export type RawPathElement = { readonly t: "ident" | "alias"; readonly text: string } | { readonly t: "index"; readonly index: number };

export type RawOperand =
  | { readonly t: "path"; readonly elements: readonly RawPathElement[]; parens: number }
  | { readonly t: "value"; readonly ref: string; parens: number }
  | { readonly t: "call"; readonly name: string; readonly args: readonly RawOperand[]; parens: number }
  | { readonly t: "arith"; readonly op: "+" | "-"; readonly left: RawOperand; readonly right: RawOperand; parens: number };

export type RawCondition =
  | { readonly t: "cmp"; readonly op: Comparator; readonly left: RawOperand; readonly right: RawOperand }
  | { readonly t: "between"; readonly subject: RawOperand; readonly low: RawOperand; readonly high: RawOperand }
  | { readonly t: "in"; readonly subject: RawOperand; readonly options: readonly RawOperand[] }
  | { readonly t: "and" | "or"; readonly left: RawCondition; readonly right: RawCondition }
  | { readonly t: "not"; readonly operand: RawCondition }
  | { readonly t: "call"; readonly call: RawOperand & { t: "call" } }
  | { readonly t: "paren"; readonly inner: RawCondition };

/** DynamoDB's cap on an expression's size, in bytes. */
export const MAX_EXPRESSION_BYTES = 4096;
/** Nesting beyond this is refused before it can exhaust the stack. */
export const MAX_NESTING = 200;
/** List indexes beyond this are refused as syntax errors. */
const MAX_INDEX = 2 ** 31 - 1;

const KEYWORDS = new Set(["AND", "OR", "NOT", "BETWEEN", "IN"]);

/** A syntax error at a token; the checker turns it into DynamoDB's message. */
class SyntaxFailure extends Error {
  constructor(readonly at: number) {
    super("syntax error");
  }
}

/** The prefix of every message about an expression: `Invalid UpdateExpression: `. */
export function invalid(kind: ExpressionKind, message: string): ValidationException {
  return new ValidationException(`Invalid ${kind}: ${message}`);
}

export class Syntax {
  readonly tokens: Token[];
  pos = 0;
  /** Set when a value or condition is wrapped in two pairs of parentheses. */
  redundantParens = false;
  private depth = 0;
  private readonly parenConditions = new Map<number, { node: RawCondition; end: number } | SyntaxFailure>();

  constructor(
    readonly text: string,
    readonly kind: ExpressionKind,
  ) {
    const size = Buffer.byteLength(text, "utf8");
    if (size > MAX_EXPRESSION_BYTES) throw invalid(kind, `Expression size has exceeded the maximum allowed size; expression size: ${size}`);
    if (text.trim() === "") throw invalid(kind, "The expression can not be empty;");
    this.tokens = tokenize(text);
  }

  /** Runs `parse`, turning a syntax failure into DynamoDB's message; requires all input consumed. */
  run<T>(parse: () => T): T {
    try {
      const result = parse();
      if (this.peek().kind !== "eof") throw this.fail();
      return result;
    } catch (e) {
      if (e instanceof SyntaxFailure) throw this.syntaxError(e.at);
      throw e;
    }
  }

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  next(): Token {
    const t = this.peek();
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  /** Whether the current token is punctuation `p`. */
  isPunct(p: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "punct" && t.text === p;
  }

  /** Whether the current token is the (case-insensitive) keyword `word`. */
  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === "ident" && t.text.toUpperCase() === word;
  }

  expectPunct(p: string): void {
    if (!this.isPunct(p)) throw this.fail();
    this.pos++;
  }

  fail(at: number = this.pos): SyntaxFailure {
    return new SyntaxFailure(Math.min(at, this.tokens.length - 1));
  }

  /** DynamoDB shows the token with its neighbours; at the end, the two tokens before it. */
  private syntaxError(at: number): ValidationException {
    const token = this.tokens[at] as Token;
    const eof = token.kind === "eof";
    const first = eof ? (this.tokens[at - 2] ?? this.tokens[at - 1] ?? token) : (this.tokens[at - 1] ?? token);
    const lastToken = eof ? (this.tokens[at - 1] ?? token) : this.tokens[at + 1];
    const last = lastToken && lastToken.kind !== "eof" ? lastToken : token;
    const near = this.text.slice(first.start, Math.max(last.end, first.end));
    return invalid(this.kind, `Syntax error; token: "${token.text}", near: "${near}"`);
  }

  private nest<T>(parse: () => T): T {
    if (++this.depth > MAX_NESTING) throw invalid(this.kind, "The expression has too many nested levels;");
    try {
      return parse();
    } finally {
      this.depth--;
    }
  }

  /** condition := and (OR and)* */
  condition(): RawCondition {
    return this.nest(() => {
      let left = this.conjunction();
      while (this.isKeyword("OR")) {
        this.pos++;
        left = { t: "or", left, right: this.conjunction() };
      }
      return left;
    });
  }

  private conjunction(): RawCondition {
    let left = this.negation();
    while (this.isKeyword("AND")) {
      this.pos++;
      left = { t: "and", left, right: this.negation() };
    }
    return left;
  }

  private negation(): RawCondition {
    if (!this.isKeyword("NOT")) return this.primary();
    this.pos++;
    return this.nest(() => ({ t: "not", operand: this.negation() }));
  }

  private primary(): RawCondition {
    if (this.isPunct("(")) {
      const start = this.pos;
      const attempt = this.parenCondition(start);
      if (!(attempt instanceof SyntaxFailure) && !this.continuesComparison(attempt.end)) {
        this.pos = attempt.end;
        return attempt.node;
      }
      try {
        return this.comparison();
      } catch (e) {
        // Report whichever reading got further, as the more telling error.
        if (e instanceof SyntaxFailure && attempt instanceof SyntaxFailure && attempt.at > e.at) throw attempt;
        throw e;
      }
    }
    return this.comparison();
  }

  private continuesComparison(at: number): boolean {
    const t = this.tokens[at];
    if (!t) return false;
    if (t.kind === "punct") return COMPARATORS.has(t.text);
    return t.kind === "ident" && (t.text.toUpperCase() === "BETWEEN" || t.text.toUpperCase() === "IN");
  }

  private parenCondition(start: number): { node: RawCondition; end: number } | SyntaxFailure {
    const known = this.parenConditions.get(start);
    if (known) return known;
    let result: { node: RawCondition; end: number } | SyntaxFailure;
    try {
      this.pos = start + 1;
      const inner = this.condition();
      this.expectPunct(")");
      if (inner.t === "paren") this.redundantParens = true;
      result = { node: { t: "paren", inner }, end: this.pos };
    } catch (e) {
      if (!(e instanceof SyntaxFailure)) throw e;
      result = e;
    }
    this.pos = start;
    this.parenConditions.set(start, result);
    return result;
  }

  private comparison(): RawCondition {
    const subject = this.operand();
    const t = this.peek();
    if (t.kind === "punct" && COMPARATORS.has(t.text)) {
      this.pos++;
      return { t: "cmp", op: t.text as Comparator, left: subject, right: this.operand() };
    }
    if (this.isKeyword("BETWEEN")) {
      this.pos++;
      const low = this.operand();
      if (!this.isKeyword("AND")) throw this.fail();
      this.pos++;
      return { t: "between", subject, low, high: this.operand() };
    }
    if (this.isKeyword("IN")) {
      this.pos++;
      this.expectPunct("(");
      const options = this.operandList();
      this.expectPunct(")");
      return { t: "in", subject, options };
    }
    if (subject.t === "call" && subject.parens === 0) return { t: "call", call: subject };
    throw this.fail();
  }

  /** operand (',' operand)* */
  operandList(parse: () => RawOperand = () => this.operand()): RawOperand[] {
    const list = [parse()];
    while (this.isPunct(",")) {
      this.pos++;
      list.push(parse());
    }
    return list;
  }

  /** operand := '(' operand ')' | function '(' operands ')' | :value | path */
  operand(): RawOperand {
    if (this.isPunct("(")) {
      this.pos++;
      const inner = this.nest(() => this.operand());
      this.expectPunct(")");
      inner.parens++;
      if (inner.parens > 1) this.redundantParens = true;
      return inner;
    }
    return this.simpleOperand(() => this.operand());
  }

  /** A function call, value reference or path; `argument` parses call arguments. */
  simpleOperand(argument: () => RawOperand): RawOperand {
    const t = this.peek();
    if (t.kind === "value") {
      this.pos++;
      return { t: "value", ref: t.text, parens: 0 };
    }
    if (t.kind === "ident" && this.isPunct("(", 1) && !KEYWORDS.has(t.text.toUpperCase())) {
      this.pos += 2;
      const args = this.nest(() => this.operandList(argument));
      this.expectPunct(")");
      return { t: "call", name: t.text, args, parens: 0 };
    }
    return { t: "path", elements: this.path(), parens: 0 };
  }

  /** path := name ('.' name | '[' digits ']')* where name is a bare name or #alias. */
  path(): RawPathElement[] {
    const elements = [this.pathName()];
    for (;;) {
      if (this.isPunct(".")) {
        this.pos++;
        elements.push(this.pathName());
      } else if (this.isPunct("[")) {
        this.pos++;
        const t = this.peek();
        const index = t.kind === "number" ? Number(t.text) : Number.NaN;
        if (!(index <= MAX_INDEX)) throw this.fail();
        this.pos++;
        this.expectPunct("]");
        elements.push({ t: "index", index });
      } else return elements;
    }
  }

  private pathName(): RawPathElement {
    const t = this.peek();
    if (t.kind === "alias") {
      this.pos++;
      return { t: "alias", text: t.text };
    }
    if (t.kind === "ident" && !KEYWORDS.has(t.text.toUpperCase())) {
      this.pos++;
      return { t: "ident", text: t.text };
    }
    throw this.fail();
  }
}
