/**
 * Parsed expression texts, kept for reuse. Writers send the same few expressions again
 * and again (every item of a batch carries its own copy), and the raw tree of a text —
 * before its names and values are resolved against one request — depends on the text
 * and its kind alone. Raw trees are never changed once parsed; a text that fails to
 * parse throws and is not kept.
 */
import { Syntax, type ExpressionKind } from "./syntax.js";

const MAX_ENTRIES = 256;

interface Parsed {
  readonly syntax: Syntax;
  readonly raw: unknown;
}

const parsed = new Map<string, Parsed>();

/** The syntax and raw tree of `text`; `parse` must be the one parser of `kind`. */
export function parseOnce<T>(text: string, kind: ExpressionKind, parse: (syntax: Syntax) => T): { syntax: Syntax; raw: T } {
  const key = `${kind}\u0000${text}`;
  const hit = parsed.get(key);
  if (hit) return hit as { syntax: Syntax; raw: T };
  const syntax = new Syntax(text, kind);
  const raw = syntax.run(() => parse(syntax));
  // Many distinct texts (generated expressions) just start the cache over.
  if (parsed.size >= MAX_ENTRIES) parsed.clear();
  parsed.set(key, { syntax, raw });
  return { syntax, raw };
}
