/** A stored function as Lambda describes it (FunctionConfiguration and friends). */
import { functionArn } from "./names.js";
import type { FunctionRecord, StoredInvokeConfig } from "./store.js";
import type { FunctionConfiguration, FunctionEventInvokeConfig } from "./types.js";

/** "2019-08-14T22:26:11.234+0000", Lambda's LastModified format. */
export function lambdaTime(ms: number): string {
  return new Date(ms).toISOString().replace("Z", "+0000");
}

export function logGroup(name: string): string {
  return `/aws/lambda/${name}`;
}

export function configuration(r: FunctionRecord, region: string, opts: { listing?: boolean; qualifier?: string | null } = {}): FunctionConfiguration {
  const c: FunctionConfiguration = {
    FunctionName: r.name,
    FunctionArn: functionArn({ account: r.account, region, name: r.name }, opts.qualifier),
    Runtime: r.runtime,
    Role: r.role,
    Handler: r.handler,
    CodeSize: r.code.size,
    CodeSha256: r.code.sha256,
    Description: r.description,
    Timeout: r.timeout,
    MemorySize: r.memorySize,
    LastModified: lambdaTime(r.modifiedAt),
    Version: "$LATEST",
    RevisionId: r.revisionId,
    PackageType: "Zip",
    Architectures: ["x86_64"],
    EphemeralStorage: { Size: 512 },
    TracingConfig: { Mode: r.tracingMode },
    LoggingConfig: { LogFormat: "Text", LogGroup: logGroup(r.name) },
    SnapStart: { ApplyOn: "None", OptimizationStatus: "Off" },
  };
  if (r.environment) c.Environment = { Variables: { ...r.environment } };
  if (r.deadLetterTarget) c.DeadLetterConfig = { TargetArn: r.deadLetterTarget };
  if (!opts.listing) {
    c.State = "Active";
    c.LastUpdateStatus = "Successful";
  }
  return c;
}

export function invokeConfigShape(r: FunctionRecord, region: string, cfg: StoredInvokeConfig): FunctionEventInvokeConfig {
  return {
    FunctionArn: functionArn({ account: r.account, region, name: r.name }, "$LATEST"),
    LastModified: cfg.lastModified / 1000,
    ...(cfg.maximumRetryAttempts !== null ? { MaximumRetryAttempts: cfg.maximumRetryAttempts } : {}),
    ...(cfg.maximumEventAgeInSeconds !== null ? { MaximumEventAgeInSeconds: cfg.maximumEventAgeInSeconds } : {}),
    DestinationConfig: {
      OnSuccess: cfg.onSuccess ? { Destination: cfg.onSuccess } : {},
      OnFailure: cfg.onFailure ? { Destination: cfg.onFailure } : {},
    },
  };
}
