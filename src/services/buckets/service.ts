/**
 * Buckets with S3's behaviour. `BucketService` is the API the S3 wire protocol and
 * TypeScript callers use: bucket, object, multipart and notification operations.
 *
 * Terms: *bucket* (globally named container, owned by one account), *key* (an object's
 * name: UTF-8 data, never a path), *object* (bytes + stored headers + *ETag*),
 * *upload* (a multipart upload in progress) and its *parts*, *blob* (a file of bytes
 * named by a generated id, see blobs.ts), *notification* (an S3 event for a queue or
 * function, written to an outbox with the change, delivered in the background).
 * Buckets are not versioned: there are no version ids.
 */
import type { Clock } from "../../core/clock.js";
import { LifecycleGroup, type Lifecycle } from "../../core/lifecycle.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import type { BlobStore } from "./blobs.js";
import { DEFAULT_LIMITS, dropBlobs, requireBucket, type BucketDeps, type BucketLimits, type S3Context } from "./deps.js";
import { Delivery, type DeliveryOptions, type Destinations } from "./delivery.js";
import { BucketAlreadyExists, BucketAlreadyOwnedByYou, BucketNotEmpty, InvalidArgument, NoSuchBucket } from "./errors.js";
import * as listing from "./listing.js";
import * as multipart from "./multipart.js";
import { uploadPartCopy, type UploadPartCopyInput } from "./part-copy.js";
import { checkBucketName } from "./names.js";
import { checkConfiguration, testEvent } from "./notifications.js";
import * as objects from "./objects.js";
import type { BucketStore } from "./store.js";
import { TargetKind, type BucketRecord, type NewEvent, type NotificationTarget } from "./types.js";

export interface BucketServiceOptions {
  /** Size limits (S3's by default). */
  readonly limits?: Partial<BucketLimits>;
  readonly delivery?: DeliveryOptions;
  /**
   * Remove unreferenced blob files at start (left by a crash between writing bytes and
   * committing their record). Turn off when several processes share one data directory.
   * @default true
   */
  readonly sweepOnStart?: boolean;
}

export interface BucketServiceDeps {
  readonly store: BucketStore;
  readonly blobs: BlobStore;
  readonly clock: Clock;
  readonly destinations: Destinations;
  /** @default a silent logger */
  readonly logger?: Logger;
  readonly options?: BucketServiceOptions;
}

export class BucketService implements Lifecycle {
  readonly deps: BucketDeps;
  private readonly delivery: Delivery;
  private readonly parts = new LifecycleGroup();
  private seq = 0;

  constructor(private readonly d: BucketServiceDeps) {
    const logger = (d.logger ?? silentLogger()).child({ component: "buckets" });
    this.delivery = new Delivery(d.store, d.destinations, d.clock, logger, d.options?.delivery);
    this.parts.add(this.delivery);
    this.deps = {
      store: d.store,
      blobs: d.blobs,
      clock: d.clock,
      logger,
      limits: { ...DEFAULT_LIMITS, ...d.options?.limits },
      wake: () => this.delivery.wake(),
      // S3's sequencer: a hex string that grows with each event on a key.
      sequencer: () => (d.clock.now() * 4096 + (this.seq++ % 4096)).toString(16).toUpperCase().padStart(16, "0"),
    };
  }

  async start(): Promise<void> {
    if (this.d.options?.sweepOnStart ?? true) {
      const removed = await this.d.blobs.sweep(new Set(await this.d.store.blobsInUse()));
      if (removed) this.deps.logger.info({ removed }, "removed unreferenced blobs");
    }
    await this.parts.start();
  }

  stop(): Promise<void> {
    return this.parts.stop();
  }

  /** Delivers pending notifications now (tests with manual clocks). */
  deliverNotifications(): Promise<void> {
    return this.delivery.flush();
  }

  async createBucket(i: { Bucket: string; LocationConstraint?: string }, ctx: S3Context): Promise<BucketRecord> {
    checkBucketName(i.Bucket);
    const region = i.LocationConstraint || ctx.region;
    const rec: BucketRecord = { name: i.Bucket, account: ctx.accountId, region, createdAt: this.d.clock.now(), notification: null };
    const r = await this.d.store.createBucket(rec);
    if (r.created) return rec;
    // us-east-1 answers a repeated create by the owner with success, as S3 does there.
    if (r.bucket.account === ctx.accountId) {
      if (r.bucket.region === "us-east-1" && region === "us-east-1") return r.bucket;
      throw new BucketAlreadyOwnedByYou(i.Bucket);
    }
    throw new BucketAlreadyExists(i.Bucket);
  }

  async deleteBucket(i: { Bucket: string }, ctx: S3Context): Promise<void> {
    const b = await requireBucket(this.deps, i.Bucket, ctx);
    const r = await this.d.store.deleteBucket(b.name);
    if (r === "missing") throw new NoSuchBucket(b.name);
    if (r === "notEmpty") throw new BucketNotEmpty(b.name);
    // The bucket is gone: a failure to remove its uploads' files only leaves orphans for the sweep.
    await dropBlobs(this.deps, r.dropped);
  }

  headBucket(i: { Bucket: string }, ctx: S3Context): Promise<BucketRecord> {
    return requireBucket(this.deps, i.Bucket, ctx);
  }

  listBuckets(ctx: S3Context): Promise<BucketRecord[]> {
    return this.d.store.listBuckets(ctx.accountId);
  }

  /** Validates and stores a notification configuration; queues get S3's test event. */
  async putNotification(i: { Bucket: string; targets: readonly NotificationTarget[]; skipDestinationValidation?: boolean }, ctx: S3Context): Promise<void> {
    const b = await requireBucket(this.deps, i.Bucket, ctx);
    checkConfiguration(i.targets);
    const missing: string[] = [];
    const check = i.skipDestinationValidation ? [] : i.targets;
    for (const t of check) if (!(await this.d.destinations.exists(t.kind, t.arn))) missing.push(t.arn);
    if (missing.length) {
      throw new InvalidArgument("Unable to validate the following destination configurations", missing[0] ?? "", "Not authorized to invoke function or target does not exist");
    }
    const queues = [...new Set(i.targets.filter((t) => t.kind === TargetKind.Queue).map((t) => t.arn))];
    const events: NewEvent[] = queues.map((arn) => ({ kind: TargetKind.Queue, target: arn, body: testEvent(b.name, this.d.clock.now(), ctx.requestId) }));
    const ok = await this.d.store.setNotification(b.name, i.targets.length ? { targets: i.targets } : null, events);
    if (!ok) throw new NoSuchBucket(b.name);
    if (events.length) this.delivery.wake();
  }

  async getNotification(i: { Bucket: string }, ctx: S3Context): Promise<readonly NotificationTarget[]> {
    return (await requireBucket(this.deps, i.Bucket, ctx)).notification?.targets ?? [];
  }

  putObject(i: objects.PutObjectInput, ctx: S3Context): Promise<objects.PutResult> {
    return objects.putObject(this.deps, i, ctx);
  }
  getObject(i: objects.GetObjectInput, ctx: S3Context): Promise<objects.GetResult> {
    return objects.getObject(this.deps, i, ctx);
  }
  /** The object's bytes `start`..`end` (inclusive), streamed from its blobs. */
  openObject(o: objects.GetResult["object"], start: number, end: number): NodeJS.ReadableStream {
    return objects.openObject(this.deps, o.segments, start, end);
  }
  deleteObjects(i: { Bucket: string; Keys: readonly string[] }, ctx: S3Context): Promise<string[]> {
    return objects.deleteObjects(this.deps, i.Bucket, i.Keys, ctx);
  }
  copyObject(i: objects.CopyObjectInput, ctx: S3Context): ReturnType<typeof objects.copyObject> {
    return objects.copyObject(this.deps, i, ctx);
  }
  listObjects(i: listing.ListInput, ctx: S3Context): Promise<listing.ListResult> {
    return listing.listObjects(this.deps, i, ctx);
  }
  createMultipartUpload(i: Parameters<typeof multipart.createUpload>[1], ctx: S3Context): ReturnType<typeof multipart.createUpload> {
    return multipart.createUpload(this.deps, i, ctx);
  }
  uploadPart(i: Parameters<typeof multipart.uploadPart>[1], ctx: S3Context): ReturnType<typeof multipart.uploadPart> {
    return multipart.uploadPart(this.deps, i, ctx);
  }
  uploadPartCopy(i: UploadPartCopyInput, ctx: S3Context): ReturnType<typeof uploadPartCopy> {
    return uploadPartCopy(this.deps, i, ctx);
  }
  completeMultipartUpload(i: Parameters<typeof multipart.completeUpload>[1], ctx: S3Context): ReturnType<typeof multipart.completeUpload> {
    return multipart.completeUpload(this.deps, i, ctx);
  }
  abortMultipartUpload(i: Parameters<typeof multipart.abortUpload>[1], ctx: S3Context): Promise<void> {
    return multipart.abortUpload(this.deps, i, ctx);
  }
  listParts(i: Parameters<typeof multipart.listParts>[1], ctx: S3Context): ReturnType<typeof multipart.listParts> {
    return multipart.listParts(this.deps, i, ctx);
  }
  listMultipartUploads(i: { Bucket: string }, ctx: S3Context): ReturnType<typeof multipart.listUploads> {
    return multipart.listUploads(this.deps, i.Bucket, ctx);
  }
}
