/**
 * Mapping settings for stream sources (Kinesis streams and DynamoDB table streams), as
 * Lambda documents them: batch 1–10000 (default 100), batching window 0–300 s, a required
 * starting position (AT_TIMESTAMP for Kinesis only), ParallelizationFactor 1–10, bisect
 * on error, retries -1–10000
 * (-1: until the record expires), record age -1 or 60–604800 s, tumbling windows
 * 0–900 s, an on-failure destination queue, ReportBatchItemFailures and filters.
 */
import { InvalidParameterValueException, validationError } from "../functions/errors.js";
import { parseQueueArn } from "../queues/names.js";
import { compileFilterCriteria } from "./filter.js";
import { SourceKind, type MappingSettings } from "./store.js";

type Raw = Record<string, unknown>;

/** The stream a mapping reads: some settings depend on its kind. */
export interface StreamRef {
  readonly kind: typeof SourceKind.Kinesis | typeof SourceKind.DynamoDb;
  readonly arn: string;
}

function int(raw: Raw, name: string, min: number, max: number): number | undefined {
  const v = raw[name];
  if (v === undefined || v === null) return undefined;
  const member = name.charAt(0).toLowerCase() + name.slice(1);
  if (typeof v !== "number" || !Number.isInteger(v)) throw validationError(v, member, "Member must be a whole number");
  if (v < min) throw validationError(v, member, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw validationError(v, member, `Member must have value less than or equal to ${max}`);
  return v;
}

function bool(raw: Raw, name: string): boolean | undefined {
  const v = raw[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw new InvalidParameterValueException(`${name} must be a boolean.`);
  return v;
}

const POSITIONS = ["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"];

function position(raw: Raw, source: StreamRef, base?: MappingSettings): Pick<MappingSettings, "StartingPosition" | "StartingPositionTimestamp"> {
  if (base) {
    if (raw["StartingPosition"] !== undefined) throw new InvalidParameterValueException("StartingPosition cannot be updated.");
    return { StartingPosition: base.StartingPosition ?? "LATEST", ...(base.StartingPositionTimestamp !== undefined ? { StartingPositionTimestamp: base.StartingPositionTimestamp } : {}) };
  }
  const pos = raw["StartingPosition"];
  if (pos === undefined || pos === null) throw new InvalidParameterValueException("1 validation error detected: Value null at 'startingPosition' failed to satisfy constraint: Member must not be null");
  if (typeof pos !== "string" || !POSITIONS.includes(pos)) throw validationError(pos, "startingPosition", `Member must satisfy enum value set: [${POSITIONS.join(", ")}]`);
  // Lambda's wording; DynamoDB Streams has no timestamp iterators.
  if (pos === "AT_TIMESTAMP" && source.kind === SourceKind.DynamoDb) throw new InvalidParameterValueException(`Unsupported starting position for arn type: ${source.arn}`);
  const ts = raw["StartingPositionTimestamp"];
  if (pos !== "AT_TIMESTAMP") {
    if (ts !== undefined) throw new InvalidParameterValueException("StartingPositionTimestamp is only valid with StartingPosition AT_TIMESTAMP.");
    return { StartingPosition: pos };
  }
  const seconds = ts instanceof Date ? ts.getTime() / 1000 : ts;
  if (typeof seconds !== "number" || !Number.isFinite(seconds)) throw new InvalidParameterValueException("StartingPositionTimestamp is required with StartingPosition AT_TIMESTAMP.");
  return { StartingPosition: pos, StartingPositionTimestamp: seconds };
}

function destination(raw: Raw, base?: MappingSettings): MappingSettings["DestinationConfig"] {
  const v = raw["DestinationConfig"];
  if (v === undefined) return base?.DestinationConfig;
  if (v === null || typeof v !== "object") throw new InvalidParameterValueException("DestinationConfig must be an object.");
  const dest = ((v as Raw)["OnFailure"] as Raw | undefined)?.["Destination"];
  if (dest === undefined || dest === null || dest === "") return {};
  if (typeof dest !== "string" || !parseQueueArn(dest)) {
    throw new InvalidParameterValueException(`The destination ARN ${typeof dest === "string" ? dest : JSON.stringify(dest)} is invalid: Sluice sends stream failure records to SQS queues.`);
  }
  return { OnFailure: { Destination: dest } };
}

function pick<T>(raw: Raw, name: string, parsed: T | undefined, base: T | undefined, fallback: T): T {
  return raw[name] !== undefined ? (parsed as T) : (base ?? fallback);
}

/** Settings for a mapping from `source`, from `raw` (create) or `raw` over `base` (update). */
export function streamSettings(raw: Raw, source: StreamRef, base?: MappingSettings): MappingSettings {
  if (raw["ScalingConfig"] !== undefined) throw new InvalidParameterValueException("ScalingConfig is only valid for SQS event sources.");
  const age = int(raw, "MaximumRecordAgeInSeconds", -1, 604_800);
  if (age !== undefined && age !== -1 && age < 60) throw validationError(age, "maximumRecordAgeInSeconds", "Member must have value greater than or equal to 60");
  const types = raw["FunctionResponseTypes"];
  if (types !== undefined && (!Array.isArray(types) || types.length > 1 || types.some((t) => t !== "ReportBatchItemFailures"))) {
    throw validationError(types, "functionResponseTypes", "Member must satisfy enum value set: [ReportBatchItemFailures]");
  }
  const filter = raw["FilterCriteria"] !== undefined ? raw["FilterCriteria"] : base?.FilterCriteria;
  if (filter !== undefined && filter !== null) compileFilterCriteria(filter, { source: source.kind === SourceKind.DynamoDb ? "dynamodb" : "kinesis" });
  const dest = destination(raw, base);
  return {
    BatchSize: pick(raw, "BatchSize", int(raw, "BatchSize", 1, 10_000), base?.BatchSize, 100),
    MaximumBatchingWindowInSeconds: pick(raw, "MaximumBatchingWindowInSeconds", int(raw, "MaximumBatchingWindowInSeconds", 0, 300), base?.MaximumBatchingWindowInSeconds, 0),
    FunctionResponseTypes: pick(raw, "FunctionResponseTypes", types as string[] | undefined, base?.FunctionResponseTypes, []),
    ...position(raw, source, base),
    ParallelizationFactor: pick(raw, "ParallelizationFactor", int(raw, "ParallelizationFactor", 1, 10), base?.ParallelizationFactor, 1),
    BisectBatchOnFunctionError: pick(raw, "BisectBatchOnFunctionError", bool(raw, "BisectBatchOnFunctionError"), base?.BisectBatchOnFunctionError, false),
    MaximumRetryAttempts: pick(raw, "MaximumRetryAttempts", int(raw, "MaximumRetryAttempts", -1, 10_000), base?.MaximumRetryAttempts, -1),
    MaximumRecordAgeInSeconds: pick(raw, "MaximumRecordAgeInSeconds", age, base?.MaximumRecordAgeInSeconds, -1),
    TumblingWindowInSeconds: pick(raw, "TumblingWindowInSeconds", int(raw, "TumblingWindowInSeconds", 0, 900), base?.TumblingWindowInSeconds, 0),
    ...(filter ? { FilterCriteria: filter as MappingSettings["FilterCriteria"] & object } : {}),
    ...(dest ? { DestinationConfig: dest } : {}),
  };
}
