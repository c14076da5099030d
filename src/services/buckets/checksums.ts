/**
 * Digests of an object's bytes as they stream past: MD5 always (the ETag), SHA-256
 * when the payload hash was signed, and the one `x-amz-checksum-*` algorithm the
 * request names (CRC32, CRC32C, CRC64NVME, SHA1, SHA256).
 */
import { createHash, type Hash } from "node:crypto";
import { Crc32, Crc32c, Crc64Nvme, type Crc } from "./crc.js";
import { InvalidRequest } from "./errors.js";

export const CHECKSUM_ALGORITHMS = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const;
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

export function isChecksumAlgorithm(name: string): name is ChecksumAlgorithm {
  return (CHECKSUM_ALGORITHMS as readonly string[]).includes(name);
}

/** The algorithm named by an `x-amz-checksum-<name>` header or trailer. */
export function algorithmOfHeader(header: string): ChecksumAlgorithm | null {
  const m = /^x-amz-checksum-([a-z0-9]+)$/.exec(header.toLowerCase());
  const name = m?.[1]?.toUpperCase();
  return name && isChecksumAlgorithm(name) ? name : null;
}

function hashCrc(h: Hash): Crc {
  return { update: (c) => void h.update(c), digest: () => h.digest() };
}

export function newChecksum(algorithm: ChecksumAlgorithm): Crc {
  switch (algorithm) {
    case "CRC32":
      return new Crc32();
    case "CRC32C":
      return new Crc32c();
    case "CRC64NVME":
      return new Crc64Nvme();
    case "SHA1":
      return hashCrc(createHash("sha1"));
    case "SHA256":
      return hashCrc(createHash("sha256"));
  }
}

export interface DigestResult {
  readonly md5: Buffer;
  readonly sha256: string | null;
  readonly checksum: { algorithm: ChecksumAlgorithm; value: string } | null;
}

export class Digests {
  private readonly md5 = createHash("md5");
  private readonly sha: Hash | null;
  private readonly sum: Crc | null;

  constructor(
    wantSha: boolean,
    private readonly algorithm: ChecksumAlgorithm | null,
  ) {
    this.sha = wantSha ? createHash("sha256") : null;
    this.sum = algorithm ? newChecksum(algorithm) : null;
  }

  update(chunk: Uint8Array): void {
    this.md5.update(chunk);
    this.sha?.update(chunk);
    this.sum?.update(chunk);
  }

  result(): DigestResult {
    return {
      md5: this.md5.digest(),
      sha256: this.sha ? this.sha.digest("hex") : null,
      checksum: this.sum && this.algorithm ? { algorithm: this.algorithm, value: this.sum.digest().toString("base64") } : null,
    };
  }
}

/** The checksum algorithm a request asks for: one `x-amz-checksum-*` header, a trailer, or the SDK's hint. */
export function requestedAlgorithm(headers: Readonly<Record<string, string>>): ChecksumAlgorithm | null {
  const named = Object.keys(headers).map(algorithmOfHeader).filter((a): a is ChecksumAlgorithm => a !== null);
  const trailer = headers["x-amz-trailer"];
  if (trailer) named.push(...trailer.split(",").map((t) => algorithmOfHeader(t.trim())).filter((a): a is ChecksumAlgorithm => a !== null));
  const unique = [...new Set(named)];
  if (unique.length > 1) throw new InvalidRequest("Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
  if (unique[0]) return unique[0];
  const hint = headers["x-amz-sdk-checksum-algorithm"]?.toUpperCase();
  if (!hint) return null;
  if (!isChecksumAlgorithm(hint)) throw new InvalidRequest("Value for x-amz-sdk-checksum-algorithm header is invalid.");
  return hint;
}
