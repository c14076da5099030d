/**
 * ListObjectsV2 and ListObjects: keys in UTF-8 byte order, filtered by prefix, with
 * keys that contain the delimiter after the prefix rolled up into *common prefixes*
 * (each counted once against max-keys), paged by continuation token (V2: an opaque
 * token naming the last key or prefix returned), start-after or marker (exclusive).
 */
import { requireBucket, type BucketDeps, type S3Context } from "./deps.js";
import { InvalidArgument } from "./errors.js";
import type { ObjectRecord } from "./types.js";

export interface ListInput {
  readonly Bucket: string;
  readonly prefix?: string;
  readonly delimiter?: string;
  /** Exclusive: listing starts after this key (start-after, marker, or a continuation token's). */
  readonly after?: string;
  /** Whether `after` was a rolled-up common prefix (everything under it is skipped). */
  readonly afterIsPrefix?: boolean;
  readonly maxKeys?: string;
}

export interface ListResult {
  readonly contents: ObjectRecord[];
  readonly commonPrefixes: string[];
  readonly truncated: boolean;
  /** The last key or common prefix returned, and which it was. */
  readonly last?: { value: string; prefix: boolean };
  readonly maxKeys: number;
}

const PAGE = 1000;

export function maxKeysOf(raw: string | undefined): number {
  if (raw === undefined || raw === "") return 1000;
  if (!/^-?\d+$/.test(raw)) throw new InvalidArgument("Provided max-keys not an integer or within integer range", "max-keys", raw);
  const n = Number(raw);
  if (n < 0) throw new InvalidArgument("Argument maxKeys must be an integer between 0 and 2147483647", "maxKeys", raw);
  return Math.min(n, 1000);
}

export async function listObjects(d: BucketDeps, i: ListInput, ctx: S3Context): Promise<ListResult> {
  const b = await requireBucket(d, i.Bucket, ctx);
  const maxKeys = maxKeysOf(i.maxKeys);
  const prefix = i.prefix ?? "";
  const delimiter = i.delimiter ?? "";
  const out: ListResult & { contents: ObjectRecord[]; commonPrefixes: string[] } = { contents: [], commonPrefixes: [], truncated: false, maxKeys };
  if (maxKeys === 0) return out;
  let after = i.after ?? "";
  let skip = i.afterIsPrefix ?? false;
  let last: { value: string; prefix: boolean } | undefined;
  let count = 0;
  for (;;) {
    const page = await d.store.listObjects({ bucket: b.name, prefix, after, skipPrefix: skip, limit: PAGE });
    if (!page?.length) break;
    let restart = false;
    for (const o of page) {
      if (count === maxKeys) return { ...out, truncated: true, ...(last ? { last } : {}) };
      const cut = delimiter ? o.key.indexOf(delimiter, prefix.length) : -1;
      if (cut >= 0) {
        const cp = o.key.slice(0, cut + delimiter.length);
        out.commonPrefixes.push(cp);
        last = { value: cp, prefix: true };
        count++;
        [after, skip, restart] = [cp, true, true];
        break;
      }
      out.contents.push(o);
      last = { value: o.key, prefix: false };
      count++;
      [after, skip] = [o.key, false];
    }
    if (!restart && page.length < PAGE) break;
  }
  return { ...out, ...(last ? { last } : {}) };
}

/** V2 continuation tokens: opaque to callers, the last key or prefix returned. */
export function encodeToken(last: { value: string; prefix: boolean }): string {
  return Buffer.from(JSON.stringify([last.value, last.prefix])).toString("base64url");
}

export function decodeToken(token: string): { value: string; prefix: boolean } {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(v) && typeof v[0] === "string" && typeof v[1] === "boolean") return { value: v[0], prefix: v[1] };
  } catch {
    // fall through to S3's error
  }
  throw new InvalidArgument("The continuation token provided is incorrect", "continuation-token", token);
}
