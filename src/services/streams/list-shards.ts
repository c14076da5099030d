/**
 * ListShards with its shard filters. A shard is open over [createdAt, closedAt); the
 * trim horizon is now minus the retention period.
 */
import type { CallContext } from "../queues/types.js";
import { requestedStream, type StreamDeps } from "./directory.js";
import { InvalidArgumentException } from "./errors.js";
import { optInt, optObject, optString, optTime, type Input } from "./input.js";
import { parseShardId } from "./sequence.js";
import type { ShardRecord } from "./store.js";
import type { Output } from "./types.js";
import { shardView } from "./view.js";

const FILTERS = ["AFTER_SHARD_ID", "AT_TRIM_HORIZON", "FROM_TRIM_HORIZON", "AT_LATEST", "AT_TIMESTAMP", "FROM_TIMESTAMP"];

function openAt(s: ShardRecord, at: number): boolean {
  return s.createdAt <= at && (s.closedAt === null || s.closedAt > at);
}

function filterFn(filter: Input, now: number, retentionMs: number, born: number): (s: ShardRecord) => boolean {
  const type = filter["Type"];
  if (typeof type !== "string" || !FILTERS.includes(type)) throw new InvalidArgumentException(`ShardFilter Type must be one of ${FILTERS.join(", ")}.`);
  const horizon = Math.max(now - retentionMs, born);
  switch (type) {
    case "AFTER_SHARD_ID": {
      const id = optString(filter, "ShardId", { max: 128 });
      const index = id === undefined ? null : parseShardId(id);
      if (index === null) throw new InvalidArgumentException("ShardFilter of type AFTER_SHARD_ID needs a valid ShardId.");
      return (s) => s.index > index;
    }
    case "AT_TRIM_HORIZON":
      return (s) => openAt(s, horizon);
    case "FROM_TRIM_HORIZON":
      return (s) => s.closedAt === null || s.closedAt > horizon;
    case "AT_LATEST":
      return (s) => s.closedAt === null;
    default: {
      const at = optTime(filter, "Timestamp");
      if (at === undefined) throw new InvalidArgumentException(`ShardFilter of type ${type} needs a Timestamp.`);
      return type === "AT_TIMESTAMP" ? (s) => openAt(s, Math.max(at, born)) : (s) => s.closedAt === null || s.closedAt > at;
    }
  }
}

export async function listShards(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const token = optString(input, "NextToken", { max: 1_048_576 });
  const max = optInt(input, "MaxResults", 1, 10_000) ?? 1000;
  let source = input;
  let after = -1;
  if (token !== undefined) {
    if (input["StreamName"] !== undefined || input["ExclusiveStartShardId"] !== undefined) {
      throw new InvalidArgumentException("NextToken and StreamName cannot be provided together.");
    }
    const [arn, index] = Buffer.from(token, "base64").toString("utf8").split("|");
    if (!arn || index === undefined || !/^\d+$/.test(index)) throw new InvalidArgumentException(`NextToken ${token} is invalid.`);
    source = { StreamARN: arn };
    after = Number(index);
  }
  const stream = await requestedStream(d, source, ctx);
  const start = optString(input, "ExclusiveStartShardId", { max: 128 });
  if (start !== undefined) after = Math.max(after, parseShardId(start) ?? -1);
  const filter = optObject(input, "ShardFilter");
  const keep = filter ? filterFn(filter, d.clock.now(), stream.retentionHours * 3_600_000, stream.createdAt) : () => true;
  const shards = stream.shards.filter((s) => s.index > after && keep(s));
  const page = shards.slice(0, max);
  const out: Output = { Shards: page.map(shardView) };
  const last = page[page.length - 1];
  if (shards.length > max && last) out["NextToken"] = Buffer.from(`${stream.arn}|${last.index}`, "utf8").toString("base64");
  return out;
}
