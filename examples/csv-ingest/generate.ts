/**
 * A deterministic generator of the pipeline's input: N rows × 16 columns of card
 * transactions, written as a CSV with the dirt real exports have — stray spaces,
 * non-breaking and zero-width spaces, accents and emoji, tabs, quoted fields with
 * embedded commas, newlines and escaped quotes, thousands separators and currency
 * signs in amounts — and a few poison rows, each written to the manifest beside the
 * CSV with the stage that must reject it:
 *
 *  - clean:   an unterminated quote (broken quoting), a missing column, an amount that is not a number;
 *  - store:   a 420 KB note, over DynamoDB's 400 KB item limit;
 *  - process: a currency the processor has no rate for.
 *
 * The same seed and row count always give the same bytes. Usage:
 * `node --import tsx examples/csv-ingest/generate.ts [--rows N] [--out FILE]`.
 */
import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";

export const COLUMNS = ["transaction_id", "timestamp", "account_id", "customer_name", "email", "country", "city", "merchant", "category", "amount", "currency", "payment_method", "card_last4", "status", "channel", "notes"];
export const FULL_ROWS = 558_000;
export type PoisonStage = "clean" | "store" | "process";

export interface Manifest {
  readonly rows: number;
  readonly seed: number;
  readonly bytes: number;
  /** Poison row id → the stage that must dead-letter it, and why. */
  readonly poison: Record<string, { stage: PoisonStage; kind: string }>;
}

/** The id of row `n` (1-based). */
export const rowId = (n: number): string => `TX${String(n).padStart(8, "0")}`;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ["Anna", "José", "Zoë", "Mohammed", "Li", "Olga", "Seán", "Priya", "Jürgen", "Fatima", "Chloé", "Björn", "Aiko", "Ngozi", "Mateo", "Émile"];
const LAST = ["Smith", "O'Brien", "García", "Müller", "Nguyen", "Kowalski", "Dubois", "Rossi", "Andersson", "Okafor", "Tanaka", "Silva", "Cohen", "Ivanova"];
const PLACES: [string, string][] = [["DE", "München"], ["US", "New York"], ["BR", "São Paulo"], ["CH", "Zürich"], ["FR", "Besançon"], ["GB", "London"], ["JP", "Tōkyō"], ["BH", "Manama"], ["ES", "A Coruña"], ["SE", "Malmö"]];
const MERCHANTS = ["Acme, Inc.", 'Café "Le Rêve"', "Bücher & Co", "Tesco", "Amazon EU S.à r.l.", "Joe's Diner", "7-Eleven", "Zara", "Uber *Trip", "Spotify AB", "IKEA", "Ristorante 'Da Gino'"];
const CATEGORIES = ["groceries", "travel", "dining", "electronics", "books", "fuel", "utilities", "entertainment"];
export const CURRENCIES = ["USD", "EUR", "GBP", "CHF", "JPY", "BRL", "SEK", "BHD"];
const METHODS = ["card", "paypal", "apple_pay", "google_pay", "bank_transfer"];
const STATUSES = ["completed", "pending", "refunded", "disputed"];
const CHANNELS = ["web", "mobile", "pos"];
const NOTES = ["", "", "", "gift", "split bill, 2 ways", "customer said: \"ship fast\"", "line one\nline two", "promo code SPRING24", "répété ✓ 🎉", "tab\tseparated", "zero\u200bwidth", "non\u00a0breaking"];

/** Quotes a field when CSV needs it (comma, quote, newline), doubling inner quotes. */
function csvField(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function dirty(r: () => number, v: string): string {
  const x = r();
  if (x < 0.08) return `  ${v} `;
  if (x < 0.12) return `${v}\u00a0`;
  if (x < 0.14) return v.toUpperCase();
  return v;
}

function amountText(r: () => number, cents: number): string {
  const v = (cents / 100).toFixed(2);
  const x = r();
  if (x < 0.1 && cents >= 100_000) return `${Math.floor(cents / 100_000)},${v.slice(-6)}`;
  if (x < 0.2) return `$${v}`;
  if (x < 0.3) return ` ${v} `;
  return v;
}

/** The 16 fields of a good row. */
function goodRow(r: () => number, n: number): string[] {
  const [country, city] = pick(r, PLACES);
  const first = pick(r, FIRST);
  const last = pick(r, LAST);
  const day = 1 + (n % 28);
  const time = `${String(n % 24).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:${String((n * 7) % 60).padStart(2, "0")}`;
  const ts = r() < 0.1 ? `2024/03/${String(day).padStart(2, "0")} ${time}` : `2024-03-${String(day).padStart(2, "0")}T${time}Z`;
  const name = r() < 0.2 ? `${last}, ${first}` : `${first} ${last}`;
  const email = `${first}.${last}@Example.com`.replace(/[^A-Za-z.@]/g, "").toLowerCase();
  return [
    rowId(n), ts, `ACC-${String(1 + Math.floor(r() * 50_000)).padStart(5, "0")}`, dirty(r, name), dirty(r, r() < 0.1 ? email.toUpperCase() : email),
    dirty(r, r() < 0.1 ? country.toLowerCase() : country), dirty(r, city), dirty(r, pick(r, MERCHANTS)), pick(r, CATEGORIES),
    amountText(r, 50 + Math.floor(r() * 500_000)), dirty(r, pick(r, CURRENCIES)), pick(r, METHODS), r() < 0.7 ? String(1000 + Math.floor(r() * 9000)) : "",
    dirty(r, pick(r, STATUSES)), pick(r, CHANNELS), pick(r, NOTES),
  ];
}

const KINDS: { stage: PoisonStage; kind: string }[] = [
  { stage: "clean", kind: "broken quoting" },
  { stage: "clean", kind: "missing column" },
  { stage: "clean", kind: "amount not a number" },
  { stage: "store", kind: "item over 400 KB" },
  { stage: "process", kind: "unknown currency" },
];

/** Which rows are poison: a few of each kind, spread over the file. */
export function poisonPlan(rows: number): Map<number, { stage: PoisonStage; kind: string }> {
  const each = Math.max(1, Math.round(rows / 200_000));
  const plan = new Map<number, { stage: PoisonStage; kind: string }>();
  KINDS.forEach((k, i) => {
    for (let j = 0; j < each; j++) {
      let n = Math.min(rows, Math.max(1, Math.floor(((j + 0.5) * rows) / each) + i * 7 + 3));
      while (plan.has(n)) n = (n % rows) + 1;
      plan.set(n, k);
    }
  });
  return plan;
}

function poisonLine(r: () => number, n: number, kind: string): string {
  const f = goodRow(r, n);
  switch (kind) {
    case "broken quoting":
      // The opening quote of the note is never closed.
      return `${f.slice(0, 15).map(csvField).join(",")},"unterminated note, see ticket 42\n`;
    case "missing column":
      return `${f.slice(0, 12).concat(f.slice(13)).map(csvField).join(",")}\n`;
    case "amount not a number":
      f[9] = "12.3.4 EUR?";
      break;
    case "item over 400 KB":
      f[15] = "attachment-dump ".repeat(27_000);
      break;
    case "unknown currency":
      f[10] = "XXX";
      break;
  }
  return `${f.map(csvField).join(",")}\n`;
}

/** Writes the CSV (header + `rows` rows) and its manifest; returns the manifest. */
export function generate(file: string, rows: number, seed = 20210716): Manifest {
  mkdirSync(dirname(file), { recursive: true });
  const r = prng(seed);
  const plan = poisonPlan(rows);
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, "w");
  let bytes = 0;
  let chunk = `${COLUMNS.join(",")}\n`;
  for (let n = 1; n <= rows; n++) {
    const poison = plan.get(n);
    chunk += poison ? poisonLine(r, n, poison.kind) : `${goodRow(r, n).map(csvField).join(",")}\n`;
    if (chunk.length > 1 << 20 || n === rows) {
      bytes += writeSync(fd, chunk);
      chunk = "";
    }
  }
  closeSync(fd);
  renameSync(tmp, file);
  const manifest: Manifest = { rows, seed, bytes, poison: Object.fromEntries([...plan].map(([n, p]) => [rowId(n), p])) };
  writeFileSync(manifestPath(file), JSON.stringify(manifest, null, 2));
  return manifest;
}

export const manifestPath = (file: string): string => file.replace(/\.csv$/, ".manifest.json");
export const defaultCsv = (rows: number): string => join(import.meta.dirname, "data", `transactions-${rows}.csv`);

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const arg = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const rows = Number(arg("rows") ?? FULL_ROWS);
  const out = arg("out") ?? defaultCsv(rows);
  const t0 = Date.now();
  const m = generate(out, rows);
  console.log(`wrote ${out}: ${m.rows} rows, ${(m.bytes / 2 ** 20).toFixed(1)} MiB, ${Object.keys(m.poison).length} poison rows, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}
