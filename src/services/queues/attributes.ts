/**
 * Queue attributes: what can be set, AWS's ranges and defaults, validation with AWS's
 * codes and wording, and the compiled `QueueConfig` the service works from.
 */
import { InvalidParameterValue } from "../../core/errors.js";
import { InvalidAttributeName, InvalidAttributeValue } from "./errors.js";
import { parseRedriveAllowPolicy, parseRedrivePolicy, type RedriveAllow, type RedriveTarget } from "./redrive-policy.js";

type Spec =
  | { kind: "int"; min: number; max: number; default?: string }
  | { kind: "bool"; default?: string }
  | { kind: "enum"; values: readonly string[]; default: string }
  | { kind: "json" }
  | { kind: "string" };

/** Settable attributes. `fifoOnly` ones are unknown to standard queues. */
const SPECS: Record<string, Spec & { fifoOnly?: boolean }> = {
  DelaySeconds: { kind: "int", min: 0, max: 900, default: "0" },
  MaximumMessageSize: { kind: "int", min: 1024, max: 1_048_576, default: "1048576" },
  MessageRetentionPeriod: { kind: "int", min: 60, max: 1_209_600, default: "345600" },
  ReceiveMessageWaitTimeSeconds: { kind: "int", min: 0, max: 20, default: "0" },
  VisibilityTimeout: { kind: "int", min: 0, max: 43_200, default: "30" },
  RedrivePolicy: { kind: "json" },
  RedriveAllowPolicy: { kind: "json" },
  Policy: { kind: "json" },
  KmsMasterKeyId: { kind: "string" },
  KmsDataKeyReusePeriodSeconds: { kind: "int", min: 60, max: 86_400 },
  SqsManagedSseEnabled: { kind: "bool", default: "true" },
  FifoQueue: { kind: "bool", fifoOnly: true },
  ContentBasedDeduplication: { kind: "bool", default: "false", fifoOnly: true },
  DeduplicationScope: { kind: "enum", values: ["messageGroup", "queue"], default: "queue", fifoOnly: true },
  FifoThroughputLimit: { kind: "enum", values: ["perQueue", "perMessageGroupId"], default: "perQueue", fifoOnly: true },
};

export const READ_ONLY = [
  "ApproximateNumberOfMessages",
  "ApproximateNumberOfMessagesNotVisible",
  "ApproximateNumberOfMessagesDelayed",
  "CreatedTimestamp",
  "LastModifiedTimestamp",
  "QueueArn",
] as const;

export const ALL_ATTRIBUTE_NAMES: readonly string[] = ["All", ...READ_ONLY, ...Object.keys(SPECS)];

export interface QueueConfig {
  readonly fifo: boolean;
  readonly delaySeconds: number;
  readonly maximumMessageSize: number;
  readonly retentionSeconds: number;
  readonly receiveWaitSeconds: number;
  readonly visibilityTimeout: number;
  readonly redrive: RedriveTarget | null;
  readonly redriveAllow: RedriveAllow | null;
  readonly contentBasedDeduplication: boolean;
  readonly dedupByGroup: boolean;
}

function invalid(name: string): InvalidAttributeValue {
  return new InvalidAttributeValue(`Invalid value for the parameter ${name}.`);
}

function normalizeValue(name: string, spec: Spec, raw: unknown): string {
  if (typeof raw !== "string") throw invalid(name);
  const value = raw.trim();
  switch (spec.kind) {
    case "int": {
      if (!/^-?\d+$/.test(value)) throw invalid(name);
      const n = Number(value);
      if (n < spec.min || n > spec.max) throw invalid(name);
      return String(n);
    }
    case "bool":
      if (!/^(true|false)$/i.test(value)) throw invalid(name);
      return value.toLowerCase();
    case "enum":
      if (!spec.values.includes(value)) throw invalid(name);
      return value;
    case "json":
      return normalizeJson(name, raw);
    case "string":
      return raw;
  }
}

function normalizeJson(name: string, raw: string): string {
  if (raw === "") return "";
  if (name === "RedrivePolicy") return JSON.stringify(parseRedrivePolicy(raw));
  if (name === "RedriveAllowPolicy") return JSON.stringify(parseRedriveAllowPolicy(raw));
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== "object" || parsed === null) throw new Error("not an object");
  } catch {
    throw invalid(name);
  }
  if (Buffer.byteLength(raw) > 8192) throw invalid(name);
  return raw;
}

/**
 * Validates attributes given to CreateQueue or SetQueueAttributes and returns them
 * normalised (AWS's canonical strings). An empty JSON attribute means "remove".
 */
export function normalizeAttributes(input: Record<string, unknown>, fifo: boolean, creating: boolean): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(input)) {
    const spec = SPECS[name];
    if (!spec || (spec.fifoOnly && !fifo)) throw new InvalidAttributeName(`Unknown Attribute ${name}.`);
    const value = normalizeValue(name, spec, raw);
    if (name === "FifoQueue" && value !== "true" && !creating) {
      throw new InvalidAttributeValue("Invalid value for the parameter FifoQueue. Reason: Modifying queue type is not supported.");
    }
    out[name] = value;
  }
  if (out["KmsMasterKeyId"] && out["SqsManagedSseEnabled"] === "true") {
    throw new InvalidAttributeName(
      "You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.",
    );
  }
  return out;
}

/** Applies a normalised change to stored attributes ("" removes JSON attributes). */
export function mergeAttributes(stored: Readonly<Record<string, string>>, change: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...stored, ...change };
  for (const [name, value] of Object.entries(change)) if (value === "" && SPECS[name]?.kind === "json") delete out[name];
  if (change["KmsMasterKeyId"] && change["SqsManagedSseEnabled"] === undefined) out["SqsManagedSseEnabled"] = "false";
  if (change["SqsManagedSseEnabled"] === "true") delete out["KmsMasterKeyId"];
  if (out["KmsMasterKeyId"] && !out["KmsDataKeyReusePeriodSeconds"]) out["KmsDataKeyReusePeriodSeconds"] = "300";
  if (out["FifoThroughputLimit"] === "perMessageGroupId" && out["DeduplicationScope"] !== "messageGroup") {
    throw new InvalidParameterValue(
      "The perMessageGroupId value is allowed only when the value for DeduplicationScope is messageGroup",
    );
  }
  return out;
}

/** The attributes a new queue starts with: the defaults of its type, then the given ones. */
export function initialAttributes(fifo: boolean, given: Record<string, string>): Record<string, string> {
  const base: Record<string, string> = {};
  for (const [name, spec] of Object.entries(SPECS)) {
    if (spec.fifoOnly && !fifo) continue;
    if ("default" in spec && spec.default !== undefined) base[name] = spec.default;
  }
  if (fifo) base["FifoQueue"] = "true";
  return mergeAttributes(base, given);
}

function num(attrs: Readonly<Record<string, string>>, name: string): number {
  const spec = SPECS[name];
  const fallback = spec && "default" in spec ? spec.default : undefined;
  return Number(attrs[name] ?? fallback ?? 0);
}

export function compileConfig(fifo: boolean, attrs: Readonly<Record<string, string>>): QueueConfig {
  const redrive = attrs["RedrivePolicy"];
  const allow = attrs["RedriveAllowPolicy"];
  return {
    fifo,
    delaySeconds: num(attrs, "DelaySeconds"),
    maximumMessageSize: num(attrs, "MaximumMessageSize"),
    retentionSeconds: num(attrs, "MessageRetentionPeriod"),
    receiveWaitSeconds: num(attrs, "ReceiveMessageWaitTimeSeconds"),
    visibilityTimeout: num(attrs, "VisibilityTimeout"),
    redrive: redrive ? parseRedrivePolicy(redrive) : null,
    redriveAllow: allow ? parseRedriveAllowPolicy(allow) : null,
    contentBasedDeduplication: attrs["ContentBasedDeduplication"] === "true",
    dedupByGroup: attrs["DeduplicationScope"] === "messageGroup",
  };
}
