/**
 * Writing XML responses. Text is escaped so that it survives any conforming parser
 * unchanged: markup characters become entities, and a carriage return becomes `&#xD;`
 * (a literal one would be normalised to a line feed by the parser). Characters XML 1.0
 * cannot carry at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) become U+FFFD;
 * SQS never accepts them in stored values, so they can only appear in echoed input.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\r": "&#xD;",
};

// Markup characters, CR, or anything outside XML 1.0's Char production.
const NEEDS_ESCAPE = /[&<>"'\r]|[^\t\n\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ESCAPE_ALL = new RegExp(NEEDS_ESCAPE.source, "gu");

/** Escapes text for element content or a quoted attribute value. */
export function escapeXml(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(ESCAPE_ALL, (c) => ENTITIES[c] ?? "\uFFFD");
}

export type XmlScalar = string | number | boolean | bigint;

/** `<name>text</name>`, or nothing when the value is absent. */
export function xmlText(name: string, value: XmlScalar | null | undefined): string {
  if (value === undefined || value === null) return "";
  return `<${name}>${escapeXml(String(value))}</${name}>`;
}

/** `<name>inner</name>` around already-written XML; `<name/>` when it is empty. */
export function xmlElement(name: string, inner: string): string {
  return inner ? `<${name}>${inner}</${name}>` : `<${name}/>`;
}

export const XML_DECLARATION = '<?xml version="1.0"?>';
