/**
 * ReceiveMessage: validation, long polling, redrive of over-received messages to the
 * dead-letter queue (done atomically by the store during the receive), and the
 * Message shape with the system and user attributes the caller asked for.
 */
import { invalidValue, optionalInt, optionalString, optionalStringList } from "../../core/validate.js";
import type { QueueDeps, ResolvedQueue } from "./directory.js";
import { QueueDoesNotExist } from "./errors.js";
import type { Waiters } from "./long-poll.js";
import { decodeAttributes, md5OfAttributes, selectAttributes } from "./messages.js";
import { parseQueueArn, queueArn } from "./names.js";
import { encodeReceipt } from "./receipt.js";
import { sequenceNumber } from "./send.js";
import type { Received, Redrive, StoredMessage } from "./store.js";
import type { CallContext, Message, ReceiveMessageInput, ReceiveMessageOutput } from "./types.js";

export interface ReceiveDeps extends QueueDeps {
  readonly waiters: Waiters;
}

interface Plan {
  readonly max: number;
  readonly visibilityMs: number;
  readonly waitMs: number;
  readonly attemptId: string | null;
  readonly system: ReadonlySet<string>;
  readonly user: readonly string[] | undefined;
}

function plan(q: ResolvedQueue, input: ReceiveMessageInput): Plan {
  const max = optionalInt(input.MaxNumberOfMessages, "MaxNumberOfMessages", 1, 10, "Must be between 1 and 10, if provided.") ?? 1;
  const vis = optionalInt(input.VisibilityTimeout, "VisibilityTimeout", 0, 43_200) ?? q.config.visibilityTimeout;
  const wait = optionalInt(input.WaitTimeSeconds, "WaitTimeSeconds", 0, 20) ?? q.config.receiveWaitSeconds;
  const attemptId = optionalString(input.ReceiveRequestAttemptId, "ReceiveRequestAttemptId");
  if (attemptId !== undefined && !/^[\x21-\x7e]{1,128}$/.test(attemptId)) {
    throw invalidValue("ReceiveRequestAttemptId", attemptId, "ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.");
  }
  const system = new Set([
    ...(optionalStringList(input.AttributeNames, "AttributeNames") ?? []),
    ...(optionalStringList(input.MessageSystemAttributeNames, "MessageSystemAttributeNames") ?? []),
  ]);
  return {
    max,
    visibilityMs: vis * 1000,
    waitMs: wait * 1000,
    attemptId: q.config.fifo && attemptId !== undefined ? attemptId : null,
    system,
    user: optionalStringList(input.MessageAttributeNames, "MessageAttributeNames"),
  };
}

async function redriveOf(d: QueueDeps, q: ResolvedQueue, ctx: CallContext): Promise<Redrive | null> {
  const target = q.config.redrive;
  const ref = target ? parseQueueArn(target.deadLetterTargetArn) : null;
  if (!target || !ref) return null;
  const dlq = await d.directory.find(ref);
  if (!dlq) return null;
  return {
    dlqId: dlq.record.id,
    maxReceiveCount: target.maxReceiveCount,
    sourceArn: queueArn(ctx, q.ref),
    resetEnqueue: q.record.fifo,
  };
}

function systemAttributes(m: StoredMessage, wanted: ReadonlySet<string>, fifo: boolean): Record<string, string> | undefined {
  const all = wanted.has("All");
  const out: Record<string, string> = {};
  const put = (name: string, value: string | null | undefined): void => {
    if ((all || wanted.has(name)) && value !== null && value !== undefined) out[name] = value;
  };
  put("SenderId", m.senderId);
  put("SentTimestamp", String(m.sentAt));
  put("ApproximateReceiveCount", String(m.receiveCount));
  put("ApproximateFirstReceiveTimestamp", m.firstReceiveAt === null ? null : String(m.firstReceiveAt));
  if (fifo) {
    put("SequenceNumber", sequenceNumber(m.seq));
    put("MessageDeduplicationId", m.dedupId);
  }
  put("MessageGroupId", m.groupId);
  put("AWSTraceHeader", m.sysAttrs ? decodeAttributes(m.sysAttrs)["AWSTraceHeader"]?.StringValue : null);
  put("DeadLetterQueueSourceArn", m.sourceArn);
  return Object.keys(out).length ? out : undefined;
}

function toMessage(q: ResolvedQueue, m: StoredMessage, p: Plan): Message {
  const msg: Message = {
    MessageId: m.messageId,
    ReceiptHandle: encodeReceipt({ queueId: q.record.id, seq: m.seq, receiveCount: m.receiveCount }),
    MD5OfBody: m.md5Body,
    Body: m.body,
  };
  const attributes = systemAttributes(m, p.system, q.config.fifo);
  if (attributes) msg.Attributes = attributes;
  if (m.attrs && p.user?.length) {
    const all = decodeAttributes(m.attrs);
    const chosen = selectAttributes(all, p.user);
    const n = Object.keys(chosen).length;
    if (n) {
      msg.MessageAttributes = chosen;
      // The digest covers what is returned, so a filtered set needs its own.
      msg.MD5OfMessageAttributes = n === Object.keys(all).length && m.md5Attrs ? m.md5Attrs : md5OfAttributes(chosen);
    }
  }
  return msg;
}

async function attempt(d: ReceiveDeps, q: ResolvedQueue, p: Plan, redrive: Redrive | null): Promise<Received> {
  const got = await d.store.receiveMessages({
    queueId: q.record.id,
    now: d.clock.now(),
    max: p.max,
    visibilityMs: p.visibilityMs,
    retentionMs: q.config.retentionSeconds * 1000,
    redrive,
    attempt: p.attemptId === null ? null : { id: p.attemptId, windowMs: d.config.dedupWindowMs },
  });
  if (!got) {
    d.directory.forget(q.ref);
    throw new QueueDoesNotExist();
  }
  d.metrics.received(q.ref.name, got.messages.length);
  d.metrics.deadLettered(q.ref.name, got.moved);
  d.metrics.expired(q.ref.name, got.expired);
  return got;
}

export async function receiveMessage(
  d: ReceiveDeps,
  input: ReceiveMessageInput,
  ctx: CallContext,
  signal?: AbortSignal,
): Promise<ReceiveMessageOutput> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const p = plan(q, input);
  const redrive = await redriveOf(d, q, ctx);
  const deadline = d.clock.now() + p.waitMs;
  for (;;) {
    const seen = d.waiters.generation(q.record.id);
    const got = await attempt(d, q, p, redrive);
    if (got.messages.length) return { Messages: got.messages.map((m) => toMessage(q, m, p)) };
    const now = d.clock.now();
    if (now >= deadline || signal?.aborted) return {};
    const next = await d.store.nextVisibleAt(q.record.id, now);
    await d.waiters.wait(q.record.id, seen, Math.min(deadline, next ?? deadline, now + d.config.recheckMs), signal);
  }
}
