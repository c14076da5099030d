/**
 * The request bodies of Lambda's actions: the members Sluice reads and their kinds.
 * Members Lambda has but Sluice does not use (Layers, VpcConfig, KMSKeyArn…) are
 * accepted and ignored.
 */
import type { Schema } from "./input.js";

const ENVIRONMENT: Schema = { Variables: "map" };
const DESTINATION: Schema = { Destination: "string" };

export const CREATE_FUNCTION: Schema = {
  FunctionName: "string",
  Role: "string",
  Runtime: "string",
  Handler: "string",
  Code: { ZipFile: "blob", S3Bucket: "string", S3Key: "string", S3ObjectVersion: "string", ImageUri: "string" },
  Description: "string",
  Timeout: "integer",
  MemorySize: "integer",
  Environment: ENVIRONMENT,
  Publish: "boolean",
  PackageType: "string",
  Architectures: "array",
  Tags: "map",
  DeadLetterConfig: { TargetArn: "string" },
  TracingConfig: { Mode: "string" },
};

export const UPDATE_FUNCTION_CONFIGURATION: Schema = {
  Role: "string",
  Runtime: "string",
  Handler: "string",
  Description: "string",
  Timeout: "integer",
  MemorySize: "integer",
  Environment: ENVIRONMENT,
  RevisionId: "string",
  DeadLetterConfig: { TargetArn: "string" },
  TracingConfig: { Mode: "string" },
};

export const UPDATE_FUNCTION_CODE: Schema = {
  ZipFile: "blob",
  S3Bucket: "string",
  S3Key: "string",
  S3ObjectVersion: "string",
  ImageUri: "string",
  Publish: "boolean",
  DryRun: "boolean",
  RevisionId: "string",
  Architectures: "array",
};

export const PUT_CONCURRENCY: Schema = { ReservedConcurrentExecutions: "integer" };

export const EVENT_INVOKE_CONFIG: Schema = {
  MaximumRetryAttempts: "integer",
  MaximumEventAgeInSeconds: "integer",
  DestinationConfig: { OnSuccess: DESTINATION, OnFailure: DESTINATION },
};

/** Members Create and Update of a mapping share. */
const MAPPING: Schema = {
  FunctionName: "string",
  Enabled: "boolean",
  BatchSize: "integer",
  MaximumBatchingWindowInSeconds: "integer",
  FilterCriteria: { Filters: "array" },
  FunctionResponseTypes: "array",
  ScalingConfig: { MaximumConcurrency: "integer" },
  ParallelizationFactor: "integer",
  BisectBatchOnFunctionError: "boolean",
  MaximumRetryAttempts: "integer",
  MaximumRecordAgeInSeconds: "integer",
  TumblingWindowInSeconds: "integer",
  DestinationConfig: { OnSuccess: DESTINATION, OnFailure: DESTINATION },
};

export const CREATE_MAPPING: Schema = {
  ...MAPPING,
  EventSourceArn: "string",
  StartingPosition: "string",
  StartingPositionTimestamp: "number",
};

export const UPDATE_MAPPING: Schema = MAPPING;
