/**
 * SendMessage and SendMessageBatch: validation with SQS's rules, digests, FIFO
 * group and deduplication ids, then one atomic store call per request.
 */
import { createHash } from "node:crypto";
import { InvalidParameterValue, MissingParameter } from "../../core/errors.js";
import { uuid } from "../../core/ids.js";
import { invalidValue, optionalInt, optionalString } from "../../core/validate.js";
import { checkEntries, failure } from "./batch.js";
import type { QueueDeps, ResolvedQueue } from "./directory.js";
import { BatchRequestTooLong, QueueDoesNotExist } from "./errors.js";
import { checkBody, checkMessageAttributes, checkSystemAttributes, encodeAttributes, md5Hex, md5OfAttributes } from "./messages.js";
import type { NewMessage, SentMessage } from "./store.js";
import type {
  CallContext,
  SendMessageBatchEntry,
  SendMessageBatchInput,
  SendMessageBatchOutput,
  SendMessageInput,
  SendMessageOutput,
} from "./types.js";

/** FIFO id problems that fail a whole batch, as SQS does, rather than one entry. */
class MissingGroupId extends MissingParameter {
  constructor() {
    super("The request must contain the parameter MessageGroupId.");
  }
}
class MissingDeduplicationId extends InvalidParameterValue {
  constructor() {
    super("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly");
  }
}

/** The most a batch may carry in bodies and attributes together. */
export const MAX_BATCH_BYTES = 1_048_576;
const ID_128 = /^[\x21-\x7e]{1,128}$/;

interface Prepared {
  readonly message: NewMessage;
  readonly size: number;
  readonly output: Omit<SendMessageOutput, "MessageId" | "SequenceNumber">;
}

/** FIFO sequence numbers: 20 decimal digits, increasing with every message. */
export function sequenceNumber(seq: number): string {
  return (10n ** 19n + BigInt(seq)).toString();
}

function checkId(value: unknown, name: string): string | undefined {
  const id = optionalString(value, name);
  if (id !== undefined && !ID_128.test(id)) {
    throw invalidValue(name, id, `${name} can only include alphanumeric and punctuation characters. 1 to 128 in length.`);
  }
  return id;
}

function fifoIds(q: ResolvedQueue, e: Omit<SendMessageInput, "QueueUrl">, body: string): { groupId: string | null; dedupId: string | null } {
  const groupId = checkId(e.MessageGroupId, "MessageGroupId") ?? null;
  const explicit = checkId(e.MessageDeduplicationId, "MessageDeduplicationId");
  if (!q.config.fifo) {
    if (explicit !== undefined) {
      throw invalidValue("MessageDeduplicationId", explicit, "The request includes a parameter that is not valid for this queue type.");
    }
    return { groupId, dedupId: null };
  }
  if (groupId === null) throw new MissingGroupId();
  if (explicit !== undefined) return { groupId, dedupId: explicit };
  if (!q.config.contentBasedDeduplication) throw new MissingDeduplicationId();
  return { groupId, dedupId: createHash("sha256").update(body).digest("hex") };
}

function delayOf(q: ResolvedQueue, value: unknown): number {
  const delay = optionalInt(value, "DelaySeconds", 0, 900, "DelaySeconds must be >= 0 and <= 900.");
  if (q.config.fifo && delay !== undefined && delay > 0) {
    throw invalidValue("DelaySeconds", delay, "The request include parameter that is not valid for this queue type.");
  }
  return delay ?? q.config.delaySeconds;
}

function prepare(q: ResolvedQueue, e: Omit<SendMessageInput, "QueueUrl">, senderId: string): Prepared {
  const body = checkBody(e.MessageBody);
  const size = Buffer.byteLength(body) + checkMessageAttributes(e.MessageAttributes);
  checkSystemAttributes(e.MessageSystemAttributes);
  if (size > q.config.maximumMessageSize) {
    throw new InvalidParameterValue(
      `One or more parameters are invalid. Reason: Message must be shorter than ${q.config.maximumMessageSize} bytes.`,
    );
  }
  const delaySeconds = delayOf(q, e.DelaySeconds);
  const { groupId, dedupId } = fifoIds(q, e, body);
  const md5Body = md5Hex(body);
  const md5Attrs = md5OfAttributes(e.MessageAttributes) ?? null;
  const md5Sys = md5OfAttributes(e.MessageSystemAttributes) ?? null;
  const message: NewMessage = {
    messageId: uuid(),
    body,
    attrs: encodeAttributes(e.MessageAttributes),
    sysAttrs: encodeAttributes(e.MessageSystemAttributes),
    md5Body,
    md5Attrs,
    md5Sys,
    senderId,
    delayMs: delaySeconds * 1000,
    groupId,
    dedupId,
  };
  const output = {
    MD5OfMessageBody: md5Body,
    ...(md5Attrs ? { MD5OfMessageAttributes: md5Attrs } : {}),
    ...(md5Sys ? { MD5OfMessageSystemAttributes: md5Sys } : {}),
  };
  return { message, size, output };
}

async function store(d: QueueDeps, q: ResolvedQueue, messages: NewMessage[]): Promise<SentMessage[]> {
  const sent = await d.store.sendMessages({
    queueId: q.record.id,
    now: d.clock.now(),
    messages,
    dedup: q.config.fifo ? { byGroup: q.config.dedupByGroup, windowMs: d.config.dedupWindowMs } : null,
  });
  if (!sent) {
    d.directory.forget(q.ref);
    throw new QueueDoesNotExist();
  }
  d.metrics.sent(q.ref.name, sent.filter((s) => !s.duplicate).length);
  return sent;
}

function result(q: ResolvedQueue, p: Prepared, s: SentMessage | undefined): SendMessageOutput {
  if (!s) throw new Error("store returned fewer results than messages");
  return { MessageId: s.messageId, ...p.output, ...(q.config.fifo ? { SequenceNumber: sequenceNumber(s.seq) } : {}) };
}

export async function sendMessage(d: QueueDeps, input: SendMessageInput, ctx: CallContext): Promise<SendMessageOutput> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const p = prepare(q, input, ctx.senderId ?? ctx.accountId);
  const [sent] = await store(d, q, [p.message]);
  return result(q, p, sent);
}

export async function sendMessageBatch(d: QueueDeps, input: SendMessageBatchInput, ctx: CallContext): Promise<SendMessageBatchOutput> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const entries = checkEntries<SendMessageBatchEntry>(input.Entries, "SendMessageBatchRequestEntry");
  const out: SendMessageBatchOutput = { Successful: [], Failed: [] };
  const ok: { id: string; p: Prepared }[] = [];
  let total = 0;
  for (const e of entries) {
    total += typeof e.MessageBody === "string" ? Buffer.byteLength(e.MessageBody) : 0;
    try {
      const p = prepare(q, e, ctx.senderId ?? ctx.accountId);
      total += p.size - Buffer.byteLength(p.message.body);
      ok.push({ id: e.Id, p });
    } catch (err) {
      if (err instanceof MissingGroupId || err instanceof MissingDeduplicationId) throw new InvalidParameterValue(err.message);
      out.Failed.push(failure(e.Id, err));
    }
  }
  if (total > MAX_BATCH_BYTES) {
    throw new BatchRequestTooLong(`Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes. You have sent ${total} bytes.`);
  }
  if (!ok.length) return out;
  const sent = await store(d, q, ok.map((o) => o.p.message));
  ok.forEach((o, i) => out.Successful.push({ Id: o.id, ...result(q, o.p, sent[i]) }));
  return out;
}
