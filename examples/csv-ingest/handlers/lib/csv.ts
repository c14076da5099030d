/**
 * A streaming CSV record reader over bytes (RFC 4180 quoting: fields in double quotes
 * may hold commas, newlines and doubled quotes). It works on bytes, not text, so the
 * cleaner can checkpoint exact byte offsets and resume a file with a range request;
 * the delimiters are ASCII, which never occurs inside a multi-byte UTF-8 sequence.
 *
 * Broken quoting must not swallow the rest of the file: a quoted field that reaches a
 * newline followed by what can only be the start of the next record (`TX` + 8 digits
 * + comma) is declared unterminated, and its record ends at that newline.
 */

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;

export interface CsvRecord {
  readonly fields: string[];
  /** Byte offset (within the buffer) just past the record's newline. */
  readonly end: number;
  /** Why the record is malformed, when it is. */
  readonly broken?: string;
}

/** Whether `buf` at `p` starts like a record: TX, 8 digits, a comma. */
export function looksLikeRecordStart(buf: Buffer, p: number): boolean | undefined {
  if (p + 11 > buf.length) return undefined;
  if (buf[p] !== 0x54 || buf[p + 1] !== 0x58 || buf[p + 10] !== COMMA) return false;
  for (let i = p + 2; i < p + 10; i++) {
    const c = buf[i]!;
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

type Quoted = { value: string; next: number } | { broken: number } | null;

/** A quoted field starting at `p` (the opening quote); null when more bytes are needed. */
function quotedField(buf: Buffer, p: number, final: boolean): Quoted {
  let i = p + 1;
  let value = "";
  for (;;) {
    const q = buf.indexOf(QUOTE, i);
    let nl = buf.indexOf(LF, i);
    while (nl !== -1 && (q === -1 || nl < q)) {
      const starts = looksLikeRecordStart(buf, nl + 1);
      if (starts === undefined && !final) return null;
      if (starts) return { broken: nl + 1 };
      nl = buf.indexOf(LF, nl + 1);
    }
    if (q === -1) return final ? { broken: buf.length } : null;
    if (q + 1 >= buf.length && !final) return null;
    value += buf.toString("utf8", i, q);
    if (buf[q + 1] === QUOTE) {
      value += '"';
      i = q + 2;
      continue;
    }
    return { value, next: q + 1 };
  }
}

/** The end of an unquoted run starting at `p`: the next comma or line feed, or the end. */
function runEnd(buf: Buffer, p: number): number {
  for (let i = p; i < buf.length; i++) {
    const c = buf[i];
    if (c === COMMA || c === LF) return i;
  }
  return buf.length;
}

/** The record starting at `start`, or null when the buffer ends inside it (and it is not `final`). */
export function readRecord(buf: Buffer, start: number, final: boolean): CsvRecord | null {
  const fields: string[] = [];
  let p = start;
  for (;;) {
    let value = "";
    if (buf[p] === QUOTE) {
      const q = quotedField(buf, p, final);
      if (!q) return null;
      if ("broken" in q) return { fields, end: q.broken, broken: "broken quoting: a quoted field is never closed" };
      value = q.value;
      p = q.next;
    }
    // Text after a closing quote, or an unquoted field (stray quotes kept; cleaning removes them).
    const e = runEnd(buf, p);
    if (e === buf.length && !final) return null;
    value += buf.toString("utf8", p, e);
    fields.push(value.endsWith("\r") && buf[e] === LF ? value.slice(0, -1) : value);
    if (buf[e] === COMMA) {
      p = e + 1;
      continue;
    }
    return { fields, end: e === buf.length ? e : e + 1 };
  }
}
