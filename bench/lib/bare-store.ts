/**
 * The least work the CSV pipeline's table writes need on the server, done with nothing
 * around it: raw SQL on better-sqlite3 (WAL, synchronous=FULL, one commit per 100 items
 * like the handlers' transactions), with the stored texts made before the clock starts.
 * No validation, expressions, indexes, versions beyond one integer, HTTP, SigV4
 * signature or event-source machinery: everything a real server does on top only adds,
 * so the sum is a lower bound. Each part is CPU time of this process per row.
 */
import Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cpuUsage } from "node:process";
import { putAction, updateAction } from "./csv-actions.js";

export interface Part {
  readonly name: string;
  readonly usPerRow: number;
}

const SCHEMA = `
  CREATE TABLE items (k TEXT PRIMARY KEY, v TEXT NOT NULL, ver INTEGER NOT NULL);
  CREATE TABLE records (seq INTEGER PRIMARY KEY, v TEXT NOT NULL);`;

/** The four added attributes of stage 5, spliced onto the stored text (no parse, no stringify). */
const UPDATED = ',"amountUsd":{"N":"5321.07"},"risk":{"N":"12"},"flagged":{"BOOL":false},"updatedAt":{"S":"2024-03-09T16:00:00.000Z"},"updates":{"N":"1"}}';

/** TransactWriteItems bodies of 100 `action`s each, as JSON text, for `rows` rows. */
export function requestBodies(rows: number, action: typeof putAction): string[] {
  const out: string[] = [];
  for (let lo = 0; lo < rows; lo += 100) out.push(JSON.stringify({ TransactItems: Array.from({ length: Math.min(100, rows - lo) }, (_, j) => action(lo + j)) }));
  return out;
}

function cpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Runs each part once over `rows` rows in a fresh database under `tmpdir()`. */
export function bareStoreParts(rows: number): Part[] {
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-bare-"));
  const db = new Database(join(dir, "bare.db"));
  try {
    return measureParts(db, rows);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function measureParts(db: Database.Database, rows: number): Part[] {
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = FULL");
  db.exec(SCHEMA);
  const insert = db.prepare("INSERT INTO items (k, v, ver) VALUES (?, ?, 1)");
  const select = db.prepare("SELECT v, ver FROM items WHERE k = ?");
  const update = db.prepare("UPDATE items SET v = ?, ver = ver + 1 WHERE k = ? AND ver = ?");
  const append = db.prepare("INSERT INTO records (v) VALUES (?)");
  const page = db.prepare("SELECT seq, v FROM records WHERE seq > ? ORDER BY seq LIMIT 1000");
  const bodies = [...requestBodies(rows, putAction), ...requestBodies(rows, updateAction)];
  const keys = Array.from({ length: rows }, (_, i) => putAction(i).Put!.Item!.id!.S!);
  const texts = Array.from({ length: rows }, (_, i) => JSON.stringify(putAction(i).Put!.Item));
  const updated = texts.map((t) => t.slice(0, -1) + UPDATED);
  const parts: Part[] = [];
  const time = (name: string, work: () => void): void => {
    const t0 = cpuMs();
    work();
    parts.push({ name, usPerRow: ((cpuMs() - t0) * 1000) / rows });
  };
  time("server: SHA-256 of the request bodies (payload hash)", () => bodies.forEach((b) => createHash("sha256").update(b).digest("hex")));
  time("server: JSON.parse of the request bodies", () => {
    for (const b of bodies) JSON.parse(b);
  });
  const putBatch = db.transaction((lo: number) => {
    for (let i = lo; i < Math.min(rows, lo + 100); i++) {
      insert.run(keys[i], texts[i]);
      append.run(texts[i]);
    }
  });
  time("store: insert item + change record, commit per 100", () => {
    for (let lo = 0; lo < rows; lo += 100) putBatch(lo);
  });
  const events: string[] = [];
  time("store: read change records, 1,000 per Lambda event", () => {
    for (let last = 0, got = page.all(last) as { seq: number; v: string }[]; got.length; got = page.all(last) as { seq: number; v: string }[]) {
      last = got[got.length - 1]!.seq;
      events.push(`{"Records":[${got.map((r) => r.v).join(",")}]}`);
    }
  });
  time("fan handler: JSON.parse of the stream events", () => {
    for (const e of events) JSON.parse(e);
  });
  const updateBatch = db.transaction((lo: number) => {
    for (let i = lo; i < Math.min(rows, lo + 100); i++) {
      const before = select.get(keys[i]) as { v: string; ver: number };
      update.run(updated[i], keys[i], before.ver);
      append.run(updated[i]);
    }
  });
  time("store: read item, write it, append change record, commit per 100", () => {
    for (let lo = 0; lo < rows; lo += 100) updateBatch(lo);
  });
  return parts;
}
