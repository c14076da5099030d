/**
 * NATS JetStream as the peer `StreamPeer`: one stream with FILE storage (one replica, the
 * only choice on a single server), its subjects split into N "shards"
 * (`<prefix>.s0` … `<prefix>.s{N-1}`). A batch is 500 async publishes awaited together,
 * so each producer has at most 500 acknowledgements outstanding, as a PutRecords of 500
 * has. Readers are ordered consumers (pull-based, no acks, the client's cheapest way to
 * read a stream in order), one per shard subject, starting just past the stream's last
 * sequence.
 *
 * Durability: JetStream acknowledges a publish once the file store has it in the page
 * cache; it fsyncs on a timer (`sync_interval`, 2 minutes by default), not per write.
 * Per-write sync (`sync_interval: always`) exists only from nats-server 2.10 on.
 */
import { randomBytes } from "node:crypto";
import { connect, DeliverPolicy, StorageType, type JetStreamClient, type JetStreamManager, type NatsConnection } from "nats";
import { type OutRecord, type StreamPeer } from "./streams-workload.js";

export const DEFAULT_NATS = "nats://127.0.0.1:4222";
/** Every stream this bench creates starts with this, so a sweep can remove leftovers. */
const STREAM_PREFIX = "SLUICE_BENCH_";
const NANOS_PER_MS = 1e6;

interface SyncSetting {
  readonly intervalMs?: number;
  readonly always?: boolean;
}

/** The server's sync settings from its monitoring endpoint, when it has one (`-m 8222`). */
async function syncFromVarz(natsUrl: string): Promise<SyncSetting | undefined> {
  try {
    const host = new URL(natsUrl.replace(/^nats:/, "http:")).hostname;
    const res = await fetch(`http://${host}:8222/varz`, { signal: AbortSignal.timeout(500) });
    const varz = (await res.json()) as { jetstream?: { config?: { sync_interval?: number; sync_always?: boolean } } };
    const c = varz.jetstream?.config;
    if (!c || (c.sync_interval === undefined && c.sync_always === undefined)) return undefined;
    return { ...(c.sync_interval !== undefined ? { intervalMs: c.sync_interval / NANOS_PER_MS } : {}), ...(c.sync_always ? { always: true } : {}) };
  } catch {
    return undefined;
  }
}

function before210(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major < 2 || (major === 2 && minor < 10);
}

/** What a JetStream acknowledgement means on this server, for the durability column. */
export async function natsDurability(natsUrl: string, version: string): Promise<string> {
  if (before210(version)) return `NO fsync per write: page cache, fsync every 2 min (fixed in nats-server ${version}; per-write sync from 2.10)`;
  const sync = await syncFromVarz(natsUrl);
  if (sync?.always) return "fsync per write (sync_interval: always)";
  if (sync?.intervalMs !== undefined) return `NO fsync per write: page cache, fsync every ${(sync.intervalMs / 1000).toFixed(0)} s (sync_interval)`;
  return "NO fsync per write: page cache, fsync every 2 min (default sync_interval; unchecked: no monitoring port)";
}

export class NatsStreamPeer implements StreamPeer {
  private nc?: NatsConnection;
  private js?: JetStreamClient;
  private jsm?: JetStreamManager;
  private subjects: string[] = [];
  private readonly id = randomBytes(4).toString("hex");
  private readonly stream = `${STREAM_PREFIX}${this.id}`;
  durability = "";

  constructor(private readonly url: string) {}

  async setup(shards: number): Promise<void> {
    // Without async traces the client skips capturing a stack for every request (each publish is one): its throughput knob.
    this.nc = await connect({ servers: this.url, name: "sluice-bench", noAsyncTraces: true });
    this.durability = await natsDurability(this.url, this.nc.info?.version ?? "?");
    this.jsm = await this.nc.jetstreamManager();
    this.js = this.nc.jetstream();
    const prefix = `sluicebench.${this.id}`;
    this.subjects = Array.from({ length: shards }, (_, i) => `${prefix}.s${i}`);
    await this.jsm.streams.add({ name: this.stream, subjects: [`${prefix}.*`], storage: StorageType.File, num_replicas: 1 });
  }

  async put(records: readonly OutRecord[]): Promise<void> {
    const js = this.js!;
    await Promise.all(records.map((r) => js.publish(this.subjects[r.shard]!, r.data)));
  }

  /** `consume()` keeps pull requests outstanding, so JetStream readers never poll: `_pollMs` has nothing to pace. */
  async startReaders(onData: (data: Uint8Array) => void, signal: AbortSignal, _pollMs: number): Promise<{ done: Promise<void> }> {
    const info = await this.jsm!.streams.info(this.stream);
    const start = info.state.last_seq + 1;
    const read = async (subject: string): Promise<() => Promise<void>> => {
      const consumer = await this.js!.consumers.get(this.stream, { filterSubjects: subject, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
      const messages = await consumer.consume();
      signal.addEventListener("abort", () => void messages.stop(), { once: true });
      return async () => {
        for await (const m of messages) onData(m.data);
      };
    };
    const loops = await Promise.all(this.subjects.map(read));
    return { done: Promise.all(loops.map((loop) => loop())).then(() => undefined) };
  }

  async teardown(): Promise<void> {
    try {
      if (this.jsm) await this.jsm.streams.delete(this.stream).catch(() => false);
    } finally {
      await this.nc?.close();
    }
  }
}

/** The server's version, or why it could not be reached. */
export async function natsServerVersion(url: string): Promise<string> {
  try {
    const nc = await connect({ servers: url, name: "sluice-bench-probe", timeout: 2000 });
    const v = `${nc.info?.version ?? "?"}${nc.info?.jetstream ? ", JetStream on" : ", JetStream OFF"}`;
    await nc.close();
    return v;
  } catch (err) {
    return `unreachable (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** Deletes streams left by runs that died before their teardown; returns their names. */
export async function sweepNatsStreams(url: string): Promise<string[]> {
  const nc = await connect({ servers: url, name: "sluice-bench-sweep" });
  try {
    const jsm = await nc.jetstreamManager();
    const names: string[] = [];
    for await (const name of jsm.streams.names()) if (name.startsWith(STREAM_PREFIX)) names.push(name);
    for (const name of names) await jsm.streams.delete(name);
    return names;
  } finally {
    await nc.close();
  }
}
