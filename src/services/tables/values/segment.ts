/**
 * Scan order and parallel scan segments. An item's segment hash is the first four bytes
 * of the MD5 of its encoded partition key, read big-endian as an unsigned 32-bit number.
 * Scans run in hash order, and segment i of n covers the contiguous hash range
 * [from, to) — so the n ranges split [0, 2^32) exactly, with no gaps or overlaps.
 */
import { createHash } from "node:crypto";

export const SEGMENT_SPACE = 2 ** 32;

/** The MD5 of an encoded partition key: its scan segment, and its change records' partition key. */
export function partitionHash(pk: Buffer): Buffer {
  return createHash("md5").update(pk).digest();
}

/** The unsigned 32-bit scan hash of an encoded partition key. */
export function segmentOf(pk: Buffer): number {
  return partitionHash(pk).readUInt32BE(0);
}

/** The hash range [from, to) of parallel scan segment `segment` of `total`. */
export function segmentRange(segment: number, total: number): { from: number; to: number } {
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`total segments must be a positive integer: ${total}`);
  if (!Number.isInteger(segment) || segment < 0 || segment >= total) throw new RangeError(`segment must be in [0, ${total}): ${segment}`);
  // BigInt keeps the boundaries exact for any segment count.
  const space = BigInt(SEGMENT_SPACE);
  const from = (BigInt(segment) * space) / BigInt(total);
  const to = (BigInt(segment + 1) * space) / BigInt(total);
  return { from: Number(from), to: Number(to) };
}
