/**
 * Cleaning one CSV record into a row, or rejecting it with a reason a person can act
 * on. Cleaning: Unicode NFC; zero-width characters, control characters and stray
 * quotes removed; non-breaking spaces, tabs and newlines turned into spaces; runs of
 * spaces collapsed; trimmed. Then per column: e-mail and status lower case, country
 * and currency upper case, timestamps to ISO 8601, amounts without currency signs,
 * spaces or thousands separators.
 */
import type { Row } from "./rows.js";

export type Cleaned = { ok: true; row: Row } | { ok: false; id: string; reason: string };

const ZERO_WIDTH = /[\u200b-\u200d\u2060\ufeff]/g;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const SPACES = /[\s\u00a0]+/g;

export function cleanText(v: string): string {
  return v.normalize("NFC").replace(ZERO_WIDTH, "").replace(CONTROL, "").replace(/"/g, "").replace(SPACES, " ").trim();
}

const TS = /^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2}):(\d{2})Z?$/;
const AMOUNT = /^-?\d+(\.\d{1,4})?$/;

function timestamp(v: string): string | null {
  const m = TS.exec(v);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z` : null;
}

function amount(v: string): string | null {
  const a = v.replace(/[$€£\s]/g, "").replace(/,(?=\d{3}(\D|$))/g, "");
  return AMOUNT.test(a) ? a : null;
}

const short = (v: string): string => JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);

export function cleanRecord(fields: readonly string[]): Cleaned {
  const id = cleanText(fields[0] ?? "");
  if (!/^TX\d{8}$/.test(id)) return { ok: false, id, reason: `bad transaction id ${short(id)}` };
  if (fields.length !== 16) return { ok: false, id, reason: `expected 16 columns, found ${fields.length}` };
  const row = fields.map(cleanText);
  const ts = timestamp(row[1]!);
  if (!ts) return { ok: false, id, reason: `timestamp ${short(row[1]!)} is not a date and time` };
  const amt = amount(row[9]!);
  if (amt === null) return { ok: false, id, reason: `amount ${short(row[9]!)} is not a number` };
  const currency = row[10]!.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency)) return { ok: false, id, reason: `currency ${short(row[10]!)} is not a 3-letter code` };
  row[1] = ts;
  row[4] = row[4]!.toLowerCase();
  row[5] = row[5]!.toUpperCase();
  row[9] = amt;
  row[10] = currency;
  row[13] = row[13]!.toLowerCase();
  return { ok: true, row };
}
