/**
 * `npm start`: the CSV ingestion pipeline, end to end, on the embedded store.
 *
 *  1. generates examples/csv-ingest/data/transactions-558000.csv if it is missing;
 *  2. starts Sluice (`sluice dev`: the endpoint on 127.0.0.1:4566, keys test/test, the
 *     embedded store in .sluice/csv-ingest) with this app's sluice.config.ts;
 *  3. uploads the CSV to the `uploads` bucket (multipart, @aws-sdk/lib-storage);
 *  4. shows progress per stage until every row is updated or dead-lettered;
 *  5. prints the reconciliation and the time per stage, and keeps serving.
 *
 * A run interrupted (Ctrl-C, kill -9) resumes where it was when started again; a
 * finished run is cleared and started afresh. Options: --rows N, --port P, --data DIR,
 * --store postgres://…, --fresh (clear first), --exit (stop after the reconciliation;
 * with --json, print the results as one JSON line).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { bar, Progress } from "../../src/cli/progress.js";
import { defaultCsv, FULL_ROWS, generate, manifestPath, type Manifest } from "./generate.js";
import { clients } from "./lib/clients.js";
import { reconciliationTable } from "./lib/reconcile.js";
import { ROOT, startServer } from "./lib/server.js";
import { describeSnapshot } from "./lib/snapshot.js";
import { timingTable } from "./lib/timing.js";
import { uploadOnce } from "./lib/upload.js";
import { watchRun } from "./lib/watch.js";

interface Options {
  rows: number;
  port: number;
  data: string;
  store?: string;
  fresh: boolean;
  exit: boolean;
  json: boolean;
}

function options(argv: string[]): Options {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const store = get("store");
  return {
    rows: Number(get("rows") ?? FULL_ROWS),
    port: Number(get("port") ?? 4566),
    data: resolve(ROOT, get("data") ?? ".sluice/csv-ingest"),
    ...(store ? { store } : {}),
    fresh: argv.includes("--fresh"),
    exit: argv.includes("--exit"),
    json: argv.includes("--json"),
  };
}

function ensureCsv(rows: number): { file: string; manifest: Manifest } {
  const file = defaultCsv(rows);
  if (!existsSync(file) || !existsSync(manifestPath(file))) {
    process.stdout.write(`Generating ${file} (${rows.toLocaleString("en-US")} rows × 16 columns)…\n`);
    generate(file, rows);
  }
  return { file, manifest: JSON.parse(readFileSync(manifestPath(file), "utf8")) as Manifest };
}

interface RunState {
  status: "running" | "done";
  rows: number;
}

/** Resume an unfinished run of the same file; otherwise start from an empty store. */
function prepareData(o: Options): boolean {
  const stateFile = join(o.data, "csv-ingest-run.json");
  const state = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, "utf8")) as RunState) : undefined;
  const resume = !o.fresh && state?.status === "running" && state.rows === o.rows;
  if (!resume && !o.store) rmSync(o.data, { recursive: true, force: true });
  mkdirSync(o.data, { recursive: true });
  writeFileSync(stateFile, JSON.stringify({ status: "running", rows: o.rows } satisfies RunState));
  return resume;
}

const EXPLORE = (url: string): string => `
Still serving on ${url} — explore with any AWS SDK or CLI (Ctrl-C stops):
  export AWS_ENDPOINT_URL=${url} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1
  aws s3 ls s3://uploads/
  aws dynamodb describe-table --table-name csv-rows --query Table.ItemCount
  aws dynamodb get-item --table-name csv-rows --key '{"id":{"S":"TX00000042"}}'
  aws sqs receive-message --queue-url ${url}/000000000000/clean-rejects.fifo --max-number-of-messages 10
  aws sqs get-queue-attributes --queue-url ${url}/000000000000/store-dlq.fifo --attribute-names All
  aws lambda list-event-source-mappings --query 'EventSourceMappings[].[EventSourceArn,State]'
`;

async function main(o: Options): Promise<number> {
  const { file, manifest } = ensureCsv(o.rows);
  const resumed = prepareData(o);
  const nodeArgs = (process.env["CSV_INGEST_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
  const server = await startServer({ command: "dev", dataDir: o.data, port: o.port, nodeArgs, ...(o.store ? { store: o.store } : {}), onLine: (l) => /^(Applied|  [+~-] )/.test(l) && !o.json && process.stdout.write(`${l}\n`) });
  const c = clients(server.url, { accessKeyId: "test", secretAccessKey: "test" });
  const progress = new Progress(process.stdout, 1000);
  try {
    process.stdout.write(`Sluice is listening on ${server.url} (store: ${o.store ? "PostgreSQL" : o.data})${resumed ? "; resuming the unfinished run" : ""}\n`);
    const started = Date.now();
    const key = basename(file);
    const up = await uploadOnce(c, file, key, o.rows, (sent, total) => progress.update(`${bar(sent, total)} uploading ${key}: ${(sent / 2 ** 20).toFixed(0)} / ${(total / 2 ** 20).toFixed(0)} MiB`));
    const uploadedAt = Date.now();
    if (up.uploaded) progress.update(`uploaded ${key} in ${((uploadedAt - started) / 1000).toFixed(1)} s`);
    const jobId = `job#uploads/${key}#${up.etag}`;
    const result = await watchRun(c, jobId, manifest, {
      onSnapshot: (s) => progress.update(`${bar(s.updated + s.deadLettered, o.rows)} ${describeSnapshot(s)}  ${((Date.now() - started) / 1000).toFixed(0)} s`),
    });
    progress.done();
    const totalS = (result.endedAt - started) / 1000;
    const reconciledS = (Date.now() - result.endedAt) / 1000;
    writeFileSync(join(o.data, "csv-ingest-run.json"), JSON.stringify({ status: "done", rows: o.rows } satisfies RunState));
    const report = { rows: o.rows, bytes: manifest.bytes, uploadS: (uploadedAt - started) / 1000, uploaded: up.uploaded, endToEndS: totalS, reconcileS: reconciledS, timings: result.timings, started, ok: result.reconciliation.ok, lost: result.reconciliation.lost.length, doubled: result.reconciliation.doubled.length, dead: result.reconciliation.dead.length, updated: result.reconciliation.updated };
    if (o.json) process.stdout.write(`RESULT ${JSON.stringify(report)}\n`);
    process.stdout.write(`\n${reconciliationTable(result.reconciliation, file)}\n\n${timingTable(report)}\n`);
    if (o.exit) return result.reconciliation.ok ? 0 : 1;
    process.stdout.write(EXPLORE(server.url));
    await new Promise<void>((res) => {
      process.once("SIGINT", () => res());
      process.once("SIGTERM", () => res());
    });
    return result.reconciliation.ok ? 0 : 1;
  } finally {
    c.destroy();
    await server.stop();
  }
}

main(options(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`csv-ingest: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
