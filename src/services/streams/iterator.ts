/**
 * Shard iterators: opaque tokens naming a stream (by id, so a re-created stream does not
 * accept old iterators), a shard, the counter to read next and when the token was made.
 * Kinesis iterators expire five minutes after they are issued.
 */
import { InvalidArgumentException } from "./errors.js";

export const ITERATOR_TTL_MS = 300_000;

export interface IteratorState {
  readonly streamId: number;
  readonly account: string;
  readonly stream: string;
  readonly shardIndex: number;
  readonly counter: number;
  readonly issuedAt: number;
}

const VERSION = "1";

export function encodeIterator(s: IteratorState): string {
  const text = [VERSION, s.streamId, s.shardIndex, s.counter, s.issuedAt, s.account, s.stream].join("|");
  return Buffer.from(text, "utf8").toString("base64");
}

function invalid(): InvalidArgumentException {
  return new InvalidArgumentException("Invalid ShardIterator.");
}

export function decodeIterator(token: string): IteratorState {
  if (token.length < 1 || token.length > 512 || !/^[A-Za-z0-9+/=]+$/.test(token)) throw invalid();
  const parts = Buffer.from(token, "base64").toString("utf8").split("|");
  if (parts.length !== 7 || parts[0] !== VERSION) throw invalid();
  const [streamId, shardIndex, counter, issuedAt] = parts.slice(1, 5).map(Number);
  const account = parts[5] ?? "";
  const stream = parts[6] ?? "";
  const ints = [streamId, shardIndex, counter, issuedAt];
  if (ints.some((n) => n === undefined || !Number.isSafeInteger(n) || n < 0)) throw invalid();
  return { streamId: streamId!, shardIndex: shardIndex!, counter: counter!, issuedAt: issuedAt!, account, stream };
}
