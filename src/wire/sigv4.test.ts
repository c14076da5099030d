import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { Credentials, verifySigV4 } from "./sigv4.js";
import type { WireRequest } from "./types.js";

const creds = new Credentials([{ accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", accountId: "123456789012" }]);
const NOW = Date.UTC(2026, 10, 22, 12, 0, 0);

function signer(secret = "secret", service = "sqs", region = "eu-west-1"): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: secret },
    region,
    service,
    sha256: Hash.bind(null, "sha256"),
  });
}

async function signed(opts: { body?: string; path?: string; query?: Record<string, string>; secret?: string; at?: number; service?: string } = {}): Promise<WireRequest> {
  const body = opts.body ?? '{"QueueName":"q"}';
  const req = new HttpRequest({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: 4566,
    path: opts.path ?? "/",
    query: opts.query ?? {},
    headers: { host: "127.0.0.1:4566", "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.CreateQueue" },
    body,
  });
  const s = await signer(opts.secret, opts.service).sign(req, { signingDate: new Date(opts.at ?? NOW) });
  const query = Object.entries(s.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join("&");
  return {
    method: s.method,
    rawPath: s.path,
    rawQuery: query,
    headers: Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: Buffer.from(body),
  };
}

describe("SigV4 verification", () => {
  it("accepts a request signed by the AWS SDK's signer, with the region and service of its scope", async () => {
    const caller = verifySigV4(await signed(), creds, NOW);
    expect(caller).toEqual({ accessKeyId: "AKIDEXAMPLE", accountId: "123456789012", region: "eu-west-1", service: "sqs" });
  });

  it("accepts paths and query strings that need encoding", async () => {
    const req = await signed({ path: "/123456789012/my queue", query: { Action: "SendMessage", MessageBody: "a b+c/ü" } });
    expect(verifySigV4(req, creds, NOW).accountId).toBe("123456789012");
  });

  it("rejects a wrong secret, an unknown key, a missing or foreign scheme", async () => {
    await expect(signed({ secret: "wrong" }).then((r) => verifySigV4(r, creds, NOW))).rejects.toMatchObject({ code: "SignatureDoesNotMatch" });
    const other = new Credentials([{ accessKeyId: "OTHER", secretAccessKey: "secret", accountId: "1" }]);
    expect(() => verifySigV4(req0, other, NOW)).toThrow(expect.objectContaining({ code: "InvalidClientTokenId" }) as Error);
    const bare = { ...req0, headers: { host: "x" } };
    expect(() => verifySigV4(bare, creds, NOW)).toThrow(expect.objectContaining({ code: "MissingAuthenticationToken" }) as Error);
    const v2 = { ...req0, headers: { ...req0.headers, authorization: "AWS AKIDEXAMPLE:abc" } };
    expect(() => verifySigV4(v2, creds, NOW)).toThrow(expect.objectContaining({ code: "IncompleteSignature" }) as Error);
  });

  it("rejects a tampered body, header or signature", async () => {
    const req = await signed();
    // The SDK declares the body's hash, so a changed body fails that check first.
    expect(() => verifySigV4({ ...req, body: Buffer.from('{"QueueName":"x"}') }, creds, NOW)).toThrow(
      expect.objectContaining({ code: "XAmzContentSHA256Mismatch" }) as Error,
    );
    const undeclared = Object.fromEntries(Object.entries(req.headers).filter(([k]) => k !== "x-amz-content-sha256"));
    expect(() => verifySigV4({ ...req, headers: undeclared, body: Buffer.from('{"QueueName":"x"}') }, creds, NOW)).toThrow(
      expect.objectContaining({ code: "SignatureDoesNotMatch" }) as Error,
    );
    const headers = { ...req.headers, "x-amz-target": "AmazonSQS.DeleteQueue" };
    expect(() => verifySigV4({ ...req, headers }, creds, NOW)).toThrow(expect.objectContaining({ code: "SignatureDoesNotMatch" }) as Error);
    const auth = req.headers["authorization"]!.replace(/Signature=([0-9a-f])/, (_, c: string) => `Signature=${c === "0" ? "1" : "0"}`);
    expect(() => verifySigV4({ ...req, headers: { ...req.headers, authorization: auth } }, creds, NOW)).toThrow(
      expect.objectContaining({ code: "SignatureDoesNotMatch" }) as Error,
    );
    const garbled = req.headers["authorization"]!.replace(/Credential=[^,]+,/, "");
    expect(() => verifySigV4({ ...req, headers: { ...req.headers, authorization: garbled } }, creds, NOW)).toThrow(
      expect.objectContaining({ code: "IncompleteSignature" }) as Error,
    );
  });

  it("checks a declared payload hash against the body", async () => {
    const req = await signed();
    const headers = { ...req.headers, "x-amz-content-sha256": "0".repeat(64) };
    expect(() => verifySigV4({ ...req, headers }, creds, NOW)).toThrow(expect.objectContaining({ code: "XAmzContentSHA256Mismatch" }) as Error);
  });

  it("allows 15 minutes of clock skew and no more", async () => {
    const req = await signed();
    expect(verifySigV4(req, creds, NOW + 15 * 60_000).accountId).toBe("123456789012");
    expect(() => verifySigV4(req, creds, NOW + 15 * 60_000 + 1000)).toThrow(
      expect.objectContaining({ code: "SignatureDoesNotMatch", message: expect.stringMatching(/^Signature expired: 20261122T120000Z is now earlier than/) as string }) as Error,
    );
    expect(() => verifySigV4(req, creds, NOW - 16 * 60_000)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^Signature not yet current/) as string }) as Error,
    );
  });

  it("verifies presigned URLs until they expire", async () => {
    const req = new HttpRequest({
      method: "GET",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 4566,
      path: "/123456789012/q",
      query: { Action: "ReceiveMessage" },
      headers: { host: "127.0.0.1:4566" },
    });
    const p = await signer().presign(req, { signingDate: new Date(NOW), expiresIn: 60 });
    const rawQuery = Object.entries(p.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join("&");
    const wire: WireRequest = { method: "GET", rawPath: p.path, rawQuery, headers: { host: "127.0.0.1:4566" }, body: Buffer.alloc(0) };
    expect(verifySigV4(wire, creds, NOW + 59_000).region).toBe("eu-west-1");
    expect(() => verifySigV4(wire, creds, NOW + 61_000)).toThrow(expect.objectContaining({ code: "RequestExpired" }) as Error);
    const tampered = { ...wire, rawQuery: rawQuery.replace("ReceiveMessage", "PurgeQueue") };
    expect(() => verifySigV4(tampered, creds, NOW)).toThrow(expect.objectContaining({ code: "SignatureDoesNotMatch" }) as Error);
  });
});

let req0: WireRequest;
await signed().then((r) => (req0 = r));
