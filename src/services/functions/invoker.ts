/**
 * Runs invocations: one warm pool per function revision (a code or configuration change
 * makes a new one; the old pool retires once its invocations end), concurrency limits
 * with Lambda's throttling (reserved concurrency per function, the account's limit for
 * the rest), and the deployment package unpacked once into the data directory.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import { extractZip, preparePackageRoot } from "./code.js";
import type { FunctionServiceConfig } from "./config.js";
import { logGroup } from "./configuration.js";
import { handlerEnvironment } from "./env.js";
import { ThrottleReason, TooManyRequestsException } from "./errors.js";
import { FunctionPool, type InvokeInput, type InvokeOutcome } from "./runtime/pool.js";
import { SpareWorkers } from "./runtime/spares.js";
import type { FunctionRecord, FunctionStore } from "./store.js";

interface PoolEntry {
  readonly pool: FunctionPool;
  readonly revision: string;
  inFlight: number;
  retired: boolean;
}

function key(account: string, name: string): string {
  return `${account}/${name}`;
}

function logStream(now: number): string {
  const d = new Date(now).toISOString().slice(0, 10).replace(/-/g, "/");
  return `${d}/[$LATEST]${randomBytes(16).toString("hex")}`;
}

export class Invoker {
  private readonly pools = new Map<string, PoolEntry>();
  private readonly running = new Map<string, number>();
  private readonly reserved = new Map<string, number>();
  private readonly unpacked = new Set<string>();
  private total = 0;
  private readonly spares: SpareWorkers;

  constructor(
    private readonly store: FunctionStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly config: FunctionServiceConfig,
    /** The host's PATH, passed on to handlers. */
    private readonly path: string | undefined,
  ) {
    this.spares = new SpareWorkers(config.spareWorkers, config.handlerNice);
  }

  /** Throws TooManyRequestsException when the function or the account is at its limit. */
  async run(r: FunctionRecord, region: string, input: InvokeInput): Promise<InvokeOutcome> {
    const k = key(r.account, r.name);
    this.admit(r, k);
    this.running.set(k, (this.running.get(k) ?? 0) + 1);
    this.total++;
    const entry = this.poolFor(r, region, k);
    entry.inFlight++;
    try {
      return await entry.pool.invoke(input);
    } finally {
      entry.inFlight--;
      this.running.set(k, (this.running.get(k) ?? 1) - 1);
      this.total--;
      if (entry.retired && entry.inFlight === 0) void entry.pool.stop();
    }
  }

  /** A function changed or was deleted: its warm workers retire after their current work. */
  retire(account: string, name: string): void {
    const k = key(account, name);
    const entry = this.pools.get(k);
    if (!entry) return;
    this.pools.delete(k);
    entry.retired = true;
    if (entry.inFlight === 0) void entry.pool.stop();
  }

  /** Keeps spare workers ready for functions of `memoryMb`. */
  warm(memoryMb: number): void {
    this.spares.warm(memoryMb);
  }

  inFlight(account: string, name: string): number {
    return this.running.get(key(account, name)) ?? 0;
  }

  async stop(): Promise<void> {
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all([...entries.map((e) => e.pool.stop()), this.spares.stop()]);
  }

  private admit(r: FunctionRecord, k: string): void {
    if (r.reservedConcurrency === null) this.reserved.delete(k);
    else this.reserved.set(k, r.reservedConcurrency);
    const mine = this.running.get(k) ?? 0;
    if (r.reservedConcurrency !== null) {
      if (mine >= r.reservedConcurrency) throw new TooManyRequestsException(ThrottleReason.Reserved);
      return;
    }
    let reservedTotal = 0;
    let reservedRunning = 0;
    for (const [fn, n] of this.reserved) {
      reservedTotal += n;
      reservedRunning += Math.min(n, this.running.get(fn) ?? 0);
    }
    if (this.total - reservedRunning >= this.config.accountConcurrency - reservedTotal) throw new TooManyRequestsException(ThrottleReason.Concurrent);
  }

  private poolFor(r: FunctionRecord, region: string, k: string): PoolEntry {
    const current = this.pools.get(k);
    if (current && current.revision === r.revisionId) return current;
    if (current) this.retire(r.account, r.name);
    const codeRoot = r.code.kind === "dir" ? r.code.path : this.packageDir(r);
    const stream = logStream(this.clock.now());
    const pool = new FunctionPool(
      {
        codeRoot,
        handler: r.handler,
        functionName: r.name,
        version: "$LATEST",
        memoryMb: r.memorySize,
        logGroupName: logGroup(r.name),
        logStreamName: stream,
        timeoutSeconds: r.timeout,
        nice: this.config.handlerNice,
        env: handlerEnvironment(r, region, codeRoot, stream, this.config.endpoint, this.path),
      },
      this.clock,
      this.logger,
      this.config.idleMs,
      this.spares,
    );
    const entry: PoolEntry = { pool, revision: r.revisionId, inFlight: 0, retired: false };
    this.pools.set(k, entry);
    return entry;
  }

  private packageDir(r: FunctionRecord): string {
    const hex = Buffer.from(r.code.sha256, "base64").toString("hex");
    return join(this.config.dataDir, "functions", r.account, r.name, hex);
  }

  /** Makes sure a zip package is unpacked locally (another process may have stored it). */
  async prepare(r: FunctionRecord): Promise<void> {
    this.spares.warm(r.memorySize);
    if (r.code.kind !== "zip") return;
    const dir = this.packageDir(r);
    if (this.unpacked.has(dir)) return;
    preparePackageRoot(join(this.config.dataDir, "functions"));
    const zip = await this.store.getCode(r.account, r.name, r.code.sha256);
    if (!zip) throw new Error(`deployment package of ${r.name} is missing`);
    extractZip(zip, dir);
    this.unpacked.add(dir);
  }
}
