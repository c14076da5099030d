/**
 * The CRCs S3's checksum headers use, incremental over chunks: CRC32 (zlib's, native),
 * CRC32C (Castagnoli, reflected polynomial 0x82F63B78) and CRC64NVME (reflected
 * polynomial 0x9A6C9329AC4BC9B5), the last two table-driven. Each digest is the CRC's
 * big-endian bytes, which S3 sends in base64.
 */
import { crc32 } from "node:zlib";

export interface Crc {
  update(chunk: Uint8Array): void;
  digest(): Buffer;
}

const CRC32C_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

/** The 64-bit table as two 32-bit halves, so the loop stays in small integers. */
const CRC64_TABLE = (() => {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let i = 0; i < 256; i++) {
    let h = 0;
    let l = i;
    for (let k = 0; k < 8; k++) {
      const odd = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (odd) {
        h = (h ^ polyHi) >>> 0;
        l = (l ^ polyLo) >>> 0;
      }
    }
    hi[i] = h;
    lo[i] = l;
  }
  return { hi, lo };
})();

function u32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(value >>> 0);
  return b;
}

export class Crc32 implements Crc {
  private value = 0;
  update(chunk: Uint8Array): void {
    this.value = crc32(chunk, this.value);
  }
  digest(): Buffer {
    return u32(this.value);
  }
}

export class Crc32c implements Crc {
  private value = 0xffffffff;
  update(chunk: Uint8Array): void {
    let c = this.value;
    for (let i = 0; i < chunk.length; i++) c = CRC32C_TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
    this.value = c;
  }
  digest(): Buffer {
    return u32(~this.value);
  }
}

export class Crc64Nvme implements Crc {
  private hi = 0xffffffff;
  private lo = 0xffffffff;
  update(chunk: Uint8Array): void {
    let h = this.hi;
    let l = this.lo;
    const { hi: th, lo: tl } = CRC64_TABLE;
    for (let i = 0; i < chunk.length; i++) {
      const idx = (l ^ chunk[i]!) & 0xff;
      const nl = (l >>> 8) | (h << 24);
      h = (h >>> 8) ^ th[idx]!;
      l = nl ^ tl[idx]!;
    }
    this.hi = h >>> 0;
    this.lo = l >>> 0;
  }
  digest(): Buffer {
    return Buffer.concat([u32(~this.hi), u32(~this.lo)]);
  }
}
