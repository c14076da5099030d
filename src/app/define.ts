/**
 * The shape of `sluice.config.ts`: the queues, functions, tables, buckets and mappings
 * an application declares. `defineApp` only types and checks the declaration;
 * `applyApp` makes the platform match it.
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

/** DynamoDB's key attribute types: string, number, binary. */
export type KeyAttributeType = "S" | "N" | "B";

export interface KeyDefinition {
  name: string;
  type: KeyAttributeType;
}

export interface GlobalIndexDefinition {
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  /** "ALL", "KEYS_ONLY", or the non-key attributes to include. @default "ALL" */
  projection?: "ALL" | "KEYS_ONLY" | string[];
}

export type StreamViewType = "KEYS_ONLY" | "NEW_IMAGE" | "OLD_IMAGE" | "NEW_AND_OLD_IMAGES";

export interface TableDefinition {
  partitionKey: KeyDefinition;
  sortKey?: KeyDefinition;
  /** Enables the table's change stream with this view type. @default no stream */
  stream?: StreamViewType;
  /** The attribute holding each item's expiry (epoch seconds). @default TTL off */
  ttlAttribute?: string;
  /** Global secondary indexes by name. */
  globalIndexes?: Record<string, GlobalIndexDefinition>;
  tags?: Record<string, string>;
}

/** S3 event types a bucket notification can name. */
export type BucketEventName = "s3:ObjectCreated:*" | "s3:ObjectCreated:Put" | "s3:ObjectCreated:Post" | "s3:ObjectCreated:Copy" | "s3:ObjectCreated:CompleteMultipartUpload" | "s3:ObjectRemoved:*" | "s3:ObjectRemoved:Delete";

export interface BucketNotificationDefinition {
  events: BucketEventName[];
  /** Exactly one of `function` and `queue`: the target, declared in this app. */
  function?: string;
  queue?: string;
  /** Key filters. */
  prefix?: string;
  suffix?: string;
  /** The configuration id. @default "<function|queue>-<name>" */
  id?: string;
}

export interface BucketDefinition {
  notifications?: BucketNotificationDefinition[];
}

interface MappingCommon {
  /** The function name (declared in `functions`). */
  function: string;
  /** @default 10 for queues, 100 for table streams */
  batchSize?: number;
  /** MaximumBatchingWindowInSeconds. @default 0 */
  batchWindowSeconds?: number;
  /** Let the function report failed records ({ batchItemFailures }). @default false */
  reportBatchItemFailures?: boolean;
  /** Event patterns; a record is delivered if it matches any, e.g. { eventName: ["INSERT"] }. */
  filters?: object[];
  /** @default true */
  enabled?: boolean;
}

export interface QueueMappingDefinition extends MappingCommon {
  /** The queue name (declared in `queues`). */
  queue: string;
  table?: never;
  /** ScalingConfig.MaximumConcurrency, 2 to 1000. */
  maxConcurrency?: number;
}

export interface TableMappingDefinition extends MappingCommon {
  /** The table (declared in `tables`, with a `stream`) whose change stream triggers the function. */
  table: string;
  queue?: never;
  /** @default "TRIM_HORIZON" (apply creates tables before mappings, so nothing is missed) */
  startingPosition?: "TRIM_HORIZON" | "LATEST";
  /** Concurrent batches per shard, 1 to 10. @default 1 */
  parallelizationFactor?: number;
  /** Split a failing batch in two and retry each half. @default false */
  bisectOnError?: boolean;
  /** -1 (until the record expires) to 10000. @default -1 */
  maxRetries?: number;
  /** -1 or 60 to 604800. @default -1 */
  maxRecordAgeSeconds?: number;
  /** A queue (declared in `queues`) that gets a record of each batch given up on. */
  onFailure?: string;
}

export type MappingDefinition = QueueMappingDefinition | TableMappingDefinition;

export interface AppDefinition {
  queues?: Record<string, QueueDefinition>;
  functions?: Record<string, FunctionDefinition>;
  tables?: Record<string, TableDefinition>;
  buckets?: Record<string, BucketDefinition>;
  mappings?: MappingDefinition[];
}

/** "q" (a queue) or "table t": what a mapping reads, for messages. */
export function mappingSource(m: MappingDefinition): string {
  return m.table !== undefined ? `table ${m.table}` : m.queue;
}

function checkMapping(app: AppDefinition, m: MappingDefinition): void {
  const what = `mapping ${m.table ?? m.queue} → ${m.function}`;
  if ((m.queue === undefined) === (m.table === undefined)) throw new Error(`${what}: name exactly one of queue and table`);
  if (m.queue !== undefined && !app.queues?.[m.queue]) throw new Error(`${what}: queue ${m.queue} is not declared`);
  if (m.table !== undefined) {
    const t = app.tables?.[m.table];
    if (!t) throw new Error(`${what}: table ${m.table} is not declared`);
    if (!t.stream) throw new Error(`${what}: table ${m.table} has no stream (set stream: "NEW_IMAGE" or another view type)`);
    if (m.onFailure !== undefined && !app.queues?.[m.onFailure]) throw new Error(`${what}: on-failure queue ${m.onFailure} is not declared`);
  }
  if (!app.functions?.[m.function]) throw new Error(`${what}: function ${m.function} is not declared`);
}

function checkBucket(app: AppDefinition, name: string, b: BucketDefinition): void {
  for (const n of b.notifications ?? []) {
    if ((n.function === undefined) === (n.queue === undefined)) throw new Error(`bucket ${name}: a notification names exactly one of function and queue`);
    if (n.function !== undefined && !app.functions?.[n.function]) throw new Error(`bucket ${name}: function ${n.function} is not declared`);
    if (n.queue !== undefined && !app.queues?.[n.queue]) throw new Error(`bucket ${name}: queue ${n.queue} is not declared`);
  }
}

/** Checks references between the parts of an app and returns it unchanged. */
export function defineApp<T extends AppDefinition>(app: T): T {
  const queues = new Set(Object.keys(app.queues ?? {}));
  for (const [name, q] of Object.entries(app.queues ?? {})) {
    if (q.deadLetter && !queues.has(q.deadLetter.queue)) throw new Error(`queue ${name}: dead-letter queue ${q.deadLetter.queue} is not declared`);
  }
  for (const [name, b] of Object.entries(app.buckets ?? {})) checkBucket(app, name, b);
  for (const m of app.mappings ?? []) checkMapping(app, m);
  return app;
}
