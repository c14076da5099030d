/**
 * Resharding: SplitShard, MergeShards and UpdateShardCount. Each closes open shards and
 * opens children that record their parents (lineage), so readers finish a parent
 * before its children. UpdateShardCount is planned as splits at the new uniform
 * boundaries followed by merges of the pieces inside each new range, as Kinesis does,
 * so every child has at most two parents. New shards are numbered one above the
 * stream's highest index, in the order the steps open them.
 */
import type { CallContext } from "../queues/types.js";
import { findShard, findStream, type StreamDeps } from "./directory.js";
import { InvalidArgumentException, LimitExceededException } from "./errors.js";
import { parseHashKey, uniformRanges } from "./hash.js";
import { optString, reqInt, reqString, streamRef, type Input, type StreamRef } from "./input.js";
import { checkShardQuota } from "./management.js";
import { shardId } from "./sequence.js";
import { StreamMode, type ReshardStep, type ShardRecord, type StreamRecord } from "./store.js";
import type { Output } from "./types.js";
import { openShards } from "./view.js";

interface Piece {
  readonly index: number;
  readonly start: bigint;
  readonly end: bigint;
}

class Planner {
  readonly steps: ReshardStep[] = [];
  private next: number;

  constructor(stream: StreamRecord) {
    this.next = stream.shards.reduce((m, s) => Math.max(m, s.index), -1) + 1;
  }

  split(p: Piece, at: bigint): [Piece, Piece] {
    const low = { index: this.next++, start: p.start, end: at - 1n };
    const high = { index: this.next++, start: at, end: p.end };
    this.steps.push({ close: [p.index], open: [low, high].map((c) => ({ parent: p.index, adjacentParent: null, hashStart: c.start.toString(), hashEnd: c.end.toString() })) });
    return [low, high];
  }

  merge(a: Piece, b: Piece): Piece {
    const child = { index: this.next++, start: a.start < b.start ? a.start : b.start, end: a.end > b.end ? a.end : b.end };
    this.steps.push({ close: [a.index, b.index], open: [{ parent: a.index, adjacentParent: b.index, hashStart: child.start.toString(), hashEnd: child.end.toString() }] });
    return child;
  }
}

function piece(s: ShardRecord): Piece {
  return { index: s.index, start: BigInt(s.hashStart), end: BigInt(s.hashEnd) };
}

function notEligible(stream: StreamRecord, shard: ShardRecord): InvalidArgumentException {
  return new InvalidArgumentException(`Shard ${shardId(shard.index)} in stream ${stream.name} under account ${stream.account} has already been merged or split, and thus is not eligible for merging or splitting.`);
}

/** Plans against a fresh read and applies; re-plans if the stream changed in between. */
async function apply(d: StreamDeps, ref: StreamRef, plan: (stream: StreamRecord) => Promise<ReshardStep[]>): Promise<StreamRecord> {
  for (let attempt = 0; ; attempt++) {
    const stream = await findStream(d, ref);
    const steps = await plan(stream);
    if (steps.length === 0 || (await d.store.reshard(stream.id, stream.version, steps, d.clock.now())) === "ok") return stream;
    if (attempt >= 20) throw new Error(`stream ${ref.name}: shards kept changing underneath a reshard`);
  }
}

export async function splitShard(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const target = reqString(input, "ShardToSplit", { max: 128 });
  const keyText = reqString(input, "NewStartingHashKey", { pattern: /^(0|[1-9]\d{0,38})$/ });
  const key = parseHashKey(keyText);
  await apply(d, streamRef(input, ctx), async (stream) => {
    const shard = findShard(stream, target);
    if (shard.endCounter !== null) throw notEligible(stream, shard);
    const p = piece(shard);
    if (key === null || key <= p.start || key > p.end) {
      throw new InvalidArgumentException(`NewStartingHashKey ${keyText} used in SplitShard() on shard ${shardId(shard.index)} in stream ${stream.name} under account ${stream.account} is not both greater than one plus the shard's StartingHashKey ${shard.hashStart} and less than the shard's EndingHashKey ${shard.hashEnd}.`);
    }
    await checkShardQuota(d, stream.account, ctx.region, 1);
    const planner = new Planner(stream);
    planner.split(p, key);
    return planner.steps;
  });
  return {};
}

export async function mergeShards(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const first = reqString(input, "ShardToMerge", { max: 128 });
  const second = reqString(input, "AdjacentShardToMerge", { max: 128 });
  await apply(d, streamRef(input, ctx), (stream) => {
    const a = findShard(stream, first);
    const b = findShard(stream, second);
    for (const s of [a, b]) if (s.endCounter !== null) throw notEligible(stream, s);
    const [pa, pb] = [piece(a), piece(b)];
    if (pa.end + 1n !== pb.start && pb.end + 1n !== pa.start) {
      throw new InvalidArgumentException(`Shards ${shardId(a.index)} and ${shardId(b.index)} in stream ${stream.name} under account ${stream.account} are not an adjacent pair of shards eligible for merging`);
    }
    const planner = new Planner(stream);
    planner.merge(pa, pb);
    return Promise.resolve(planner.steps);
  });
  return {};
}

/** Splits at every new boundary, then merges the pieces of each new range. */
function planUniform(stream: StreamRecord, target: number): ReshardStep[] {
  const planner = new Planner(stream);
  const ranges = uniformRanges(target);
  const pieces: Piece[] = [];
  for (const shard of openShards(stream).sort((x, y) => (BigInt(x.hashStart) < BigInt(y.hashStart) ? -1 : 1))) {
    let rest = piece(shard);
    for (const r of ranges) {
      if (r.start <= rest.start || r.start > rest.end) continue;
      const [low, high] = planner.split(rest, r.start);
      pieces.push(low);
      rest = high;
    }
    pieces.push(rest);
  }
  for (const r of ranges) {
    const inside = pieces.filter((p) => p.start >= r.start && p.end <= r.end);
    inside.slice(1).reduce((acc, p) => planner.merge(acc, p), inside[0] as Piece);
  }
  return planner.steps;
}

export async function updateShardCount(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const target = reqInt(input, "TargetShardCount", 1, 100_000);
  const scaling = reqString(input, "ScalingType");
  if (scaling !== "UNIFORM_SCALING") throw new InvalidArgumentException(`ScalingType must be UNIFORM_SCALING, got ${scaling}.`);
  optString(input, "StreamARN", { max: 2048 });
  let current = 0;
  const stream = await apply(d, streamRef(input, ctx), async (s) => {
    if (s.mode === StreamMode.OnDemand) throw new InvalidArgumentException(`UpdateShardCount is not supported for stream ${s.name}, which is in ON_DEMAND mode.`);
    current = openShards(s).length;
    if (target > current * 2) throw new LimitExceededException(`UpdateShardCount cannot scale up over double your current open shard count. Current open shard count: ${current} Target shard count: ${target}`);
    if (target * 2 < current) throw new LimitExceededException(`UpdateShardCount cannot scale down below half your current open shard count. Current open shard count: ${current} Target shard count: ${target}`);
    if (target > current) await checkShardQuota(d, s.account, ctx.region, target - current);
    return planUniform(s, target);
  });
  return { StreamName: stream.name, StreamARN: stream.arn, CurrentShardCount: current, TargetShardCount: target };
}
