/** Reads a request body, refusing more than a limit before buffering it. */
import type { IncomingMessage } from "node:http";
import { RequestEntityTooLarge } from "../wire/auth-errors.js";

export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) throw new RequestEntityTooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new RequestEntityTooLarge(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
