/**
 * What consumers do with received messages: DeleteMessage(Batch),
 * ChangeMessageVisibility(Batch), and PurgeQueue for the whole queue.
 */
import { InvalidParameterValue } from "../../core/errors.js";
import { invalidValue, optionalInt, requireInt, requireString } from "../../core/validate.js";
import { checkEntries, failure } from "./batch.js";
import type { QueueDeps, ResolvedQueue } from "./directory.js";
import { MessageNotInflight, PurgeQueueInProgress, QueueDoesNotExist, ReceiptHandleIsInvalid } from "./errors.js";
import { decodeReceipt, type Receipt } from "./receipt.js";
import type { DeleteOutcome, VisibilityOutcome } from "./store.js";
import type {
  BatchOutput,
  CallContext,
  ChangeMessageVisibilityBatchInput,
  ChangeMessageVisibilityInput,
  DeleteMessageBatchInput,
  DeleteMessageInput,
} from "./types.js";

/** The longest a message may stay in flight after the receive that took it. */
export const MAX_VISIBILITY_MS = 43_200_000;

function receiptFor(q: ResolvedQueue, handle: unknown, inBatch: boolean): Receipt {
  const text = requireString(handle, "ReceiptHandle");
  const r = decodeReceipt(text);
  if (!r || r.queueId !== q.record.id) {
    throw new ReceiptHandleIsInvalid(
      inBatch ? `The receipt handle "${text}" is not valid for this queue.` : `The input receipt handle "${text}" is not a valid receipt handle.`,
    );
  }
  return r;
}

function gone(d: QueueDeps, q: ResolvedQueue): never {
  d.directory.forget(q.ref);
  throw new QueueDoesNotExist();
}

function deleteError(outcome: DeleteOutcome, handle: string): InvalidParameterValue | null {
  // Standard queues accept an old handle and keep the message; FIFO handles expire.
  if (outcome === "expired") return invalidValue("ReceiptHandle", handle, "The receipt handle has expired.");
  return null;
}

async function deleteMany(d: QueueDeps, q: ResolvedQueue, receipts: Receipt[]): Promise<DeleteOutcome[]> {
  const out = await d.store.deleteMessages({
    queueId: q.record.id,
    now: d.clock.now(),
    entries: receipts,
    requireInFlight: q.config.fifo,
  });
  if (!out) gone(d, q);
  d.metrics.deleted(q.ref.name, out.filter((o) => o === "deleted").length);
  return out;
}

function fifoStale(q: ResolvedQueue, outcome: DeleteOutcome): DeleteOutcome {
  return q.config.fifo && outcome === "stale" ? "expired" : outcome;
}

export async function deleteMessage(d: QueueDeps, input: DeleteMessageInput, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const r = receiptFor(q, input.ReceiptHandle, false);
  const [outcome = "stale"] = await deleteMany(d, q, [r]);
  const err = deleteError(fifoStale(q, outcome), input.ReceiptHandle);
  if (err) throw err;
}

export async function deleteMessageBatch(d: QueueDeps, input: DeleteMessageBatchInput, ctx: CallContext): Promise<BatchOutput> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const entries = checkEntries<{ Id: string; ReceiptHandle: string }>(input.Entries, "DeleteMessageBatchRequestEntry");
  const out: BatchOutput = { Successful: [], Failed: [] };
  const valid: { id: string; handle: string; r: Receipt }[] = [];
  for (const e of entries) {
    try {
      valid.push({ id: e.Id, handle: e.ReceiptHandle, r: receiptFor(q, e.ReceiptHandle, true) });
    } catch (err) {
      out.Failed.push(failure(e.Id, err));
    }
  }
  const outcomes = valid.length ? await deleteMany(d, q, valid.map((v) => v.r)) : [];
  valid.forEach((v, i) => {
    const err = deleteError(fifoStale(q, outcomes[i] ?? "stale"), v.handle);
    if (err) out.Failed.push(failure(v.id, err));
    else out.Successful.push({ Id: v.id });
  });
  return out;
}

function visibilityError(outcome: VisibilityOutcome, handle: string, seconds: number): Error | null {
  switch (outcome) {
    case "changed":
      return null;
    case "stale":
      return invalidValue("ReceiptHandle", handle, "Message does not exist or is not available for visibility timeout change.");
    case "notInFlight":
      return new MessageNotInflight();
    case "tooLong":
      return invalidValue("VisibilityTimeout", seconds, "Total VisibilityTimeout for the message is beyond the limit [43200 seconds].");
  }
}

async function changeMany(d: QueueDeps, q: ResolvedQueue, items: { r: Receipt; seconds: number }[]): Promise<VisibilityOutcome[]> {
  const out = await d.store.changeVisibility({
    queueId: q.record.id,
    now: d.clock.now(),
    entries: items.map((i) => ({ ...i.r, visibilityMs: i.seconds * 1000 })),
    maxTotalMs: MAX_VISIBILITY_MS,
  });
  return out ?? gone(d, q);
}

export async function changeMessageVisibility(d: QueueDeps, input: ChangeMessageVisibilityInput, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const r = receiptFor(q, input.ReceiptHandle, false);
  const seconds = requireInt(input.VisibilityTimeout, "VisibilityTimeout", 0, 43_200);
  const [outcome = "stale"] = await changeMany(d, q, [{ r, seconds }]);
  const err = visibilityError(outcome, input.ReceiptHandle, seconds);
  if (err) throw err;
}

export async function changeMessageVisibilityBatch(
  d: QueueDeps,
  input: ChangeMessageVisibilityBatchInput,
  ctx: CallContext,
): Promise<BatchOutput> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const entries = checkEntries<ChangeMessageVisibilityBatchInput["Entries"][number]>(
    input.Entries,
    "ChangeMessageVisibilityBatchRequestEntry",
  );
  const out: BatchOutput = { Successful: [], Failed: [] };
  const valid: { id: string; handle: string; r: Receipt; seconds: number }[] = [];
  for (const e of entries) {
    try {
      const seconds = optionalInt(e.VisibilityTimeout, "VisibilityTimeout", 0, 43_200);
      if (seconds === undefined) throw new InvalidParameterValue("The request must contain the parameter VisibilityTimeout.");
      valid.push({ id: e.Id, handle: e.ReceiptHandle, r: receiptFor(q, e.ReceiptHandle, true), seconds });
    } catch (err) {
      out.Failed.push(failure(e.Id, err));
    }
  }
  const outcomes = valid.length ? await changeMany(d, q, valid) : [];
  valid.forEach((v, i) => {
    const err = visibilityError(outcomes[i] ?? "stale", v.handle, v.seconds);
    if (err) out.Failed.push(failure(v.id, err));
    else out.Successful.push({ Id: v.id });
  });
  return out;
}

export async function purgeQueue(d: QueueDeps, url: unknown, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(url, ctx);
  const result = await d.store.purge(q.record.id, d.clock.now(), d.config.purgeIntervalMs);
  if (result === null) gone(d, q);
  if (result === "inProgress") {
    throw new PurgeQueueInProgress(`Only one PurgeQueue operation on ${q.ref.name} is allowed every 60 seconds.`);
  }
}
