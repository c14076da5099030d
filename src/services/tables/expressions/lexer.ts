/**
 * The expression tokenizer. Tokens are bare names (`ident`: a letter or underscore, then
 * letters, digits, underscores), attribute name aliases (`alias`: #name), attribute
 * value references (`value`: :name), list indexes (`number`: digits), punctuation, and
 * `eof`. Any other character becomes a `bad` token so the parser can report it the way
 * DynamoDB does: `Syntax error; token: "<tok>", near: "<prev tok next>"`.
 */

export type TokenKind = "ident" | "alias" | "value" | "number" | "punct" | "eof" | "bad";

export interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  /** Offsets into the expression, for `near` in messages. */
  readonly start: number;
  readonly end: number;
}

const TWO_CHAR = new Set(["<>", "<=", ">="]);
const ONE_CHAR = new Set(["=", "<", ">", "(", ")", "[", "]", ",", ".", "+", "-"]);

function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

/** All tokens of `text`, ending with one `eof`. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const token = readToken(text, i, c);
    tokens.push(token);
    i = token.end;
  }
  tokens.push({ kind: "eof", text: "<EOF>", start: text.length, end: text.length });
  return tokens;
}

function readToken(text: string, start: number, c: number): Token {
  const word = (from: number): number => {
    let j = from;
    while (j < text.length && isWordChar(text.charCodeAt(j))) j++;
    return j;
  };
  const make = (kind: TokenKind, end: number): Token => ({ kind, text: text.slice(start, end), start, end });
  if (c === 35 || c === 58) {
    // '#' or ':' must be followed by at least one name character.
    const end = word(start + 1);
    return make(end > start + 1 ? (c === 35 ? "alias" : "value") : "bad", Math.max(end, start + 1));
  }
  if (isWordStart(c)) return make("ident", word(start));
  if (isDigit(c)) {
    let j = start;
    while (j < text.length && isDigit(text.charCodeAt(j))) j++;
    return make("number", j);
  }
  const two = text.slice(start, start + 2);
  if (TWO_CHAR.has(two)) return make("punct", start + 2);
  if (ONE_CHAR.has(text.charAt(start))) return make("punct", start + 1);
  // Keep a surrogate pair together so the message shows the whole character.
  const size = c >= 0xd800 && c <= 0xdbff && start + 1 < text.length ? 2 : 1;
  return make("bad", start + size);
}
