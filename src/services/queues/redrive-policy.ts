/**
 * RedrivePolicy (where a queue's failing messages go) and RedriveAllowPolicy (which
 * queues may send their failing messages here): parsing and validation with AWS's
 * reasons. Both are JSON maps stored in their canonical form.
 */
import { InvalidParameterValue } from "../../core/errors.js";
import { isPlainObject } from "../../core/validate.js";
import { parseQueueArn } from "./names.js";

export interface RedriveTarget {
  readonly deadLetterTargetArn: string;
  readonly maxReceiveCount: number;
}

export const RedrivePermission = { AllowAll: "allowAll", DenyAll: "denyAll", ByQueue: "byQueue" } as const;
export type RedrivePermission = (typeof RedrivePermission)[keyof typeof RedrivePermission];

export interface RedriveAllow {
  readonly redrivePermission: RedrivePermission;
  readonly sourceQueueArns?: readonly string[];
}

/** AWS's default maxReceiveCount is 10; its range 1 to 1000. */
export const MAX_RECEIVE_COUNT = 1000;
const MAX_SOURCE_ARNS = 10;

function redriveError(raw: string, reason: string): InvalidParameterValue {
  return new InvalidParameterValue(`Value ${raw} for parameter RedrivePolicy is invalid. Reason: ${reason}`);
}

function parseMap(raw: string, name: string, notMap: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (!isPlainObject(parsed)) throw new InvalidParameterValue(`Invalid value for the parameter ${name}. Reason: ${notMap}`);
  return parsed;
}

export function parseRedrivePolicy(raw: string): RedriveTarget {
  const map = parseMap(raw, "RedrivePolicy", "Redrive policy is not a valid JSON map.");
  for (const key of Object.keys(map)) {
    if (key !== "deadLetterTargetArn" && key !== "maxReceiveCount") {
      throw redriveError(raw, "Only following attributes are supported: [maxReceiveCount, deadLetterTargetArn].");
    }
  }
  if (map["deadLetterTargetArn"] === undefined) throw redriveError(raw, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.");
  if (map["maxReceiveCount"] === undefined) throw redriveError(raw, "Redrive policy does not contain mandatory attribute: maxReceiveCount.");
  const arn = map["deadLetterTargetArn"];
  if (typeof arn !== "string" || !parseQueueArn(arn)) throw redriveError(raw, "Invalid value for deadLetterTargetArn.");
  const count = map["maxReceiveCount"];
  const n = typeof count === "string" && /^\d+$/.test(count) ? Number(count) : count;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_RECEIVE_COUNT) {
    throw redriveError(raw, `Invalid value for maxReceiveCount: ${JSON.stringify(count)}, valid values are from 1 to 1000 both inclusive.`);
  }
  return { deadLetterTargetArn: arn, maxReceiveCount: n };
}

function allowError(raw: string, reason: string): InvalidParameterValue {
  return new InvalidParameterValue(
    `Value ${raw} for parameter RedriveAllowPolicy is invalid. Reason: Amazon SQS can't create the redrive allow policy. ${reason}`,
  );
}

export function parseRedriveAllowPolicy(raw: string): RedriveAllow {
  const map = parseMap(
    raw,
    "RedriveAllowPolicy",
    "Amazon SQS can't create the redrive allow policy, as it's in an unsupported format.",
  );
  const permission = map["redrivePermission"];
  const arns = map["sourceQueueArns"];
  if (permission !== "allowAll" && permission !== "denyAll" && permission !== "byQueue") {
    throw allowError(raw, "The redrivePermission must be one of allowAll, denyAll or byQueue.");
  }
  if (permission !== "byQueue") {
    if (arns !== undefined) throw allowError(raw, "To specify one or more source queue ARNs, you must set redrivePermission to byQueue.");
    return { redrivePermission: permission };
  }
  if (!Array.isArray(arns) || arns.length === 0) {
    throw allowError(raw, "When you specify the byQueue permission type, you must also specify one or more sourceQueueArns values.");
  }
  if (arns.length > MAX_SOURCE_ARNS) throw allowError(raw, "The maximum number of source queue ARNs you can specify is 10.");
  if (arns.some((a) => typeof a !== "string" || !parseQueueArn(a))) throw allowError(raw, "The source queue ARNs must be valid queue ARNs.");
  return { redrivePermission: permission, sourceQueueArns: arns as string[] };
}

/** Whether the dead-letter queue's allow policy lets `sourceArn` send its failures there. */
export function allowsSource(allow: RedriveAllow | null, sourceArn: string): boolean {
  if (!allow || allow.redrivePermission === "allowAll") return true;
  if (allow.redrivePermission === "denyAll") return false;
  const source = parseQueueArn(sourceArn);
  return (allow.sourceQueueArns ?? []).some((a) => {
    const p = parseQueueArn(a);
    return p?.account === source?.account && p?.name === source?.name;
  });
}
