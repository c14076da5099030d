/**
 * Result tables: aligned Markdown pipe tables, so what the terminal shows can be pasted
 * into docs/benchmarks.md unchanged, with a ratio column against a chosen baseline row.
 */
export interface Column<R> {
  readonly header: string;
  readonly cell: (row: R) => string;
  /** @default "left" */
  readonly align?: "left" | "right";
}

/** 4.213 → "4.21×"; undefined or non-finite → "n/a". */
export function formatRatio(x: number | undefined): string {
  if (x === undefined || !Number.isFinite(x)) return "n/a";
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

/**
 * A column giving each row's value divided by the baseline's (the baseline reads 1.00×).
 * Rows or baselines without a value read "n/a".
 */
export function ratioColumn<R>(header: string, value: (row: R) => number | undefined, baseline: number | undefined): Column<R> {
  return {
    header,
    align: "right",
    cell: (row) => {
      const v = value(row);
      return v === undefined || baseline === undefined || baseline <= 0 ? "n/a" : formatRatio(v / baseline);
    },
  };
}

export function renderTable<R>(columns: readonly Column<R>[], rows: readonly R[]): string {
  const cells = rows.map((r) => columns.map((c) => c.cell(r).replace(/\|/g, "\\|")));
  const widths = columns.map((c, i) => Math.max(c.header.length, 3, ...cells.map((row) => row[i]!.length)));
  const pad = (text: string, i: number): string =>
    columns[i]!.align === "right" ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const line = (parts: string[]): string => `| ${parts.join(" | ")} |`;
  const rule = columns.map((c, i) => (c.align === "right" ? `${"-".repeat(widths[i]! - 1)}:` : "-".repeat(widths[i]!)));
  return [line(columns.map((c, i) => pad(c.header, i))), line(rule), ...cells.map((row) => line(row.map(pad)))].join("\n");
}

/** A two-column key/value table (machine info, conditions). */
export function renderPairs(pairs: readonly (readonly [string, string])[], headers: readonly [string, string] = ["", ""]): string {
  return renderTable<readonly [string, string]>(
    [
      { header: headers[0], cell: (p) => p[0] },
      { header: headers[1], cell: (p) => p[1] },
    ],
    pairs,
  );
}
