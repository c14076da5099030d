/**
 * Queue names, URLs and ARNs. A queue is named by (account, name); its URL is
 * `<baseUrl>/<account>/<name>` and its ARN `arn:aws:sqs:<region>:<account>:<name>`.
 */
import { InvalidParameterValue } from "../../core/errors.js";
import { missing } from "../../core/validate.js";
import { QueueDoesNotExist } from "./errors.js";
import type { CallContext } from "./types.js";

export const DEFAULT_ACCOUNT = "000000000000";
export const DEFAULT_REGION = "us-east-1";

const NAME = /^[A-Za-z0-9_-]{1,80}$/;

export interface QueueRef {
  readonly account: string;
  readonly name: string;
}

export function isFifoName(name: string): boolean {
  return name.endsWith(".fifo");
}

export function checkQueueName(name: string, fifo: boolean): void {
  if (fifo) {
    const stem = name.slice(0, -".fifo".length);
    if (!isFifoName(name) || name.length > 80 || !/^[A-Za-z0-9_-]+$/.test(stem)) {
      throw new InvalidParameterValue(
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length",
      );
    }
    return;
  }
  if (!NAME.test(name)) {
    throw new InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length");
  }
}

export function queueUrl(ctx: CallContext, ref: QueueRef): string {
  return `${ctx.baseUrl.replace(/\/+$/, "")}/${ref.account}/${ref.name}`;
}

export function queueArn(ctx: Pick<CallContext, "region">, ref: QueueRef): string {
  return `arn:aws:sqs:${ctx.region}:${ref.account}:${ref.name}`;
}

/**
 * The queue a QueueUrl names: its last two path segments, whatever the host (SDKs
 * may rewrite hosts). A bare name means the caller's own account.
 */
const parsedUrls = new Map<string, QueueRef>();

export function parseQueueUrl(url: unknown, ctx: CallContext): QueueRef {
  if (url === undefined || url === null) throw missing("QueueUrl");
  if (typeof url !== "string" || !url) throw new QueueDoesNotExist();
  if (!url.includes("/")) return { account: ctx.accountId, name: url };
  // Callers repeat the same few URLs on every call.
  const known = parsedUrls.get(url);
  if (known) return known;
  const ref = parseUrlPath(url);
  if (parsedUrls.size > 10_000) parsedUrls.clear();
  parsedUrls.set(url, ref);
  return ref;
}

function parseUrlPath(url: string): QueueRef {
  let path = url;
  if (/^[a-z]+:\/\//i.test(url)) {
    try {
      path = new URL(url).pathname;
    } catch {
      throw new QueueDoesNotExist();
    }
  }
  const parts = path.split("/").filter(Boolean);
  const name = parts.at(-1);
  const account = parts.at(-2);
  if (parts.length !== 2 || !name || !account || !/^\d{12}$/.test(account)) throw new QueueDoesNotExist();
  return { account, name: decodeURIComponent(name) };
}

export interface ParsedArn extends QueueRef {
  readonly region: string;
}

export function parseQueueArn(arn: unknown): ParsedArn | null {
  if (typeof arn !== "string") return null;
  const parts = arn.split(":");
  if (parts.length !== 6) return null;
  const [prefix, partition, service, region, account, name] = parts;
  if (prefix !== "arn" || !partition?.startsWith("aws") || service !== "sqs" || !region || !account || !name) return null;
  return { region, account, name };
}
