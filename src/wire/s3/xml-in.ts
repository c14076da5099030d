/**
 * A small XML reader for S3 request bodies (DeleteObjects, CompleteMultipartUpload,
 * notification and bucket configurations): elements, text, the five entities and
 * character references, CDATA, comments and the declaration. DOCTYPE (and so any
 * entity expansion) is refused. Namespace prefixes are dropped. Anything malformed
 * is S3's MalformedXML.
 */
import { MalformedXML } from "../../services/buckets/errors.js";

export interface XmlNode {
  readonly name: string;
  readonly children: XmlNode[];
  text: string;
}

const NAMED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function codePoint(n: number): string {
  // XML allows neither NUL nor surrogates (a lone one would reach the store as U+FFFD, naming
  // another key); past U+10FFFF is no character (String.fromCodePoint would throw a RangeError).
  if (!(n > 0 && n <= 0x10ffff) || (n >= 0xd800 && n <= 0xdfff)) throw new MalformedXML();
  return String.fromCodePoint(n);
}

function decodeText(raw: string): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (_, ref: string) => {
    if (ref.startsWith("#x")) return codePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return codePoint(parseInt(ref.slice(1), 10));
    const v = NAMED[ref];
    if (v === undefined) throw new MalformedXML();
    return v;
  });
}

function localName(tag: string): string {
  const name = tag.trim().split(/\s/)[0] ?? "";
  const i = name.indexOf(":");
  return i >= 0 ? name.slice(i + 1) : name;
}

/** Parses a document into its root element. */
export function parseXml(text: string): XmlNode {
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  let i = 0;
  const top = (): XmlNode | undefined => stack[stack.length - 1];
  while (i < text.length) {
    const lt = text.indexOf("<", i);
    const chunk = lt < 0 ? text.slice(i) : text.slice(i, lt);
    if (chunk.trim() || (top() && chunk)) {
      const t = top();
      if (!t) throw new MalformedXML();
      t.text += decodeText(chunk);
    }
    if (lt < 0) break;
    if (text.startsWith("<?", lt)) i = end(text, "?>", lt);
    else if (text.startsWith("<!--", lt)) i = end(text, "-->", lt);
    else if (text.startsWith("<![CDATA[", lt)) {
      const close = text.indexOf("]]>", lt);
      const t = top();
      if (close < 0 || !t) throw new MalformedXML();
      t.text += text.slice(lt + 9, close);
      i = close + 3;
    } else if (text.startsWith("<!", lt)) throw new MalformedXML();
    else i = tag(text, lt, stack, (n) => (root = root ? fail() : n));
  }
  if (!root || stack.length) throw new MalformedXML();
  return root;
}

function fail(): never {
  throw new MalformedXML();
}

function end(text: string, marker: string, from: number): number {
  const j = text.indexOf(marker, from);
  if (j < 0) throw new MalformedXML();
  return j + marker.length;
}

function tag(text: string, lt: number, stack: XmlNode[], setRoot: (n: XmlNode) => void): number {
  const gt = text.indexOf(">", lt);
  if (gt < 0) throw new MalformedXML();
  const body = text.slice(lt + 1, gt);
  if (body.startsWith("/")) {
    const open = stack.pop();
    if (!open || open.name !== localName(body.slice(1))) throw new MalformedXML();
    return gt + 1;
  }
  const selfClosing = body.endsWith("/");
  const node: XmlNode = { name: localName(selfClosing ? body.slice(0, -1) : body), children: [], text: "" };
  if (!node.name) throw new MalformedXML();
  const parent = stack[stack.length - 1];
  if (parent) parent.children.push(node);
  else setRoot(node);
  if (!selfClosing) stack.push(node);
  return gt + 1;
}

export function child(n: XmlNode, name: string): XmlNode | undefined {
  return n.children.find((c) => c.name === name);
}

export function children(n: XmlNode, name: string): XmlNode[] {
  return n.children.filter((c) => c.name === name);
}

export function childText(n: XmlNode, name: string): string | undefined {
  return child(n, name)?.text;
}
