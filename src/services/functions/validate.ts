/** Checks of function settings, with Lambda's limits, codes and wording. */
import { isPlainObject } from "../../core/validate.js";
import { InvalidParameterValueException, validationError } from "./errors.js";

/** The Node runtimes Sluice runs (on the Node it runs on). */
export const RUNTIMES = ["nodejs18.x", "nodejs20.x", "nodejs22.x"] as const;
export const ROLE_PATTERN = /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/;
const ENV_NAME = /^[a-zA-Z]([a-zA-Z0-9_])+$/;
const RESERVED_ENV = new Set([
  "_HANDLER", "_X_AMZN_TRACE_ID", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV", "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME", "AWS_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR",
]);
/** Lambda's limit on all environment variables together. */
export const MAX_ENV_BYTES = 4096;

export function checkRuntime(value: unknown): string {
  if (typeof value !== "string" || !(RUNTIMES as readonly string[]).includes(value)) {
    throw new InvalidParameterValueException(
      `The runtime parameter of ${String(value)} is not supported by Sluice. Use one of: ${RUNTIMES.join(", ")}.`,
    );
  }
  return value;
}

export function checkRole(value: unknown): string {
  if (typeof value !== "string" || !ROLE_PATTERN.test(value)) {
    throw validationError(value ?? null, "role", `Member must satisfy regular expression pattern: ${ROLE_PATTERN.source.slice(1, -1)}`);
  }
  return value;
}

export function checkHandler(value: unknown): string {
  if (typeof value !== "string" || !value || value.length > 128 || /\s/.test(value)) {
    throw validationError(value ?? null, "handler", "Member must satisfy regular expression pattern: [^\\s]+");
  }
  return value;
}

export function checkTimeout(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw validationError(value, "timeout", "Member must have value greater than or equal to 1");
  if (value > 900) throw new InvalidParameterValueException(`Timeout value ${value} exceeds the maximum of 900 seconds.`);
  return value;
}

export function checkMemory(value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 128) throw validationError(value, "memorySize", "Member must have value greater than or equal to 128");
  if (value > 10240) throw validationError(value, "memorySize", "Member must have value less than or equal to 10240");
  return value;
}

export function checkDescription(value: unknown): string {
  if (typeof value !== "string" || value.length > 256) throw validationError(value, "description", "Member must have length less than or equal to 256");
  return value;
}

export function checkEnvironment(value: unknown): Record<string, string> {
  if (!isPlainObject(value)) throw new InvalidParameterValueException("Environment must be an object with a Variables map.");
  const vars = value["Variables"] ?? {};
  if (!isPlainObject(vars)) throw new InvalidParameterValueException("Environment.Variables must be a map of strings.");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== "string") throw new InvalidParameterValueException(`Environment variable ${k} must have a string value.`);
    if (!ENV_NAME.test(k)) throw validationError(k, "environment.variables.member.key", "Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+");
    if (RESERVED_ENV.has(k)) {
      throw new InvalidParameterValueException(`Lambda was unable to configure your environment variables because the environment variables you have provided contains reserved keys that are currently not supported for modification. Reserved keys used in this request: ${k}`);
    }
    out[k] = v;
  }
  if (Buffer.byteLength(JSON.stringify(out)) > MAX_ENV_BYTES) {
    throw new InvalidParameterValueException(`Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit.`);
  }
  return out;
}
