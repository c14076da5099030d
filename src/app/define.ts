/**
 * The shape of `sluice.config.ts`: the queues, functions and mappings an application
 * declares. `defineApp` only types and checks the declaration; `applyApp` makes the
 * platform match it.
 */

export interface QueueDefinition {
  /** A FIFO queue (its name must end in .fifo). @default false */
  fifo?: boolean;
  /** SQS attributes by their AWS names, e.g. { VisibilityTimeout: "60" }. */
  attributes?: Record<string, string>;
  /** Failing messages move to this queue after `maxReceiveCount` receives. */
  deadLetter?: { queue: string; maxReceiveCount: number };
  tags?: Record<string, string>;
}

export interface FunctionDefinition {
  /** Directory with the function's code, relative to the config file. */
  code: string;
  /** Lambda's handler string, e.g. "orders.handler" (file orders.ts/.js, export handler). */
  handler: string;
  /** @default "nodejs20.x" */
  runtime?: "nodejs18.x" | "nodejs20.x" | "nodejs22.x";
  /** Seconds, 1 to 900. @default 3 */
  timeout?: number;
  /** MB, 128 to 10240. @default 128 */
  memory?: number;
  /** Reserved concurrency. @default none (the account's unreserved pool) */
  concurrency?: number;
  environment?: Record<string, string>;
  /** Asynchronous invocation settings. */
  async?: { maxRetries?: number; maxEventAgeSeconds?: number; onSuccess?: string; onFailure?: string };
  /** @default "arn:aws:iam::<account>:role/sluice" */
  role?: string;
}

export interface MappingDefinition {
  /** The queue name (declared in `queues`). */
  queue: string;
  /** The function name (declared in `functions`). */
  function: string;
  /** @default 10 */
  batchSize?: number;
  /** MaximumBatchingWindowInSeconds. @default 0 */
  batchWindowSeconds?: number;
  /** Let the function report failed records ({ batchItemFailures }). @default false */
  reportBatchItemFailures?: boolean;
  /** Event patterns; a record is delivered if it matches any. */
  filters?: object[];
  /** ScalingConfig.MaximumConcurrency, 2 to 1000. */
  maxConcurrency?: number;
  /** @default true */
  enabled?: boolean;
}

export interface AppDefinition {
  queues?: Record<string, QueueDefinition>;
  functions?: Record<string, FunctionDefinition>;
  mappings?: MappingDefinition[];
}

/** Checks references between the parts of an app and returns it unchanged. */
export function defineApp<T extends AppDefinition>(app: T): T {
  const queues = new Set(Object.keys(app.queues ?? {}));
  const functions = new Set(Object.keys(app.functions ?? {}));
  for (const [name, q] of Object.entries(app.queues ?? {})) {
    if (q.deadLetter && !queues.has(q.deadLetter.queue)) throw new Error(`queue ${name}: dead-letter queue ${q.deadLetter.queue} is not declared`);
  }
  for (const m of app.mappings ?? []) {
    if (!queues.has(m.queue)) throw new Error(`mapping ${m.queue} → ${m.function}: queue ${m.queue} is not declared`);
    if (!functions.has(m.function)) throw new Error(`mapping ${m.queue} → ${m.function}: function ${m.function} is not declared`);
  }
  return app;
}
