/** Stream lifecycle and description: create, delete, describe, list, retention, mode, encryption, monitoring. */
import type { CallContext } from "../queues/types.js";
import { findStream, requestedStream, settingsOf, updateSettings, type StreamDeps } from "./directory.js";
import { InvalidArgumentException, LimitExceededException, ResourceInUseException } from "./errors.js";
import { uniformRanges } from "./hash.js";
import { optInt, optObject, optString, reqInt, reqString, STREAM_NAME, streamArn, streamRef, type Input } from "./input.js";
import { parseShardId } from "./sequence.js";
import { StreamMode, type StreamSettings } from "./store.js";
import { parseTagMap } from "./tags.js";
import type { Output } from "./types.js";
import { describeView, openShards, summaryView } from "./view.js";

const MIN_RETENTION = 24;
const MAX_RETENTION = 8760;

function streamMode(input: Input): StreamMode | undefined {
  const details = optObject(input, "StreamModeDetails");
  if (!details) return undefined;
  const mode = details["StreamMode"];
  if (mode !== StreamMode.Provisioned && mode !== StreamMode.OnDemand) {
    throw new InvalidArgumentException(`StreamMode must be one of PROVISIONED or ON_DEMAND, got ${String(mode)}.`);
  }
  return mode;
}

/** Open shards across the account's streams, for the shard quota. */
async function openShardCount(d: StreamDeps, account: string): Promise<number> {
  let total = 0;
  let after: string | null = null;
  for (;;) {
    const page = await d.store.listStreams(account, after, 1000);
    for (const s of page) total += openShards(s).length;
    if (page.length < 1000) return total;
    after = page[page.length - 1]?.name ?? null;
  }
}

export async function checkShardQuota(d: StreamDeps, account: string, region: string, adding: number): Promise<void> {
  const current = await openShardCount(d, account);
  if (current + adding > d.config.shardLimit) {
    throw new LimitExceededException(
      `This request would exceed the shard limit for the account ${account} in ${region}. Current provisioned shard count for the account in ${region} is ${current}. Limit of shards for the account in ${region} is ${d.config.shardLimit}.`,
    );
  }
}

export async function createStream(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const name = reqString(input, "StreamName", { max: 128, pattern: STREAM_NAME });
  const requested = optInt(input, "ShardCount", 1, 100_000);
  const mode = streamMode(input) ?? (requested === undefined ? StreamMode.OnDemand : StreamMode.Provisioned);
  if (mode === StreamMode.Provisioned && requested === undefined) {
    throw new InvalidArgumentException("ShardCount is required for streams in PROVISIONED mode.");
  }
  const count = mode === StreamMode.OnDemand ? d.config.onDemandShards : (requested ?? 1);
  const tags = parseTagMap(input["Tags"], 50);
  await checkShardQuota(d, ctx.accountId, ctx.region, count);
  const settings: StreamSettings = { mode, retentionHours: MIN_RETENTION, encryption: null, monitoring: [], tags, consumers: [] };
  const shards = uniformRanges(count).map((r) => ({ hashStart: r.start.toString(), hashEnd: r.end.toString() }));
  const made = await d.store.createStream({ account: ctx.accountId, name, arn: streamArn(ctx, ctx.accountId, name), createdAt: d.clock.now(), settings, shards });
  if (made === "exists") throw new ResourceInUseException(`Stream ${name} under account ${ctx.accountId} already exists.`);
  return {};
}

export async function deleteStream(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const ref = streamRef(input, ctx);
  const stream = await findStream(d, ref);
  const force = input["EnforceConsumerDeletion"] === true;
  if (stream.consumers.length > 0 && !force) {
    throw new ResourceInUseException(`Stream ${stream.name} under account ${stream.account} has registered consumers; set EnforceConsumerDeletion to delete it.`);
  }
  await d.store.deleteStream(ref.account, ref.name);
  return {};
}

export async function describeStream(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const stream = await requestedStream(d, input, ctx);
  const limit = optInt(input, "Limit", 1, 10_000) ?? 100;
  const start = optString(input, "ExclusiveStartShardId", { max: 128 });
  const after = start === undefined ? -1 : (parseShardId(start) ?? -1);
  const shards = stream.shards.filter((s) => s.index > after);
  return { StreamDescription: describeView(stream, shards.slice(0, limit), shards.length > limit) };
}

export async function describeStreamSummary(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  return { StreamDescriptionSummary: summaryView(await requestedStream(d, input, ctx)) };
}

export async function listStreams(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const limit = optInt(input, "Limit", 1, 10_000) ?? 100;
  const token = optString(input, "NextToken", { max: 1_048_576 });
  const start = token !== undefined ? decodeToken(token) : (optString(input, "ExclusiveStartStreamName", { max: 128, pattern: STREAM_NAME }) ?? null);
  const page = await d.store.listStreams(ctx.accountId, start, limit + 1);
  const shown = page.slice(0, limit);
  const more = page.length > limit;
  const out: Output = {
    StreamNames: shown.map((s) => s.name),
    HasMoreStreams: more,
    StreamSummaries: shown.map((s) => ({
      StreamName: s.name,
      StreamARN: s.arn,
      StreamStatus: "ACTIVE",
      StreamModeDetails: { StreamMode: s.mode },
      StreamCreationTimestamp: new Date(s.createdAt),
    })),
  };
  const last = shown[shown.length - 1];
  if (more && last) out["NextToken"] = Buffer.from(last.name, "utf8").toString("base64");
  return out;
}

function decodeToken(token: string): string {
  const name = Buffer.from(token, "base64").toString("utf8");
  if (!STREAM_NAME.test(name)) throw new InvalidArgumentException(`NextToken ${token} is invalid.`);
  return name;
}

async function changeRetention(d: StreamDeps, input: Input, ctx: CallContext, grow: boolean): Promise<Output> {
  const hours = reqInt(input, "RetentionPeriodHours", 1, 2_147_483_647);
  if (hours < MIN_RETENTION) throw new InvalidArgumentException(`Minimum allowed retention period is ${MIN_RETENTION} hours. Requested retention period (${hours} hours) is too short.`);
  if (hours > MAX_RETENTION) throw new InvalidArgumentException(`Maximum allowed retention period is ${MAX_RETENTION} hours. Requested retention period (${hours} hours) is too long.`);
  await updateSettings(d, streamRef(input, ctx), (s) => {
    if (grow && hours < s.retentionHours) {
      throw new InvalidArgumentException(`Requested retention period (${hours} hours) for stream ${s.name} can not be shorter than existing retention period (${s.retentionHours} hours). Use DecreaseRetentionPeriod API.`);
    }
    if (!grow && hours > s.retentionHours) {
      throw new InvalidArgumentException(`Requested retention period (${hours} hours) for stream ${s.name} can not be longer than existing retention period (${s.retentionHours} hours). Use IncreaseRetentionPeriod API.`);
    }
    return { ...settingsOf(s), retentionHours: hours };
  });
  return {};
}

export const increaseRetention = (d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> => changeRetention(d, input, ctx, true);
export const decreaseRetention = (d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> => changeRetention(d, input, ctx, false);

export async function updateStreamMode(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  reqString(input, "StreamARN", { max: 2048 });
  const mode = streamMode(input);
  if (!mode) throw new InvalidArgumentException("StreamModeDetails is required.");
  await updateSettings(d, streamRef(input, ctx), (s) => (s.mode === mode ? null : { ...settingsOf(s), mode }));
  return {};
}

export async function setEncryption(d: StreamDeps, input: Input, ctx: CallContext, on: boolean): Promise<Output> {
  const type = reqString(input, "EncryptionType");
  if (type !== "KMS" && type !== "NONE") throw new InvalidArgumentException(`EncryptionType must be KMS or NONE, got ${type}.`);
  const keyId = reqString(input, "KeyId", { max: 2048 });
  await updateSettings(d, streamRef(input, ctx), (s) => ({ ...settingsOf(s), encryption: on && type === "KMS" ? { type: "KMS", keyId } : null }));
  return {};
}

const METRICS = ["IncomingBytes", "IncomingRecords", "OutgoingBytes", "OutgoingRecords", "WriteProvisionedThroughputExceeded", "ReadProvisionedThroughputExceeded", "IteratorAgeMilliseconds"];

export async function setMonitoring(d: StreamDeps, input: Input, ctx: CallContext, on: boolean): Promise<Output> {
  const raw = input["ShardLevelMetrics"];
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > 7) throw new InvalidArgumentException("ShardLevelMetrics must list 1 to 7 metrics.");
  const asked = raw.map(String);
  for (const m of asked) if (m !== "ALL" && !METRICS.includes(m)) throw new InvalidArgumentException(`Unknown shard-level metric ${m}.`);
  const names = asked.includes("ALL") ? METRICS : asked;
  let before: readonly string[] = [];
  const stream = await updateSettings(d, streamRef(input, ctx), (s) => {
    before = s.monitoring;
    const next = on ? [...new Set([...s.monitoring, ...names])] : s.monitoring.filter((m) => !names.includes(m));
    return { ...settingsOf(s), monitoring: METRICS.filter((m) => next.includes(m)) };
  });
  return { StreamName: stream.name, StreamARN: stream.arn, CurrentShardLevelMetrics: [...before], DesiredShardLevelMetrics: [...stream.monitoring] };
}

export async function describeLimits(d: StreamDeps, _input: Input, ctx: CallContext): Promise<Output> {
  const page = await d.store.listStreams(ctx.accountId, null, 100_000);
  const open = page.reduce((n, s) => n + openShards(s).length, 0);
  const onDemand = page.filter((s) => s.mode === StreamMode.OnDemand).length;
  return { ShardLimit: d.config.shardLimit, OpenShardCount: open, OnDemandStreamCount: onDemand, OnDemandStreamCountLimit: 50 };
}
