/** The aws-chunked decoder: AWS's documented signed-chunk example, trailers, tampering and truncation. */
import { createHash, createHmac } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ChunkedDecoder, type ChunkSigning } from "./chunked.js";

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

// From "Signature Calculations for the Authorization Header: Transferring Payload in Multiple Chunks" (Amazon S3 API reference).
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SIGNING: ChunkSigning = {
  key: hmac(hmac(hmac(hmac(`AWS4${SECRET}`, "20130524"), "us-east-1"), "s3"), "aws4_request"),
  amzDate: "20130524T000000Z",
  scope: "20130524/us-east-1/s3/aws4_request",
  seed: "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
};
const SIGS = [
  "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
  "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
  "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];

function signedBody(sigs = SIGS): Buffer {
  return Buffer.concat([
    Buffer.from(`10000;chunk-signature=${sigs[0]}\r\n`), Buffer.alloc(65536, "a"), Buffer.from("\r\n"),
    Buffer.from(`400;chunk-signature=${sigs[1]}\r\n`), Buffer.alloc(1024, "a"), Buffer.from("\r\n"),
    Buffer.from(`0;chunk-signature=${sigs[2]}\r\n\r\n`),
  ]);
}

/** Feeds a body in small pieces, as a socket would. */
function pieces(body: Buffer, size = 1000): Readable {
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return Readable.from(out);
}

async function decode(d: ChunkedDecoder): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of d) out.push(c);
  return Buffer.concat(out);
}

describe("ChunkedDecoder", () => {
  it("decodes and verifies AWS's signed example", async () => {
    const data = await decode(new ChunkedDecoder(pieces(signedBody(), 777), SIGNING));
    expect(data.equals(Buffer.alloc(66560, "a"))).toBe(true);
  });

  it("refuses a tampered chunk or signature", async () => {
    const body = signedBody();
    body[200] = "b".charCodeAt(0);
    await expect(decode(new ChunkedDecoder(pieces(body), SIGNING))).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
    await expect(decode(new ChunkedDecoder(pieces(signedBody([SIGS[0]!, SIGS[0]!, SIGS[2]!])), SIGNING))).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
    const unsigned = Buffer.from("5\r\nhello\r\n0\r\n\r\n");
    await expect(decode(new ChunkedDecoder(pieces(unsigned), SIGNING))).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
  });

  it("reads unsigned chunks with a checksum trailer", async () => {
    const body = Buffer.from("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n");
    const d = new ChunkedDecoder(pieces(body, 3), null);
    expect((await decode(d)).toString()).toBe("hello world");
    expect(d.trailers.get("x-amz-checksum-crc32")).toBe("DUoRhQ==");
  });

  it("verifies a signed trailer", async () => {
    const key = SIGNING.key;
    const chunkSig = (prev: string, hash: string) => hmac(key, ["AWS4-HMAC-SHA256-PAYLOAD", SIGNING.amzDate, SIGNING.scope, prev, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash].join("\n")).toString("hex");
    const sha = (s: string) => createHash("sha256").update(s).digest("hex");
    const s1 = chunkSig(SIGNING.seed, sha("hi"));
    const s0 = chunkSig(s1, sha(""));
    const trailer = "x-amz-checksum-crc32:2Nd7eg==\n";
    const good = hmac(key, ["AWS4-HMAC-SHA256-TRAILER", SIGNING.amzDate, SIGNING.scope, s0, sha(trailer)].join("\n")).toString("hex");
    const body = (sig: string) => Buffer.from(`2;chunk-signature=${s1}\r\nhi\r\n0;chunk-signature=${s0}\r\nx-amz-checksum-crc32:2Nd7eg==\r\nx-amz-trailer-signature:${sig}\r\n\r\n`);
    const d = new ChunkedDecoder(pieces(body(good), 5), SIGNING);
    expect((await decode(d)).toString()).toBe("hi");
    await expect(decode(new ChunkedDecoder(pieces(body(SIGS[0]!)), SIGNING))).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
  });

  it("refuses truncated and malformed bodies", async () => {
    for (const bad of ["5\r\nhel", "zz\r\nhello\r\n0\r\n\r\n", "5\r\nhelloXX0\r\n\r\n", "", "0\r\nnot a trailer\r\n\r\n"]) {
      await expect(decode(new ChunkedDecoder(pieces(Buffer.from(bad)), null)), bad).rejects.toMatchObject({ code: "IncompleteBody" });
    }
  });
});
