/**
 * Test support: a small, strict XML reader for checking Query-protocol responses.
 * It follows the XML 1.0 rules a client's parser applies to text (line ends normalised
 * to "\n", the five predefined entities and character references expanded) and
 * rejects anything it does not understand, so a test fails on malformed output.
 */

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly (XmlElement | string)[];
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function char(code: number): string {
  const c = String.fromCodePoint(code);
  if (NOT_XML_CHAR.test(c)) throw new Error(`character reference to a non-XML character U+${code.toString(16)}`);
  return c;
}

function decodeText(raw: string): string {
  if (NOT_XML_CHAR.test(raw)) throw new Error("a character XML does not allow");
  return raw.replace(/\r\n?/g, "\n").replace(/&(#x[0-9A-Fa-f]+|#\d+|\w+);|&/g, (whole, ref: string | undefined) => {
    if (ref === undefined) throw new Error("bare & in XML text");
    if (ref.startsWith("#x")) return char(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return char(parseInt(ref.slice(1), 10));
    const c = PREDEFINED[ref];
    if (c === undefined) throw new Error(`unknown entity ${whole}`);
    return c;
  });
}

const NAME = "[A-Za-z_][\\w.:-]*";
const OPEN = new RegExp(`^<(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
const ATTRIBUTE = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, "g");

/** Parses a document with one root element (an XML declaration may precede it). */
export function readXml(xml: string): XmlElement {
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, "");
  const stack: { name: string; attributes: Record<string, string>; children: (XmlElement | string)[] }[] = [];
  let root: XmlElement | undefined;
  while (rest.length) {
    if (root) throw new Error(`content after the root element: ${rest.slice(0, 40)}`);
    const open = OPEN.exec(rest);
    if (open) {
      const attributes: Record<string, string> = {};
      for (const m of (open[2] ?? "").matchAll(ATTRIBUTE)) attributes[m[1] ?? ""] = decodeText(m[2] ?? m[3] ?? "");
      const el = { name: open[1] ?? "", attributes, children: [] };
      rest = rest.slice(open[0].length);
      if (open[3]) {
        const parent = stack.at(-1);
        if (parent) parent.children.push(el);
        else root = el;
      } else stack.push(el);
      continue;
    }
    const close = new RegExp(`^</(${NAME})\\s*>`).exec(rest);
    if (close) {
      const el = stack.pop();
      if (!el || el.name !== close[1]) throw new Error(`mismatched </${close[1]}>`);
      const parent = stack.at(-1);
      if (parent) parent.children.push(el);
      else root = el;
      rest = rest.slice(close[0].length);
      continue;
    }
    const end = rest.indexOf("<");
    const raw = end < 0 ? rest : rest.slice(0, end);
    if (raw === "" || raw.includes("]]>")) throw new Error(`unexpected markup: ${rest.slice(0, 40)}`);
    const parent = stack.at(-1);
    if (!parent) {
      if (raw.trim()) throw new Error("text outside the root element");
    } else parent.children.push(decodeText(raw));
    rest = rest.slice(raw.length);
  }
  if (!root || stack.length) throw new Error("unterminated XML document");
  return root;
}

/** The element's text (its text children joined). */
export function textOf(el: XmlElement): string {
  return el.children.filter((c): c is string => typeof c === "string").join("");
}

/** The child elements called `name`. */
export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string" && c.name === name);
}

/** The one child element called `name`; throws when there is none or more than one. */
export function childNamed(el: XmlElement, name: string): XmlElement {
  const found = childrenNamed(el, name);
  if (found.length !== 1 || !found[0]) throw new Error(`expected one <${name}> in <${el.name}>, found ${found.length}`);
  return found[0];
}

/** The text of the one child called `name`, or undefined when there is none. */
export function textAt(el: XmlElement, name: string): string | undefined {
  const found = childrenNamed(el, name);
  if (found.length > 1) throw new Error(`expected at most one <${name}> in <${el.name}>`);
  return found[0] ? textOf(found[0]) : undefined;
}

/** Names of the child elements, in order. */
export function childNames(el: XmlElement): string[] {
  return el.children.filter((c): c is XmlElement => typeof c !== "string").map((c) => c.name);
}
