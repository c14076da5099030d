/**
 * Enhanced fan-out consumers: registration, description, listing and deregistration.
 * A consumer is registered ACTIVE at once. Delivery over SubscribeToShard (an HTTP/2
 * event stream) is not served; consumers read with GetRecords (docs/streams.md).
 */
import type { CallContext } from "../queues/types.js";
import { findStream, settingsOf, updateSettings, type StreamDeps } from "./directory.js";
import { InvalidArgumentException, LimitExceededException, ResourceInUseException, ResourceNotFoundException } from "./errors.js";
import { optInt, optString, reqString, streamRef, type Input, type StreamRef } from "./input.js";
import type { ConsumerRecord, StreamRecord } from "./store.js";
import type { Output } from "./types.js";
import { consumerArn } from "./view.js";

const MAX_CONSUMERS = 20;
const CONSUMER_NAME = /^[a-zA-Z0-9_.-]+$/;
const CONSUMER_ARN = /^(arn:aws[a-z-]*:kinesis:[a-z0-9-]+:\d{12}:stream\/[a-zA-Z0-9_.-]+)\/consumer\/([a-zA-Z0-9_.-]+):\d+$/;

function view(stream: StreamRecord, c: ConsumerRecord, withStream: boolean): Output {
  return { ConsumerName: c.name, ConsumerARN: c.arn, ConsumerStatus: "ACTIVE", ConsumerCreationTimestamp: new Date(c.createdAt), ...(withStream ? { StreamARN: stream.arn } : {}) };
}

function notFound(name: string, stream: StreamRecord): ResourceNotFoundException {
  return new ResourceNotFoundException(`Consumer ${name} under stream ${stream.arn} not found.`);
}

export async function registerConsumer(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const ref = streamRef({ StreamARN: reqString(input, "StreamARN", { max: 2048 }) }, ctx);
  const name = reqString(input, "ConsumerName", { max: 128, pattern: CONSUMER_NAME });
  let made: ConsumerRecord | undefined;
  const stream = await updateSettings(d, ref, (s) => {
    if (s.consumers.some((c) => c.name === name)) throw new ResourceInUseException(`Consumer ${name} under stream ${s.arn} already exists.`);
    if (s.consumers.length >= MAX_CONSUMERS) throw new LimitExceededException(`Stream ${s.arn} already has ${MAX_CONSUMERS} registered consumers.`);
    const now = d.clock.now();
    made = { name, arn: consumerArn(s, name, now), createdAt: now };
    return { ...settingsOf(s), consumers: [...s.consumers, made] };
  });
  if (!made) throw new Error("consumer registration produced no consumer");
  return { Consumer: view(stream, made, false) };
}

/** The stream and consumer a request names by ConsumerARN, or by StreamARN and ConsumerName. */
async function consumerOf(d: StreamDeps, input: Input, ctx: CallContext): Promise<{ stream: StreamRecord; ref: StreamRef; name: string }> {
  const arn = optString(input, "ConsumerARN", { max: 2048 });
  let ref: StreamRef;
  let name: string;
  if (arn !== undefined) {
    const m = CONSUMER_ARN.exec(arn);
    if (!m?.[1] || !m[2]) throw new InvalidArgumentException(`ConsumerARN ${arn} is not a valid consumer ARN.`);
    ref = streamRef({ StreamARN: m[1] }, ctx);
    name = m[2];
  } else {
    const streamArn = optString(input, "StreamARN", { max: 2048 });
    const consumerName = optString(input, "ConsumerName", { max: 128, pattern: CONSUMER_NAME });
    if (streamArn === undefined || consumerName === undefined) throw new InvalidArgumentException("Either ConsumerARN or both StreamARN and ConsumerName must be provided.");
    ref = streamRef({ StreamARN: streamArn }, ctx);
    name = consumerName;
  }
  return { stream: await findStream(d, ref), ref, name };
}

export async function describeConsumer(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const { stream, name } = await consumerOf(d, input, ctx);
  const c = stream.consumers.find((x) => x.name === name);
  if (!c) throw notFound(name, stream);
  return { ConsumerDescription: view(stream, c, true) };
}

export async function deregisterConsumer(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const { ref, name } = await consumerOf(d, input, ctx);
  await updateSettings(d, ref, (s) => {
    if (!s.consumers.some((c) => c.name === name)) throw notFound(name, s);
    return { ...settingsOf(s), consumers: s.consumers.filter((c) => c.name !== name) };
  });
  return {};
}

export async function listConsumers(d: StreamDeps, input: Input, ctx: CallContext): Promise<Output> {
  const stream = await findStream(d, streamRef({ StreamARN: reqString(input, "StreamARN", { max: 2048 }) }, ctx));
  const max = optInt(input, "MaxResults", 1, 10_000) ?? 100;
  const token = optString(input, "NextToken", { max: 1_048_576 });
  const start = token === undefined ? 0 : Number(Buffer.from(token, "base64").toString("utf8"));
  if (!Number.isInteger(start) || start < 0) throw new InvalidArgumentException(`NextToken ${token ?? ""} is invalid.`);
  const page = stream.consumers.slice(start, start + max);
  const out: Output = { Consumers: page.map((c) => view(stream, c, false)) };
  if (start + max < stream.consumers.length) out["NextToken"] = Buffer.from(String(start + max), "utf8").toString("base64");
  return out;
}
