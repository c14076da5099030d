/**
 * How a table's change stream looks through the DynamoDB Streams API: stream ARNs
 * (`<table ARN>/stream/<label>`), shard ids (`shardId-<creation ms>-<index, hex>`) and
 * sequence numbers (21+ digits: shard index + 1, then the shard counter in 20 digits,
 * so they increase within a shard and never repeat across shards). A stream is ENABLED
 * while it is its table's current stream; after that its shards are closed.
 */
import type { CallContext } from "../queues/types.js";
import type { StreamRecord } from "../streams/store.js";
import { streamAccount, type TableDeps } from "./context.js";
import { ResourceNotFoundException, ValidationException } from "./errors.js";
import type { TableRecord } from "./store.js";
import type { StreamViewType } from "./types.js";

const STREAM_ARN = /^arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})\/stream\/([0-9T:.-]+)$/;
const SHARD_ID = /^shardId-(\d{20})-([0-9a-f]{8})$/;
const COUNTER_SPAN = 10n ** 20n;

export interface ChangeStream {
  readonly arn: string;
  readonly table: TableRecord;
  readonly label: string;
  readonly viewType: StreamViewType;
  readonly enabled: boolean;
  readonly stream: StreamRecord;
}

export function notFound(arn: string): ResourceNotFoundException {
  return new ResourceNotFoundException(`Requested resource not found: Stream: ${arn} not found`);
}

/** The stream a StreamArn names, current or disabled. */
export async function findChangeStream(d: TableDeps, arn: string, ctx: CallContext): Promise<ChangeStream> {
  const m = STREAM_ARN.exec(arn);
  if (!m?.[3] || !m[4]) throw new ValidationException(`Invalid StreamArn: ${arn}`);
  if (m[2] !== ctx.accountId) throw notFound(arn);
  const table = await d.store.getTable(ctx.accountId, m[3]);
  const latest = table?.definition.latestStream;
  if (!table || !latest || latest.label !== m[4]) throw notFound(arn);
  const stream = await d.streams.getStream(streamAccount(ctx.accountId), `${table.name}/${latest.label}`);
  if (!stream) throw notFound(arn);
  const enabled = table.definition.stream?.label === latest.label;
  return { arn, table, label: latest.label, viewType: latest.viewType, enabled, stream };
}

export function shardId(stream: StreamRecord, index: number): string {
  return `shardId-${String(stream.createdAt).padStart(20, "0")}-${index.toString(16).padStart(8, "0")}`;
}

/** The shard index a ShardId names in this stream, or null. */
export function shardIndex(stream: StreamRecord, id: string): number | null {
  const m = SHARD_ID.exec(id);
  if (!m?.[1] || !m[2] || Number(m[1]) !== stream.createdAt) return null;
  const index = parseInt(m[2], 16);
  return stream.shards.some((s) => s.index === index) ? index : null;
}

export function sequenceNumber(index: number, counter: number): string {
  return (BigInt(index + 1) * COUNTER_SPAN + BigInt(counter)).toString();
}

/** The shard counter of a sequence number of shard `index`, or null if it is not one of that shard's. */
export function counterOf(index: number, seq: string): number | null {
  if (!/^\d{21,40}$/.test(seq)) return null;
  const n = BigInt(seq);
  if (n / COUNTER_SPAN !== BigInt(index + 1)) return null;
  return Number(n % COUNTER_SPAN);
}
