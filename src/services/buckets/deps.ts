/**
 * What the bucket operations share: the store, the blob store, the clock, limits, the
 * wake-up of notification delivery, and the caller's context.
 */
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { BlobStore } from "./blobs.js";
import { InvalidBucketName, NoSuchBucket, S3Error } from "./errors.js";
import { eventsFor, type EventFacts } from "./notifications.js";
import type { BucketStore } from "./store.js";
import type { BucketRecord, NewEvent } from "./types.js";

export interface BucketLimits {
  /** Largest single PutObject, in bytes. @default 5 GiB */
  readonly maxObjectBytes: number;
  /** Largest part. @default 5 GiB */
  readonly maxPartBytes: number;
  /** Smallest part but the last. @default 5 MiB */
  readonly minPartBytes: number;
  /** Most parts in an upload. @default 10000 */
  readonly maxParts: number;
}

export const DEFAULT_LIMITS: BucketLimits = {
  maxObjectBytes: 5 * 1024 ** 3,
  maxPartBytes: 5 * 1024 ** 3,
  minPartBytes: 5 * 1024 ** 2,
  maxParts: 10_000,
};

export interface BucketDeps {
  readonly store: BucketStore;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly limits: BucketLimits;
  /** Tells the delivery loop that events were written. */
  readonly wake: () => void;
  readonly sequencer: () => string;
}

/** Who is calling, as the wire layer knows it. */
export interface S3Context {
  readonly accountId: string;
  readonly region: string;
  /** The signing access key (the event's principal). */
  readonly principal: string;
  readonly requestId: string;
  readonly sourceIp: string;
}

export class AccessDenied extends S3Error {
  constructor() {
    super("AccessDenied", "Access Denied", 403);
  }
}

/** The bucket, if it exists and the caller's account owns it. */
export async function requireBucket(d: BucketDeps, name: string, ctx: S3Context): Promise<BucketRecord> {
  const b = await d.store.getBucket(name);
  if (!b) {
    // Any name S3 could never have created is just as absent; only an empty one is malformed.
    if (!name) throw new InvalidBucketName(name);
    throw new NoSuchBucket(name);
  }
  if (b.account !== ctx.accountId) throw new AccessDenied();
  return b;
}

/** The outbox entries for an event on a bucket. */
export function eventsOn(d: BucketDeps, b: BucketRecord, ctx: S3Context, facts: Pick<EventFacts, "eventName" | "key" | "size" | "etag">): NewEvent[] {
  return eventsFor(b.notification?.targets, {
    ...facts,
    bucket: b.name,
    owner: b.account,
    region: b.region,
    time: d.clock.now(),
    sequencer: d.sequencer(),
    principal: `AWS:${ctx.principal}`,
    sourceIp: ctx.sourceIp,
    requestId: ctx.requestId,
  });
}

/** Deletes blobs no record refers to any more; a failure only leaves orphans for the next sweep. */
export async function dropBlobs(d: BucketDeps, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  await d.blobs.delete(ids).catch((err: unknown) => d.logger.warn({ err, count: ids.length }, "deleting unreferenced blobs failed"));
}
