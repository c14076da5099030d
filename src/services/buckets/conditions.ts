/**
 * Conditional requests and byte ranges, as S3 evaluates them (RFC 7232/7233):
 * If-Match beats If-Unmodified-Since (a matching ETag makes a later modification
 * irrelevant), If-None-Match beats If-Modified-Since; failures of the first pair are
 * 412 PreconditionFailed, of the second 304 Not Modified for reads. A range is
 * `bytes=a-b`, `bytes=a-` or `bytes=-n`; one S3 cannot parse is ignored (whole object),
 * one that starts past the end is 416 InvalidRange.
 */
import { InvalidRange, NotModified, PreconditionFailed } from "./errors.js";

export interface Conditions {
  readonly ifMatch?: string;
  readonly ifNoneMatch?: string;
  readonly ifModifiedSince?: string;
  readonly ifUnmodifiedSince?: string;
}

function etagList(header: string): string[] {
  return header.split(",").map((t) => t.trim().replace(/^W\//, "").replace(/^"|"$/g, ""));
}

function matches(header: string, etag: string): boolean {
  const tags = etagList(header);
  return tags.includes("*") || tags.includes(etag);
}

/** Seconds precision: HTTP dates carry no milliseconds. */
function secondsOf(ms: number): number {
  return Math.floor(ms / 1000);
}

function dateOf(header: string | undefined): number | null {
  if (!header) return null;
  const t = Date.parse(header);
  return Number.isNaN(t) ? null : secondsOf(t);
}

/** Throws PreconditionFailed or NotModified when the object does not meet the conditions. */
export function checkConditions(c: Conditions, etag: string, lastModified: number, read: boolean): void {
  const modified = secondsOf(lastModified);
  if (c.ifMatch !== undefined) {
    if (!matches(c.ifMatch, etag)) throw new PreconditionFailed("If-Match");
  } else {
    const since = dateOf(c.ifUnmodifiedSince);
    if (since !== null && modified > since) throw new PreconditionFailed("If-Unmodified-Since");
  }
  if (c.ifNoneMatch !== undefined) {
    if (matches(c.ifNoneMatch, etag)) {
      if (read) throw new NotModified(etag, lastModified);
      throw new PreconditionFailed("If-None-Match");
    }
  } else if (read) {
    const since = dateOf(c.ifModifiedSince);
    if (since !== null && modified <= since) throw new NotModified(etag, lastModified);
  }
}

export interface ByteRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

/** The range a `Range` header asks for within `size` bytes; null for the whole object. */
export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) return null;
  const [first, last] = [m[1] ?? "", m[2] ?? ""];
  if (first === "") {
    const n = Number(last);
    if (n === 0 || size === 0) throw new InvalidRange(size, header);
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? Math.max(start, size - 1) : Number(last);
  if (end < start) return null;
  if (start >= size) throw new InvalidRange(size, header);
  return { start, end: Math.min(end, size - 1) };
}
