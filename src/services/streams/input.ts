/**
 * Reading Kinesis requests: members are checked against the constraints the Kinesis
 * model declares, failing with its ValidationException wording, and the stream is
 * found by StreamName or StreamARN.
 */
import type { CallContext } from "../queues/types.js";
import { constraint, InvalidArgumentException } from "./errors.js";

export type Input = Readonly<Record<string, unknown>>;

export const STREAM_NAME = /^[a-zA-Z0-9_.-]+$/;
const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):(\d{12}):stream\/([a-zA-Z0-9_.-]{1,128})$/;

function lower(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

interface StringRule {
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: RegExp;
}

export function optString(input: Input, member: string, rule: StringRule = {}): string | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new InvalidArgumentException(`${member} must be a string.`);
  const min = rule.min ?? 1;
  if (v.length < min) throw constraint(lower(member), v, `Member must have length greater than or equal to ${min}`);
  if (rule.max !== undefined && v.length > rule.max) {
    throw constraint(lower(member), v, `Member must have length less than or equal to ${rule.max}`);
  }
  if (rule.pattern && !rule.pattern.test(v)) {
    throw constraint(lower(member), v, `Member must satisfy regular expression pattern: ${rule.pattern.source.replace(/^\^|\$$/g, "")}`);
  }
  return v;
}

export function reqString(input: Input, member: string, rule: StringRule = {}): string {
  const v = optString(input, member, rule);
  if (v === undefined) throw constraint(lower(member), null, "Member must not be null");
  return v;
}

export function optInt(input: Input, member: string, min: number, max: number): number | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new InvalidArgumentException(`${member} must be an integer.`);
  if (v < min) throw constraint(lower(member), v, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw constraint(lower(member), v, `Member must have value less than or equal to ${max}`);
  return v;
}

export function reqInt(input: Input, member: string, min: number, max: number): number {
  const v = optInt(input, member, min, max);
  if (v === undefined) throw constraint(lower(member), null, "Member must not be null");
  return v;
}

/** A timestamp member: epoch seconds (JSON), a Date (CBOR), or an ISO string. */
export function optTime(input: Input, member: string): number | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (v instanceof Date && !Number.isNaN(v.getTime())) return v.getTime();
  if (typeof v === "number" && Number.isFinite(v)) return Math.round(v * 1000);
  if (typeof v === "string" && !Number.isNaN(Date.parse(v))) return Date.parse(v);
  throw new InvalidArgumentException(`${member} must be a timestamp.`);
}

export function optBlob(input: Input, member: string): Buffer | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  throw new InvalidArgumentException(`${member} must be a blob.`);
}

export function optBool(input: Input, member: string): boolean | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new InvalidArgumentException(`${member} must be a boolean.`);
  return v;
}

export function optObject(input: Input, member: string): Input | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new InvalidArgumentException(`${member} must be a structure.`);
  return v as Input;
}

export function optList(input: Input, member: string): unknown[] | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new InvalidArgumentException(`${member} must be a list.`);
  return v as unknown[];
}

export interface StreamRef {
  readonly account: string;
  readonly name: string;
}

/** The stream a request names by StreamName or StreamARN (they must agree when both are given). */
export function streamRef(input: Input, ctx: CallContext): StreamRef {
  const name = optString(input, "StreamName", { max: 128, pattern: STREAM_NAME });
  const arn = optString(input, "StreamARN", { max: 2048 });
  if (arn === undefined) {
    if (name === undefined) throw new InvalidArgumentException("Either StreamName or StreamARN should be provided.");
    return { account: ctx.accountId, name };
  }
  const m = STREAM_ARN.exec(arn);
  if (!m?.[2] || !m[3]) throw new InvalidArgumentException(`StreamARN ${arn} is not a valid Kinesis stream ARN.`);
  if (name !== undefined && name !== m[3]) {
    throw new InvalidArgumentException(`StreamName ${name} and StreamARN ${arn} do not name the same stream.`);
  }
  return { account: m[2], name: m[3] };
}

export function streamArn(ctx: CallContext, account: string, name: string): string {
  return `arn:aws:kinesis:${ctx.region}:${account}:stream/${name}`;
}
