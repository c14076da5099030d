/**
 * Sequence numbers. Each shard counts its records; a shard made by resharding starts
 * counting above every number its stream has used, so children follow their parents.
 * The wire form is 56 decimal digits: "49", the counter in 30 digits and the shard's
 * index in 24, so numbers compare the same as text and as integers, and name their shard.
 */
export const SEQUENCE_DIGITS = 56;
const COUNTER_DIGITS = 30;
const SHARD_DIGITS = 24;

export function formatSequence(counter: number, shardIndex: number): string {
  return `49${String(counter).padStart(COUNTER_DIGITS, "0")}${String(shardIndex).padStart(SHARD_DIGITS, "0")}`;
}

export interface ParsedSequence {
  readonly counter: number;
  readonly shardIndex: number;
}

/** The counter and shard a sequence number names, or null if it is not one of ours. */
export function parseSequence(text: string): ParsedSequence | null {
  if (text.length !== SEQUENCE_DIGITS || !/^49\d+$/.test(text)) return null;
  const counter = Number(text.slice(2, 2 + COUNTER_DIGITS));
  const shardIndex = Number(text.slice(2 + COUNTER_DIGITS));
  if (!Number.isSafeInteger(counter) || !Number.isSafeInteger(shardIndex)) return null;
  return { counter, shardIndex };
}

export function shardId(index: number): string {
  return `shardId-${String(index).padStart(12, "0")}`;
}

/** The index a shard id names ("shardId-000000000003" or a bare "3"), or null. */
export function parseShardId(text: string): number | null {
  const m = /^(?:shardId-)?(\d{1,12})$/.exec(text);
  return m?.[1] === undefined ? null : Number(m[1]);
}

