/**
 * Sluice's streams as a `StreamPeer`, through three doors to the same Kinesis actions:
 *
 *  - in process: `platform.streams.call` on the built package (dist/), as users embed it;
 *  - the endpoint with `@aws-sdk/client-kinesis` and its default handler (HTTP/2);
 *  - the endpoint with the lean signed client (lean-aws.ts; AWS JSON 1.1 over HTTP/1.1),
 *    which shows what the server costs without the SDK's per-request CPU.
 *
 * Readers take a LATEST iterator per shard before anything is put, then call GetRecords
 * back to back, pausing only when a call found nothing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  CreateStreamCommand,
  DeleteStreamCommand,
  DescribeStreamSummaryCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
} from "@aws-sdk/client-kinesis";
import type * as SluiceModule from "../../src/index.js";
import { KINESIS_JSON, LeanAwsJson } from "./lean-aws.js";
import { KEY, SECRET } from "./servers.js";
import { idle, type OutRecord, type StreamPeer } from "./streams-workload.js";
import { sleep } from "./timing.js";

/** The Kinesis calls the workloads need, whichever door they go through. */
interface KinesisDoor {
  createStream(name: string, shards: number): Promise<void>;
  status(name: string): Promise<string>;
  shardIds(name: string): Promise<string[]>;
  /** Returns how many records failed. */
  putRecords(name: string, records: readonly OutRecord[]): Promise<number>;
  latestIterator(name: string, shardId: string): Promise<string>;
  getRecords(iterator: string): Promise<{ data: Uint8Array[]; next: string | undefined }>;
  deleteStream(name: string): Promise<void>;
  close(): Promise<void>;
}

type Sluice = typeof SluiceModule;
type Platform = Awaited<ReturnType<Sluice["createPlatform"]>>;
type Out = Record<string, unknown>;

async function loadDist(): Promise<Sluice> {
  return (await import(pathToFileURL(resolve("dist/index.js")).href)) as Sluice;
}

/** In process, on a fresh data directory (fsync-durable, the default). */
async function inProcessDoor(writer: "inline" | "thread"): Promise<KinesisDoor> {
  const s = await loadDist();
  const dataDir = mkdtempSync(join(tmpdir(), "sluice-bench-streams-"));
  const p: Platform = await s.createPlatform({ dataDir, writer });
  await p.start();
  const call = (action: string, input: Out): Promise<Out> => p.streams.call(action, input);
  return {
    createStream: async (StreamName, ShardCount) => void (await call("CreateStream", { StreamName, ShardCount })),
    status: async (StreamName) => String(((await call("DescribeStreamSummary", { StreamName }))["StreamDescriptionSummary"] as Out)["StreamStatus"]),
    shardIds: async (StreamName) => ((await call("ListShards", { StreamName }))["Shards"] as { ShardId: string }[]).map((x) => x.ShardId),
    putRecords: async (StreamName, records) =>
      Number((await call("PutRecords", { StreamName, Records: records.map((r) => ({ PartitionKey: r.key, Data: r.data })) }))["FailedRecordCount"]),
    latestIterator: async (StreamName, ShardId) => String((await call("GetShardIterator", { StreamName, ShardId, ShardIteratorType: "LATEST" }))["ShardIterator"]),
    getRecords: async (ShardIterator) => {
      const out = await call("GetRecords", { ShardIterator });
      return { data: (out["Records"] as { Data: Buffer }[]).map((r) => r.Data), next: out["NextShardIterator"] as string | undefined };
    },
    deleteStream: async (StreamName) => void (await call("DeleteStream", { StreamName })),
    close: async () => {
      try {
        await p.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** The AWS SDK v3 client as users construct it: its default request handler talks HTTP/2. */
function sdkDoor(url: string): KinesisDoor {
  const k = new KinesisClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, maxAttempts: 1 });
  return {
    createStream: async (StreamName, ShardCount) => void (await k.send(new CreateStreamCommand({ StreamName, ShardCount }))),
    status: async (StreamName) => (await k.send(new DescribeStreamSummaryCommand({ StreamName }))).StreamDescriptionSummary?.StreamStatus ?? "",
    shardIds: async (StreamName) => ((await k.send(new ListShardsCommand({ StreamName }))).Shards ?? []).map((x) => x.ShardId ?? ""),
    putRecords: async (StreamName, records) =>
      (await k.send(new PutRecordsCommand({ StreamName, Records: records.map((r) => ({ PartitionKey: r.key, Data: r.data })) }))).FailedRecordCount ?? 0,
    latestIterator: async (StreamName, ShardId) => (await k.send(new GetShardIteratorCommand({ StreamName, ShardId, ShardIteratorType: "LATEST" }))).ShardIterator ?? "",
    getRecords: async (ShardIterator) => {
      const out = await k.send(new GetRecordsCommand({ ShardIterator }));
      return { data: (out.Records ?? []).map((r) => r.Data ?? new Uint8Array()), next: out.NextShardIterator };
    },
    deleteStream: async (StreamName) => void (await k.send(new DeleteStreamCommand({ StreamName }))),
    close: () => Promise.resolve(k.destroy()),
  };
}

function leanDoor(url: string, sockets: number): KinesisDoor {
  const c = new LeanAwsJson({ url, accessKeyId: KEY, secretAccessKey: SECRET, region: "us-east-1", sockets }, KINESIS_JSON);
  return {
    createStream: async (StreamName, ShardCount) => void (await c.call("CreateStream", { StreamName, ShardCount })),
    status: async (StreamName) => (await c.call<{ StreamDescriptionSummary: { StreamStatus: string } }>("DescribeStreamSummary", { StreamName })).StreamDescriptionSummary.StreamStatus,
    shardIds: async (StreamName) => (await c.call<{ Shards: { ShardId: string }[] }>("ListShards", { StreamName })).Shards.map((x) => x.ShardId),
    putRecords: async (StreamName, records) =>
      (await c.call<{ FailedRecordCount: number }>("PutRecords", { StreamName, Records: records.map((r) => ({ PartitionKey: r.key, Data: r.data.toString("base64") })) })).FailedRecordCount,
    latestIterator: async (StreamName, ShardId) => (await c.call<{ ShardIterator: string }>("GetShardIterator", { StreamName, ShardId, ShardIteratorType: "LATEST" })).ShardIterator,
    getRecords: async (ShardIterator) => {
      const out = await c.call<{ Records: { Data: string }[]; NextShardIterator?: string }>("GetRecords", { ShardIterator });
      return { data: out.Records.map((r) => Buffer.from(r.Data, "base64")), next: out.NextShardIterator };
    },
    deleteStream: async (StreamName) => void (await c.call("DeleteStream", { StreamName })),
    close: () => Promise.resolve(c.close()),
  };
}

export type SluiceDoor = { kind: "in-process"; writer: "inline" | "thread" } | { kind: "sdk"; url: string } | { kind: "lean"; url: string; sockets: number };

export class SluiceStreamPeer implements StreamPeer {
  private door?: KinesisDoor;
  private readonly name = `bench-${Date.now()}`;
  readonly durability = "fsync per commit (SQLite synchronous=FULL)";

  constructor(private readonly how: SluiceDoor) {}

  private get k(): KinesisDoor {
    if (!this.door) throw new Error("setup() first");
    return this.door;
  }

  async setup(shards: number): Promise<void> {
    const h = this.how;
    this.door = h.kind === "in-process" ? await inProcessDoor(h.writer) : h.kind === "sdk" ? sdkDoor(h.url) : leanDoor(h.url, h.sockets);
    await this.k.createStream(this.name, shards);
    for (let i = 0; (await this.k.status(this.name)) !== "ACTIVE"; i++) {
      if (i > 100) throw new Error(`stream ${this.name} did not become ACTIVE`);
      await sleep(50);
    }
  }

  async put(records: readonly OutRecord[]): Promise<void> {
    const failed = await this.k.putRecords(this.name, records);
    if (failed) throw new Error(`PutRecords: ${failed} of ${records.length} records failed`);
  }

  async startReaders(onData: (data: Uint8Array) => void, signal: AbortSignal, pollMs: number): Promise<{ done: Promise<void> }> {
    const ids = await this.k.shardIds(this.name);
    const iterators = await Promise.all(ids.map((id) => this.k.latestIterator(this.name, id)));
    const read = async (first: string): Promise<void> => {
      let it: string | undefined = first;
      while (it && !signal.aborted) {
        const got: { data: Uint8Array[]; next: string | undefined } = await this.k.getRecords(it);
        for (const d of got.data) onData(d);
        it = got.next;
        if (!got.data.length) await idle(pollMs);
      }
    };
    return { done: Promise.all(iterators.map(read)).then(() => undefined) };
  }

  async teardown(): Promise<void> {
    if (!this.door) return;
    // A failed delete must not hide the error that ended the trial; the data directory goes either way.
    await this.door.deleteStream(this.name).catch(() => {});
    await this.door.close();
  }
}
