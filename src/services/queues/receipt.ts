/**
 * Receipt handles: opaque tokens naming one receive of one message. A handle encodes
 * the queue, the message's seq and its receive count, with a check tag so that a
 * mangled handle is told apart from one that is merely out of date.
 */
import type { HandleRef } from "./store.js";

const VERSION = 1;
const SIZE = 1 + 4 + 8 + 4 + 4;
// The tag detects corruption, not forgery (callers are authenticated); it must be cheap,
// as every received message gets a handle, and stable across restarts.
const SEED = 0x811c9dc5;

export interface Receipt extends HandleRef {
  readonly queueId: number;
}

/** FNV-1a over the body, with the version folded in twice so a zeroed handle fails. */
function tag(body: Buffer): Buffer {
  let h = SEED ^ VERSION;
  for (const byte of body) h = Math.imul(h ^ byte, 0x01000193) >>> 0;
  const out = Buffer.alloc(4);
  out.writeUInt32BE((h ^ 0x5a17) >>> 0, 0);
  return out;
}

export function encodeReceipt(r: Receipt): string {
  const buf = Buffer.alloc(SIZE);
  buf.writeUInt8(VERSION, 0);
  buf.writeUInt32BE(r.queueId, 1);
  buf.writeBigUInt64BE(BigInt(r.seq), 5);
  buf.writeUInt32BE(r.receiveCount, 13);
  tag(buf.subarray(0, 17)).copy(buf, 17);
  return buf.toString("base64url");
}

/** The receipt a handle names, or null when the handle is not one Sluice issued. */
export function decodeReceipt(handle: string): Receipt | null {
  if (typeof handle !== "string" || handle.length !== Math.ceil((SIZE * 4) / 3) || !/^[A-Za-z0-9_-]+$/.test(handle)) {
    return null;
  }
  const buf = Buffer.from(handle, "base64url");
  if (buf.length !== SIZE || buf.readUInt8(0) !== VERSION) return null;
  if (!tag(buf.subarray(0, 17)).equals(buf.subarray(17))) return null;
  return {
    queueId: buf.readUInt32BE(1),
    seq: Number(buf.readBigUInt64BE(5)),
    receiveCount: buf.readUInt32BE(13),
  };
}
