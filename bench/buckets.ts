/**
 * `npm run bench -- buckets`: Sluice's S3 API through @aws-sdk/client-s3 against a
 * fresh `sluice start` (embedded store, fsync-durable):
 *
 *  - small: PUT then GET of N objects of 4 KiB, C requests in flight;
 *  - large: PUT then GET of M objects of 64 MiB, one at a time;
 *  - multipart: one 2 GiB upload with @aws-sdk/lib-storage (8 MiB parts, 4 in
 *    flight) while the server's resident memory is sampled from /proc/<pid>/status
 *    (VmRSS every 50 ms, and VmHWM, the kernel's own peak, at the end).
 *
 * There is no S3 peer on this machine, so the tables give absolute numbers. The client
 * (which computes CRC32 and SHA-256 of every body, as the SDK does) shares the cores
 * with the server.
 */
import { GetObjectCommand, PutObjectCommand, S3Client, CreateBucketCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent } from "node:http";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { checkKnown, flag, intOpt, parseArgs } from "./lib/args.js";
import { machineInfo, machinePairs } from "./lib/machine.js";
import { KEY, SECRET, startSluice, type Endpoint } from "./lib/servers.js";
import { renderPairs, renderTable } from "./lib/table.js";
import { formatMs, formatRate, progress } from "./lib/timing.js";

export const description = "buckets: S3 PUT/GET throughput (4 KiB and 64 MiB) and server memory during a 2 GiB multipart upload";

const DEFAULTS = { small: 5000, concurrency: 32, large: 8, multipartMiB: 2048 } as const;
const QUICK = { small: 500, large: 2, multipartMiB: 256 } as const;
const MiB = 1024 * 1024;

interface Row {
  readonly workload: string;
  readonly ops: number;
  readonly seconds: number;
  readonly bytes: number;
  readonly note?: string;
}

function usage(): void {
  console.log(`usage: npm run bench -- buckets [options]

  --small N         4 KiB objects to PUT and GET (default ${DEFAULTS.small})
  --concurrency C   4 KiB requests in flight (default ${DEFAULTS.concurrency})
  --large M         64 MiB objects to PUT and GET (default ${DEFAULTS.large})
  --multipart MiB   size of the multipart upload (default ${DEFAULTS.multipartMiB})
  --quick           small run (${QUICK.small} small, ${QUICK.large} large, ${QUICK.multipartMiB} MiB multipart)
  --help            this text`);
}

function client(url: string, sockets: number): S3Client {
  return new S3Client({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: KEY, secretAccessKey: SECRET },
    forcePathStyle: true,
    requestHandler: new NodeHttpHandler({ httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }) }),
  });
}

async function pool(n: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, async () => {
    while (next < n) await fn(next++);
  }));
}

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return (performance.now() - t) / 1000;
}

async function drain(body: unknown): Promise<number> {
  let n = 0;
  for await (const c of body as AsyncIterable<Uint8Array>) n += c.length;
  return n;
}

async function small(s3: S3Client, n: number, concurrency: number): Promise<Row[]> {
  const data = randomBytes(4096);
  progress(`PUT ${n} × 4 KiB, ${concurrency} in flight`);
  const put = await timed(() => pool(n, concurrency, async (i) => void (await s3.send(new PutObjectCommand({ Bucket: "bench", Key: `small/${i}`, Body: data })))));
  progress(`GET ${n} × 4 KiB`);
  const get = await timed(() => pool(n, concurrency, async (i) => void (await drain((await s3.send(new GetObjectCommand({ Bucket: "bench", Key: `small/${i}` }))).Body))));
  return [
    { workload: "PUT 4 KiB", ops: n, seconds: put, bytes: n * 4096, note: `${concurrency} in flight` },
    { workload: "GET 4 KiB", ops: n, seconds: get, bytes: n * 4096, note: `${concurrency} in flight` },
  ];
}

async function large(s3: S3Client, m: number): Promise<Row[]> {
  const data = randomBytes(64 * MiB);
  progress(`PUT ${m} × 64 MiB`);
  const put = await timed(async () => {
    for (let i = 0; i < m; i++) await s3.send(new PutObjectCommand({ Bucket: "bench", Key: `large/${i}`, Body: data }));
  });
  progress(`GET ${m} × 64 MiB`);
  const get = await timed(async () => {
    for (let i = 0; i < m; i++) await drain((await s3.send(new GetObjectCommand({ Bucket: "bench", Key: `large/${i}` }))).Body);
  });
  return [
    { workload: "PUT 64 MiB", ops: m, seconds: put, bytes: m * 64 * MiB, note: "one at a time" },
    { workload: "GET 64 MiB", ops: m, seconds: get, bytes: m * 64 * MiB, note: "one at a time" },
  ];
}

function statusKiB(pid: number, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

/** A body of `bytes` made of one repeated random MiB, so the client holds little. */
function generated(bytes: number): Readable {
  const block = randomBytes(MiB);
  let left = bytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, block.length);
      left -= n;
      this.push(n === block.length ? block : block.subarray(0, n));
    },
  });
}

async function multipart(s3: S3Client, endpoint: Endpoint, mib: number): Promise<{ row: Row; before: number; peak: number; hwm: number }> {
  const pid = endpoint.pid;
  if (pid === undefined) throw new Error("the server's pid is unknown");
  const before = statusKiB(pid, "VmRSS");
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, statusKiB(pid, "VmRSS"))), 50);
  progress(`multipart upload of ${mib} MiB (8 MiB parts, 4 in flight)`);
  try {
    const seconds = await timed(async () => {
      const up = new Upload({ client: s3, params: { Bucket: "bench", Key: "multipart.bin", Body: generated(mib * MiB) }, partSize: 8 * MiB, queueSize: 4 });
      await up.done();
    });
    return { row: { workload: `multipart ${mib} MiB`, ops: Math.ceil(mib / 8), seconds, bytes: mib * MiB, note: "8 MiB parts, 4 in flight" }, before, peak, hwm: statusKiB(pid, "VmHWM") };
  } finally {
    clearInterval(sampler);
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  const args = parseArgs(argv);
  if (flag(args, "help")) return usage();
  checkKnown(args, ["small", "concurrency", "large", "multipart", "quick", "help"]);
  const quick = flag(args, "quick");
  const n = intOpt(args, "small") ?? (quick ? QUICK.small : DEFAULTS.small);
  const concurrency = intOpt(args, "concurrency") ?? DEFAULTS.concurrency;
  const m = intOpt(args, "large") ?? (quick ? QUICK.large : DEFAULTS.large);
  const mib = intOpt(args, "multipart") ?? (quick ? QUICK.multipartMiB : DEFAULTS.multipartMiB);
  console.log(renderPairs(machinePairs(await machineInfo({ dataDir: tmpdir() })), ["machine", ""]));
  const endpoint = await startSluice();
  const s3 = client(endpoint.url, concurrency + 4);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: "bench" }));
    const rows = [...(await small(s3, n, concurrency)), ...(await large(s3, m))];
    const mp = await multipart(s3, endpoint, mib);
    rows.push(mp.row);
    console.log(`\n## S3 API throughput (sluice start, SQLite synchronous=FULL, every object fsynced)\n`);
    console.log(renderTable<Row>([
      { header: "workload", cell: (r) => r.workload },
      { header: "objects", cell: (r) => String(r.ops), align: "right" },
      { header: "seconds", cell: (r) => r.seconds.toFixed(2), align: "right" },
      { header: "objects/s", cell: (r) => formatRate(r.ops / r.seconds), align: "right" },
      { header: "MiB/s", cell: (r) => formatMs(r.bytes / MiB / r.seconds), align: "right" },
      { header: "", cell: (r) => r.note ?? "" },
    ], rows));
    console.log(`\n## Server memory during the ${mib} MiB multipart upload\n`);
    console.log(renderPairs([
      ["RSS before", `${(mp.before / 1024).toFixed(0)} MiB`],
      ["peak RSS (sampled every 50 ms)", `${(mp.peak / 1024).toFixed(0)} MiB`],
      ["VmHWM (kernel's peak, whole run)", `${(mp.hwm / 1024).toFixed(0)} MiB`],
      ["growth during the upload", `${((mp.peak - mp.before) / 1024).toFixed(0)} MiB for ${mib} MiB uploaded`],
    ], ["", ""]));
  } finally {
    s3.destroy();
    await endpoint.stop();
  }
}
