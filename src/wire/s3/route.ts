/**
 * Which bucket and key an S3 request names. Virtual-host style puts the bucket in the
 * host (`<bucket>.localhost:4566`, `<bucket>.s3.localhost…`, `<bucket>.<configured
 * host>`) and the key in the whole path; path style is `/<bucket>/<key>`. The key is
 * the percent-decoded rest of the path, exactly (slashes, dots, "..", all kept): it is
 * data and never touches the filesystem.
 */
import { InvalidURI } from "../../services/buckets/errors.js";

export interface S3Address {
  readonly bucket?: string;
  readonly key?: string;
}

const DEFAULT_BASES = ["s3.localhost.localstack.cloud", "localhost.localstack.cloud", "s3.localhost", "localhost"];

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new InvalidURI();
  }
}

/** The bucket a Host header names, if it is `<bucket>.<base>` for a known base. */
export function hostBucket(host: string | undefined, bases: readonly string[]): string | undefined {
  if (!host) return undefined;
  const name = host.replace(/:\d+$/, "").toLowerCase();
  const all = [...bases, ...DEFAULT_BASES];
  // The endpoint's own host (s3.localhost, say) names no bucket.
  if (all.includes(name)) return undefined;
  for (const base of all.sort((a, b) => b.length - a.length)) {
    if (name.length > base.length + 1 && name.endsWith(`.${base}`)) return name.slice(0, -base.length - 1);
  }
  return undefined;
}

export function s3Address(rawPath: string, host: string | undefined, bases: readonly string[]): S3Address {
  const vhost = hostBucket(host, bases);
  const path = rawPath.startsWith("/") ? rawPath.slice(1) : rawPath;
  if (vhost) return path ? { bucket: vhost, key: decode(path) } : { bucket: vhost };
  if (!path) return {};
  const slash = path.indexOf("/");
  if (slash < 0) return { bucket: decode(path) };
  const key = path.slice(slash + 1);
  return key ? { bucket: decode(path.slice(0, slash)), key: decode(key) } : { bucket: decode(path.slice(0, slash)) };
}

/** Whether a signed request was signed for S3 (its credential scope names the service). */
export function signedForS3(headers: Readonly<Record<string, string | string[] | undefined>>, rawQuery: string): boolean {
  const auth = headers["authorization"];
  if (typeof auth === "string") return /Credential=[^/,\s]+\/\d{8}\/[^/]+\/s3\/aws4_request/.test(auth);
  return /(?:^|&)X-Amz-Credential=[^&]*(?:%2F|\/)s3(?:%2F|\/)aws4_request/i.test(rawQuery);
}
