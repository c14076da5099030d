/**
 * Uploading the CSV with @aws-sdk/lib-storage (multipart, parts in parallel), unless
 * the bucket already holds it (a resumed run): the object's size and its `rows`
 * metadata must match. Returns the object's ETag, which names the cleaner's job.
 */
import { HeadObjectCommand } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createReadStream, statSync } from "node:fs";
import { BUCKET, type Clients } from "./clients.js";

export async function uploadOnce(c: Clients, file: string, key: string, rows: number, onProgress: (sent: number, total: number) => void): Promise<{ etag: string; uploaded: boolean }> {
  const size = statSync(file).size;
  try {
    const head = await c.s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }));
    if (head.ContentLength === size && head.Metadata?.["rows"] === String(rows)) return { etag: (head.ETag ?? "").replace(/"/g, ""), uploaded: false };
  } catch (err) {
    if ((err as { name?: string }).name !== "NotFound" && (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw err;
  }
  const upload = new Upload({
    client: c.s3,
    params: { Bucket: BUCKET, Key: key, Body: createReadStream(file, { highWaterMark: 1 << 20 }), ContentType: "text/csv", Metadata: { rows: String(rows) } },
    partSize: 16 * 1024 * 1024,
    queueSize: 4,
  });
  upload.on("httpUploadProgress", (p) => onProgress(p.loaded ?? 0, size));
  const out = await upload.done();
  return { etag: (out.ETag ?? "").replace(/"/g, ""), uploaded: true };
}
