/**
 * The bucket service over the embedded store and a real blob directory: streaming
 * limits, crash leftovers swept at start, notification delivery with retries, and
 * bad input that changes nothing.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Readable } from "node:stream";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.js";
import { openSqliteStorage } from "../../storage/sqlite/storage.js";
import type { Storage } from "../../storage/types.js";
import { rejects } from "../../testing/assert.js";
import { FsBlobStore } from "./blobs.js";
import type { S3Context } from "./deps.js";
import type { Destinations } from "./delivery.js";
import type { Payload } from "./ingest.js";
import { BucketService } from "./service.js";

const ctx: S3Context = { accountId: "000000000000", region: "us-east-1", principal: "AKID", requestId: "req-1", sourceIp: "127.0.0.1" };
const QUEUE = "arn:aws:sqs:us-east-1:000000000000:events";

function payload(text: string | Buffer, extra: Partial<Payload> = {}): Payload {
  const data = Buffer.from(text);
  return { source: Readable.from([data]), length: data.length, ...extra };
}

class FakeDestinations implements Destinations {
  delivered: { arn: string; body: string }[] = [];
  failures = 0;
  gone = new Set<string>();
  exists(_kind: string, arn: string): Promise<boolean> {
    return Promise.resolve(!arn.endsWith(":missing"));
  }
  deliver(_kind: string, arn: string, body: string): Promise<"ok" | "gone"> {
    if (this.gone.has(arn)) return Promise.resolve("gone");
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error("target unavailable"));
    }
    this.delivered.push({ arn, body });
    return Promise.resolve("ok");
  }
}

describe("BucketService", () => {
  let dir: string;
  let storage: Storage;
  let clock: ManualClock;
  let dest: FakeDestinations;
  let service: BucketService;

  const make = (limits = {}): BucketService =>
    new BucketService({ store: storage.buckets, blobs: new FsBlobStore(dir), clock, destinations: dest, options: { limits, delivery: { pollMs: 60_000 } } });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "sluice-buckets-test-"));
    storage = await openSqliteStorage({ dataDir: ":memory:" });
    clock = new ManualClock();
    dest = new FakeDestinations();
    service = make();
    await service.start();
    await service.createBucket({ Bucket: "bkt" }, ctx);
  });

  afterEach(async () => {
    await service.stop();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const list = (sub: string): string[] => (existsSync(join(dir, sub)) ? readdirSync(join(dir, sub), { recursive: true }).map(String) : []);
  const blobFiles = (): string[] => list("blobs").filter((f) => f.includes("/"));
  const tmpFiles = (): string[] => list("tmp");

  it("stores bytes under generated names and removes replaced ones", async () => {
    await service.putObject({ Bucket: "bkt", Key: "../../escape", headers: {}, payload: payload("one") }, ctx);
    expect(blobFiles()).toHaveLength(1);
    await service.putObject({ Bucket: "bkt", Key: "../../escape", headers: {}, payload: payload("two") }, ctx);
    expect(blobFiles()).toHaveLength(1);
    await service.deleteObjects({ Bucket: "bkt", Keys: ["../../escape"] }, ctx);
    expect(blobFiles()).toHaveLength(0);
    expect(tmpFiles()).toHaveLength(0);
  });

  it("cuts off a payload past the limit and keeps nothing", async () => {
    const small = make({ maxObjectBytes: 10 });
    await rejects(small.putObject({ Bucket: "bkt", Key: "big", headers: {}, payload: payload("x".repeat(11), { length: null }) }, ctx), "EntityTooLarge");
    await rejects(small.putObject({ Bucket: "bkt", Key: "big", headers: {}, payload: payload("x".repeat(11)) }, ctx), "EntityTooLarge");
    await rejects(service.putObject({ Bucket: "bkt", Key: "short", headers: {}, payload: payload("abc", { length: 5 }) }, ctx), "IncompleteBody");
    await rejects(service.putObject({ Bucket: "bkt", Key: "sha", headers: {}, payload: payload("abc", { sha256: "0".repeat(64) }) }, ctx), "XAmzContentSHA256Mismatch");
    await rejects(service.putObject({ Bucket: "bkt", Key: "crc", headers: {}, payload: payload("abc", { checksumAlgorithm: "CRC64NVME", checksumValue: () => "AAAAAAAAAAA=" }) }, ctx), "BadDigest");
    expect(blobFiles()).toHaveLength(0);
    expect(tmpFiles()).toHaveLength(0);
    expect((await service.listObjects({ Bucket: "bkt" }, ctx)).contents).toEqual([]);
  });

  it("sweeps a crash's leftovers at start and keeps what records reference", async () => {
    await service.putObject({ Bucket: "bkt", Key: "kept", headers: {}, payload: payload("kept") }, ctx);
    mkdirSync(join(dir, "tmp"), { recursive: true });
    writeFileSync(join(dir, "tmp", "0123456789abcdef0123456789abcdef"), "half-written");
    mkdirSync(join(dir, "blobs", "ff"), { recursive: true });
    writeFileSync(join(dir, "blobs", "ff", "ff23456789abcdef0123456789abcdef"), "renamed but never committed");
    await service.stop();
    service = make();
    await service.start();
    expect(tmpFiles()).toEqual([]);
    expect(blobFiles()).toHaveLength(1);
    const got = await service.getObject({ Bucket: "bkt", Key: "kept" }, ctx);
    const chunks: Buffer[] = [];
    for await (const c of service.openObject(got.object, 0, got.object.size - 1)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("kept");
  });

  it("validates bucket names and keys", async () => {
    for (const name of ["ab", "UPPER", "a..b", "192.168.0.1", "-dash", "xn--punycode", "a".repeat(64), "under_score"]) {
      await rejects(service.createBucket({ Bucket: name }, ctx), "InvalidBucketName");
    }
    await rejects(service.createBucket({ Bucket: "bkt", LocationConstraint: "eu-west-1" }, ctx), "BucketAlreadyOwnedByYou");
    await rejects(service.createBucket({ Bucket: "bkt" }, { ...ctx, accountId: "111111111111" }), "BucketAlreadyExists");
    await rejects(service.getObject({ Bucket: "bkt", Key: "x" }, { ...ctx, accountId: "111111111111" }), "AccessDenied");
    await rejects(service.putObject({ Bucket: "bkt", Key: "k".repeat(1025), headers: {}, payload: payload("x") }, ctx), "KeyTooLongError");
    await rejects(service.putObject({ Bucket: "bkt", Key: "\uD800", headers: {}, payload: payload("x") }, ctx), "InvalidArgument");
    // A lone surrogate would reach the store as U+FFFD: it must not delete that key.
    await service.putObject({ Bucket: "bkt", Key: "\uFFFD", headers: {}, payload: payload("x") }, ctx);
    await rejects(service.deleteObjects({ Bucket: "bkt", Keys: ["\uD800"] }, ctx), "InvalidArgument");
    await service.getObject({ Bucket: "bkt", Key: "\uFFFD" }, ctx);
    await service.deleteObjects({ Bucket: "bkt", Keys: ["\uFFFD"] }, ctx);
    await rejects(service.putObject({ Bucket: "bkt", Key: "m", headers: { "x-amz-meta-big": "x".repeat(3000) }, payload: payload("x") }, ctx), "MetadataTooLarge");
    await rejects(service.putObject({ Bucket: "nope", Key: "k", headers: {}, payload: payload("x") }, ctx), "NoSuchBucket");
    expect(blobFiles()).toHaveLength(0);
  });

  it("delivers notifications from the outbox, retrying failures with backoff", async () => {
    await service.putNotification({ Bucket: "bkt", targets: [{ id: "q", kind: "queue", arn: QUEUE, events: ["s3:ObjectCreated:*"], rules: [{ name: "suffix", value: ".csv" }] }] }, ctx);
    await service.deliverNotifications();
    expect(dest.delivered.map((d) => JSON.parse(d.body) as { Event: string })[0]?.Event).toBe("s3:TestEvent");
    dest.delivered = [];
    dest.failures = 1;
    await service.putObject({ Bucket: "bkt", Key: "data.csv", headers: {}, payload: payload("1,2") }, ctx);
    await service.putObject({ Bucket: "bkt", Key: "data.txt", headers: {}, payload: payload("no") }, ctx);
    await service.deliverNotifications();
    expect(dest.delivered).toEqual([]);
    await clock.advance(1000);
    await service.deliverNotifications();
    const [event] = dest.delivered.map((d) => JSON.parse(d.body) as { Records: { eventName: string; eventTime: string; s3: { object: { key: string; size: number } } }[] });
    expect(event?.Records[0]).toMatchObject({ eventName: "ObjectCreated:Put", eventTime: new Date(clock.now() - 1000).toISOString(), s3: { object: { key: "data.csv", size: 3 } } });
    dest.gone.add(QUEUE);
    await service.putObject({ Bucket: "bkt", Key: "again.csv", headers: {}, payload: payload("x") }, ctx);
    await service.deliverNotifications();
    expect(await storage.buckets.claimEvents(clock.now() + 10 ** 9, 1000, 100)).toEqual([]);
  });

  it("refuses to complete with a part replaced since its parts were read", async () => {
    const store = storage.buckets;
    const racy = Object.assign(Object.create(store) as typeof store, {
      async completeUpload(...a: Parameters<typeof store.completeUpload>) {
        // A concurrent UploadPart replaces part 1 between ListParts and the commit.
        await racing.uploadPart({ Bucket: "bkt", Key: "mp", uploadId: a[1], partNumber: "1", payload: payload("new") }, ctx);
        return store.completeUpload(...a);
      },
    });
    const racing: BucketService = new BucketService({ store: racy, blobs: new FsBlobStore(dir), clock, destinations: dest });
    const u = await racing.createMultipartUpload({ Bucket: "bkt", Key: "mp", headers: {} }, ctx);
    const p = await racing.uploadPart({ Bucket: "bkt", Key: "mp", uploadId: u.id, partNumber: "1", payload: payload("old") }, ctx);
    await rejects(racing.completeMultipartUpload({ Bucket: "bkt", Key: "mp", uploadId: u.id, parts: [{ PartNumber: 1, ETag: p.etag }] }, ctx), "InvalidPart");
    await rejects(service.getObject({ Bucket: "bkt", Key: "mp" }, ctx), "NoSuchKey");
    const { parts } = await service.listParts({ Bucket: "bkt", Key: "mp", uploadId: u.id }, ctx);
    expect(parts).toHaveLength(1);
    const done = await service.completeMultipartUpload({ Bucket: "bkt", Key: "mp", uploadId: u.id, parts: [{ PartNumber: 1, ETag: parts[0]!.etag }] }, ctx);
    const chunks: Buffer[] = [];
    for await (const c of service.openObject(done, 0, done.size - 1)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("new");
  });

  it("lets only one of two concurrent If-None-Match: * writes succeed", async () => {
    const store = storage.buckets;
    let first = true;
    const racy = Object.assign(Object.create(store) as typeof store, {
      async putObject(...a: Parameters<typeof store.putObject>) {
        if (first) {
          // Another create of the same key commits while this one's body was arriving.
          first = false;
          await racing.putObject({ Bucket: "bkt", Key: "lock", headers: {}, payload: payload("other"), conditions: { ifNoneMatch: "*" } }, ctx);
        }
        return store.putObject(...a);
      },
    });
    const racing: BucketService = new BucketService({ store: racy, blobs: new FsBlobStore(dir), clock, destinations: dest });
    await rejects(racing.putObject({ Bucket: "bkt", Key: "lock", headers: {}, payload: payload("mine"), conditions: { ifNoneMatch: "*" } }, ctx), "ConditionalRequestConflict");
    const got = await service.getObject({ Bucket: "bkt", Key: "lock" }, ctx);
    expect(got.object.size).toBe("other".length);
    expect(blobFiles()).toHaveLength(1);
    expect(tmpFiles()).toHaveLength(0);
  });

  it("serves a read under way whole while the object is replaced", async () => {
    const small = make({ minPartBytes: 1 });
    const u = await small.createMultipartUpload({ Bucket: "bkt", Key: "k", headers: {} }, ctx);
    const parts = [];
    for (const [n, text] of [[1, "first-"], [2, "second"]] as const) parts.push({ PartNumber: n, ETag: (await small.uploadPart({ Bucket: "bkt", Key: "k", uploadId: u.id, partNumber: String(n), payload: payload(text) }, ctx)).etag });
    await small.completeMultipartUpload({ Bucket: "bkt", Key: "k", uploadId: u.id, parts }, ctx);
    const got = await service.getObject({ Bucket: "bkt", Key: "k" }, ctx);
    const stream = service.openObject(got.object, 0, got.object.size - 1);
    await service.putObject({ Bucket: "bkt", Key: "k", headers: {}, payload: payload("replacement") }, ctx);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("first-second");
    // The replaced blobs go once the read is over.
    await new Promise((r) => setImmediate(r));
    await expect.poll(() => blobFiles().length).toBe(1);
  });

  it("deletes a bucket even when removing its uploads' files fails", async () => {
    const blobs = new FsBlobStore(dir);
    blobs.delete = () => Promise.reject(new Error("EACCES"));
    const s = new BucketService({ store: storage.buckets, blobs, clock, destinations: dest });
    await s.createBucket({ Bucket: "gone" }, ctx);
    const u = await s.createMultipartUpload({ Bucket: "gone", Key: "k", headers: {} }, ctx);
    await s.uploadPart({ Bucket: "gone", Key: "k", uploadId: u.id, partNumber: "1", payload: payload("x") }, ctx);
    await s.deleteBucket({ Bucket: "gone" }, ctx);
    await rejects(s.headBucket({ Bucket: "gone" }, ctx), "NoSuchBucket");
  });

  it("copies the source it read even when the source is replaced meanwhile", async () => {
    await service.putObject({ Bucket: "bkt", Key: "src", headers: {}, payload: payload("original") }, ctx);
    const blobs = new FsBlobStore(dir);
    const duplicate = blobs.duplicate.bind(blobs);
    const s = new BucketService({ store: storage.buckets, blobs, clock, destinations: dest });
    let first = true;
    blobs.duplicate = async (id) => {
      if (first) {
        first = false;
        await s.putObject({ Bucket: "bkt", Key: "src", headers: {}, payload: payload("replaced") }, ctx);
      }
      return duplicate(id);
    };
    const copy = await s.copyObject({ Bucket: "bkt", Key: "dst", SourceBucket: "bkt", SourceKey: "src", headers: {} }, ctx);
    const chunks: Buffer[] = [];
    for await (const c of s.openObject(copy, 0, copy.size - 1)) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe("original");
    await expect.poll(() => blobFiles().length).toBe(2);
  });

  it("keeps delivering after acknowledging a batch fails", async () => {
    await service.putNotification({ Bucket: "bkt", targets: [{ id: "q", kind: "queue", arn: QUEUE, events: ["s3:ObjectCreated:*"], rules: [] }] }, ctx);
    const store = storage.buckets;
    let fail = 1;
    const flaky = Object.assign(Object.create(store) as typeof store, {
      ackEvents(ids: readonly number[]) {
        if (fail-- > 0) return Promise.reject(new Error("database unavailable"));
        return store.ackEvents(ids);
      },
    });
    await service.deliverNotifications();
    await service.stop();
    dest.delivered = [];
    const s = new BucketService({ store: flaky, blobs: new FsBlobStore(dir), clock, destinations: dest, options: { delivery: { pollMs: 60_000 } } });
    await s.putObject({ Bucket: "bkt", Key: "k", headers: {}, payload: payload("x") }, ctx);
    await s.deliverNotifications();
    await clock.advance(30_000);
    await s.deliverNotifications();
    expect(dest.delivered.length).toBe(2);
    expect(await storage.buckets.claimEvents(clock.now() + 10 ** 9, 1000, 100)).toEqual([]);
  });

  it("refuses notification configurations S3 refuses", async () => {
    const t = (over: object) => ({ id: "x", kind: "queue" as const, arn: QUEUE, events: ["s3:ObjectCreated:*"], rules: [], ...over });
    await rejects(service.putNotification({ Bucket: "bkt", targets: [t({ arn: "arn:aws:sqs:us-east-1:000000000000:missing" })] }, ctx), "InvalidArgument", "Unable to validate the following destination configurations");
    await rejects(service.putNotification({ Bucket: "bkt", targets: [t({ events: ["s3:Bogus"] })] }, ctx), "InvalidArgument");
    await rejects(service.putNotification({ Bucket: "bkt", targets: [t({ id: "a" }), t({ id: "b", events: ["s3:ObjectCreated:Put"], rules: [{ name: "prefix", value: "x/" }] })] }, ctx), "InvalidArgument");
    await service.putNotification({ Bucket: "bkt", targets: [t({ id: "a", rules: [{ name: "prefix", value: "a/" }] }), t({ id: "b", rules: [{ name: "prefix", value: "b/" }] })] }, ctx);
    expect((await service.getNotification({ Bucket: "bkt" }, ctx)).map((x) => x.id)).toEqual(["a", "b"]);
    await service.putNotification({ Bucket: "bkt", targets: [] }, ctx);
    expect(await service.getNotification({ Bucket: "bkt" }, ctx)).toEqual([]);
  });
});
