/**
 * The streams bench's tables and verdicts: one row per system and workload, with ratios
 * against the faster in-process Sluice row and against NATS JetStream, the durability
 * each system's acknowledgement gives, and the targets met or missed.
 */
import type { Cores, LagResult, PutResult } from "./streams-workload.js";
import { formatRatio, ratioColumn, renderTable, type Column } from "./table.js";
import { formatMs, formatRate, type LatencySummary } from "./timing.js";

export const TARGETS = { inProcess: 100_000, api: 30_000 } as const;

export interface Row {
  readonly group: "in-process" | "api" | "nats";
  readonly label: string;
  readonly client: string;
  readonly durability: string;
  readonly put?: PutResult;
  readonly lag?: LagResult;
  readonly failed?: string;
}

function cores(c: Cores | undefined): string {
  return c ? [c.bench, c.server, c.others].map((x) => (Number.isFinite(x) ? x.toFixed(2) : "-")).join(" / ") : "-";
}

function latency(s: LatencySummary | null | undefined, withMax = false): string {
  if (!s) return "-";
  return [s.p50, s.p99, ...(withMax ? [s.max] : [])].map(formatMs).join(" / ");
}

function best(rows: readonly Row[], group: Row["group"]): Row | undefined {
  let top: Row | undefined;
  for (const r of rows) if (r.group === group && r.put && r.put.rate > (top?.put?.rate ?? 0)) top = r;
  return top;
}

const failedOr = (r: Row, text: (r: Row) => string): string => (r.failed ? `failed: ${r.failed.slice(0, 60)}` : text(r));

export function putTable(rows: readonly Row[]): string {
  const base = best(rows, "in-process")?.put?.rate;
  const nats = best(rows, "nats")?.put?.rate;
  const rate = (r: Row): number | undefined => r.put?.rate;
  const columns: Column<Row>[] = [
    { header: "system", cell: (r) => r.label },
    { header: "client", cell: (r) => r.client },
    { header: "durability", cell: (r) => r.durability },
    { header: "records/s", align: "right", cell: (r) => failedOr(r, (x) => (x.put ? formatRate(x.put.rate) : "-")) },
    { header: "MB/s", align: "right", cell: (r) => (r.put ? r.put.mbps.toFixed(1) : "-") },
    ratioColumn("vs Sluice in process", rate, base),
    ratioColumn("vs NATS", rate, nats),
    { header: "batch p50 / p99 ms", align: "right", cell: (r) => latency(r.put?.put) },
    { header: "CPU bench / server / others", align: "right", cell: (r) => cores(r.put?.cpu) },
  ];
  return renderTable(columns, rows);
}

export function lagTable(rows: readonly Row[]): string {
  const nats = rows.find((r) => r.group === "nats")?.lag?.lag?.p50;
  const columns: Column<Row>[] = [
    { header: "system", cell: (r) => r.label },
    { header: "client", cell: (r) => r.client },
    { header: "put rate achieved", align: "right", cell: (r) => failedOr(r, (x) => (x.lag ? `${formatRate(x.lag.achieved)}/s` : "-")) },
    { header: "read / put", align: "right", cell: (r) => (r.lag ? `${r.lag.consumed} / ${r.lag.produced}` : "-") },
    { header: "lag p50 / p99 / max ms", align: "right", cell: (r) => latency(r.lag?.lag, true) },
    ratioColumn("p50 vs NATS", (r) => r.lag?.lag?.p50, nats),
    { header: "put p50 / p99 ms", align: "right", cell: (r) => latency(r.lag?.put) },
    { header: "CPU bench / server / others", align: "right", cell: (r) => cores(r.lag?.cpu) },
  ];
  return renderTable(columns, rows);
}

function verdict(r: Row | undefined, target: number, what: string): string {
  const rate = r?.put?.rate;
  if (rate === undefined) return `- ${what} ≥ ${formatRate(target)} records/s: not measured`;
  return `- ${what} ≥ ${formatRate(target)} records/s: ${rate >= target ? "MET" : "MISSED"} (${formatRate(rate)} records/s, ${r!.label}, ${r!.client})`;
}

export function targetLines(rows: readonly Row[]): string[] {
  const lines = [verdict(best(rows, "in-process"), TARGETS.inProcess, "in process"), verdict(best(rows, "api"), TARGETS.api, "through the API")];
  const sdk = rows.find((r) => r.group === "api" && r.client.startsWith("@aws-sdk"))?.put;
  const lean = rows.find((r) => r.group === "api" && r.client.startsWith("lean"))?.put;
  if (sdk && lean) {
    lines.push(
      `- the SDK client: ${formatRate(sdk.rate)} records/s at ${sdk.cpu.bench.toFixed(2)} client cores, vs ${formatRate(lean.rate)} at ${lean.cpu.bench.toFixed(2)} for the lean client ` +
        `(${formatRatio(sdk.cpu.bench / sdk.rate / (lean.cpu.bench / lean.rate))} the client CPU per record)`,
    );
  }
  return lines;
}

/** Says when the peer's acknowledgement promises less than Sluice's, so the ratios are read with that in mind. */
export function durabilityNotes(rows: readonly Row[]): string[] {
  const nats = rows.find((r) => r.group === "nats" && !r.failed);
  if (!nats || !/NO fsync/.test(nats.durability)) return [];
  return [
    `Durability differs: Sluice acknowledges a PutRecords after its SQLite commit is fsynced; JetStream acknowledges a publish once the file store ` +
      `has it in the page cache (${nats.durability}), so an OS crash or power loss can lose acknowledged messages. The comparison favours JetStream.`,
  ];
}
