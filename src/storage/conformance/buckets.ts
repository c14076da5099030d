/**
 * The BucketStore conformance suite: one specification of the store contract
 * (src/services/buckets/store.ts), run against every backend. Each test uses fresh
 * random bucket names, so backends whose `open` returns the same database every time
 * may share it across the suite. Outbox tests claim at times far in the future and
 * only look at their own targets.
 */
import { randomBytes } from "node:crypto";
import { expect, it } from "vitest";
import type { BucketStore } from "../../services/buckets/store.js";
import type { BucketRecord, NewEvent, ObjectRecord, PartRecord, UploadRecord } from "../../services/buckets/types.js";
import type { Storage } from "../types.js";
import type { ConformanceOptions } from "./queues.js";
import { storeSuite, type StoreCtx } from "./suite.js";

const T = 1_700_000_000_000;

function name(): string {
  return `b-${randomBytes(6).toString("hex")}`;
}

function bucket(n = name(), account = "000000000001"): BucketRecord {
  return { name: n, account, region: "us-east-1", createdAt: T, notification: null };
}

function blob(): string {
  return randomBytes(16).toString("hex");
}

function object(b: string, key: string, blobs = [blob()]): ObjectRecord {
  return { bucket: b, key, size: blobs.length * 3, etag: "e", lastModified: T, headers: { "content-type": "text/plain" }, checksum: null, segments: blobs.map((id) => ({ blob: id, size: 3 })) };
}

function upload(b: string, key: string): UploadRecord {
  return { id: randomBytes(12).toString("hex"), bucket: b, key, initiated: T, headers: {}, checksumAlgorithm: "CRC32" };
}

function part(uploadId: string, number: number): PartRecord {
  return { uploadId, number, size: 5, etag: `p${number}`, lastModified: T, blob: blob(), checksum: { algorithm: "CRC32", value: "AAAAAA==" } };
}

async function keys(s: BucketStore, b: string, prefix = "", after = "", skipPrefix = false, limit = 100): Promise<string[]> {
  return ((await s.listObjects({ bucket: b, prefix, after, skipPrefix, limit })) ?? []).map((o) => o.key);
}

function bucketTests(ctx: StoreCtx<BucketStore>): void {
  it("creates a bucket once and reports the existing one", async () => {
    const b = bucket();
    expect(await ctx.store.createBucket(b)).toEqual({ created: true, bucket: b });
    const again = await ctx.store.createBucket({ ...b, account: "000000000002" });
    expect(again).toEqual({ created: false, bucket: b });
    expect(await ctx.store.getBucket(b.name)).toEqual(b);
    expect((await ctx.store.listBuckets(b.account)).map((x) => x.name)).toContain(b.name);
    expect((await ctx.store.listBuckets("000000000009")).map((x) => x.name)).not.toContain(b.name);
  });

  it("deletes only empty buckets, dropping their uploads' parts", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    await ctx.store.putObject(object(b.name, "k"), []);
    expect(await ctx.store.deleteBucket(b.name)).toBe("notEmpty");
    await ctx.store.deleteObjects(b.name, [{ key: "k", events: [] }]);
    const u = upload(b.name, "u");
    await ctx.store.createUpload(u);
    const p = part(u.id, 1);
    await ctx.store.putPart(p);
    expect(await ctx.store.deleteBucket(b.name)).toEqual({ dropped: [p.blob] });
    expect(await ctx.store.getBucket(b.name)).toBeNull();
    expect(await ctx.store.deleteBucket(b.name)).toBe("missing");
    expect(await ctx.store.putObject(object(b.name, "k"), [])).toBeNull();
  });
}

function objectTests(ctx: StoreCtx<BucketStore>): void {
  it("stores, replaces and deletes objects, returning the blobs it no longer needs", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const first = object(b.name, "a/b", [blob(), blob()]);
    expect(await ctx.store.putObject(first, [])).toEqual({ dropped: [] });
    expect(await ctx.store.getObject(b.name, "a/b")).toEqual(first);
    const second = object(b.name, "a/b");
    expect(await ctx.store.putObject(second, [])).toEqual({ dropped: first.segments.map((s) => s.blob) });
    const r = await ctx.store.deleteObjects(b.name, [{ key: "a/b", events: [] }, { key: "missing", events: [] }]);
    expect(r).toEqual({ deleted: ["a/b"], dropped: [second.segments[0]!.blob] });
    expect(await ctx.store.getObject(b.name, "a/b")).toBeNull();
    expect(await ctx.store.deleteObjects(name(), [{ key: "x", events: [] }])).toBeNull();
  });

  it("writes conditionally only when the key still has the expected ETag", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const ev: NewEvent = { kind: "queue", target: `arn:aws:sqs:us-east-1:000000000001:${b.name}`, body: "{}" };
    const tries = [object(b.name, "lock"), object(b.name, "lock")];
    const results = await Promise.all(tries.map((o) => ctx.store.putObject(o, [ev], { etag: null })));
    expect(results.filter((r) => r === "conflict")).toHaveLength(1);
    const winner = tries[results.findIndex((r) => r !== "conflict")]!;
    expect(await ctx.store.getObject(b.name, "lock")).toEqual(winner);
    const next = { ...object(b.name, "lock"), etag: "f" };
    expect(await ctx.store.putObject(next, [ev], { etag: "stale" })).toBe("conflict");
    expect(await ctx.store.getObject(b.name, "lock")).toEqual(winner);
    expect(await ctx.store.putObject(next, [ev], { etag: "e" })).toEqual({ dropped: winner.segments.map((s) => s.blob) });
    const events = (await ctx.store.claimEvents(T * 2, 1000, 1000)).filter((e) => e.target === ev.target);
    expect(events).toHaveLength(2);
    await ctx.store.ackEvents(events.map((e) => e.id));
  });

  it("lists keys in UTF-8 byte order with prefix, after and skipped prefixes", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const all = ["a", "a/1", "a/2", "a0", "b", "~", "é", "\u{1F600}", "Z", "a\u0000z"];
    for (const k of all) await ctx.store.putObject(object(b.name, k), []);
    const sorted = [...all].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    expect(await keys(ctx.store, b.name)).toEqual(sorted);
    expect(await keys(ctx.store, b.name, "a/")).toEqual(["a/1", "a/2"]);
    expect(await keys(ctx.store, b.name, "", "a/1")).toEqual(sorted.slice(sorted.indexOf("a/1") + 1));
    expect(await keys(ctx.store, b.name, "", "a/", true)).toEqual(sorted.filter((k) => Buffer.compare(Buffer.from(k), Buffer.from("a/")) > 0 && !k.startsWith("a/")));
    expect(await keys(ctx.store, b.name, "", "", false, 2)).toEqual(sorted.slice(0, 2));
    expect(await ctx.store.listObjects({ bucket: name(), prefix: "", after: "", skipPrefix: false, limit: 1 })).toBeNull();
  });

  it("keeps hostile keys exactly", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const hostile = ["../../etc/passwd", "/abs", "nul\u0000", "k".repeat(1024), "%00", "\\"];
    for (const k of hostile) await ctx.store.putObject(object(b.name, k), []);
    for (const k of hostile) expect((await ctx.store.getObject(b.name, k))?.key).toBe(k);
  });
}

function uploadTests(ctx: StoreCtx<BucketStore>): void {
  it("keeps parts, replaces a re-uploaded part, and completes into an object", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const u = upload(b.name, "big");
    expect(await ctx.store.createUpload(u)).toBe(true);
    expect(await ctx.store.getUpload(b.name, u.id)).toEqual(u);
    const p1 = part(u.id, 1);
    const p1again = part(u.id, 1);
    const p2 = part(u.id, 2);
    const p3 = part(u.id, 3);
    await ctx.store.putPart(p1);
    expect(await ctx.store.putPart(p1again)).toEqual({ dropped: [p1.blob] });
    await ctx.store.putPart(p2);
    await ctx.store.putPart(p3);
    expect(await ctx.store.listParts(u.id)).toEqual([p1again, p2, p3]);
    expect((await ctx.store.listUploads(b.name)).map((x) => x.id)).toEqual([u.id]);
    // A segment naming a part's replaced blob (a part uploaded again since) changes nothing.
    expect(await ctx.store.completeUpload(b.name, u.id, object(b.name, "big", [p1.blob, p3.blob]), [])).toBe("partsChanged");
    expect(await ctx.store.getObject(b.name, "big")).toBeNull();
    expect(await ctx.store.listParts(u.id)).toEqual([p1again, p2, p3]);
    const o = object(b.name, "big", [p1again.blob, p3.blob]);
    expect(await ctx.store.completeUpload(b.name, u.id, o, [])).toEqual({ dropped: [p2.blob] });
    expect(await ctx.store.getObject(b.name, "big")).toEqual(o);
    expect(await ctx.store.getUpload(b.name, u.id)).toBeNull();
    expect(await ctx.store.completeUpload(b.name, u.id, o, [])).toBeNull();
    expect(await ctx.store.putPart(part(u.id, 4))).toBeNull();
  });

  it("aborts uploads", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const u = upload(b.name, "x");
    await ctx.store.createUpload(u);
    const p = part(u.id, 1);
    await ctx.store.putPart(p);
    expect(await ctx.store.abortUpload(b.name, u.id)).toEqual({ dropped: [p.blob] });
    expect(await ctx.store.abortUpload(b.name, u.id)).toBeNull();
    expect(await ctx.store.createUpload(upload(name(), "x"))).toBe(false);
  });

  it("reports every referenced blob", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const o = object(b.name, "k", [blob(), blob()]);
    await ctx.store.putObject(o, []);
    const u = upload(b.name, "u");
    await ctx.store.createUpload(u);
    const p = part(u.id, 1);
    await ctx.store.putPart(p);
    const inUse = new Set(await ctx.store.blobsInUse());
    for (const id of [...o.segments.map((s) => s.blob), p.blob]) expect(inUse.has(id)).toBe(true);
  });
}

function outboxTests(ctx: StoreCtx<BucketStore>, options: ConformanceOptions): void {
  const mine = (target: string) => (e: { target: string }) => e.target === target;

  it("writes events with the change, leases, retries and acknowledges them", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const target = `arn:aws:sqs:us-east-1:000000000001:${name()}`;
    const ev: NewEvent = { kind: "queue", target, body: '{"Records":[]}' };
    await ctx.store.putObject(object(b.name, "k"), [ev, ev]);
    await ctx.store.deleteObjects(b.name, [{ key: "k", events: [ev] }, { key: "absent", events: [ev] }]);
    const far = T * 2;
    const claimed = (await ctx.store.claimEvents(far, 1000, 10_000)).filter(mine(target));
    expect(claimed.map((e) => [e.kind, e.body, e.attempts])).toEqual([["queue", ev.body, 0], ["queue", ev.body, 0], ["queue", ev.body, 0]]);
    expect((await ctx.store.claimEvents(far + 500, 1000, 10_000)).filter(mine(target))).toEqual([]);
    await ctx.store.retryEvent(claimed[0]!.id, far + 5000);
    await ctx.store.ackEvents(claimed.slice(1).map((e) => e.id));
    expect((await ctx.store.claimEvents(far + 2000, 1000, 10_000)).filter(mine(target))).toEqual([]);
    const again = (await ctx.store.claimEvents(far + 5000, 1000, 10_000)).filter(mine(target));
    expect(again.map((e) => [e.id, e.attempts])).toEqual([[claimed[0]!.id, 1]]);
    await ctx.store.ackEvents([claimed[0]!.id]);
  });

  it("stores notification configurations with their test events", async () => {
    const b = bucket();
    await ctx.store.createBucket(b);
    const target = `arn:aws:sqs:us-east-1:000000000001:${name()}`;
    const config = { targets: [{ id: "c", kind: "queue" as const, arn: target, events: ["s3:ObjectCreated:*"], rules: [{ name: "prefix" as const, value: "in/" }] }] };
    expect(await ctx.store.setNotification(b.name, config, [{ kind: "queue", target, body: "test" }])).toBe(true);
    expect((await ctx.store.getBucket(b.name))?.notification).toEqual(config);
    const claimed = (await ctx.store.claimEvents(T * 3, 1000, 10_000)).filter(mine(target));
    expect(claimed.map((e) => e.body)).toEqual(["test"]);
    await ctx.store.ackEvents(claimed.map((e) => e.id));
    expect(await ctx.store.setNotification(name(), null, [])).toBe(false);
  });

  if (options.durable) {
    it("keeps objects and pending events across a reopen", async () => {
      const b = bucket();
      await ctx.store.createBucket(b);
      const target = `arn:aws:lambda:us-east-1:000000000001:function:${name()}`;
      await ctx.store.putObject(object(b.name, "kept"), [{ kind: "function", target, body: "{}" }]);
      await ctx.reopen();
      expect((await ctx.store.getObject(b.name, "kept"))?.key).toBe("kept");
      const claimed = (await ctx.store.claimEvents(T * 4, 1000, 10_000)).filter(mine(target));
      expect(claimed.map((e) => e.kind)).toEqual(["function"]);
      await ctx.store.ackEvents(claimed.map((e) => e.id));
    });

    it("leases each event to one of several stores", async () => {
      const others = await Promise.all([ctx.another(), ctx.another()]);
      const b = bucket();
      await ctx.store.createBucket(b);
      const target = `arn:aws:sqs:us-east-1:000000000001:${name()}`;
      await ctx.store.putObject(object(b.name, "k"), Array.from({ length: 20 }, () => ({ kind: "queue" as const, target, body: "x" })));
      const claims = await Promise.all([ctx.store, ...others].map((s) => s.claimEvents(T * 5, 60_000, 10_000)));
      const ids = claims.flatMap((c) => c.filter(mine(target)).map((e) => e.id));
      expect(ids.length).toBe(20);
      expect(new Set(ids).size).toBe(20);
      await ctx.store.ackEvents(ids);
    });
  }
}

export function bucketStoreConformance(title: string, open: () => Promise<Storage>, cleanup?: () => Promise<void>, options: ConformanceOptions = {}): void {
  storeSuite(`BucketStore conformance: ${title}`, (s) => s.buckets, open, cleanup, (ctx) => {
    bucketTests(ctx);
    objectTests(ctx);
    uploadTests(ctx);
    outboxTests(ctx, options);
  });
}
