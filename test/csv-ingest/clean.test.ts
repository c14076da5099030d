/**
 * The CSV example's reader and cleaner on a generated file: read in chunks of every
 * size as the cleaner streams it, records and byte offsets come out the same as from
 * the whole file; the clean-stage poison rows (and only they) are rejected with their
 * reasons; every clean row is normalised.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanRecord } from "../../examples/csv-ingest/handlers/lib/clean-row.js";
import { readRecord, type CsvRecord } from "../../examples/csv-ingest/handlers/lib/csv.js";
import { generate, rowId } from "../../examples/csv-ingest/generate.js";
import { seededRandom, TempDirs } from "../lib/process.js";

const dirs = new TempDirs();

/** Reads `bytes` as the cleaner does: chunk by chunk, keeping the unfinished record. */
function readChunked(bytes: Buffer, nextSize: () => number): { rec: CsvRecord; end: number }[] {
  const out: { rec: CsvRecord; end: number }[] = [];
  let carry: Buffer = Buffer.alloc(0);
  let base = 0;
  for (let at = 0; at < bytes.length; ) {
    const chunk = bytes.subarray(at, Math.min(bytes.length, at + nextSize()));
    at += chunk.length;
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    for (let rec = readRecord(buf, 0, false); rec; rec = readRecord(buf, pos, false)) {
      pos = rec.end;
      out.push({ rec, end: base + pos });
    }
    carry = buf.subarray(pos);
    base += pos;
  }
  for (let pos = 0; pos < carry.length; ) {
    const rec = readRecord(carry, pos, true)!;
    pos = rec.end;
    out.push({ rec, end: base + pos });
  }
  return out;
}

describe("the CSV example's reader and cleaner", () => {
  afterAll(() => dirs.removeAll());

  it("reads every record the same in any chunking and rejects exactly the clean-stage poison rows", () => {
    const file = join(dirs.make("sluice-csv-"), "t.csv");
    const rows = 3000;
    const manifest = generate(file, rows);
    const bytes = readFileSync(file);
    const whole = readChunked(bytes, () => bytes.length);
    const random = seededRandom(7);
    const strip = (xs: { rec: CsvRecord; end: number }[]) => xs.map(({ rec, end }) => ({ fields: rec.fields, broken: rec.broken, end }));
    expect(strip(readChunked(bytes, () => 1 + Math.floor(random() * 700)))).toEqual(strip(whole));
    expect(whole).toHaveLength(rows + 1);
    expect(whole.at(-1)?.end).toBe(bytes.length);
    const results = whole.slice(1).map((w) => (w.rec.broken ? { ok: false as const, id: w.rec.fields[0] ?? "", reason: w.rec.broken } : cleanRecord(w.rec.fields)));
    const rejected = results.flatMap((r) => (r.ok ? [] : [[r.id, r.reason]]));
    const cleanPoison = Object.entries(manifest.poison).filter(([, p]) => p.stage === "clean");
    expect(rejected.map(([id]) => id).sort()).toEqual(cleanPoison.map(([id]) => id).sort());
    expect(rejected.map(([, reason]) => reason).sort()).toEqual(["amount \"12.3.4 EUR?\" is not a number", "broken quoting: a quoted field is never closed", "expected 16 columns, found 15"]);
    const good = results.flatMap((r) => (r.ok ? [r.row] : []));
    expect(good.map((r) => r[0])).toEqual(Array.from({ length: rows }, (_, i) => rowId(i + 1)).filter((id) => !cleanPoison.some(([p]) => p === id)));
    for (const row of good) {
      expect(row).toHaveLength(16);
      for (const v of row) expect(v).toBe(v.trim());
      expect(row.join("")).not.toMatch(/[\u200b\u00a0\t\n"]/);
      expect(row[9]).toMatch(/^\d+(\.\d+)?$/);
      expect(row[1]).toMatch(/^2024-03-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(row[10]).toMatch(/^[A-Z]{3}$/);
    }
  });
});
