/** The time per stage of a run, beside the article's figures (about 90 s to clean 558k rows, 5 minutes to load them). */
import type { StageTiming } from "./watch.js";

export interface RunReport {
  readonly rows: number;
  readonly bytes: number;
  readonly uploadS: number;
  readonly endToEndS: number;
  readonly reconcileS: number;
  readonly started: number;
  readonly timings: Record<string, StageTiming>;
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");

/** Rows per second from the start of the run to the moment a stage's count last moved. */
export function stageRate(r: RunReport, stage: string): { doneS: number; rate: number } | undefined {
  const t = r.timings[stage];
  if (!t?.last) return undefined;
  const doneS = (t.last - r.started) / 1000;
  return { doneS, rate: t.value / Math.max(0.001, doneS - r.uploadS) };
}

export function timingTable(r: RunReport): string {
  const lines = [
    `Time (from the start of the upload)                 this run          the article`,
    `  upload ${(r.bytes / 2 ** 20).toFixed(0)} MiB (multipart)                    ${r.uploadS.toFixed(1).padStart(7)} s`,
  ];
  const article: Record<string, string> = { cleaned: "about 90 s (558k rows)", stored: "about 5 min (558k rows)" };
  for (const stage of ["cleaned", "queued", "stored", "streamed", "processed", "updated"]) {
    const s = stageRate(r, stage);
    if (!s) continue;
    lines.push(`  ${stage.padEnd(10)} ${fmt(r.timings[stage]?.value ?? 0).padStart(9)} rows by ${s.doneS.toFixed(1).padStart(6)} s  (${fmt(s.rate).padStart(7)} rows/s after upload)   ${article[stage] ?? ""}`);
  }
  lines.push(`  end to end: every row updated or dead-lettered     ${r.endToEndS.toFixed(1).padStart(7)} s         about 7 min`, `  reconciliation (full table scan + every DLQ)       ${r.reconcileS.toFixed(1).padStart(7)} s`);
  return lines.join("\n");
}
