/**
 * Receiving object bytes: the payload streams into a new blob while its digests are
 * computed, and is checked against everything the request declared — length,
 * Content-MD5, the signed SHA-256, an `x-amz-checksum-*` value (header or trailer) —
 * before the blob is committed. Nothing is held in memory beyond one chunk; a payload
 * past the size limit is cut off as soon as it crosses it. On any failure the blob is
 * discarded, so a rejected upload changes nothing.
 */
import type { BlobStore } from "./blobs.js";
import { Digests, type ChecksumAlgorithm } from "./checksums.js";
import { BadDigest, EntityTooLarge, IncompleteBody, InvalidDigest, XAmzContentSHA256Mismatch } from "./errors.js";
import type { Checksum } from "./types.js";

/** A payload as the wire layer hands it over: decoded bytes and what the request declared about them. */
export interface Payload {
  readonly source: AsyncIterable<Uint8Array>;
  /** Decoded length the request declared; null when unknown. */
  readonly length: number | null;
  /** Content-MD5 (base64). */
  readonly contentMd5?: string;
  /** The signed payload hash (hex) to check, when the request signed one. */
  readonly sha256?: string;
  readonly checksumAlgorithm?: ChecksumAlgorithm | null;
  /** The checksum value the request declared (base64); read after the bytes, as it may be a trailer. */
  readonly checksumValue?: () => string | undefined;
}

export interface Received {
  readonly blob: string;
  readonly size: number;
  readonly md5: Buffer;
  readonly checksum: Checksum | null;
}

function md5Of(contentMd5: string | undefined): Buffer | null {
  if (contentMd5 === undefined) return null;
  const raw = Buffer.from(contentMd5, "base64");
  if (raw.length !== 16 || raw.toString("base64") !== contentMd5.trim()) throw new InvalidDigest();
  return raw;
}

async function pump(p: Payload, digests: Digests, write: (c: Uint8Array) => Promise<void>, limit: number): Promise<number> {
  let size = 0;
  for await (const chunk of p.source) {
    size += chunk.length;
    if (size > limit) throw new EntityTooLarge(limit);
    digests.update(chunk);
    await write(chunk);
  }
  return size;
}

function verify(p: Payload, size: number, md5: Buffer | null, d: ReturnType<Digests["result"]>): void {
  if (p.length !== null && size !== p.length) throw new IncompleteBody();
  if (md5 && !md5.equals(d.md5)) throw new BadDigest();
  if (p.sha256 !== undefined && d.sha256 !== p.sha256) throw new XAmzContentSHA256Mismatch();
  const declared = p.checksumValue?.();
  if (d.checksum && declared !== undefined && declared !== d.checksum.value) {
    throw new BadDigest(`The ${d.checksum.algorithm} you specified did not match the calculated checksum.`);
  }
}

/** Streams a payload into a committed blob, or throws S3's error and leaves nothing behind. */
export async function receive(blobs: BlobStore, p: Payload, limit: number): Promise<Received> {
  if (p.length !== null && p.length > limit) throw new EntityTooLarge(limit);
  const md5 = md5Of(p.contentMd5);
  const digests = new Digests(p.sha256 !== undefined, p.checksumAlgorithm ?? null);
  const writer = await blobs.create();
  try {
    const size = await pump(p, digests, (c) => writer.write(c), limit);
    const d = digests.result();
    verify(p, size, md5, d);
    const blob = await writer.commit();
    return { blob, size, md5: d.md5, checksum: d.checksum };
  } catch (err) {
    await writer.abort();
    throw err;
  }
}
