/** The environment a handler sees: Lambda's variables, the function's own, and where Sluice is. */
import type { Endpoint } from "./config.js";
import { logGroup } from "./configuration.js";
import type { FunctionRecord } from "./store.js";

export function handlerEnvironment(r: FunctionRecord, region: string, codeRoot: string, logStream: string, endpoint: Endpoint | undefined, path: string | undefined): Record<string, string> {
  const env: Record<string, string> = {
    LANG: "en_US.UTF-8",
    TZ: ":UTC",
    ...(path ? { PATH: path } : {}),
    NODE_ENV: "production",
    ...(r.environment ?? {}),
    _HANDLER: r.handler,
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
    AWS_EXECUTION_ENV: `AWS_Lambda_${r.runtime}`,
    AWS_LAMBDA_FUNCTION_NAME: r.name,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(r.memorySize),
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_LAMBDA_LOG_GROUP_NAME: logGroup(r.name),
    AWS_LAMBDA_LOG_STREAM_NAME: logStream,
    LAMBDA_TASK_ROOT: codeRoot,
    LAMBDA_RUNTIME_DIR: codeRoot,
  };
  if (endpoint) {
    // Handlers' AWS SDK clients talk to Sluice, signed with the endpoint's own keys.
    env["AWS_ENDPOINT_URL"] = endpoint.url;
    env["AWS_ACCESS_KEY_ID"] = endpoint.accessKeyId;
    env["AWS_SECRET_ACCESS_KEY"] = endpoint.secretAccessKey;
  }
  return env;
}
