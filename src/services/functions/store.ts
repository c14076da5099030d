/**
 * The function store contract: function records (configuration, code reference,
 * reserved concurrency, asynchronous invocation settings, tags) and the deployment
 * packages they were created from. Updates are compare-and-set on the revision id,
 * so two writers never lose each other's change.
 */

/** Where a function's code is: a stored zip (by its SHA-256) or a directory on disk. */
export type CodeRef =
  | { readonly kind: "zip"; readonly sha256: string; readonly size: number }
  | { readonly kind: "dir"; readonly path: string; readonly sha256: string; readonly size: number };

export interface StoredInvokeConfig {
  readonly maximumRetryAttempts: number | null;
  readonly maximumEventAgeInSeconds: number | null;
  readonly onSuccess: string | null;
  readonly onFailure: string | null;
  readonly lastModified: number;
}

export interface FunctionRecord {
  readonly account: string;
  readonly name: string;
  readonly runtime: string;
  readonly role: string;
  readonly handler: string;
  readonly description: string;
  readonly timeout: number;
  readonly memorySize: number;
  /** null when no Environment was ever given (Lambda then omits it). */
  readonly environment: Readonly<Record<string, string>> | null;
  readonly deadLetterTarget: string | null;
  readonly tracingMode: string;
  readonly code: CodeRef;
  readonly revisionId: string;
  readonly createdAt: number;
  readonly modifiedAt: number;
  readonly reservedConcurrency: number | null;
  readonly invokeConfig: StoredInvokeConfig | null;
  readonly tags: Readonly<Record<string, string>>;
}

export interface FunctionStore {
  /** Stores a new function (and its zip, if any); "exists" if the name is taken. */
  createFunction(record: FunctionRecord, zip: Buffer | null): Promise<FunctionRecord | "exists">;
  getFunction(account: string, name: string): Promise<FunctionRecord | null>;
  /** Functions of `account` by name, after `after`. */
  listFunctions(account: string, after: string | null, limit: number): Promise<FunctionRecord[]>;
  /**
   * Replaces a function's record if its current revision is `expectedRevision`
   * (any revision when null), storing `zip` if given.
   */
  updateFunction(record: FunctionRecord, expectedRevision: string | null, zip: Buffer | null): Promise<FunctionRecord | "notFound" | "revisionMismatch">;
  deleteFunction(account: string, name: string): Promise<boolean>;
  /** The deployment package with this SHA-256 (base64), if stored. */
  getCode(account: string, name: string, sha256: string): Promise<Buffer | null>;
}
