/**
 * Verifies AWS Signature Version 4, in the Authorization-header form and the presigned
 * query-string form: the signer's key is known, the signature matches the canonical
 * request, the request time is within 15 minutes of ours (or a presigned URL has not
 * expired), and the body is the one that was signed.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import {
  ContentSha256Mismatch,
  IncompleteSignature,
  InvalidClientTokenId,
  MissingAuthenticationToken,
  RequestExpired,
  SignatureDoesNotMatch,
} from "./auth-errors.js";
import type { Caller, WireRequest } from "./types.js";

export interface Credential {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly accountId: string;
}

export interface CredentialStore {
  get(accessKeyId: string): Credential | undefined;
}

export class Credentials implements CredentialStore {
  private readonly byId = new Map<string, Credential>();
  constructor(list: readonly Credential[]) {
    for (const c of list) this.byId.set(c.accessKeyId, c);
  }
  get(accessKeyId: string): Credential | undefined {
    return this.byId.get(accessKeyId);
  }
  get size(): number {
    return this.byId.size;
  }
}

/** AWS's allowed difference between the request's time and ours. */
export const MAX_SKEW_MS = 15 * 60 * 1000;
const ALGORITHM = "AWS4-HMAC-SHA256";
const MAX_PRESIGN_SECONDS = 604_800;

interface Parsed {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly signedHeaders: string[];
  readonly signature: string;
  readonly amzDate: string;
  readonly presigned: boolean;
  readonly expiresSeconds?: number;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

/** RFC 3986 encoding, as SigV4 wants it. */
export function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

export function parseQuery(raw: string): [string, string][] {
  if (!raw) return [];
  return raw.split("&").filter(Boolean).map((pair) => {
    const i = pair.indexOf("=");
    return i < 0 ? [safeDecode(pair), ""] : [safeDecode(pair.slice(0, i)), safeDecode(pair.slice(i + 1))];
  });
}

function canonicalQuery(pairs: [string, string][]): string {
  return pairs
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
}

/** S3 signs the path encoded once; other services encode the already-encoded path again. */
function canonicalPaths(rawPath: string): string[] {
  const once = (rawPath || "/").split("/").map((s) => uriEncode(safeDecode(s))).join("/");
  const twice = once.split("/").map((s) => uriEncode(s)).join("/");
  return once === twice ? [once] : [once, twice];
}

function canonicalHeaders(req: WireRequest, names: string[]): string {
  return names.map((n) => `${n}:${(req.headers[n] ?? "").trim().replace(/\s+/g, " ")}\n`).join("");
}

function field(params: Map<string, string>, name: string): string {
  const v = params.get(name);
  if (!v) throw new IncompleteSignature(`Authorization header requires '${name}' parameter. Authorization=${ALGORITHM}`);
  return v;
}

function parseScope(credential: string): Pick<Parsed, "accessKeyId" | "date" | "region" | "service"> {
  const [accessKeyId, date, region, service, terminator] = credential.split("/");
  if (!accessKeyId || !date || !region || !service || terminator !== "aws4_request") {
    throw new IncompleteSignature(`Credential should be scoped to a valid region, not '${region ?? ""}'. `);
  }
  return { accessKeyId, date, region, service };
}

function fromHeader(req: WireRequest, auth: string): Parsed {
  const params = new Map<string, string>();
  for (const part of auth.slice(ALGORITHM.length).split(",")) {
    const i = part.indexOf("=");
    if (i > 0) params.set(part.slice(0, i).trim(), part.slice(i + 1).trim());
  }
  const amzDate = req.headers["x-amz-date"] ?? isoBasic(req.headers["date"]);
  if (!amzDate) throw new IncompleteSignature("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  return {
    ...parseScope(field(params, "Credential")),
    signedHeaders: field(params, "SignedHeaders").split(";"),
    signature: field(params, "Signature"),
    amzDate,
    presigned: false,
  };
}

function fromQuery(pairs: [string, string][]): Parsed {
  const q = new Map(pairs);
  if (q.get("X-Amz-Algorithm") !== ALGORITHM) throw new IncompleteSignature(`X-Amz-Algorithm only supports "${ALGORITHM}"`);
  const need = (name: string): string => {
    const v = q.get(name);
    if (!v) throw new IncompleteSignature(`AWS query-string parameters must include '${name}'.`);
    return v;
  };
  const expires = Number(need("X-Amz-Expires"));
  if (!Number.isInteger(expires) || expires < 1 || expires > MAX_PRESIGN_SECONDS) {
    throw new IncompleteSignature("X-Amz-Expires must be a whole number of seconds from 1 to 604800.");
  }
  return {
    ...parseScope(need("X-Amz-Credential")),
    signedHeaders: need("X-Amz-SignedHeaders").split(";"),
    signature: need("X-Amz-Signature"),
    amzDate: need("X-Amz-Date"),
    presigned: true,
    expiresSeconds: expires,
  };
}

function isoBasic(httpDate: string | undefined): string | undefined {
  if (!httpDate) return undefined;
  const t = Date.parse(httpDate);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new IncompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${text}'.`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}

function checkTime(p: Parsed, now: number): void {
  const t = parseAmzDate(p.amzDate);
  if (p.date !== p.amzDate.slice(0, 8)) {
    throw new SignatureDoesNotMatch(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${p.date}' != '${p.amzDate.slice(0, 8)}', from '${p.amzDate}'.`);
  }
  const fmt = (ms: number): string => new Date(ms).toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  if (p.presigned) {
    if (now > t + (p.expiresSeconds ?? 0) * 1000) throw new RequestExpired();
    if (t - now > MAX_SKEW_MS) throw new SignatureDoesNotMatch(`Signature not yet current: ${p.amzDate} is still later than ${fmt(now + MAX_SKEW_MS)} (${fmt(now)} + 15 min.)`);
    return;
  }
  if (now - t > MAX_SKEW_MS) throw new SignatureDoesNotMatch(`Signature expired: ${p.amzDate} is now earlier than ${fmt(now - MAX_SKEW_MS)} (${fmt(now)} - 15 min.)`);
  if (t - now > MAX_SKEW_MS) throw new SignatureDoesNotMatch(`Signature not yet current: ${p.amzDate} is still later than ${fmt(now + MAX_SKEW_MS)} (${fmt(now)} + 15 min.)`);
}

/** The payload hashes the signer may have used; presigned URLs for S3 sign none. */
function payloadHashes(req: WireRequest, p: Parsed): string[] {
  const declared = req.headers["x-amz-content-sha256"];
  const actual = sha256Hex(req.body);
  if (!declared) return p.presigned ? [actual, "UNSIGNED-PAYLOAD"] : [actual];
  if (declared === "UNSIGNED-PAYLOAD" && p.service === "s3") return [declared];
  if (declared !== actual) throw new ContentSha256Mismatch();
  return [actual];
}

const signingKeys = new Map<string, Buffer>();

/** The derived signing key (four HMACs) changes once a day per key, region and service: cache it. */
function signingKey(secret: string, p: Parsed): Buffer {
  const id = `${secret}\0${p.date}\0${p.region}\0${p.service}`;
  let key = signingKeys.get(id);
  if (!key) {
    key = hmac(hmac(hmac(hmac(`AWS4${secret}`, p.date), p.region), p.service), "aws4_request");
    if (signingKeys.size > 1000) signingKeys.clear();
    signingKeys.set(id, key);
  }
  return key;
}

/** The verified caller of a signed request; throws the AWS error otherwise. */
export function verifySigV4(req: WireRequest, store: CredentialStore, now: number): Caller {
  return verifyWith(req, store, now, (p) => payloadHashes(req, p)).caller;
}

/** A verified S3 request whose body has not been read yet, and what its payload must satisfy. */
export interface StreamingVerified {
  readonly caller: Caller;
  /**
   * The payload hash the signature covers: a SHA-256 (hex) the body must still match,
   * `UNSIGNED-PAYLOAD`, or a `STREAMING-…` mode whose chunks carry their own signatures.
   */
  readonly payloadHash: string;
  /** What chunk signatures are checked with (the chain starts at the request's signature). */
  readonly signing: { readonly key: Buffer; readonly amzDate: string; readonly scope: string; readonly seed: string };
}

const EMPTY_SHA256 = sha256Hex("");

/**
 * Verifies an S3 request from its headers alone, so its body can stream: the signature
 * covers the declared `x-amz-content-sha256`, and the caller checks the body against it
 * (or the chunk signatures) as it reads it.
 */
export function verifySigV4Streaming(req: WireRequest, store: CredentialStore, now: number): StreamingVerified {
  const declared = req.headers["x-amz-content-sha256"];
  if (declared !== undefined && !/^[0-9a-f]{64}$/.test(declared) && !declared.startsWith("STREAMING-") && declared !== "UNSIGNED-PAYLOAD") {
    throw new ContentSha256Mismatch("x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
  }
  // A presigned URL (as @aws-sdk/s3-request-presigner makes them) signs UNSIGNED-PAYLOAD, possibly named in the query.
  const presignedHash = parseQuery(req.rawQuery).find(([k]) => k === "X-Amz-Content-Sha256")?.[1];
  const v = verifyWith(req, store, now, (p) => {
    if (declared) return [declared];
    if (!p.presigned) return [EMPTY_SHA256];
    return presignedHash ? [presignedHash] : ["UNSIGNED-PAYLOAD", EMPTY_SHA256];
  });
  return { caller: v.caller, payloadHash: v.hash, signing: { key: v.key, amzDate: v.p.amzDate, scope: v.scope, seed: v.p.signature } };
}

interface Verified {
  readonly caller: Caller;
  readonly p: Parsed;
  readonly key: Buffer;
  readonly scope: string;
  readonly hash: string;
}

function verifyWith(req: WireRequest, store: CredentialStore, now: number, hashesOf: (p: Parsed) => string[]): Verified {
  const auth = req.headers["authorization"];
  const pairs = parseQuery(req.rawQuery);
  let p: Parsed;
  if (auth?.startsWith(`${ALGORITHM} `)) p = fromHeader(req, auth);
  else if (auth) throw new IncompleteSignature("Unsupported Authorization scheme; Sluice accepts AWS Signature Version 4 only.");
  else if (pairs.some(([k]) => k === "X-Amz-Signature")) p = fromQuery(pairs);
  else throw new MissingAuthenticationToken();
  // Over HTTP/2 the AWS SDK for JavaScript signs the host as the :authority pseudo-header.
  if (!p.signedHeaders.includes("host") && !p.signedHeaders.includes(":authority")) {
    throw new SignatureDoesNotMatch("'Host' must be a signed header.");
  }
  const cred = store.get(p.accessKeyId);
  if (!cred) throw new InvalidClientTokenId();
  checkTime(p, now);
  const query = canonicalQuery(p.presigned ? pairs.filter(([k]) => k !== "X-Amz-Signature") : pairs);
  const headers = canonicalHeaders(req, p.signedHeaders);
  const key = signingKey(cred.secretAccessKey, p);
  const scope = `${p.date}/${p.region}/${p.service}/aws4_request`;
  const given = Buffer.from(p.signature, "hex");
  for (const hash of hashesOf(p)) {
    for (const path of canonicalPaths(req.rawPath)) {
      const canonical = [req.method.toUpperCase(), path, query, headers, p.signedHeaders.join(";"), hash].join("\n");
      const toSign = [ALGORITHM, p.amzDate, scope, sha256Hex(canonical)].join("\n");
      const expected = createHmac("sha256", key).update(toSign, "utf8").digest();
      if (given.length === expected.length && timingSafeEqual(given, expected)) {
        const caller = { accessKeyId: cred.accessKeyId, accountId: cred.accountId, region: p.region, service: p.service };
        return { caller, p, key, scope, hash };
      }
    }
  }
  throw new SignatureDoesNotMatch();
}
