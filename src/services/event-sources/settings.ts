/**
 * Mapping settings: defaults and limits per source kind, as Lambda documents them
 * (SQS: batch 1–10000, default 10, FIFO at most 10; a batch above 10 needs a batching
 * window; stream-only settings are refused for queues).
 */
import { InvalidParameterValueException, validationError } from "../functions/errors.js";
import { compileFilterCriteria } from "./filter.js";
import { SourceKind, type MappingSettings } from "./store.js";

type Raw = Record<string, unknown>;

function int(raw: Raw, name: keyof MappingSettings, min: number, max: number, member: string): number | undefined {
  const v = raw[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw validationError(v, member, "Member must be a whole number");
  if (v < min) throw validationError(v, member, `Member must have value greater than or equal to ${min}`);
  if (v > max) throw validationError(v, member, `Member must have value less than or equal to ${max}`);
  return v;
}

const STREAM_ONLY = ["StartingPosition", "StartingPositionTimestamp", "ParallelizationFactor", "BisectBatchOnFunctionError", "MaximumRetryAttempts", "MaximumRecordAgeInSeconds", "TumblingWindowInSeconds", "DestinationConfig"] as const;

function responseTypes(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 1 || v.some((t) => t !== "ReportBatchItemFailures")) {
    throw validationError(v, "functionResponseTypes", "Member must satisfy enum value set: [ReportBatchItemFailures]");
  }
  return v as string[];
}

function scaling(v: unknown): MappingSettings["ScalingConfig"] {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object") throw new InvalidParameterValueException("ScalingConfig must be an object.");
  const max = (v as Raw)["MaximumConcurrency"];
  if (max === undefined) return {};
  if (typeof max !== "number" || !Number.isInteger(max) || max < 2 || max > 1000) {
    throw validationError(max, "scalingConfig.maximumConcurrency", "Member must have value between 2 and 1000");
  }
  return { MaximumConcurrency: max };
}

/** Settings for a queue source, from `raw` (create) or `raw` over `base` (update). */
export function sqsSettings(raw: Raw, fifo: boolean, base?: MappingSettings): MappingSettings {
  for (const name of STREAM_ONLY) {
    if (raw[name] !== undefined) {
      throw new InvalidParameterValueException(name === "StartingPosition" ? "StartingPosition is not valid for SQS event sources." : `${name} is not valid for SQS event sources.`);
    }
  }
  const batch = int(raw, "BatchSize", 1, 10_000, "batchSize") ?? base?.BatchSize ?? 10;
  const window = int(raw, "MaximumBatchingWindowInSeconds", 0, 300, "maximumBatchingWindowInSeconds") ?? base?.MaximumBatchingWindowInSeconds ?? 0;
  if (fifo && batch > 10) throw new InvalidParameterValueException("Batch size must not exceed 10 for FIFO queues.");
  if (fifo && window > 0) throw new InvalidParameterValueException("Batching window is not supported for FIFO queues.");
  if (batch > 10 && window === 0) {
    throw new InvalidParameterValueException("Maximum batch window in seconds must be greater than 0 if maximum batch size is greater than 10");
  }
  const filter = raw["FilterCriteria"] !== undefined ? raw["FilterCriteria"] : base?.FilterCriteria;
  if (filter !== undefined && filter !== null) compileFilterCriteria(filter);
  const scalingConfig = raw["ScalingConfig"] !== undefined ? scaling(raw["ScalingConfig"]) : base?.ScalingConfig;
  return {
    BatchSize: batch,
    MaximumBatchingWindowInSeconds: window,
    FunctionResponseTypes: raw["FunctionResponseTypes"] !== undefined ? responseTypes(raw["FunctionResponseTypes"]) : (base?.FunctionResponseTypes ?? []),
    ...(filter ? { FilterCriteria: filter as MappingSettings["FilterCriteria"] & object } : {}),
    ...(scalingConfig && Object.keys(scalingConfig).length ? { ScalingConfig: scalingConfig } : {}),
  };
}

/** The kind of source an ARN names, or null if Sluice cannot map from it. */
export function sourceKind(arn: string): SourceKind | null {
  if (/^arn:aws[a-zA-Z-]*:sqs:[^:]+:[^:]+:[^:]+$/.test(arn)) return SourceKind.Sqs;
  if (/^arn:aws[a-zA-Z-]*:kinesis:/.test(arn)) return SourceKind.Kinesis;
  if (/^arn:aws[a-zA-Z-]*:dynamodb:.*\/stream\//.test(arn)) return SourceKind.DynamoDb;
  return null;
}
