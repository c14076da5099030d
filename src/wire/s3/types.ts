/** The S3 wire layer's request and response: bodies stream in both directions. */
import type { StreamingVerified } from "../sigv4.js";

export interface S3Request {
  readonly method: string;
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The request body as it arrives. */
  readonly body: AsyncIterable<Uint8Array>;
  readonly verified: StreamingVerified;
  readonly sourceIp: string;
  /** Host names whose subdomains name buckets (virtual-host style). */
  readonly hostBases: readonly string[];
}

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body?: string | Buffer;
  stream?: NodeJS.ReadableStream;
}
