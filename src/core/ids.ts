/** Identifiers: AWS-style message and request ids, and short random tokens. */
import { randomBytes, randomUUID } from "node:crypto";

export function uuid(): string {
  return randomUUID();
}

/** A random url-safe token of `bytes` random bytes. @default 16 */
export function token(bytes = 16): string {
  return randomBytes(bytes).toString("base64url");
}

/** Request ids look like AWS's: a UUID. */
export function requestId(): string {
  return randomUUID();
}
