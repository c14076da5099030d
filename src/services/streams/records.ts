/**
 * Writing and reading records. A put hashes each partition key (or takes the explicit
 * hash key), finds the open shard whose range holds it, and appends; a read follows a
 * shard iterator from a counter onward, skipping records past retention.
 */
import type { CallContext } from "../queues/types.js";
import { findShard, findStream, requestedStream, type StreamDeps } from "./directory.js";
import { constraint, ExpiredIteratorException, InvalidArgumentException, ProvisionedThroughputExceededException, ResourceNotFoundException } from "./errors.js";
import { contains, parseHashKey, partitionKeyHash } from "./hash.js";
import { optBlob, optInt, optList, optString, optTime, reqString, streamRef, type Input } from "./input.js";
import { decodeIterator, encodeIterator, ITERATOR_TTL_MS } from "./iterator.js";
import { formatSequence, parseSequence, shardId } from "./sequence.js";
import type { RecordEntry, ShardRecord, StreamRecord } from "./store.js";
import type { ShardThroughput } from "./throughput.js";
import type { Output, PutRecordsResultEntry } from "./types.js";
import { childShards, openShards } from "./view.js";

export interface RecordDeps extends StreamDeps {
  readonly throughput: ShardThroughput;
}

const MAX_DATA = 1_048_576;
const MAX_REQUEST = 5 * 1_048_576;
const MAX_READ_BYTES = 10 * 1_048_576;
const HASH_KEY = /^(0|[1-9]\d{0,38})$/;

interface Parsed {
  readonly partitionKey: string;
  readonly data: Buffer;
  readonly explicitHashKey: string | null;
  readonly hashKey: bigint;
}

function parseEntry(e: Input, path: string): Parsed {
  const data = optBlob(e, "Data");
  if (data === undefined) throw constraint(`${path}data`, null, "Member must not be null");
  if (data.length > MAX_DATA) throw constraint(`${path}data`, `java.nio.HeapByteBuffer[pos=0 lim=${data.length} cap=${data.length}]`, `Member must have length less than or equal to ${MAX_DATA}`);
  const partitionKey = reqString(e, "PartitionKey", { max: 256 });
  const explicit = optString(e, "ExplicitHashKey", { pattern: HASH_KEY }) ?? null;
  let hashKey = partitionKeyHash(partitionKey);
  if (explicit !== null) {
    const parsed = parseHashKey(explicit);
    if (parsed === null) throw new InvalidArgumentException(`Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${explicit}`);
    hashKey = parsed;
  }
  if (data.length + Buffer.byteLength(partitionKey) > MAX_DATA) {
    throw new InvalidArgumentException(`Record size (data and partition key) exceeds the limit of ${MAX_DATA} bytes.`);
  }
  return { partitionKey, data, explicitHashKey: explicit, hashKey };
}

interface OpenRange {
  readonly index: number;
  readonly start: bigint;
  readonly end: bigint;
}

/** The stream's open shards with their ranges parsed, once per request rather than per record. */
function openRanges(stream: StreamRecord): OpenRange[] {
  return openShards(stream).map((s) => ({ index: s.index, start: BigInt(s.hashStart), end: BigInt(s.hashEnd) }));
}

function shardFor(stream: StreamRecord, ranges: readonly OpenRange[], key: bigint): number {
  const shard = ranges.find((r) => contains(r, key));
  if (!shard) throw new Error(`stream ${stream.name}: no open shard holds hash key ${key}`);
  return shard.index;
}

type Slot = { shard: number; error?: undefined } | { shard: number; error: PutRecordsResultEntry };

function throttled(stream: StreamRecord, shard: number): PutRecordsResultEntry {
  return {
    ErrorCode: "ProvisionedThroughputExceededException",
    ErrorMessage: `Rate exceeded for shard ${shardId(shard)} in stream ${stream.name} under account ${stream.account}.`,
  };
}

/**
 * Appends the entries, re-planning if a reshard closed a shard in between. Each entry is
 * admitted against its shard's write limit once; a re-plan keeps that decision.
 */
async function append(d: RecordDeps, input: Input, ctx: CallContext, entries: Parsed[]): Promise<{ stream: StreamRecord; slots: Slot[]; counters: number[] }> {
  const ref = streamRef(input, ctx);
  let admitted: boolean[] | undefined;
  for (let attempt = 0; ; attempt++) {
    const stream = await findStream(d, ref);
    const ranges = openRanges(stream);
    const shards = entries.map((e) => shardFor(stream, ranges, e.hashKey));
    admitted ??= entries.map((e, i) => d.throughput.admitWrite(stream.id, shards[i] ?? 0, e.data.length + Buffer.byteLength(e.partitionKey)));
    const slots: Slot[] = shards.map((shard, i) => (admitted?.[i] ? { shard } : { shard, error: throttled(stream, shard) }));
    const writes: RecordEntry[] = [];
    entries.forEach((e, i) => {
      const slot = slots[i];
      if (slot && !slot.error) writes.push({ shardIndex: slot.shard, partitionKey: e.partitionKey, data: e.data, explicitHashKey: e.explicitHashKey });
    });
    const counters = writes.length === 0 ? [] : await d.store.putRecords(stream.id, writes, d.clock.now());
    if (counters !== "stale") return { stream, slots, counters };
    if (attempt >= 20) throw new Error(`stream ${ref.name}: shards kept changing underneath a put`);
  }
}

export async function putRecord(d: RecordDeps, input: Input, ctx: CallContext): Promise<Output> {
  const entry = parseEntry(input, "");
  optString(input, "SequenceNumberForOrdering", { pattern: /^(0|[1-9]\d{0,128})$/ });
  const { stream, slots, counters } = await append(d, input, ctx, [entry]);
  const slot = slots[0];
  if (!slot || slot.error) throw new ProvisionedThroughputExceededException(throttled(stream, slot?.shard ?? 0).ErrorMessage ?? "Rate exceeded.");
  return { ShardId: shardId(slot.shard), SequenceNumber: formatSequence(counters[0] ?? 0, slot.shard), EncryptionType: stream.encryption ? "KMS" : "NONE" };
}

export async function putRecords(d: RecordDeps, input: Input, ctx: CallContext): Promise<Output> {
  const raw = optList(input, "Records");
  if (raw === undefined) throw constraint("records", null, "Member must not be null");
  if (raw.length < 1) throw constraint("records", "[]", "Member must have length greater than or equal to 1");
  if (raw.length > 500) throw constraint("records", `[${raw.length} records]`, "Member must have length less than or equal to 500");
  const entries = raw.map((e, i) => {
    if (typeof e !== "object" || e === null || Array.isArray(e)) throw new InvalidArgumentException("Each record must be a structure.");
    return parseEntry(e as Input, `records.${i + 1}.member.`);
  });
  const total = entries.reduce((n, e) => n + e.data.length + Buffer.byteLength(e.partitionKey), 0);
  if (total > MAX_REQUEST) throw new InvalidArgumentException(`Records size exceeds 5 MB limit`);
  const { stream, slots, counters } = await append(d, input, ctx, entries);
  let next = 0;
  const results: PutRecordsResultEntry[] = slots.map((slot) => {
    if (slot.error) return slot.error;
    return { SequenceNumber: formatSequence(counters[next++] ?? 0, slot.shard), ShardId: shardId(slot.shard) };
  });
  const failed = results.filter((r) => r.ErrorCode !== undefined).length;
  return { FailedRecordCount: failed, Records: results, EncryptionType: stream.encryption ? "KMS" : "NONE" };
}

const ITERATOR_TYPES = ["AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER", "TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];

function sequenceCounter(input: Input, shard: ShardRecord): number {
  const text = optString(input, "StartingSequenceNumber", { pattern: /^(0|[1-9]\d{0,128})$/ });
  if (text === undefined) throw new InvalidArgumentException("StartingSequenceNumber is required for the AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER iterator types.");
  const parsed = parseSequence(text);
  if (!parsed) throw new InvalidArgumentException(`StartingSequenceNumber ${text} used in GetShardIterator on shard ${shardId(shard.index)} is invalid.`);
  if (parsed.shardIndex !== shard.index) {
    throw new InvalidArgumentException(`Invalid StartingSequenceNumber. It encodes ${shardId(parsed.shardIndex)}, while it was used in a call to a shard with ${shardId(shard.index)}`);
  }
  return parsed.counter;
}

/** The counter an iterator of this type starts at. */
export async function startCounter(d: StreamDeps, stream: StreamRecord, shard: ShardRecord, type: string, input: Input): Promise<number> {
  switch (type) {
    case "TRIM_HORIZON":
      return shard.startCounter;
    case "LATEST":
      return shard.endCounter === null ? shard.nextCounter : shard.endCounter + 1;
    case "AT_SEQUENCE_NUMBER":
      return sequenceCounter(input, shard);
    case "AFTER_SEQUENCE_NUMBER":
      return sequenceCounter(input, shard) + 1;
    default: {
      const at = optTime(input, "Timestamp");
      if (at === undefined) throw new InvalidArgumentException("Timestamp is required for the AT_TIMESTAMP iterator type.");
      return (await d.store.counterAt(stream.id, shard.index, at)) ?? shard.nextCounter;
    }
  }
}

export async function getShardIterator(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const stream = await requestedStream(d, input, ctx);
  const shard = findShard(stream, reqString(input, "ShardId", { max: 128 }));
  const type = reqString(input, "ShardIteratorType");
  if (!ITERATOR_TYPES.includes(type)) {
    throw constraint("shardIteratorType", type, `Member must satisfy enum value set: [${ITERATOR_TYPES.join(", ")}]`);
  }
  const counter = await startCounter(d, stream, shard, type, input);
  const token = encodeIterator({ streamId: stream.id, account: stream.account, stream: stream.name, shardIndex: shard.index, counter, issuedAt: d.clock.now() });
  return { ShardIterator: token };
}

function checkAge(issuedAt: number, now: number): void {
  if (now - issuedAt <= ITERATOR_TTL_MS) return;
  throw new ExpiredIteratorException(
    `Iterator expired. The iterator was created at time ${new Date(issuedAt).toUTCString()} while right now it is ${new Date(now).toUTCString()} which is further in the future than the tolerated delay of ${ITERATOR_TTL_MS} milliseconds.`,
  );
}

export async function getRecords(d: RecordDeps, input: Input, ctx: CallContext): Promise<Output> {
  const it = decodeIterator(reqString(input, "ShardIterator", { max: 512 }));
  // An iterator names its account; another account's caller cannot read with it.
  if (it.account !== ctx.accountId) throw new ResourceNotFoundException(`Stream ${it.stream} under account ${ctx.accountId} not found.`);
  const limit = optInt(input, "Limit", 1, 10_000) ?? 10_000;
  const now = d.clock.now();
  checkAge(it.issuedAt, now);
  const stream = await d.store.getStream(it.account, it.stream);
  if (!stream || stream.id !== it.streamId) throw new ResourceNotFoundException(`Stream ${it.stream} under account ${it.account} not found.`);
  if (!d.throughput.admitRead(stream.id, it.shardIndex)) throw new ProvisionedThroughputExceededException(throttled(stream, it.shardIndex).ErrorMessage ?? "Rate exceeded.");
  const notBefore = now - stream.retentionHours * 3_600_000;
  const read = await d.store.readRecords(stream.id, it.shardIndex, it.counter, limit, MAX_READ_BYTES, notBefore);
  if (!read) throw new ResourceNotFoundException(`Shard ${shardId(it.shardIndex)} in stream ${stream.name} under account ${stream.account} does not exist`);
  const bytes = read.records.reduce((n, r) => n + r.data.length, 0);
  d.throughput.chargeRead(stream.id, it.shardIndex, bytes);
  const last = read.records[read.records.length - 1];
  // Nothing left to read in a closed shard (what remains is past retention): it is drained.
  const next = last ? last.counter + 1 : read.endCounter !== null ? Math.max(it.counter, read.endCounter + 1) : it.counter;
  const out: Output = {
    Records: read.records.map((r) => ({ SequenceNumber: formatSequence(r.counter, it.shardIndex), ApproximateArrivalTimestamp: new Date(r.arrivedAt), Data: r.data, PartitionKey: r.partitionKey, ...(stream.encryption ? { EncryptionType: "KMS" } : {}) })),
    MillisBehindLatest: next >= read.nextCounter || !last ? 0 : Math.max(0, now - last.arrivedAt),
  };
  if (read.endCounter !== null && next > read.endCounter) {
    out["ChildShards"] = childShards(stream, it.shardIndex);
  } else {
    out["NextShardIterator"] = encodeIterator({ ...it, counter: next, issuedAt: now });
  }
  return out;
}
