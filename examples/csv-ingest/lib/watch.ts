/**
 * Watching a run until every row has reached its end: snapshots twice a second (each
 * passed to `onSnapshot` for the progress line), the first and last moment each
 * stage's count moved (for per-stage rates), and the end: the counters say every row
 * is updated or dead-lettered with nothing in flight, or — when counters are off after
 * a crash (an increment lost with the process) — the pipeline has been quiet for a
 * few seconds. Either way the reconciliation decides; a mismatch while work may still
 * arrive means waiting longer, up to `stallMs` without any change.
 */
import type { Manifest } from "../generate.js";
import type { Clients } from "./clients.js";
import { reconcile, type Reconciliation } from "./reconcile.js";
import { looksFinished, snapshot, type Snapshot } from "./snapshot.js";

export const STAGES = ["cleaned", "queued", "stored", "streamed", "processed", "updated"] as const;
export type Stage = (typeof STAGES)[number];

export interface StageTiming {
  first?: number;
  last?: number;
  value: number;
}

export interface WatchResult {
  readonly reconciliation: Reconciliation;
  /** When the counters (or quiet) said the run was over, ms since epoch. */
  readonly endedAt: number;
  readonly timings: Record<Stage, StageTiming>;
  readonly last: Snapshot | undefined;
}

function valueOf(s: Snapshot, stage: Stage): number {
  if (stage === "cleaned" || stage === "queued") return s.job?.[stage] ?? 0;
  return s[stage];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function watchRun(c: Clients, jobId: string, manifest: Manifest, o: { onSnapshot?: (s: Snapshot) => void; stallMs?: number; quietMs?: number } = {}): Promise<WatchResult> {
  const timings = Object.fromEntries(STAGES.map((s) => [s, { value: 0 }])) as Record<Stage, StageTiming>;
  let lastChange = Date.now();
  let last: Snapshot | undefined;
  let signature = "";
  let notBefore = 0;
  for (;;) {
    await sleep(500);
    let s: Snapshot;
    try {
      s = await snapshot(c, jobId);
    } catch {
      continue; // The endpoint is restarting (crash test) or busy: try again.
    }
    const now = Date.now();
    for (const stage of STAGES) {
      const v = valueOf(s, stage);
      const t = timings[stage];
      if (v !== t.value) {
        t.first ??= now;
        t.last = now;
        t.value = v;
      }
    }
    const sig = JSON.stringify(s);
    if (sig !== signature) lastChange = now;
    signature = sig;
    last = s;
    o.onSnapshot?.(s);
    // Nothing in flight anywhere (the upload's own message counts while a cleaner works) and no change for a while.
    const quiet = s.inPipeline === 0 && now - lastChange >= (o.quietMs ?? 4000) * (s.job?.status === "done" ? 1 : 3);
    if ((!looksFinished(s, manifest.rows) && !quiet) || now < notBefore) continue;
    const reconciliation = await reconcile(c, manifest);
    if (reconciliation.ok || now - lastChange >= (o.stallMs ?? 60_000)) return { reconciliation, endedAt: now, timings, last };
    // Not there yet (work still arriving): a full read again only after a pause.
    notBefore = Date.now() + 5000;
  }
}
