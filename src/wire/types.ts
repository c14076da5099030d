/** The HTTP-agnostic request and response the wire layer works on. */

export interface WireRequest {
  readonly method: string;
  /** The path as sent, still percent-encoded, without the query string. */
  readonly rawPath: string;
  /** The query string as sent, without "?". */
  readonly rawQuery: string;
  /** Header names in lower case; repeated headers joined with ",". */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Who made a request, from its verified signature. */
export interface Caller {
  readonly accessKeyId: string;
  readonly accountId: string;
  /** Region from the credential scope. */
  readonly region: string;
  /** Service from the credential scope (e.g. "sqs"). */
  readonly service: string;
}
