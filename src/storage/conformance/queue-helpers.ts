/**
 * Helpers of the QueueStore conformance suite: unique accounts per test (backends may
 * share one database across the suite), queue and message builders, and thin wrappers
 * over the store that fail loudly when a queue is unexpectedly missing.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import type {
  NewMessage,
  NewQueue,
  QueueRecord,
  QueueStore,
  Received,
  ReceiveArgs,
  Redrive,
  SendArgs,
  SentMessage,
  StoredMessage,
} from "../../services/queues/store.js";
import type { Storage } from "../types.js";

/** Holds the store of the test that is running. */
export interface Ctx {
  readonly store: QueueStore;
  readonly storage: Storage;
  reopen(): Promise<void>;
}

export const T0 = 1_700_000_000_000;
export const DAY = 86_400_000;
export const RETENTION = 4 * DAY;
export const WINDOW = 300_000;
export const MAX_VISIBILITY = 43_200_000;

export function account(): string {
  return String(100_000_000_000 + (randomBytes(5).readUIntBE(0, 5) % 899_999_999_999));
}

export function arn(q: QueueRecord): string {
  return `arn:aws:sqs:us-east-1:${q.account}:${q.name}`;
}

export function newQueue(acct: string, name: string, more: Partial<NewQueue> = {}): NewQueue {
  return {
    account: acct,
    name,
    fifo: name.endsWith(".fifo"),
    attributes: {},
    tags: {},
    retentionMs: RETENTION,
    now: T0,
    recreateAfterMs: 60_000,
    ...more,
  };
}

export async function makeQueue(store: QueueStore, name = "q", more: Partial<NewQueue> = {}): Promise<QueueRecord> {
  const out = await store.createQueue(newQueue(more.account ?? account(), name, more));
  if (out.kind !== "created") throw new Error(`queue ${name} not created: ${out.kind}`);
  return out.queue;
}

export function md5(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

export function msg(body: string, more: Partial<NewMessage> = {}): NewMessage {
  return {
    messageId: randomUUID(),
    body,
    attrs: null,
    sysAttrs: null,
    md5Body: md5(body),
    md5Attrs: null,
    md5Sys: null,
    senderId: "AIDAEXAMPLE",
    delayMs: 0,
    groupId: null,
    dedupId: null,
    ...more,
  };
}

/** A FIFO message in `group`, deduplicated by its body. */
export function fmsg(group: string, body: string, more: Partial<NewMessage> = {}): NewMessage {
  return msg(body, { groupId: group, dedupId: body, ...more });
}

export const byQueue = { byGroup: false, windowMs: WINDOW } as const;

export async function send(store: QueueStore, q: QueueRecord, messages: NewMessage[], now = T0, dedup?: SendArgs["dedup"]): Promise<SentMessage[]> {
  const out = await store.sendMessages({ queueId: q.id, now, messages, dedup: dedup === undefined ? (q.fifo ? byQueue : null) : dedup });
  if (!out) throw new Error("queue missing on send");
  return out;
}

interface RecvOpts {
  max?: number;
  visibilityMs?: number;
  retentionMs?: number;
  redrive?: Redrive | null;
  attempt?: ReceiveArgs["attempt"];
}

export async function receive(store: QueueStore, q: QueueRecord, now: number, o: RecvOpts = {}): Promise<Received> {
  const out = await store.receiveMessages({
    queueId: q.id,
    now,
    max: o.max ?? 10,
    visibilityMs: o.visibilityMs ?? 30_000,
    retentionMs: o.retentionMs ?? RETENTION,
    redrive: o.redrive ?? null,
    attempt: o.attempt ?? null,
  });
  if (!out) throw new Error("queue missing on receive");
  return out;
}

export function bodies(messages: readonly StoredMessage[]): string[] {
  return messages.map((m) => m.body);
}

export function handle(m: StoredMessage): { seq: number; receiveCount: number } {
  return { seq: m.seq, receiveCount: m.receiveCount };
}

export async function del(store: QueueStore, q: QueueRecord, now: number, ms: readonly StoredMessage[], requireInFlight = q.fifo): Promise<string[]> {
  const out = await store.deleteMessages({ queueId: q.id, now, entries: ms.map(handle), requireInFlight });
  if (!out) throw new Error("queue missing on delete");
  return out;
}

export function redriveTo(dlq: QueueRecord, from: QueueRecord, maxReceiveCount: number): Redrive {
  return { dlqId: dlq.id, maxReceiveCount, sourceArn: arn(from), resetEnqueue: from.fifo };
}

export async function total(store: QueueStore, q: QueueRecord, now: number): Promise<number> {
  const c = await store.counts(q.id, now, 100 * DAY);
  return c ? c.visible + c.inFlight + c.delayed : -1;
}

/** A source queue, a dead-letter queue holding `n` messages sent straight to it, and a destination. */
export async function moveSetup(store: QueueStore, n: number, fifo = false): Promise<{ src: QueueRecord; dlq: QueueRecord; dest: QueueRecord }> {
  const sfx = fifo ? ".fifo" : "";
  const src = await makeQueue(store, `src${sfx}`);
  const dlq = await makeQueue(store, `dlq${sfx}`, { account: src.account });
  const dest = await makeQueue(store, `dest${sfx}`, { account: src.account });
  const messages = Array.from({ length: n }, (_, i) => (fifo ? fmsg(`g${i % 2}`, `m${i}`) : msg(`m${i}`)));
  if (n) await send(store, dlq, messages);
  return { src, dlq, dest };
}

export function startArgs(dlq: QueueRecord, dest: QueueRecord | null, rate: number | null = null, now = T0) {
  return { handle: randomUUID(), sourceQueueId: dlq.id, sourceArn: arn(dlq), destinationArn: dest ? arn(dest) : null, rate, now };
}

