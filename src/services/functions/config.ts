/** Options of the function service, their defaults, and the compiled form. */
import { DEFAULT_ACCOUNT, DEFAULT_REGION } from "../queues/names.js";

export interface Endpoint {
  /** Where handlers' AWS SDK clients are pointed (AWS_ENDPOINT_URL). */
  readonly url: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export interface FunctionServiceOptions {
  /** Directory for unpacked deployment packages. @default "./.sluice" */
  dataDir?: string;
  /** @default "000000000000" */
  defaultAccount?: string;
  /** @default "us-east-1" */
  region?: string;
  /** Invocations running at once across all functions (Lambda's account concurrency). @default 64 */
  accountConcurrency?: number;
  /** How long an idle warm worker is kept. @default 300000 */
  idleMs?: number;
  /**
   * Blank worker threads kept ready per memory size in use, so a cold start only loads
   * the handler (0 turns them off). @default 1
   */
  spareWorkers?: number;
  /**
   * Nice value (0 to 19) of the threads that run handlers, on Linux, where it is set per
   * thread. Every call a handler makes goes through the platform's main thread
   * (endpoint, storage, pollers); when handlers and that thread contend for the cores,
   * the main thread runs first and handlers use what is left. 0 runs handlers at the
   * platform's own priority. @default 19
   */
  handlerNice?: number;
  /** The endpoint and keys handlers' SDK clients use; set by the server once it listens. */
  endpoint?: Endpoint;
}

export interface FunctionServiceConfig {
  readonly dataDir: string;
  readonly defaultAccount: string;
  readonly region: string;
  readonly accountConcurrency: number;
  readonly idleMs: number;
  readonly spareWorkers: number;
  readonly handlerNice: number;
  endpoint: Endpoint | undefined;
}

function spareCount(n: number | undefined): number {
  if (n === undefined) return 1;
  if (!Number.isInteger(n) || n < 0 || n > 16) throw new Error("spareWorkers must be a whole number from 0 to 16");
  return n;
}

function niceValue(n: number | undefined): number {
  if (n === undefined) return 19;
  if (!Number.isInteger(n) || n < 0 || n > 19) throw new Error("handlerNice must be a whole number from 0 to 19");
  return n;
}

export function compileFunctionOptions(o: FunctionServiceOptions = {}): FunctionServiceConfig {
  const concurrency = o.accountConcurrency ?? 64;
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error("accountConcurrency must be a positive whole number");
  return {
    dataDir: o.dataDir ?? "./.sluice",
    defaultAccount: o.defaultAccount ?? DEFAULT_ACCOUNT,
    region: o.region ?? DEFAULT_REGION,
    accountConcurrency: concurrency,
    idleMs: o.idleMs ?? 300_000,
    spareWorkers: spareCount(o.spareWorkers),
    handlerNice: niceValue(o.handlerNice),
    endpoint: o.endpoint,
  };
}
