/** What the CBOR decoder and encoder share: the error, major types, tags and limits. */

export class CborError extends Error {
  override readonly name = "CborError";
}

export const MAX_DEPTH = 64;
export const BREAK = 0xff;
export const TWO_32 = 2 ** 32;
export const MAX_U64 = (1n << 64n) - 1n;
// Encoder buffer sizes, and the byte string size worth passing by reference instead of copying.
export const CHUNK_MIN = 1024;
export const CHUNK_MAX = 1 << 20;
export const BY_REFERENCE = 16 * 1024;

export const Major = {
  unsigned: 0,
  negative: 1,
  bytes: 2,
  text: 3,
  array: 4,
  map: 5,
  tag: 6,
  simple: 7,
} as const;

export const Tag = { dateString: 0, epoch: 1 } as const;

export const Simple = { false: 0xf4, true: 0xf5, null: 0xf6, float64: 0xfb } as const;
