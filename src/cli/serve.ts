/**
 * `sluice start` and `sluice dev`: the platform plus the AWS endpoint. `start` refuses
 * to run without credentials; `dev` also accepts test/test and prints a summary.
 */
import { createLogger } from "../core/logger.js";
import { createPlatform, type Platform } from "../platform.js";
import { createApp } from "../server/app.js";
import { listen, type Listening } from "../server/listen.js";
import { Credentials, type Credential } from "../wire/sigv4.js";

export interface ServeOptions {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly store?: string;
  readonly credentials: readonly Credential[];
  readonly logLevel: string;
  readonly publicUrl?: string;
  /** PATH for function handlers. */
  readonly path?: string;
  /** Where the SQLite writer runs. @default the storage's default */
  readonly writer?: "inline" | "thread";
  /** @default "full" */
  readonly durability?: "full" | "relaxed";
}

export interface Serving extends Listening {
  readonly platform: Platform;
}

export async function serve(o: ServeOptions): Promise<Serving> {
  if (!o.credentials.length) throw new Error("no credentials configured");
  const logger = createLogger({ level: o.logLevel, fd: 2 });
  const platform = await createPlatform({
    dataDir: o.dataDir,
    ...(o.store ? { store: o.store } : {}),
    logger,
    queues: { baseUrl: o.publicUrl ?? `http://${o.host}:${o.port}` },
    ...(o.path ? { path: o.path } : {}),
    ...(o.writer ? { writer: o.writer } : {}),
    ...(o.durability ? { durability: o.durability } : {}),
  });
  // Requests wait until the platform has started: its start-up work (such as sweeping
  // unfinished object files) must not race requests.
  let started = (): void => undefined;
  const ready = new Promise<void>((resolve) => (started = resolve));
  const app = createApp({
    platform,
    ready,
    credentials: new Credentials(o.credentials),
    logger,
    ...(o.publicUrl ? { publicUrl: o.publicUrl } : {}),
  });
  try {
    const listening = await listen(app, platform, logger, { port: o.port, host: o.host });
    const [first] = o.credentials;
    // Handlers' AWS SDK clients call this endpoint, signed with the first configured key.
    if (first) platform.functions.setEndpoint({ url: loopback(listening.url), accessKeyId: first.accessKeyId, secretAccessKey: first.secretAccessKey });
    // Background work starts only now: after a restart, mappings invoke existing functions
    // at once, and a worker started before the endpoint was set would have no endpoint or
    // keys in its environment for its whole (warm) life.
    await platform.start();
    started();
    logger.info({ url: listening.url, store: o.store ? "postgres" : o.dataDir }, "listening");
    return { ...listening, platform };
  } catch (err) {
    await platform.stop();
    throw err;
  }
}

/** The listening URL, with a wildcard address (0.0.0.0, ::) replaced by loopback. */
function loopback(url: string): string {
  return url.replace("//0.0.0.0:", "//127.0.0.1:").replace("//[::]:", "//[::1]:");
}

/** A short description of what is there, for `sluice dev`. */
export async function summary(platform: Platform): Promise<string> {
  const lines = [...(await queueLines(platform)), ...(await streamLines(platform)), ...(await tableLines(platform)), ...(await bucketLines(platform))];
  return lines.length ? lines.join("\n") : "  no queues, streams, tables or buckets yet";
}

async function queueLines(platform: Platform): Promise<string[]> {
  const { QueueUrls = [] } = await platform.queues.listQueues({});
  const lines: string[] = [];
  for (const url of QueueUrls.slice(0, 20)) {
    const { Attributes = {} } = await platform.queues.getQueueAttributes({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages"] });
    lines.push(`  ${url}  (${Attributes["ApproximateNumberOfMessages"] ?? 0} visible)`);
  }
  if (QueueUrls.length > 20) lines.push(`  … and ${QueueUrls.length - 20} more queues`);
  return lines;
}

async function streamLines(platform: Platform): Promise<string[]> {
  const out = (await platform.streams.call("ListStreams", { Limit: 21 })) as { StreamSummaries: { StreamARN: string }[] };
  const lines: string[] = [];
  for (const s of out.StreamSummaries.slice(0, 20)) {
    const d = (await platform.streams.call("DescribeStreamSummary", { StreamARN: s.StreamARN })) as { StreamDescriptionSummary: { OpenShardCount: number } };
    lines.push(`  ${s.StreamARN}  (${d.StreamDescriptionSummary.OpenShardCount} open shards)`);
  }
  if (out.StreamSummaries.length > 20) lines.push("  … and more streams");
  return lines;
}

async function tableLines(platform: Platform): Promise<string[]> {
  const { TableNames } = (await platform.tables.call("ListTables", { Limit: 21 })) as { TableNames: string[] };
  const lines: string[] = [];
  for (const name of TableNames.slice(0, 20)) {
    const { Table } = (await platform.tables.call("DescribeTable", { TableName: name })) as { Table: { StreamSpecification?: { StreamViewType: string } } };
    lines.push(`  table ${name}${Table.StreamSpecification ? `  (stream ${Table.StreamSpecification.StreamViewType})` : ""}`);
  }
  if (TableNames.length > 20) lines.push("  … and more tables");
  return lines;
}

async function bucketLines(platform: Platform): Promise<string[]> {
  const ctx = platform.queues.defaultContext;
  const buckets = await platform.buckets.listBuckets({ accountId: ctx.accountId, region: ctx.region, principal: "sluice", requestId: "summary", sourceIp: "127.0.0.1" });
  const lines = buckets.slice(0, 20).map((b) => `  s3://${b.name}${b.notification?.targets.length ? `  (${b.notification.targets.length} notification targets)` : ""}`);
  if (buckets.length > 20) lines.push(`  … and ${buckets.length - 20} more buckets`);
  return lines;
}
