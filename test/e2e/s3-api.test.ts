/**
 * S3 end to end: a `sluice start` process driven by @aws-sdk/client-s3 (path style,
 * the SDK's default CRC32 checksums over aws-chunked bodies) and @aws-sdk/lib-storage
 * (multipart): buckets, objects, ranges and conditions, listings with delimiters and
 * continuation, hostile keys, presigned GET and PUT, virtual-host addressing, S3's
 * errors, and notifications delivered to a queue and a function.
 */
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  AbortMultipartUploadCommand,
  UploadPartCopyCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { CreateFunctionCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PutBucketNotificationConfigurationCommand, GetBucketNotificationConfigurationCommand } from "@aws-sdk/client-s3";
import { HttpRequest } from "@smithy/protocol-http";
import { zipSync } from "fflate";
import { request as httpRequest } from "node:http";
import { readFileSync } from "node:fs";
import { eventually } from "../../src/testing/assert.js";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ROOT } from "../lib/process.js";
import { startServer, stopServer, type Server } from "../lib/server.js";

const KEY = "AKIDSLUICES3";
const SECRET = "sluice-s3-e2e-secret";
const REGION = "us-east-1";
const credentials = { accessKeyId: KEY, secretAccessKey: SECRET };

export async function s3Code(p: Promise<unknown>): Promise<{ code: string; status: number | undefined }> {
  try {
    await p;
  } catch (e) {
    if (e instanceof S3ServiceException) return { code: e.name, status: e.$metadata.httpStatusCode };
    throw e;
  }
  throw new Error("expected the call to fail");
}

describe("S3 API end to end", () => {
  let dir: string;
  let server: Server;
  let s3: S3Client;

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(ROOT, ".sluice-e2e-s3-"));
    server = await startServer(dir, { key: KEY, secret: SECRET });
    s3 = new S3Client({ endpoint: server.url, region: REGION, credentials, forcePathStyle: true });
  });

  afterAll(async () => {
    s3?.destroy();
    if (server) await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("creates, lists, heads and deletes buckets", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-buckets" }));
    const { Buckets = [] } = await s3.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name)).toContain("e2e-buckets");
    await s3.send(new HeadBucketCommand({ Bucket: "e2e-buckets" }));
    expect(await s3Code(s3.send(new CreateBucketCommand({ Bucket: "Bad_Name" })))).toEqual({ code: "InvalidBucketName", status: 400 });
    await s3.send(new PutObjectCommand({ Bucket: "e2e-buckets", Key: "x", Body: "1" }));
    expect(await s3Code(s3.send(new DeleteBucketCommand({ Bucket: "e2e-buckets" })))).toEqual({ code: "BucketNotEmpty", status: 409 });
    await s3.send(new DeleteObjectCommand({ Bucket: "e2e-buckets", Key: "x" }));
    await s3.send(new DeleteBucketCommand({ Bucket: "e2e-buckets" }));
    expect(await s3Code(s3.send(new HeadBucketCommand({ Bucket: "e2e-buckets" })))).toEqual({ code: "NotFound", status: 404 });
    expect(await s3Code(s3.send(new GetObjectCommand({ Bucket: "e2e-buckets", Key: "x" })))).toEqual({ code: "NoSuchBucket", status: 404 });
    // Paths the endpoint serves itself still reach S3 when the request is signed for it.
    await s3.send(new CreateBucketCommand({ Bucket: "health" }));
    await s3.send(new PutObjectCommand({ Bucket: "health", Key: "k", Body: "ok" }));
    expect((await s3.send(new ListObjectsV2Command({ Bucket: "health" }))).KeyCount).toBe(1);
    expect(await (await fetch(`${server.url}/health`)).json()).toEqual({ status: "ok" });
  });

  it("puts and gets objects with metadata, ETags and checksums", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-objects" }));
    const body = "hello, sluice";
    const put = await s3.send(new PutObjectCommand({ Bucket: "e2e-objects", Key: "dir/a.txt", Body: body, ContentType: "text/plain", Metadata: { owner: "me" } }));
    expect(put.ETag).toBe(`"${createHash("md5").update(body).digest("hex")}"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "e2e-objects", Key: "dir/a.txt" }));
    expect(await got.Body!.transformToString()).toBe(body);
    expect(got.ContentType).toBe("text/plain");
    expect(got.Metadata).toEqual({ owner: "me" });
    expect(got.ContentLength).toBe(body.length);
    const head = await s3.send(new HeadObjectCommand({ Bucket: "e2e-objects", Key: "dir/a.txt" }));
    expect(head.ETag).toBe(put.ETag);
    expect(await s3Code(s3.send(new GetObjectCommand({ Bucket: "e2e-objects", Key: "missing" })))).toEqual({ code: "NoSuchKey", status: 404 });
    expect(await s3Code(s3.send(new HeadObjectCommand({ Bucket: "e2e-objects", Key: "missing" })))).toEqual({ code: "NotFound", status: 404 });
    const withMd5 = await s3.send(new PutObjectCommand({ Bucket: "e2e-objects", Key: "md5", Body: "x", ContentMD5: createHash("md5").update("x").digest("base64") }));
    expect(withMd5.ETag).toBe(`"${createHash("md5").update("x").digest("hex")}"`);
    expect(await s3Code(s3.send(new PutObjectCommand({ Bucket: "e2e-objects", Key: "md5", Body: "y", ContentMD5: createHash("md5").update("x").digest("base64") })))).toEqual({ code: "BadDigest", status: 400 });
    const sum = await s3.send(new PutObjectCommand({ Bucket: "e2e-objects", Key: "c32c", Body: "abc", ChecksumAlgorithm: "CRC32C" }));
    expect(sum.ChecksumCRC32C).toBe(Buffer.from("364b3fb7", "hex").toString("base64"));
    const empty = await s3.send(new PutObjectCommand({ Bucket: "e2e-objects", Key: "empty", Body: "" }));
    expect(empty.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect(await (await s3.send(new GetObjectCommand({ Bucket: "e2e-objects", Key: "empty" }))).Body!.transformToString()).toBe("");
  });

  it("serves ranges and conditional requests", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-ranges" }));
    const data = Buffer.from("0123456789abcdefghij");
    const { ETag } = await s3.send(new PutObjectCommand({ Bucket: "e2e-ranges", Key: "r", Body: data }));
    const get = async (Range: string) => {
      const r = await s3.send(new GetObjectCommand({ Bucket: "e2e-ranges", Key: "r", Range }));
      return { text: await r.Body!.transformToString(), range: r.ContentRange };
    };
    expect(await get("bytes=0-4")).toEqual({ text: "01234", range: "bytes 0-4/20" });
    expect(await get("bytes=15-")).toEqual({ text: "fghij", range: "bytes 15-19/20" });
    expect(await get("bytes=-3")).toEqual({ text: "hij", range: "bytes 17-19/20" });
    expect(await s3Code(s3.send(new GetObjectCommand({ Bucket: "e2e-ranges", Key: "r", Range: "bytes=20-" })))).toEqual({ code: "InvalidRange", status: 416 });
    expect(await s3Code(s3.send(new GetObjectCommand({ Bucket: "e2e-ranges", Key: "r", IfMatch: '"nope"' })))).toEqual({ code: "PreconditionFailed", status: 412 });
    expect((await s3Code(s3.send(new GetObjectCommand({ Bucket: "e2e-ranges", Key: "r", IfNoneMatch: ETag })))).status).toBe(304);
    const ok = await s3.send(new GetObjectCommand({ Bucket: "e2e-ranges", Key: "r", IfMatch: ETag, IfUnmodifiedSince: new Date(Date.now() - 3600_000) }));
    expect(ok.ContentLength).toBe(20);
    expect((await s3Code(s3.send(new GetObjectCommand({ Bucket: "e2e-ranges", Key: "r", IfModifiedSince: new Date(Date.now() + 3600_000) })))).status).toBe(304);
    expect(await s3Code(s3.send(new PutObjectCommand({ Bucket: "e2e-ranges", Key: "r", Body: "new", IfNoneMatch: "*" })))).toEqual({ code: "PreconditionFailed", status: 412 });
  });

  it("lists with prefixes, delimiters, continuation tokens, start-after and max-keys", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-list" }));
    const keys = ["a.txt", "b/1", "b/2", "b/c/3", "c/4", "d", "é", "z/5", "~"];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: "e2e-list", Key, Body: Key }));
    const all = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-list" }));
    // UTF-8 byte order: "~" (0x7E) before "é" (0xC3 0xA9).
    expect(all.Contents?.map((c) => c.Key)).toEqual(["a.txt", "b/1", "b/2", "b/c/3", "c/4", "d", "z/5", "~", "é"]);
    expect(all.KeyCount).toBe(9);
    const top = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-list", Delimiter: "/" }));
    expect(top.Contents?.map((c) => c.Key)).toEqual(["a.txt", "d", "~", "é"]);
    expect(top.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["b/", "c/", "z/"]);
    const inB = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-list", Prefix: "b/", Delimiter: "/" }));
    expect(inB.Contents?.map((c) => c.Key)).toEqual(["b/1", "b/2"]);
    expect(inB.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["b/c/"]);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-list", Delimiter: "/", MaxKeys: 2, ContinuationToken: token }));
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      token = page.NextContinuationToken;
      if (token) expect(page.IsTruncated).toBe(true);
    } while (token);
    expect(seen.sort()).toEqual(["a.txt", "b/", "c/", "d", "z/", "~", "é"].sort());
    const after = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-list", StartAfter: "b/2" }));
    expect(after.Contents?.[0]?.Key).toBe("b/c/3");
    const v1 = await s3.send(new ListObjectsCommand({ Bucket: "e2e-list", Delimiter: "/", MaxKeys: 2 }));
    expect(v1.IsTruncated).toBe(true);
    expect(v1.NextMarker).toBe("b/");
    const v1next = await s3.send(new ListObjectsCommand({ Bucket: "e2e-list", Delimiter: "/", Marker: v1.NextMarker }));
    expect(v1next.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["c/", "z/"]);
    // A marker equal to the prefix is no rolled-up common prefix: everything under it is after it.
    const fromPrefix = await s3.send(new ListObjectsCommand({ Bucket: "e2e-list", Prefix: "b/", Delimiter: "/", Marker: "b/" }));
    expect(fromPrefix.Contents?.map((c) => c.Key)).toEqual(["b/1", "b/2"]);
    expect(fromPrefix.CommonPrefixes?.map((p) => p.Prefix)).toEqual(["b/c/"]);
    const zero = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-list", MaxKeys: 0 }));
    expect(zero.Contents).toBeUndefined();
    const enc = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-list", Prefix: "é", EncodingType: "url" }));
    // The SDK leaves URL-encoded keys to the caller.
    expect(enc.Contents?.map((c) => decodeURIComponent(c.Key!))).toEqual(["é"]);
    expect(await s3Code(s3.send(new ListObjectsV2Command({ Bucket: "e2e-list", ContinuationToken: "garbage!" })))).toEqual({ code: "InvalidArgument", status: 400 });
  });

  it("keeps hostile keys as data, inside the bucket's storage", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-hostile" }));
    const hostile = ["../../../etc/passwd", "/absolute/path", "a/../../b", "..", ".", "nul\u0000byte", "back\\slash", "%2e%2e%2f", "spaces and ?query#hash", "k".repeat(1024), "\u{1F600}/emoji"];
    for (const Key of hostile) await s3.send(new PutObjectCommand({ Bucket: "e2e-hostile", Key, Body: `v:${Key}` }));
    for (const Key of hostile) {
      const got = await s3.send(new GetObjectCommand({ Bucket: "e2e-hostile", Key }));
      expect(await got.Body!.transformToString()).toBe(`v:${Key}`);
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "e2e-hostile", EncodingType: "url" }));
    expect(listed.Contents?.map((c) => decodeURIComponent(c.Key!)).sort()).toEqual([...hostile].sort());
    expect(await s3Code(s3.send(new PutObjectCommand({ Bucket: "e2e-hostile", Key: "k".repeat(1025), Body: "x" })))).toEqual({ code: "KeyTooLongError", status: 400 });
    // Nothing was written outside the data directory's blob store, and no file is named after a key.
    expect(existsSync(join(dir, "etc"))).toBe(false);
    expect(existsSync("/absolute")).toBe(false);
    const files = readdirSync(join(dir, "buckets", "blobs"), { recursive: true }).map(String);
    expect(files.every((f) => /^[0-9a-f]{2}(\/[0-9a-f]{32})?$/.test(f))).toBe(true);
  });

  it("copies and deletes objects in batches", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-copy" }));
    const put = await s3.send(new PutObjectCommand({ Bucket: "e2e-copy", Key: "src", Body: "copy me", Metadata: { a: "1" } }));
    const copy = await s3.send(new CopyObjectCommand({ Bucket: "e2e-copy", Key: "dst", CopySource: "e2e-copy/src" }));
    expect(copy.CopyObjectResult?.ETag).toBe(put.ETag);
    const got = await s3.send(new GetObjectCommand({ Bucket: "e2e-copy", Key: "dst" }));
    expect(await got.Body!.transformToString()).toBe("copy me");
    expect(got.Metadata).toEqual({ a: "1" });
    await s3.send(new CopyObjectCommand({ Bucket: "e2e-copy", Key: "dst", CopySource: "e2e-copy/src", MetadataDirective: "REPLACE", Metadata: { b: "2" } }));
    expect((await s3.send(new HeadObjectCommand({ Bucket: "e2e-copy", Key: "dst" }))).Metadata).toEqual({ b: "2" });
    expect(await s3Code(s3.send(new CopyObjectCommand({ Bucket: "e2e-copy", Key: "src", CopySource: "e2e-copy/src" })))).toEqual({ code: "InvalidRequest", status: 400 });
    expect(await s3Code(s3.send(new CopyObjectCommand({ Bucket: "e2e-copy", Key: "x", CopySource: "e2e-copy/none" })))).toEqual({ code: "NoSuchKey", status: 404 });
    await s3.send(new DeleteObjectCommand({ Bucket: "e2e-copy", Key: "src" }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: "e2e-copy", Key: "dst" }))).Body!.transformToString()).toBe("copy me");
    const del = await s3.send(new DeleteObjectsCommand({ Bucket: "e2e-copy", Delete: { Objects: [{ Key: "dst" }, { Key: "never-existed" }] } }));
    expect(del.Deleted?.map((d) => d.Key).sort()).toEqual(["dst", "never-existed"]);
    expect((await s3.send(new ListObjectsV2Command({ Bucket: "e2e-copy" }))).KeyCount).toBe(0);
    await s3.send(new DeleteObjectCommand({ Bucket: "e2e-copy", Key: "never-existed" }));
  });

  it("uploads in parts with lib-storage and computes S3's multipart ETag", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-multipart" }));
    const MiB = 1024 * 1024;
    const data = randomBytes(12 * MiB + 123);
    const upload = new Upload({ client: s3, params: { Bucket: "e2e-multipart", Key: "big.bin", Body: data }, partSize: 5 * MiB, queueSize: 2 });
    const done = await upload.done();
    const parts = [data.subarray(0, 5 * MiB), data.subarray(5 * MiB, 10 * MiB), data.subarray(10 * MiB)];
    const etag = createHash("md5").update(Buffer.concat(parts.map((p) => createHash("md5").update(p).digest()))).digest("hex");
    expect(done.ETag).toBe(`"${etag}-3"`);
    const got = await s3.send(new GetObjectCommand({ Bucket: "e2e-multipart", Key: "big.bin" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    const span = await s3.send(new GetObjectCommand({ Bucket: "e2e-multipart", Key: "big.bin", Range: `bytes=${5 * MiB - 10}-${5 * MiB + 9}` }));
    expect(Buffer.from(await span.Body!.transformToByteArray()).equals(data.subarray(5 * MiB - 10, 5 * MiB + 10))).toBe(true);
    const part2 = await s3.send(new GetObjectCommand({ Bucket: "e2e-multipart", Key: "big.bin", PartNumber: 2 }));
    expect(part2.PartsCount).toBe(3);
    expect(part2.ContentLength).toBe(5 * MiB);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: "e2e-multipart" }))).Uploads ?? []).toEqual([]);
  });

  it("checks parts on completion and lists and aborts uploads", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-parts" }));
    const Bucket = "e2e-parts";
    const Key = "p";
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key }));
    const small = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 1, Body: "small" }));
    const last = await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 2, Body: "last" }));
    expect((await s3.send(new ListPartsCommand({ Bucket, Key, UploadId }))).Parts?.map((p) => [p.PartNumber, p.Size])).toEqual([[1, 5], [2, 4]]);
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket }))).Uploads?.map((u) => u.UploadId)).toEqual([UploadId]);
    const complete = (Parts: { PartNumber: number; ETag?: string }[]) => s3.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts } }));
    expect(await s3Code(complete([{ PartNumber: 2, ETag: last.ETag }, { PartNumber: 1, ETag: small.ETag }]))).toEqual({ code: "InvalidPartOrder", status: 400 });
    expect(await s3Code(complete([{ PartNumber: 1, ETag: '"0000"' }]))).toEqual({ code: "InvalidPart", status: 400 });
    expect(await s3Code(complete([{ PartNumber: 1, ETag: small.ETag }, { PartNumber: 2, ETag: last.ETag }]))).toEqual({ code: "EntityTooSmall", status: 400 });
    expect(await s3Code(s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: 10001, Body: "x" })))).toEqual({ code: "InvalidArgument", status: 400 });
    expect(await s3Code(s3.send(new UploadPartCommand({ Bucket, Key, UploadId: "nope", PartNumber: 1, Body: "x" })))).toEqual({ code: "NoSuchUpload", status: 404 });
    const one = await complete([{ PartNumber: 2, ETag: last.ETag }]);
    expect(one.ETag).toMatch(/-1"$/);
    expect(await (await s3.send(new GetObjectCommand({ Bucket, Key }))).Body!.transformToString()).toBe("last");
    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "q" }));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: "q", UploadId: second.UploadId }));
    expect(await s3Code(s3.send(new ListPartsCommand({ Bucket, Key: "q", UploadId: second.UploadId })))).toEqual({ code: "NoSuchUpload", status: 404 });
  });

  async function presign(method: string, path: string, expires = 300): Promise<string> {
    const url = new URL(server.url);
    const signer = new SignatureV4({ credentials, region: REGION, service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const req = new HttpRequest({ method, protocol: url.protocol, hostname: url.hostname, port: Number(url.port), path, headers: { host: url.host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } });
    const signed = await signer.presign(req, { expiresIn: expires, unsignableHeaders: new Set(["content-type"]) });
    const q = Object.entries(signed.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
    return `${server.url}${path}?${q}`;
  }

  it("accepts presigned GET and PUT URLs, and refuses tampered ones", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-presign" }));
    const put = await fetch(await presign("PUT", "/e2e-presign/up%20loaded.txt"), { method: "PUT", body: "via presigned PUT" });
    expect(put.status).toBe(200);
    const get = await fetch(await presign("GET", "/e2e-presign/up%20loaded.txt"));
    expect(get.status).toBe(200);
    expect(await get.text()).toBe("via presigned PUT");
    const tampered = (await presign("GET", "/e2e-presign/up%20loaded.txt")).replace("/e2e-presign/", "/e2e-presign/x");
    const denied = await fetch(tampered);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain("<Code>SignatureDoesNotMatch</Code>");
    const anonymous = await fetch(`${server.url}/e2e-presign/up%20loaded.txt`);
    expect(anonymous.status).toBe(403);
  });

  it("serves virtual-host style requests", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-vhost" }));
    await s3.send(new PutObjectCommand({ Bucket: "e2e-vhost", Key: "in/host.txt", Body: "virtual" }));
    const url = new URL(server.url);
    const host = `e2e-vhost.localhost:${url.port}`;
    const signer = new SignatureV4({ credentials, region: REGION, service: "s3", sha256: Sha256, uriEscapePath: false });
    const signed = await signer.sign(new HttpRequest({ method: "GET", protocol: "http:", hostname: "e2e-vhost.localhost", port: Number(url.port), path: "/in/host.txt", headers: { host, "x-amz-content-sha256": "UNSIGNED-PAYLOAD" } }));
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: url.hostname, port: url.port, path: "/in/host.txt", method: "GET", headers: signed.headers }, (res) => {
        let out = "";
        res.setEncoding("utf8").on("data", (c: string) => (out += c)).on("end", () => resolve(`${res.statusCode} ${out}`));
      });
      req.on("error", reject).end();
    });
    expect(text).toBe("200 virtual");
  });

  it("notifies a queue and a function of uploads and deletions, with S3's event shape", async () => {
    const url = server.url;
    const sqs = new SQSClient({ endpoint: url, region: REGION, credentials });
    const lambda = new LambdaClient({ endpoint: url, region: REGION, credentials });
    const out = join(dir, "events.jsonl");
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "e2e-s3-events" }));
      const handler = `const fs = require("fs");\nexports.handler = async (event) => { fs.appendFileSync(process.env.OUT, JSON.stringify(event) + "\\n"); };`;
      await lambda.send(new CreateFunctionCommand({ FunctionName: "on-upload", Runtime: "nodejs20.x", Role: "arn:aws:iam::000000000000:role/r", Handler: "index.handler", Code: { ZipFile: zipSync({ "index.cjs": Buffer.from(handler) }) }, Environment: { Variables: { OUT: out } } }));
      await s3.send(new CreateBucketCommand({ Bucket: "e2e-notify" }));
      const queueArn = `arn:aws:sqs:${REGION}:000000000000:e2e-s3-events`;
      const fnArn = `arn:aws:lambda:${REGION}:000000000000:function:on-upload`;
      expect(await s3Code(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: "e2e-notify", NotificationConfiguration: { QueueConfigurations: [{ QueueArn: `${queueArn}-missing`, Events: ["s3:ObjectCreated:*"] }] } })))).toEqual({ code: "InvalidArgument", status: 400 });
      const overlapping = { QueueConfigurations: [{ QueueArn: queueArn, Events: ["s3:ObjectCreated:*" as const] }, { QueueArn: queueArn, Events: ["s3:ObjectCreated:Put" as const] }] };
      expect(await s3Code(s3.send(new PutBucketNotificationConfigurationCommand({ Bucket: "e2e-notify", NotificationConfiguration: overlapping })))).toEqual({ code: "InvalidArgument", status: 400 });
      await s3.send(new PutBucketNotificationConfigurationCommand({
        Bucket: "e2e-notify",
        NotificationConfiguration: {
          QueueConfigurations: [{ Id: "to-queue", QueueArn: queueArn, Events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"], Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "uploads/" }] } } }],
          LambdaFunctionConfigurations: [{ Id: "to-fn", LambdaFunctionArn: fnArn, Events: ["s3:ObjectCreated:Put"], Filter: { Key: { FilterRules: [{ Name: "prefix", Value: "incoming/" }, { Name: "suffix", Value: ".csv" }] } } }],
        },
      }));
      const conf = await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: "e2e-notify" }));
      expect(conf.QueueConfigurations?.[0]?.QueueArn).toBe(queueArn);
      expect(conf.LambdaFunctionConfigurations?.[0]?.LambdaFunctionArn).toBe(fnArn);
      await s3.send(new PutObjectCommand({ Bucket: "e2e-notify", Key: "uploads/my file.csv", Body: "a,b\n1,2\n" }));
      await s3.send(new PutObjectCommand({ Bucket: "e2e-notify", Key: "ignored.txt", Body: "no" }));
      await s3.send(new PutObjectCommand({ Bucket: "e2e-notify", Key: "incoming/data.csv", Body: "x" }));
      await s3.send(new PutObjectCommand({ Bucket: "e2e-notify", Key: "incoming/data.txt", Body: "x" }));
      await s3.send(new DeleteObjectCommand({ Bucket: "e2e-notify", Key: "uploads/my file.csv" }));
      const bodies: unknown[] = [];
      await eventually(async () => {
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
        for (const m of Messages) {
          bodies.push(JSON.parse(m.Body!));
          await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
        return bodies.length >= 3 ? true : undefined;
      });
      expect(bodies[0]).toMatchObject({ Service: "Amazon S3", Event: "s3:TestEvent", Bucket: "e2e-notify" });
      const records = bodies.slice(1).map((b) => (b as { Records: Record<string, unknown>[] }).Records[0]!);
      expect(records.map((r) => r["eventName"])).toEqual(["ObjectCreated:Put", "ObjectRemoved:Delete"]);
      expect(records[0]).toMatchObject({
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: REGION,
        s3: { s3SchemaVersion: "1.0", configurationId: "to-queue", bucket: { name: "e2e-notify", arn: "arn:aws:s3:::e2e-notify" }, object: { key: "uploads/my+file.csv", size: 8, eTag: createHash("md5").update("a,b\n1,2\n").digest("hex") } },
      });
      const fnEvents = await eventually(() => (existsSync(out) ? readFileSync(out, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { Records: { eventName: string; s3: { configurationId: string; object: { key: string } } }[] }) : undefined));
      expect(fnEvents.map((e) => [e.Records[0]!.eventName, e.Records[0]!.s3.configurationId, e.Records[0]!.s3.object.key])).toEqual([["ObjectCreated:Put", "to-fn", "incoming/data.csv"]]);
    } finally {
      sqs.destroy();
      lambda.destroy();
    }
  });

  /** A request signed as the SDK would, with full control over headers and body. */
  async function raw(method: string, path: string, body: string | Buffer = "", headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
    const url = new URL(server.url);
    const [p, q = ""] = path.split("?");
    const query = Object.fromEntries(new URLSearchParams(q));
    const payload = Buffer.from(body);
    const hash = headers["x-amz-content-sha256"] ?? createHash("sha256").update(payload).digest("hex");
    const signer = new SignatureV4({ credentials, region: REGION, service: "s3", sha256: Sha256, uriEscapePath: false, applyChecksum: false });
    const signed = await signer.sign(new HttpRequest({ method, protocol: "http:", hostname: url.hostname, port: Number(url.port), path: p, query, headers: { host: url.host, ...headers, "x-amz-content-sha256": hash } }));
    const res = await fetch(`${server.url}${path}`, { method, headers: signed.headers, ...(payload.length ? { body: payload } : {}) });
    return { status: res.status, text: await res.text() };
  }
  const code = (text: string) => /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  async function exists(Bucket: string, Key: string): Promise<boolean> {
    try {
      await s3.send(new HeadObjectCommand({ Bucket, Key }));
      return true;
    } catch {
      return false;
    }
  }

  it("streams aws-chunked bodies with a CRC32 trailer, and refuses a wrong one", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-chunked" }));
    const { Readable } = await import("node:stream");
    await s3.send(new PutObjectCommand({ Bucket: "e2e-chunked", Key: "streamed", Body: Readable.from([Buffer.from("hello "), Buffer.from("stream")]), ContentLength: 12 }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: "e2e-chunked", Key: "streamed" }))).Body!.transformToString()).toBe("hello stream");
    const chunked = "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n";
    const bad = await raw("PUT", "/e2e-chunked/bad", chunked, { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5", "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    expect([bad.status, code(bad.text)]).toEqual([400, "BadDigest"]);
    expect(await exists("e2e-chunked", "bad")).toBe(false);
    const good = await raw("PUT", "/e2e-chunked/good", chunked.replace("AAAAAA==", "NhCmhg=="), { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5", "x-amz-trailer": "x-amz-checksum-crc32", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    expect(good.status).toBe(200);
    const short = await raw("PUT", "/e2e-chunked/short", "5\r\nhel", { "content-encoding": "aws-chunked", "x-amz-decoded-content-length": "5", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER" });
    expect([short.status, code(short.text)]).toEqual([400, "IncompleteBody"]);
    expect(await exists("e2e-chunked", "short")).toBe(false);
  });

  it("answers bad input with S3's errors and changes nothing", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-bad" }));
    const sha = createHash("sha256").update("other").digest("hex");
    const mismatch = await raw("PUT", "/e2e-bad/k", "payload", { "x-amz-content-sha256": sha });
    expect([mismatch.status, code(mismatch.text)]).toEqual([400, "XAmzContentSHA256Mismatch"]);
    const digest = await raw("PUT", "/e2e-bad/k", "payload", { "content-md5": "not-base64-md5" });
    expect([digest.status, code(digest.text)]).toEqual([400, "InvalidDigest"]);
    const crc = await raw("PUT", "/e2e-bad/k", "payload", { "x-amz-checksum-crc32": "AAAAAA==" });
    expect([crc.status, code(crc.text)]).toEqual([400, "BadDigest"]);
    const twoSums = await raw("PUT", "/e2e-bad/k", "payload", { "x-amz-checksum-crc32": "AAAAAA==", "x-amz-checksum-sha1": "AAAAAA==" });
    expect([twoSums.status, code(twoSums.text)]).toEqual([400, "InvalidRequest"]);
    expect(await exists("e2e-bad", "k")).toBe(false);
    const badXml = await raw("POST", "/e2e-bad?delete", "<Delete><Object><Key>k</Key></Object>");
    expect([badXml.status, code(badXml.text)]).toEqual([400, "MalformedXML"]);
    const noObjects = await raw("POST", "/e2e-bad?delete", "<Delete></Delete>");
    expect(code(noObjects.text)).toBe("MalformedXML");
    const entity = await raw("POST", "/e2e-bad?delete", '<!DOCTYPE d [<!ENTITY x "y">]><Delete><Object><Key>&x;</Key></Object></Delete>');
    expect(code(entity.text)).toBe("MalformedXML");
    const event = await raw("PUT", "/e2e-bad?notification", "<NotificationConfiguration><QueueConfiguration><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:Nope</Event></QueueConfiguration></NotificationConfiguration>");
    expect([event.status, code(event.text)]).toEqual([400, "InvalidArgument"]);
    const rule = await raw("PUT", "/e2e-bad?notification", "<NotificationConfiguration><QueueConfiguration><Filter><S3Key><FilterRule><Name>middle</Name><Value>x</Value></FilterRule></S3Key></Filter><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>");
    expect(code(rule.text)).toBe("InvalidArgument");
    expect((await s3.send(new GetBucketNotificationConfigurationCommand({ Bucket: "e2e-bad" }))).QueueConfigurations).toBeUndefined();
    const method = await raw("PATCH", "/e2e-bad/k");
    expect([method.status, code(method.text)]).toEqual([405, "MethodNotAllowed"]);
    const acl = await raw("GET", "/e2e-bad?acl");
    expect([acl.status, code(acl.text)]).toEqual([501, "NotImplemented"]);
    const range = await raw("GET", "/e2e-bad/none", "", { range: "bytes=0-1" });
    expect([range.status, code(range.text)]).toEqual([404, "NoSuchKey"]);
    const badUri = await raw("GET", "/e2e-bad/%E0%A4%A", "");
    // Not valid percent-encoding: refused (the signature cannot match a path that does not decode).
    expect([400, 403]).toContain(badUri.status);
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: "e2e-bad", Key: "m" }));
    const complete = await raw("POST", `/e2e-bad/m?uploadId=${UploadId}`, "<CompleteMultipartUpload><Part><PartNumber>x</PartNumber></Part></CompleteMultipartUpload>");
    expect(code(complete.text)).toBe("MalformedXML");
    const noParts = await raw("POST", `/e2e-bad/m?uploadId=${UploadId}`, "<CompleteMultipartUpload></CompleteMultipartUpload>");
    expect(code(noParts.text)).toBe("InvalidRequest");
    const wrongKey = await raw("PUT", `/e2e-bad/other?uploadId=${UploadId}&partNumber=1`, "x");
    expect(code(wrongKey.text)).toBe("NoSuchUpload");
    const part0 = await raw("PUT", `/e2e-bad/m?uploadId=${UploadId}&partNumber=0`, "x");
    expect(code(part0.text)).toBe("InvalidArgument");
    expect((await s3.send(new ListPartsCommand({ Bucket: "e2e-bad", Key: "m", UploadId }))).Parts).toBeUndefined();
    const wrongSecret = new S3Client({ endpoint: server.url, region: REGION, credentials: { accessKeyId: KEY, secretAccessKey: "wrong" }, forcePathStyle: true });
    expect(await s3Code(wrongSecret.send(new PutObjectCommand({ Bucket: "e2e-bad", Key: "k", Body: "x" })))).toEqual({ code: "SignatureDoesNotMatch", status: 403 });
    const unknownKey = new S3Client({ endpoint: server.url, region: REGION, credentials: { accessKeyId: "NOPE", secretAccessKey: "x" }, forcePathStyle: true });
    expect(await s3Code(unknownKey.send(new PutObjectCommand({ Bucket: "e2e-bad", Key: "k", Body: "x" })))).toEqual({ code: "InvalidAccessKeyId", status: 403 });
    wrongSecret.destroy();
    unknownKey.destroy();
    expect(await exists("e2e-bad", "k")).toBe(false);
  });

  it("answers bad listing, copy, part and bucket input with S3's errors", async () => {
    await s3.send(new CreateBucketCommand({ Bucket: "e2e-bad2" }));
    await s3.send(new PutObjectCommand({ Bucket: "e2e-bad2", Key: "o", Body: "0123456789" }));
    const cases: [string, string, string, number][] = [
      ["GET", "/e2e-bad2?list-type=2&max-keys=abc", "InvalidArgument", 400],
      ["GET", "/e2e-bad2?list-type=2&max-keys=-1", "InvalidArgument", 400],
      ["GET", "/e2e-bad2?list-type=2&encoding-type=base64", "InvalidArgument", 400],
      ["GET", "/e2e-missing-bucket?list-type=2", "NoSuchBucket", 404],
      ["GET", "/e2e-missing-bucket?uploads", "NoSuchBucket", 404],
      ["GET", "/e2e-missing-bucket?notification", "NoSuchBucket", 404],
      ["DELETE", "/e2e-missing-bucket", "NoSuchBucket", 404],
      ["GET", "/e2e-bad2/o?partNumber=0", "InvalidArgument", 400],
      ["GET", "/e2e-bad2/o?partNumber=2", "InvalidPartNumber", 416],
      ["GET", "/e2e-bad2/o?uploadId=nope", "NoSuchUpload", 404],
      ["DELETE", "/e2e-bad2/o?uploadId=nope", "NoSuchUpload", 404],
      ["POST", "/e2e-missing-bucket/o?uploads", "NoSuchBucket", 404],
    ];
    for (const [method, path, want, status] of cases) {
      const r = await raw(method, path);
      expect([path, r.status, code(r.text)]).toEqual([path, status, want]);
    }
    const both = await raw("GET", "/e2e-bad2/o?partNumber=1", "", { range: "bytes=0-1" });
    expect(code(both.text)).toBe("InvalidRequest");
    for (const source of ["nobucket", "/e2e-bad2/", "e2e-bad2/o?versionId=abc"]) {
      const r = await raw("PUT", "/e2e-bad2/copy", "", { "x-amz-copy-source": source });
      expect([source, code(r.text)]).toEqual([source, "InvalidArgument"]);
    }
    const directive = await raw("PUT", "/e2e-bad2/copy", "", { "x-amz-copy-source": "e2e-bad2/o", "x-amz-metadata-directive": "MERGE" });
    expect(code(directive.text)).toBe("InvalidArgument");
    const location = await raw("PUT", "/e2e-bad3", "<NotCreateBucketConfiguration/>");
    expect(code(location.text)).toBe("MalformedXML");
    expect(await s3Code(s3.send(new HeadBucketCommand({ Bucket: "e2e-bad3" })))).toEqual({ code: "NotFound", status: 404 });
    expect(await s3Code(s3.send(new CreateBucketCommand({ Bucket: "e2e-bad2", CreateBucketConfiguration: { LocationConstraint: "eu-west-1" } })))).toEqual({ code: "BucketAlreadyOwnedByYou", status: 409 });
    expect(await (await s3.send(new GetObjectCommand({ Bucket: "e2e-bad2", Key: "o" }))).Body!.transformToString()).toBe("0123456789");
    expect((await s3.send(new ListObjectsV2Command({ Bucket: "e2e-bad2" }))).KeyCount).toBe(1);
  });

  it("copies parts from existing objects (UploadPartCopy), whole and by range", async () => {
    const Bucket = "e2e-partcopy";
    await s3.send(new CreateBucketCommand({ Bucket }));
    const MiB = 1024 * 1024;
    const source = randomBytes(6 * MiB);
    const srcPut = await s3.send(new PutObjectCommand({ Bucket, Key: "src", Body: source }));
    const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket, Key: "assembled" }));
    const p1 = await s3.send(new UploadPartCopyCommand({ Bucket, Key: "assembled", UploadId, PartNumber: 1, CopySource: `${Bucket}/src` }));
    const p2 = await s3.send(new UploadPartCopyCommand({ Bucket, Key: "assembled", UploadId, PartNumber: 2, CopySource: `${Bucket}/src`, CopySourceRange: "bytes=100-199" }));
    expect(p2.CopyPartResult?.ETag).toBe(`"${createHash("md5").update(source.subarray(100, 200)).digest("hex")}"`);
    expect(await s3Code(s3.send(new UploadPartCopyCommand({ Bucket, Key: "assembled", UploadId, PartNumber: 3, CopySource: `${Bucket}/src`, CopySourceRange: `bytes=0-${6 * MiB}` })))).toEqual({ code: "InvalidArgument", status: 400 });
    await s3.send(new CompleteMultipartUploadCommand({ Bucket, Key: "assembled", UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.CopyPartResult!.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }] } }));
    const got = await s3.send(new GetObjectCommand({ Bucket, Key: "assembled" }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.concat([source, source.subarray(100, 200)]))).toBe(true);
    const notModified = await raw("GET", `/${Bucket}/src`, "", { "if-none-match": srcPut.ETag! });
    expect(notModified.status).toBe(304);
    expect(got.ETag).toMatch(/-2"$/);
  });
});
