/** Stream tags: at most 50 per stream, keys 1–128 characters, values 0–256. */
import type { CallContext } from "../queues/types.js";
import { settingsOf, updateSettings, type StreamDeps, requestedStream } from "./directory.js";
import { InvalidArgumentException } from "./errors.js";
import { optInt, optString, streamRef, type Input } from "./input.js";
import type { Output } from "./types.js";

const MAX_TAGS = 50;

function checkTag(key: string, value: string): void {
  if (key.length < 1 || key.length > 128) throw new InvalidArgumentException(`Tag key ${key} must be 1 to 128 characters long.`);
  if (key.startsWith("aws:")) throw new InvalidArgumentException(`Tag key ${key} uses the reserved prefix aws:.`);
  if (value.length > 256) throw new InvalidArgumentException(`Tag value for key ${key} must be at most 256 characters long.`);
}

/** A `{key: value}` map of tags, at most `max` of them. */
export function parseTagMap(raw: unknown, max: number): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== "object" || Array.isArray(raw)) throw new InvalidArgumentException("Tags must be a map of strings.");
  const entries = Object.entries(raw as Record<string, unknown>);
  if (entries.length > max) throw new InvalidArgumentException(`A request may carry at most ${max} tags.`);
  const out: Record<string, string> = {};
  for (const [k, v] of entries) {
    if (typeof v !== "string") throw new InvalidArgumentException(`Tag value for key ${k} must be a string.`);
    checkTag(k, v);
    out[k] = v;
  }
  return out;
}

function parseKeys(raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_TAGS) throw new InvalidArgumentException(`TagKeys must list 1 to ${MAX_TAGS} keys.`);
  return raw.map((k) => {
    if (typeof k !== "string" || k.length < 1 || k.length > 128) throw new InvalidArgumentException("Each tag key must be a string of 1 to 128 characters.");
    return k;
  });
}

async function addTagsTo(d: StreamDeps, input: Input, ctx: CallContext, tags: Record<string, string>): Promise<Output> {
  await updateSettings(d, streamRef(input, ctx), (s) => {
    const merged = { ...s.tags, ...tags };
    if (Object.keys(merged).length > MAX_TAGS) {
      throw new InvalidArgumentException(`Failed to add tags to stream ${s.name} under account ${s.account} because a given stream cannot have more than ${MAX_TAGS} tags.`);
    }
    return { ...settingsOf(s), tags: merged };
  });
  return {};
}

async function removeTagsFrom(d: StreamDeps, input: Input, ctx: CallContext, keys: string[]): Promise<Output> {
  await updateSettings(d, streamRef(input, ctx), (s) => {
    const tags = Object.fromEntries(Object.entries(s.tags).filter(([k]) => !keys.includes(k)));
    return { ...settingsOf(s), tags };
  });
  return {};
}

export function addTags(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  return addTagsTo(d, input, ctx, parseTagMap(input["Tags"], 10));
}

export function removeTags(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  return removeTagsFrom(d, input, ctx, parseKeys(input["TagKeys"]));
}

export async function listTagsForStream(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const stream = await requestedStream(d, input, ctx);
  const start = optString(input, "ExclusiveStartTagKey", { max: 128 });
  const limit = optInt(input, "Limit", 1, 50) ?? 50;
  const keys = Object.keys(stream.tags).sort().filter((k) => start === undefined || k > start);
  const shown = keys.slice(0, limit);
  return { Tags: shown.map((k) => ({ Key: k, Value: stream.tags[k] ?? "" })), HasMoreTags: keys.length > limit };
}

/** The resource-ARN forms (TagResource, UntagResource, ListTagsForResource) for streams. */
function arnInput(input: Input): Input {
  const arn = optString(input, "ResourceARN", { max: 2048 });
  if (arn === undefined) throw new InvalidArgumentException("ResourceARN is required.");
  return { StreamARN: arn };
}

export function tagResource(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  return addTagsTo(d, arnInput(input), ctx, parseTagMap(input["Tags"], MAX_TAGS));
}

export function untagResource(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  return removeTagsFrom(d, arnInput(input), ctx, parseKeys(input["TagKeys"]));
}

export async function listTagsForResource(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const stream = await requestedStream(d, arnInput(input), ctx);
  return { Tags: Object.entries(stream.tags).sort(([a], [b]) => (a < b ? -1 : 1)).map(([Key, Value]) => ({ Key, Value })) };
}
