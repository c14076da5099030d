/**
 * The 128-bit hash key space. A record's hash key is the MD5 of its partition key read
 * as an unsigned big-endian integer, or its ExplicitHashKey; the open shard whose
 * inclusive range holds it takes the record. Keys travel as decimal strings, as in
 * the Kinesis API.
 */
import { createHash } from "node:crypto";

export const MAX_HASH_KEY = (1n << 128n) - 1n;

export interface HashRange {
  readonly start: bigint;
  readonly end: bigint;
}

export function partitionKeyHash(partitionKey: string): bigint {
  return BigInt(`0x${createHash("md5").update(partitionKey, "utf8").digest("hex")}`);
}

/** A decimal hash key in [0, 2^128 - 1], or null when the text is not one. */
export function parseHashKey(text: string): bigint | null {
  if (!/^\d{1,39}$/.test(text)) return null;
  const value = BigInt(text);
  return value <= MAX_HASH_KEY ? value : null;
}

/** `count` adjacent ranges splitting `range` evenly; the last takes the remainder. */
export function uniformRanges(count: number, range: HashRange = { start: 0n, end: MAX_HASH_KEY }): HashRange[] {
  const width = range.end - range.start + 1n;
  const step = width / BigInt(count);
  return Array.from({ length: count }, (_, i) => {
    const start = range.start + step * BigInt(i);
    const end = i === count - 1 ? range.end : start + step - 1n;
    return { start, end };
  });
}

export function contains(range: HashRange, key: bigint): boolean {
  return key >= range.start && key <= range.end;
}
