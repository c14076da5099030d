/**
 * The CSV ingestion pipeline (examples/csv-ingest) survives kill -9: `sluice start`
 * runs the app; a 20,000-row CSV (5 poison rows) is uploaded; the server is killed
 * with SIGKILL twice while rows are on their way (once early, while rows are still
 * being cleaned or stored, once later), restarted on the same data directory each
 * time, and the run must then complete and reconcile exactly: every row updated once
 * or in its stage's dead-letter queue once, nothing lost, nothing doubled.
 */
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { generate, rowId } from "../../examples/csv-ingest/generate.js";
import { clients, type Clients } from "../../examples/csv-ingest/lib/clients.js";
import { reconciliationTable } from "../../examples/csv-ingest/lib/reconcile.js";
import { startServer, type Server } from "../../examples/csv-ingest/lib/server.js";
import { snapshot, type Snapshot } from "../../examples/csv-ingest/lib/snapshot.js";
import { uploadOnce } from "../../examples/csv-ingest/lib/upload.js";
import { watchRun } from "../../examples/csv-ingest/lib/watch.js";
import { assertBuilt, seededRandom, sleep, TempDirs } from "../lib/process.js";

const dirs = new TempDirs();
const keys = { accessKeyId: "csv-crash", secretAccessKey: "csv-crash-secret" };
const ROWS = 20_000;
const live = new Set<Server>();

async function start(dataDir: string): Promise<{ server: Server; c: Clients }> {
  const server = await startServer({ command: "start", dataDir, port: 0, env: { SLUICE_ACCESS_KEY_ID: keys.accessKeyId, SLUICE_SECRET_ACCESS_KEY: keys.secretAccessKey } });
  live.add(server);
  return { server, c: clients(server.url, keys) };
}

/** Polls until `ready` holds for a snapshot; returns that snapshot. */
async function until(c: Clients, jobId: string, ready: (s: Snapshot) => boolean, timeoutMs: number): Promise<Snapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await snapshot(c, jobId).catch(() => undefined);
    if (s && ready(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out; last snapshot ${JSON.stringify(s)}`);
    await sleep(100);
  }
}

async function kill(server: Server, c: Clients): Promise<void> {
  c.destroy();
  await server.stop("SIGKILL");
  live.delete(server);
}

describe("the CSV ingestion pipeline survives kill -9", () => {
  afterAll(async () => {
    for (const s of live) await s.stop("SIGKILL");
    dirs.removeAll();
  });

  it("completes and reconciles exactly after two crashes mid-run", async () => {
    assertBuilt();
    const seed = Number(process.env["CRASH_SEED"] ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const dir = dirs.make("sluice-csv-crash-");
    const file = join(dir, `transactions-${ROWS}.csv`);
    const manifest = generate(file, ROWS);
    const dataDir = join(dir, "data");
    let { server, c } = await start(dataDir);
    const { etag } = await uploadOnce(c, file, `transactions-${ROWS}.csv`, ROWS, () => undefined);
    const jobId = `job#uploads/transactions-${ROWS}.csv#${etag}`;
    const kills: string[] = [];
    // First crash: early (rows still being cleaned or stored); second: once updates are under way.
    const moments = [(s: Snapshot) => (s.job?.queued ?? 0) + s.stored > 1000 + random() * 4000, (s: Snapshot) => s.updated > 2000 + random() * 8000];
    for (const moment of moments) {
      const s = await until(c, jobId, moment, 120_000);
      await kill(server, c);
      kills.push(`cleaned ${s.job?.cleaned ?? 0}, stored ${s.stored}, updated ${s.updated}`);
      expect(s.updated + s.deadLettered, `seed ${seed}: the run had finished before the kill`).toBeLessThan(ROWS);
      ({ server, c } = await start(dataDir));
    }
    const result = await watchRun(c, jobId, manifest, { stallMs: 90_000 });
    const r = result.reconciliation;
    console.log(`csv-ingest crash test: seed ${seed}, kills at [${kills.join("] [")}]\n${reconciliationTable(r, file)}`);
    c.destroy();
    await server.stop();
    expect(r.lost.slice(0, 10), `seed ${seed}: rows lost`).toEqual([]);
    expect(r.doubled.slice(0, 10), `seed ${seed}: rows doubled`).toEqual([]);
    expect(r.misplaced, `seed ${seed}`).toEqual([]);
    expect(r.otherDead, `seed ${seed}`).toEqual([]);
    expect(r.updated + r.dead.length).toBe(ROWS);
    expect(r.poisonWhereExpected).toBe(Object.keys(manifest.poison).length);
    expect(r.dead.map((d) => d.id).sort()).toEqual(Object.keys(manifest.poison).sort());
    expect(rowId(ROWS)).toBe("TX00020000");
  }, 420_000);
});
