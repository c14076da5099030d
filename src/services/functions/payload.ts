/** Invoke payloads: size limits per invocation type, JSON checks, the client context. */
import { InvalidRequestContentException, RequestTooLargeException } from "./errors.js";
import { JsonText } from "./types.js";

/** Lambda's request limits: 6 MB synchronous, 1 MB asynchronous. */
export const MAX_SYNC_PAYLOAD = 6_291_456;
export const MAX_ASYNC_PAYLOAD = 1_048_576;
const MAX_CLIENT_CONTEXT = 3583;

export function eventPayload(raw: string | Uint8Array | JsonText | undefined, asynchronous: boolean): string {
  const trusted = raw instanceof JsonText;
  const text = raw === undefined ? "" : trusted ? raw.text : typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8");
  const size = Buffer.byteLength(text);
  const limit = asynchronous ? MAX_ASYNC_PAYLOAD : MAX_SYNC_PAYLOAD;
  if (size > limit) {
    throw new RequestTooLargeException(`Request must be smaller than ${limit} bytes for the InvokeFunction operation`);
  }
  if (trusted) return text;
  if (!text.trim()) return "{}";
  try {
    JSON.parse(text);
  } catch (err) {
    throw new InvalidRequestContentException(`Could not parse request body into json: ${err instanceof Error ? err.message : String(err)}`);
  }
  return text;
}

/** The decoded client context (base64 JSON, at most 3583 bytes), as JSON text. */
export function clientContext(value: unknown): string | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string" || value.length > MAX_CLIENT_CONTEXT) {
    throw new InvalidRequestContentException("Client context must be a base64-encoded JSON object of at most 3583 bytes.");
  }
  const json = Buffer.from(value, "base64").toString("utf8");
  try {
    JSON.parse(json);
  } catch {
    throw new InvalidRequestContentException("Client context must be a base64-encoded JSON object.");
  }
  return json;
}
