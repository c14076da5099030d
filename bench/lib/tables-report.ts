/**
 * The tables bench's result tables: one per workload (a row per system, the median of
 * its runs, with ratios against Sluice in process on SQLite) and a summary of every
 * workload side by side.
 */
import { formatRatio, ratioColumn, renderTable, type Column } from "./table.js";
import type { Cores } from "./streams-workload.js";
import type { Workload, WorkloadResult } from "./tables-workload.js";
import { formatLatency, formatRate, median } from "./timing.js";

export interface Row {
  readonly system: string;
  readonly label: string;
  readonly client: string;
  readonly durability: string;
  /** The row the ratios are against (Sluice in process on SQLite). */
  readonly baseline: boolean;
  readonly runs: WorkloadResult[];
  /** The first failure, if any run failed. */
  failed?: string;
}

/** The run with the median call rate (the lower middle one for an even count). */
export function medianRun(row: Row): WorkloadResult | undefined {
  const sorted = [...row.runs].sort((a, b) => a.opsRate - b.opsRate);
  return sorted[(sorted.length - 1) >> 1];
}

const opsOf = (r: Row): number | undefined => (r.runs.length ? median(r.runs.map((x) => x.opsRate)) : undefined);
const itemsOf = (r: Row): number | undefined => (r.runs.length ? median(r.runs.map((x) => x.itemsRate)) : undefined);

function baselineOf(rows: readonly Row[], value: (r: Row) => number | undefined): number | undefined {
  const base = rows.find((r) => r.baseline);
  return base ? value(base) : undefined;
}

function cores(c: Cores | undefined): string {
  return c ? [c.bench, c.server, c.others].map((x) => (Number.isFinite(x) ? x.toFixed(2) : "-")).join(" / ") : "-";
}

function rateCell(r: Row, value: (r: Row) => number | undefined): string {
  const v = value(r);
  if (v !== undefined) return formatRate(v);
  return r.failed ? `failed: ${r.failed.slice(0, 60)}` : "-";
}

function range(r: Row): string {
  if (r.runs.length < 2) return "-";
  const rates = r.runs.map((x) => x.opsRate);
  return `${formatRate(Math.min(...rates))} – ${formatRate(Math.max(...rates))}`;
}

export function workloadTable(workload: Workload, rows: readonly Row[]): string {
  const repeated = rows.some((r) => r.runs.length > 1);
  const columns: Column<Row>[] = [
    { header: "system", cell: (r) => r.label },
    { header: "client", cell: (r) => r.client },
    { header: "durability", cell: (r) => r.durability },
    { header: "calls/s", align: "right", cell: (r) => rateCell(r, opsOf) },
    { header: "items/s", align: "right", cell: (r) => (itemsOf(r) === undefined ? "-" : formatRate(itemsOf(r)!)) },
    ...(repeated ? [{ header: "calls/s range", align: "right" as const, cell: range }] : []),
    ratioColumn("vs Sluice in process", itemsOf, baselineOf(rows, itemsOf)),
    { header: workload === "query" ? "page p50 / p99 ms" : "call p50 / p99 ms", align: "right", cell: (r) => formatLatency(medianRun(r)?.latency) },
    ...(workload === "query" ? [{ header: "begins_with p50 / p99 ms", align: "right" as const, cell: (r: Row) => formatLatency(medianRun(r)?.prefix) }] : []),
    { header: "CPU bench / server / others", align: "right", cell: (r) => cores(medianRun(r)?.cpu) },
  ];
  return renderTable(columns, rows);
}

/** What a workload's rate counts, for the summary's headers. */
const UNIT: Record<Workload, string> = { put: "PutItem/s", get: "GetItem/s", query: "items/s queried", batch: "items/s batch-written" };

/** One row per system, one column per workload: the median items/s and its ratio against Sluice in process. */
export function summaryTable(results: ReadonlyMap<Workload, readonly Row[]>): string {
  const systems = new Map<string, string>();
  for (const rows of results.values()) for (const r of rows) systems.set(r.system, `${r.label}, ${r.client}`);
  const columns: Column<string>[] = [{ header: "system", cell: (s) => systems.get(s) ?? s }];
  for (const [workload, rows] of results) {
    const base = baselineOf(rows, itemsOf);
    columns.push({
      header: `${workload}: ${UNIT[workload]}`,
      align: "right",
      cell: (s) => {
        const row = rows.find((r) => r.system === s);
        const v = row ? itemsOf(row) : undefined;
        if (v === undefined) return row?.failed ? "failed" : "-";
        return `${formatRate(v)} (${base ? formatRatio(v / base) : "n/a"})`;
      },
    });
  }
  return renderTable(columns, [...systems.keys()]);
}
