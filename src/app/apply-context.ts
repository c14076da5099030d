/** What the parts of `applyApp` share: the platform, the caller, the owner tag and the result lists. */
import type { Platform } from "../platform.js";
import type { CallContext } from "../services/queues/types.js";

export const OWNER_TAG = "sluice:app";

export interface ApplyResult {
  readonly created: string[];
  readonly updated: string[];
  readonly deleted: string[];
}

export interface ApplyCtx {
  readonly p: Platform;
  readonly ctx: CallContext;
  readonly baseDir: string;
  readonly owner: string;
  readonly out: ApplyResult;
}

export const queueArn = (c: ApplyCtx, name: string): string => `arn:aws:sqs:${c.ctx.region}:${c.ctx.accountId}:${name}`;
export const functionArn = (c: ApplyCtx, name: string): string => `arn:aws:lambda:${c.ctx.region}:${c.ctx.accountId}:function:${name}`;
export const tableArn = (c: ApplyCtx, name: string): string => `arn:aws:dynamodb:${c.ctx.region}:${c.ctx.accountId}:table/${name}`;

/** A service error's AWS code, if `err` is one. */
export function errorCode(err: unknown): string | undefined {
  return typeof err === "object" && err !== null && "code" in err && typeof err.code === "string" ? err.code : undefined;
}
