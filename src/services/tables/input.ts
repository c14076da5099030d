/**
 * Reading DynamoDB requests: members are checked against the constraints the DynamoDB
 * model declares, failing with its ValidationException wording.
 */
import { constraint, ValidationException } from "./errors.js";
import { emptyRecord } from "./values/attr.js";

export type Input = Readonly<Record<string, unknown>>;
export type Output = Record<string, unknown>;

export const TABLE_NAME = /^[a-zA-Z0-9_.-]+$/;

function lower(member: string): string {
  return member.charAt(0).toLowerCase() + member.slice(1);
}

export function optString(input: Input, member: string, rule: { min?: number; max?: number; pattern?: RegExp } = {}): string | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw new ValidationException(`${member} must be a string.`);
  const min = rule.min ?? 1;
  if (v.length < min) throw constraint(lower(member), v, `Member must have length greater than or equal to ${min}`);
  if (rule.max !== undefined && v.length > rule.max) throw constraint(lower(member), v, `Member must have length less than or equal to ${rule.max}`);
  if (rule.pattern && !rule.pattern.test(v)) {
    throw constraint(lower(member), v, `Member must satisfy regular expression pattern: ${rule.pattern.source.replace(/^\^|\$$/g, "")}`);
  }
  return v;
}

export function reqString(input: Input, member: string, rule: { min?: number; max?: number; pattern?: RegExp } = {}): string {
  const v = optString(input, member, rule);
  if (v === undefined) throw constraint(lower(member), null, "Member must not be null");
  return v;
}

/** A TableName member: 3 to 255 of [a-zA-Z0-9_.-], or (where allowed) the table's ARN. */
export function tableName(input: Input, member = "TableName"): string {
  const v = reqString(input, member, { min: 1, max: 1024 });
  const arn = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table\/([a-zA-Z0-9_.-]{3,255})$/.exec(v);
  if (arn?.[1]) return arn[1];
  if (v.length < 3) throw constraint(lower(member), v, "Member must have length greater than or equal to 3");
  if (v.length > 255) throw constraint(lower(member), v, "Member must have length less than or equal to 255");
  if (!TABLE_NAME.test(v)) throw constraint(lower(member), v, "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+");
  return v;
}

export function optInt(input: Input, member: string, min: number, max: number): number | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw new ValidationException(`${member} must be an integer.`);
  if (v < min) throw constraint(lower(member), v, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw constraint(lower(member), v, `Member must have value less than or equal to ${max}`);
  return v;
}

export function optBool(input: Input, member: string): boolean | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new ValidationException(`${member} must be a boolean.`);
  return v;
}

export function optObject(input: Input, member: string): Input | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new ValidationException(`${member} must be a structure.`);
  return v as Input;
}

export function optList(input: Input, member: string): unknown[] | undefined {
  const v = input[member];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw new ValidationException(`${member} must be a list.`);
  return v as unknown[];
}

export function reqList(input: Input, member: string): unknown[] {
  const v = optList(input, member);
  if (v === undefined) throw constraint(lower(member), null, "Member must not be null");
  return v;
}

/** A member that must be one of `values`. */
export function optChoice<T extends string>(input: Input, member: string, values: readonly T[]): T | undefined {
  const v = optString(input, member);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    throw constraint(lower(member), v, `Member must satisfy enum value set: [${values.join(", ")}]`);
  }
  return v as T;
}

/** A string-keyed map member (ExpressionAttributeNames, ExpressionAttributeValues). */
export function optMap(input: Input, member: string): Record<string, unknown> | undefined {
  const v = optObject(input, member);
  if (v === undefined) return undefined;
  const out = emptyRecord<unknown>();
  for (const [k, x] of Object.entries(v)) out[k] = x;
  return out;
}
