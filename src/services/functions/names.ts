/**
 * Function names and ARNs. A FunctionName may be a name, "name:qualifier", a partial
 * ARN ("123456789012:function:name") or a full ARN; only $LATEST exists as a
 * qualifier here (versions and aliases are not supported yet).
 */
import type { CallContext } from "../queues/types.js";
import { InvalidParameterValueException, ResourceNotFoundException, validationError } from "./errors.js";

export const NAME_PATTERN =
  "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso(b?)))?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?";
const FULL = new RegExp(`^${NAME_PATTERN}$`);
const PLAIN = /^[a-zA-Z0-9_-]{1,64}$/;

export interface FunctionRef {
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly qualifier: string | null;
}

export function functionArn(ref: { account: string; region: string; name: string }, qualifier?: string | null): string {
  return `arn:aws:lambda:${ref.region}:${ref.account}:function:${ref.name}${qualifier ? `:${qualifier}` : ""}`;
}

export function parseFunctionName(value: unknown, ctx: CallContext, qualifier?: unknown): FunctionRef {
  if (typeof value !== "string" || !value) throw validationError(value ?? null, "functionName", "Member must not be null");
  if (value.length > 256 || !FULL.test(value)) {
    throw validationError(value, "functionName", `Member must satisfy regular expression pattern: ${NAME_PATTERN}`);
  }
  let account = ctx.accountId;
  let region = ctx.region;
  let rest = value;
  if (rest.startsWith("arn:")) {
    const parts = rest.split(":");
    region = parts[3] ?? region;
    account = parts[4] ?? account;
    rest = parts.slice(6).join(":");
  } else if (/^\d{12}:function:/.test(rest)) {
    account = rest.slice(0, 12);
    rest = rest.slice(22);
  }
  const [name = "", fromName] = rest.split(":");
  const q = typeof qualifier === "string" && qualifier ? qualifier : null;
  if (fromName && q && fromName !== q) {
    throw new InvalidParameterValueException("The derived qualifier from the function name does not match the specified qualifier.");
  }
  return { account, region, name, qualifier: fromName ?? q };
}

/** A name a new function may take: 1 to 64 letters, digits, hyphens and underscores. */
export function checkNewName(name: string): void {
  if (!PLAIN.test(name)) {
    throw validationError(name, "functionName", "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length less than or equal to 64");
  }
}

export function notFound(ref: FunctionRef): ResourceNotFoundException {
  return new ResourceNotFoundException(`Function not found: ${functionArn(ref, ref.qualifier)}`);
}
