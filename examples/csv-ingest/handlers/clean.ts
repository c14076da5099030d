/**
 * Stage 1: a CSV uploaded to the `uploads` bucket (S3 → the `uploads` queue → here) is
 * read as a stream, each record cleaned (lib/clean-row.ts), and the clean rows queued
 * in `rows`, 50 to a message, in SendMessageBatch calls of 10. A record cleaning
 * rejects goes, alone and with its reason, to `clean-rejects.fifo` (the clean stage's
 * dead-letter queue; the row id is its deduplication id, so a resumed run adds it
 * once). Every 20,000 records the cleaner waits for its sends, then checkpoints the
 * byte offset (lib/job.ts) and extends its message's visibility; after a crash the
 * message returns and the next cleaner resumes from the checkpoint with a range read.
 */
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { ChangeMessageVisibilityCommand } from "@aws-sdk/client-sqs";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { env, queueUrl, sendBodies, sendEntries, sleep, sqs } from "./lib/aws.js";
import { cleanRecord, cleanText } from "./lib/clean-row.js";
import { readRecord, type CsvRecord } from "./lib/csv.js";
import { checkpoint, claim, type Checkpoint } from "./lib/job.js";
import { pack, type Row } from "./lib/rows.js";

const s3 = new S3Client({ forcePathStyle: true });
const CHECKPOINT_EVERY = 20_000;

interface Run {
  readonly jobId: string;
  readonly me: string;
  readonly etag: string;
  readonly cp: Checkpoint;
  readonly heartbeat: () => Promise<void>;
  rows: Row[];
  rejects: { id: string; reason: string; record: number }[];
  sending: Promise<void>[];
  sinceCheckpoint: number;
}

function dispatch(run: Run, all = false): void {
  if (run.rows.length >= 500 || (all && run.rows.length)) {
    const bodies = pack(run.rows, 50);
    run.cp.queued += run.rows.length;
    run.cp.messages += bodies.length;
    run.rows = [];
    run.sending.push(sendBodies(env("ROWS_QUEUE"), bodies, 2));
  }
  if (run.rejects.length && (all || run.rejects.length >= 10)) {
    const entries = run.rejects.map((r, i) => ({
      Id: `x${i}`,
      MessageBody: JSON.stringify({ rows: [[r.id]], stage: "clean", reason: r.reason, record: r.record }),
      MessageGroupId: r.id || "unknown",
      MessageDeduplicationId: `clean-${run.etag.slice(0, 32)}-${r.id || r.record}`,
    }));
    run.cp.rejected += run.rejects.length;
    run.rejects = [];
    run.sending.push(sendEntries(env("REJECTS_QUEUE"), entries, 1));
  }
}

async function save(run: Run, offset: number, done: boolean): Promise<void> {
  dispatch(run, true);
  await Promise.all(run.sending.splice(0));
  run.cp.offset = offset;
  await checkpoint(run.jobId, run.me, run.cp, done);
  await run.heartbeat();
  run.sinceCheckpoint = 0;
}

async function onRecord(run: Run, rec: CsvRecord, endOffset: number): Promise<void> {
  run.cp.records++;
  const first = rec.fields[0] ?? "";
  if (run.cp.records === 1 && first === "transaction_id") return;
  if (rec.fields.length === 1 && first.trim() === "") return;
  run.cp.cleaned++;
  const c = rec.broken ? { ok: false as const, id: cleanText(first), reason: rec.broken } : cleanRecord(rec.fields);
  if (c.ok) run.rows.push(c.row);
  else run.rejects.push({ id: c.id, reason: c.reason, record: run.cp.records - 1 });
  dispatch(run);
  // Keep a bounded number of sends in flight.
  if (run.sending.length > 6) await run.sending.shift();
  if (++run.sinceCheckpoint >= CHECKPOINT_EVERY) await save(run, endOffset, false);
}

async function read(run: Run, body: Readable): Promise<void> {
  let carry: Buffer = Buffer.alloc(0);
  let base = run.cp.offset;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    for (let rec = readRecord(buf, 0, false); rec; rec = readRecord(buf, pos, false)) {
      pos = rec.end;
      await onRecord(run, rec, base + pos);
    }
    carry = buf.subarray(pos);
    base += pos;
  }
  for (let pos = 0; pos < carry.length; ) {
    const rec = readRecord(carry, pos, true)!;
    pos = rec.end;
    await onRecord(run, rec, base + pos);
  }
  await save(run, base + carry.length, true);
}

async function cleanObject(bucket: string, key: string, size: number, etag: string, message: SQSRecord): Promise<void> {
  const jobId = `job#${bucket}/${key}#${etag}`;
  const me = randomUUID();
  const QueueUrl = await queueUrl(message.eventSourceARN.split(":")[5] ?? "");
  const heartbeat = async (): Promise<void> => {
    await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl, ReceiptHandle: message.receiptHandle, VisibilityTimeout: 30 }));
  };
  for (;;) {
    const cp = await claim(jobId, me, { bucket, key, size });
    if (cp === "done") return;
    if (cp === "busy") {
      // Another cleaner holds the lease: wait for it to finish or for its lease to lapse.
      await heartbeat();
      await sleep(2000);
      continue;
    }
    console.log(JSON.stringify({ msg: cp.offset ? "resuming" : "cleaning", bucket, key, offset: cp.offset, records: cp.records }));
    const run: Run = { jobId, me, etag, cp, heartbeat, rows: [], rejects: [], sending: [], sinceCheckpoint: 0 };
    // A checkpoint at the very end (the crash came before the last one): nothing left to read, and a range past the end is refused.
    if (size > 0 && cp.offset >= size) await save(run, cp.offset, true);
    else await read(run, (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(cp.offset ? { Range: `bytes=${cp.offset}-` } : {}) }))).Body as Readable);
    console.log(JSON.stringify({ msg: "cleaned", key, records: cp.records, queued: cp.queued, rejected: cp.rejected, messages: cp.messages }));
    return;
  }
}

interface S3Notification {
  Event?: string;
  Records?: { s3: { bucket: { name: string }; object: { key: string; size?: number; eTag?: string } } }[];
}

export const handler = async (event: SQSEvent): Promise<void> => {
  for (const m of event.Records) {
    const n = JSON.parse(m.body) as S3Notification;
    if (n.Event === "s3:TestEvent") continue;
    for (const r of n.Records ?? []) {
      const key = decodeURIComponent(r.s3.object.key.replace(/\+/g, " "));
      await cleanObject(r.s3.bucket.name, key, r.s3.object.size ?? 0, r.s3.object.eTag ?? "", m);
    }
  }
};
