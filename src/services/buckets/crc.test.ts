/** The CRCs against the catalogue's check values ("123456789") and chunking. */
import { describe, expect, it } from "vitest";
import { Digests, requestedAlgorithm } from "./checksums.js";
import { Crc32, Crc32c, Crc64Nvme, type Crc } from "./crc.js";

const CHECK = Buffer.from("123456789");

function hex(c: Crc, data: Buffer, split = 0): string {
  if (split) {
    c.update(data.subarray(0, split));
    c.update(data.subarray(split));
  } else c.update(data);
  return c.digest().toString("hex");
}

describe("CRCs", () => {
  it("match the check values", () => {
    expect(hex(new Crc32(), CHECK)).toBe("cbf43926");
    expect(hex(new Crc32c(), CHECK)).toBe("e3069283");
    expect(hex(new Crc64Nvme(), CHECK)).toBe("ae8b14860a799888");
  });
  it("are the same over chunks as in one piece", () => {
    expect(hex(new Crc32c(), CHECK, 4)).toBe("e3069283");
    expect(hex(new Crc64Nvme(), CHECK, 5)).toBe("ae8b14860a799888");
  });
  it("of nothing", () => {
    expect(hex(new Crc32(), Buffer.alloc(0))).toBe("00000000");
    expect(hex(new Crc32c(), Buffer.alloc(0))).toBe("00000000");
    expect(hex(new Crc64Nvme(), Buffer.alloc(0))).toBe("0000000000000000");
  });
  it("CRC32C of 32 zero bytes (RFC 3720 B.4)", () => {
    expect(hex(new Crc32c(), Buffer.alloc(32))).toBe("8a9136aa");
  });
});

describe("Digests", () => {
  it("computes MD5, SHA-256 and the named checksum in base64", () => {
    const d = new Digests(true, "CRC32");
    d.update(Buffer.from("hello"));
    const r = d.result();
    expect(r.md5.toString("hex")).toBe("5d41402abc4b2a76b9719d911017c592");
    expect(r.sha256).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    expect(r.checksum).toEqual({ algorithm: "CRC32", value: Buffer.from("3610a686", "hex").toString("base64") });
  });
  it("reads the algorithm from headers, trailers or the SDK hint, and refuses two", () => {
    expect(requestedAlgorithm({ "x-amz-checksum-crc32c": "x" })).toBe("CRC32C");
    expect(requestedAlgorithm({ "x-amz-trailer": "x-amz-checksum-crc64nvme" })).toBe("CRC64NVME");
    expect(requestedAlgorithm({ "x-amz-sdk-checksum-algorithm": "sha1" })).toBe("SHA1");
    expect(requestedAlgorithm({})).toBeNull();
    expect(() => requestedAlgorithm({ "x-amz-checksum-crc32": "a", "x-amz-checksum-sha1": "b" })).toThrow(/single/);
  });
});
