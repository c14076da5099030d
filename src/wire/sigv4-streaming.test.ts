/** S3's header-only verification: the declared payload hash is what is signed; the body is checked later. */
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { Credentials, verifySigV4Streaming } from "./sigv4.js";
import type { WireRequest } from "./types.js";

const creds = new Credentials([{ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", accountId: "123456789012" }]);
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);
const signer = new SignatureV4({ credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" }, region: "us-east-1", service: "s3", sha256: Hash.bind(null, "sha256"), uriEscapePath: false });

async function request(headers: Record<string, string>, presign = false): Promise<WireRequest> {
  const req = new HttpRequest({ method: "PUT", protocol: "http:", hostname: "127.0.0.1", port: 4566, path: "/bkt/a%20b", headers: { host: "127.0.0.1:4566", ...headers } });
  const s = presign ? await signer.presign(req, { signingDate: new Date(NOW), expiresIn: 60 }) : await signer.sign(req, { signingDate: new Date(NOW) });
  const query = Object.entries(s.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join("&");
  return { method: s.method, rawPath: s.path, rawQuery: query, headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v])), body: Buffer.alloc(0) };
}

describe("verifySigV4Streaming", () => {
  it("accepts a signed streaming mode and hands back what chunk signatures need", async () => {
    const req = await request({ "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" });
    const v = verifySigV4Streaming(req, creds, NOW);
    expect(v.caller).toMatchObject({ accountId: "123456789012", service: "s3", region: "us-east-1" });
    expect(v.payloadHash).toBe("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    expect(v.signing.scope).toBe("20261122/us-east-1/s3/aws4_request");
    expect(v.signing.seed).toBe(/Signature=([0-9a-f]{64})/.exec(req.headers["authorization"]!)![1]);
  });

  it("returns a declared SHA-256 for the body to be checked against", async () => {
    const hash = "a".repeat(64);
    expect(verifySigV4Streaming(await request({ "x-amz-content-sha256": hash }), creds, NOW).payloadHash).toBe(hash);
  });

  it("refuses a changed declared hash, a bogus mode, and a wrong secret", async () => {
    const req = await request({ "x-amz-content-sha256": "UNSIGNED-PAYLOAD" });
    expect(() => verifySigV4Streaming({ ...req, headers: { ...req.headers, "x-amz-content-sha256": "b".repeat(64) } }, creds, NOW)).toThrow(expect.objectContaining({ code: "SignatureDoesNotMatch" }));
    expect(() => verifySigV4Streaming({ ...req, headers: { ...req.headers, "x-amz-content-sha256": "nonsense" } }, creds, NOW)).toThrow(expect.objectContaining({ code: "XAmzContentSHA256Mismatch" }));
    const other = new Credentials([{ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "other", accountId: "123456789012" }]);
    expect(() => verifySigV4Streaming(req, other, NOW)).toThrow(expect.objectContaining({ code: "SignatureDoesNotMatch" }));
  });

  it("accepts presigned URLs signed over UNSIGNED-PAYLOAD or an empty body", async () => {
    const unsigned = await request({ "x-amz-content-sha256": "UNSIGNED-PAYLOAD" }, true);
    expect(verifySigV4Streaming(unsigned, creds, NOW).payloadHash).toBe("UNSIGNED-PAYLOAD");
    const empty = await request({}, true);
    expect(verifySigV4Streaming(empty, creds, NOW).payloadHash).toMatch(/^(UNSIGNED-PAYLOAD|e3b0c442[0-9a-f]{56})$/);
    expect(() => verifySigV4Streaming(empty, creds, NOW + 61_000)).toThrow(expect.objectContaining({ code: "RequestExpired" }));
  });
});
