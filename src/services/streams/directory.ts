/**
 * Finding streams and shards for a request, and writing settings with optimistic
 * concurrency: read the stream, compute new settings, write them if nobody changed
 * the stream in between, otherwise read again.
 */
import type { Clock } from "../../core/clock.js";
import type { CallContext } from "../queues/types.js";
import type { StreamServiceConfig } from "./config.js";
import { ResourceNotFoundException, streamNotFound } from "./errors.js";
import { streamRef, type Input, type StreamRef } from "./input.js";
import { parseShardId } from "./sequence.js";
import type { ShardRecord, StreamRecord, StreamSettings, StreamStore } from "./store.js";

export interface StreamDeps {
  readonly store: StreamStore;
  readonly clock: Clock;
  readonly config: StreamServiceConfig;
}

export async function findStream(d: StreamDeps, ref: StreamRef): Promise<StreamRecord> {
  const stream = await d.store.getStream(ref.account, ref.name);
  if (!stream) throw streamNotFound(ref.name, ref.account);
  return stream;
}

export function requestedStream(d: StreamDeps, input: Input, ctx: CallContext): Promise<StreamRecord> {
  return findStream(d, streamRef(input, ctx));
}

export function shardNotFound(stream: StreamRecord, id: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Shard ${id} in stream ${stream.name} under account ${stream.account} does not exist`);
}

export function findShard(stream: StreamRecord, id: string): ShardRecord {
  const index = parseShardId(id);
  const shard = index === null ? undefined : stream.shards.find((s) => s.index === index);
  if (!shard) throw shardNotFound(stream, id);
  return shard;
}

const MAX_ATTEMPTS = 20;

/**
 * Applies `change` to the stream's settings until the write lands on the version it
 * read. `change` may throw to refuse; it returns null when nothing changes.
 */
export async function updateSettings(
  d: StreamDeps,
  ref: StreamRef,
  change: (stream: StreamRecord) => StreamSettings | null,
): Promise<StreamRecord> {
  for (let attempt = 0; ; attempt++) {
    const stream = await findStream(d, ref);
    const next = change(stream);
    if (next === null) return stream;
    if ((await d.store.updateSettings(stream.id, stream.version, next)) === "ok") return { ...stream, ...next };
    if (attempt >= MAX_ATTEMPTS) throw new Error(`stream ${ref.name}: settings kept changing underneath an update`);
  }
}

export function settingsOf(stream: StreamRecord): StreamSettings {
  const { mode, retentionHours, encryption, monitoring, tags, consumers } = stream;
  return { mode, retentionHours, encryption, monitoring, tags, consumers };
}
