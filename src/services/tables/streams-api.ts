/**
 * The DynamoDB Streams API: ListStreams, DescribeStream, GetShardIterator, GetRecords.
 * Iterators expire after 15 minutes; records stay readable for 24 hours.
 */
import type { CallContext } from "../queues/types.js";
import { decodeIterator, encodeIterator, type IteratorState } from "../streams/iterator.js";
import type { ChangeRecord } from "./changes.js";
import type { TableDeps } from "./context.js";
import { keySchemaOut } from "./describe.js";
import { ExpiredIteratorException, ResourceNotFoundException, ValidationException } from "./errors.js";
import { optChoice, optInt, optString, reqString, type Input, type Output } from "./input.js";
import { counterOf, findChangeStream, notFound, sequenceNumber, shardId, shardIndex, type ChangeStream } from "./stream-shards.js";

export const ITERATOR_TTL_MS = 15 * 60_000;
const READ_BYTES = 1024 * 1024;

export async function listStreams(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const only = optString(input, "TableName", { min: 3, max: 255 });
  const limit = optInt(input, "Limit", 1, 100) ?? 100;
  const after = optString(input, "ExclusiveStartStreamArn", { min: 37, max: 1024 });
  const tables = only ? [await d.store.getTable(ctx.accountId, only)].filter((t) => t !== null) : await d.store.listTables(ctx.accountId, null, 100_000);
  const all = tables.flatMap((t) => (t.definition.latestStream ? [{ StreamArn: t.definition.latestStream.arn, TableName: t.name, StreamLabel: t.definition.latestStream.label }] : []));
  const start = after ? all.findIndex((s) => s.StreamArn === after) + 1 : 0;
  const page = all.slice(start, start + limit);
  const out: Output = { Streams: page };
  if (start + limit < all.length) out["LastEvaluatedStreamArn"] = page[page.length - 1]?.StreamArn;
  return out;
}

function shardsOut(cs: ChangeStream): Output[] {
  return cs.stream.shards.map((s) => {
    const range: Output = { StartingSequenceNumber: sequenceNumber(s.index, s.startCounter) };
    if (!cs.enabled) range["EndingSequenceNumber"] = sequenceNumber(s.index, Math.max(s.startCounter, (s.endCounter ?? s.nextCounter - 1)));
    return { ShardId: shardId(cs.stream, s.index), SequenceNumberRange: range };
  });
}

export async function describeStream(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const cs = await findChangeStream(d, reqString(input, "StreamArn", { min: 37, max: 1024 }), ctx);
  const limit = optInt(input, "Limit", 1, 100) ?? 100;
  const after = optString(input, "ExclusiveStartShardId", { min: 28, max: 65 });
  const shards = shardsOut(cs);
  const start = after ? shards.findIndex((s) => s["ShardId"] === after) + 1 : 0;
  const page = shards.slice(start, start + limit);
  const desc: Output = {
    StreamArn: cs.arn,
    StreamLabel: cs.label,
    StreamStatus: cs.enabled ? "ENABLED" : "DISABLED",
    StreamViewType: cs.viewType,
    CreationRequestDateTime: new Date(cs.stream.createdAt),
    TableName: cs.table.name,
    KeySchema: keySchemaOut(cs.table.definition.key),
    Shards: page,
  };
  if (start + limit < shards.length) desc["LastEvaluatedShardId"] = page[page.length - 1]?.["ShardId"];
  return { StreamDescription: desc };
}

const TYPES = ["TRIM_HORIZON", "LATEST", "AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER"] as const;

export async function getShardIterator(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const arn = reqString(input, "StreamArn", { min: 37, max: 1024 });
  const cs = await findChangeStream(d, arn, ctx);
  const id = reqString(input, "ShardId", { min: 28, max: 65 });
  const type = optChoice(input, "ShardIteratorType", TYPES);
  if (!type) throw new ValidationException("1 validation error detected: Value null at 'shardIteratorType' failed to satisfy constraint: Member must not be null");
  const index = shardIndex(cs.stream, id);
  const shard = cs.stream.shards.find((s) => s.index === index);
  if (index === null || !shard) throw new ResourceNotFoundException(`Requested resource not found: Shard does not exist`);
  const counter = startCounter(type, input, index, shard.nextCounter);
  return { ShardIterator: encodeIterator({ streamId: cs.stream.id, account: ctx.accountId, stream: cs.stream.name, shardIndex: index, counter, issuedAt: d.clock.now() }) };
}

function startCounter(type: (typeof TYPES)[number], input: Input, index: number, next: number): number {
  if (type === "TRIM_HORIZON") return 0;
  if (type === "LATEST") return next;
  const seq = optString(input, "SequenceNumber", { min: 21, max: 40 });
  if (seq === undefined) throw new ValidationException("SequenceNumber is required for ShardIteratorType AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER");
  const counter = counterOf(index, seq);
  if (counter === null) throw new ValidationException(`Invalid SequenceNumber for ShardIterator: ${seq}`);
  return type === "AT_SEQUENCE_NUMBER" ? counter : counter + 1;
}

function readIterator(d: TableDeps, token: string, ctx: CallContext): IteratorState {
  let state: IteratorState;
  try {
    state = decodeIterator(token);
  } catch {
    throw new ValidationException("Invalid ShardIterator");
  }
  if (state.account !== ctx.accountId) throw new ValidationException("Invalid ShardIterator");
  const now = d.clock.now();
  if (now - state.issuedAt > ITERATOR_TTL_MS) {
    throw new ExpiredIteratorException(`Iterator expired. The iterator was created at time ${new Date(state.issuedAt).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of 900000 milliseconds.`);
  }
  return state;
}

export function streamRecordOut(index: number, counter: number, data: Buffer): Output {
  const r = JSON.parse(data.toString("utf8")) as ChangeRecord;
  const { ApproximateCreationDateTime, ...rest } = r.dynamodb;
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: r.awsRegion,
    dynamodb: { ApproximateCreationDateTime: new Date(Math.floor(ApproximateCreationDateTime / 1000) * 1000), ...rest, SequenceNumber: sequenceNumber(index, counter) },
    ...(r.userIdentity ? { userIdentity: { PrincipalId: r.userIdentity.principalId, Type: r.userIdentity.type } } : {}),
  };
}

export async function getRecords(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const state = readIterator(d, reqString(input, "ShardIterator", { max: 2048 }), ctx);
  const limit = optInt(input, "Limit", 1, 1000) ?? 1000;
  const read = await d.streams.readRecords(state.streamId, state.shardIndex, state.counter, limit, READ_BYTES, 0);
  const table = state.stream.slice(0, state.stream.lastIndexOf("/"));
  if (!read) throw notFound(`stream of table ${table}`);
  const records = read.records.map((r) => streamRecordOut(state.shardIndex, r.counter, r.data));
  const last = read.records[read.records.length - 1];
  // An empty page means everything up to the tip was read (or trimmed): resume at the tip.
  const next = last ? last.counter + 1 : Math.max(state.counter, read.nextCounter);
  const current = (await d.store.getTable(ctx.accountId, table))?.definition.stream;
  const closed = current?.streamName !== state.stream;
  const out: Output = { Records: records };
  if (!closed || next < read.nextCounter) out["NextShardIterator"] = encodeIterator({ ...state, counter: next, issuedAt: d.clock.now() });
  return out;
}
