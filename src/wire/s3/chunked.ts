/**
 * The `aws-chunked` content encoding S3 clients stream uploads with:
 *
 *   <hex size>[;chunk-signature=<sig>]\r\n<bytes>\r\n … 0[;chunk-signature=<sig>]\r\n
 *   [<trailer name>:<value>\r\n …][x-amz-trailer-signature:<sig>\r\n]\r\n
 *
 * `decodeChunked` yields the payload bytes as they arrive (never a whole chunk held
 * beyond what the socket delivered), checks each chunk's signature when the payload
 * was signed (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: a chain of HMACs seeded by
 * the request's signature) and collects the trailers (the `x-amz-checksum-*` value).
 */
import { createHash, createHmac, timingSafeEqual, type Hash } from "node:crypto";
import { SignatureDoesNotMatch } from "../auth-errors.js";
import { S3Error } from "../../services/buckets/errors.js";

export interface ChunkSigning {
  readonly key: Buffer;
  readonly amzDate: string;
  readonly scope: string;
  /** The request's own signature, which seeds the chain. */
  readonly seed: string;
}

const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const MAX_LINE = 4096;

function malformed(): S3Error {
  return new S3Error("IncompleteBody", "The request body terminated unexpectedly");
}

/** Reads from an async byte source with a little lookahead: lines and exact-length runs. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Uint8Array>;
  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }
  private async more(): Promise<boolean> {
    const r = await this.it.next();
    if (r.done) return false;
    const next = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    this.buf = this.buf.length ? Buffer.concat([this.buf, next]) : next;
    return true;
  }
  /** A CRLF-terminated line without its CRLF; null at end of input. */
  async line(): Promise<string | null> {
    for (;;) {
      const i = this.buf.indexOf("\r\n");
      if (i >= 0) {
        const text = this.buf.subarray(0, i).toString("latin1");
        this.buf = this.buf.subarray(i + 2);
        return text;
      }
      if (this.buf.length > MAX_LINE) throw malformed();
      if (!(await this.more())) {
        if (!this.buf.length) return null;
        const text = this.buf.toString("latin1");
        this.buf = Buffer.alloc(0);
        return text;
      }
    }
  }
  /** Up to `n` bytes as they are available (at least one); throws at end of input. */
  async some(n: number): Promise<Buffer> {
    if (!this.buf.length && !(await this.more())) throw malformed();
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(out.length);
    return out;
  }
}

function hmacHex(key: Buffer, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("hex");
}

function sameSig(given: string, expected: string): boolean {
  const a = Buffer.from(given, "hex");
  const b = Buffer.from(expected, "hex");
  return a.length === b.length && a.length === 32 && timingSafeEqual(a, b);
}

function parseHeader(line: string): { size: number; signature?: string } {
  const [hex, ...ext] = line.split(";");
  if (!hex || !/^[0-9a-fA-F]{1,16}$/.test(hex.trim())) throw malformed();
  const sig = ext.map((e) => e.trim()).find((e) => e.startsWith("chunk-signature="));
  return { size: parseInt(hex, 16), ...(sig ? { signature: sig.slice("chunk-signature=".length) } : {}) };
}

export class ChunkedDecoder {
  /** Trailing headers (lower-case names), filled once the payload has been read. */
  readonly trailers = new Map<string, string>();
  private previous: string;

  constructor(
    private readonly source: AsyncIterable<Uint8Array>,
    private readonly signing: ChunkSigning | null,
  ) {
    this.previous = signing?.seed ?? "";
  }

  private checkChunk(signature: string | undefined, hash: Hash): void {
    if (!this.signing) return;
    const s = this.signing;
    const expected = hmacHex(s.key, ["AWS4-HMAC-SHA256-PAYLOAD", s.amzDate, s.scope, this.previous, EMPTY_SHA256, hash.digest("hex")].join("\n"));
    if (!signature || !sameSig(signature, expected)) throw new SignatureDoesNotMatch();
    this.previous = expected;
  }

  private checkTrailer(lines: readonly string[], signature: string | undefined): void {
    if (!this.signing || signature === undefined) return;
    const s = this.signing;
    const text = lines.map((l) => `${l}\n`).join("");
    const hash = createHash("sha256").update(text).digest("hex");
    const expected = hmacHex(s.key, ["AWS4-HMAC-SHA256-TRAILER", s.amzDate, s.scope, this.previous, hash].join("\n"));
    if (!sameSig(signature, expected)) throw new SignatureDoesNotMatch();
  }

  private async readTrailers(r: Reader): Promise<void> {
    const lines: string[] = [];
    let signature: string | undefined;
    for (let line = await r.line(); line; line = await r.line()) {
      const i = line.indexOf(":");
      if (i <= 0) throw malformed();
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      if (name === "x-amz-trailer-signature") signature = value;
      else {
        lines.push(`${name}:${value}`);
        this.trailers.set(name, value);
      }
    }
    this.checkTrailer(lines, signature);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    const r = new Reader(this.source);
    for (;;) {
      const line = await r.line();
      if (line === null) throw malformed();
      const { size, signature } = parseHeader(line);
      const hash = createHash("sha256");
      for (let left = size; left > 0; ) {
        const piece = await r.some(left);
        left -= piece.length;
        if (this.signing) hash.update(piece);
        yield piece;
      }
      this.checkChunk(signature, hash);
      if (size === 0) break;
      if ((await r.line()) !== "") throw malformed();
    }
    await this.readTrailers(r);
  }
}
