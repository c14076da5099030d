/**
 * The function API's shapes: Lambda's own member names (FunctionConfiguration,
 * CreateFunction's request, Invoke's request and response…), so SDK users read the
 * same here and the wire layer passes shapes through.
 */

export interface EnvironmentShape {
  Variables?: Record<string, string>;
}

export interface DestinationConfig {
  OnSuccess?: { Destination?: string };
  OnFailure?: { Destination?: string };
}

export interface CreateFunctionInput {
  FunctionName: string;
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Code: { ZipFile?: Uint8Array; S3Bucket?: string; S3Key?: string; ImageUri?: string };
  Description?: string;
  /** 1 to 900 seconds. @default 3 */
  Timeout?: number;
  /** 128 to 10240 MB. @default 128 */
  MemorySize?: number;
  Environment?: EnvironmentShape;
  Publish?: boolean;
  PackageType?: string;
  Architectures?: string[];
  Tags?: Record<string, string>;
  DeadLetterConfig?: { TargetArn?: string };
  TracingConfig?: { Mode?: string };
}

export interface UpdateFunctionConfigurationInput {
  FunctionName: string;
  Role?: string;
  Runtime?: string;
  Handler?: string;
  Description?: string;
  Timeout?: number;
  MemorySize?: number;
  Environment?: EnvironmentShape;
  RevisionId?: string;
  DeadLetterConfig?: { TargetArn?: string };
  TracingConfig?: { Mode?: string };
}

export interface UpdateFunctionCodeInput {
  FunctionName: string;
  ZipFile?: Uint8Array;
  S3Bucket?: string;
  S3Key?: string;
  ImageUri?: string;
  Publish?: boolean;
  DryRun?: boolean;
  RevisionId?: string;
}

export interface FunctionConfiguration {
  FunctionName: string;
  FunctionArn: string;
  Runtime: string;
  Role: string;
  Handler: string;
  CodeSize: number;
  CodeSha256: string;
  Description: string;
  Timeout: number;
  MemorySize: number;
  LastModified: string;
  Version: string;
  RevisionId: string;
  PackageType: "Zip";
  Architectures: string[];
  EphemeralStorage: { Size: number };
  TracingConfig: { Mode: string };
  LoggingConfig: { LogFormat: string; LogGroup: string };
  SnapStart: { ApplyOn: string; OptimizationStatus: string };
  Environment?: { Variables: Record<string, string> };
  DeadLetterConfig?: { TargetArn: string };
  State?: string;
  StateReason?: string;
  StateReasonCode?: string;
  LastUpdateStatus?: string;
}

export interface GetFunctionOutput {
  Configuration: FunctionConfiguration;
  Code: { RepositoryType: string; Location?: string };
  Tags?: Record<string, string>;
  Concurrency?: { ReservedConcurrentExecutions: number };
}

export const InvocationType = { RequestResponse: "RequestResponse", Event: "Event", DryRun: "DryRun" } as const;
export type InvocationType = (typeof InvocationType)[keyof typeof InvocationType];

export interface InvokeInput {
  FunctionName: string;
  /** @default "RequestResponse" */
  InvocationType?: InvocationType;
  /** "Tail" returns the last 4 KB of the log (synchronous invocations). @default "None" */
  LogType?: "None" | "Tail";
  /** Base64 JSON passed to the function as context.clientContext. */
  ClientContext?: string;
  /** JSON text (or bytes of it). @default "{}" */
  Payload?: string | Uint8Array | JsonText;
  Qualifier?: string;
}

/**
 * JSON text Sluice made itself with JSON.stringify (the events of event source
 * mappings): valid by construction, so an invocation does not parse it again to check.
 */
export class JsonText {
  constructor(readonly text: string) {}
}

export interface InvokeOutput {
  /** 200, 202 (Event) or 204 (DryRun). */
  StatusCode: number;
  /** "Unhandled" when the function failed. */
  FunctionError?: string;
  /** Base64 of the log's last 4 KB, with LogType "Tail". */
  LogResult?: string;
  /** The function's result (or its error) as JSON text. */
  Payload?: string;
  ExecutedVersion?: string;
  /** The request id, which the function sees as context.awsRequestId. */
  RequestId: string;
}

export interface FunctionEventInvokeConfig {
  FunctionArn: string;
  LastModified: number;
  MaximumRetryAttempts?: number;
  MaximumEventAgeInSeconds?: number;
  DestinationConfig: { OnSuccess: { Destination?: string }; OnFailure: { Destination?: string } };
}

export interface PutEventInvokeConfigInput {
  FunctionName: string;
  Qualifier?: string;
  /** 0 to 2. @default 2 */
  MaximumRetryAttempts?: number;
  /** 60 to 21600 seconds. @default 21600 */
  MaximumEventAgeInSeconds?: number;
  DestinationConfig?: DestinationConfig;
}
