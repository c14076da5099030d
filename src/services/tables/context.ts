/**
 * What every table action works with: the stores, the clock, the compiled config and a
 * short-lived cache of table definitions (so a write does not read its table's
 * definition from the store every time).
 */
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { CallContext } from "../queues/types.js";
import type { StreamStore } from "../streams/store.js";
import type { TableServiceConfig } from "./config.js";
import { ResourceNotFoundException } from "./errors.js";
import type { TableRecord, TableStore } from "./store.js";

export interface TableDeps {
  readonly store: TableStore;
  readonly streams: StreamStore;
  readonly clock: Clock;
  readonly config: TableServiceConfig;
  readonly logger: Logger;
  readonly directory: TableDirectory;
}

export class TableDirectory {
  private readonly cache = new Map<string, { table: TableRecord; at: number }>();

  constructor(
    private readonly store: TableStore,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  /** The table, or ResourceNotFoundException. */
  async get(account: string, name: string): Promise<TableRecord> {
    const found = await this.find(account, name);
    // Item actions say only this; DescribeTable, UpdateTable and DeleteTable name the table.
    if (!found) throw new ResourceNotFoundException("Requested resource not found");
    return found;
  }

  async find(account: string, name: string): Promise<TableRecord | null> {
    const key = `${account}/${name}`;
    const hit = this.cache.get(key);
    const now = this.clock.now();
    if (hit && now - hit.at < this.ttlMs) return hit.table;
    const table = await this.store.getTable(account, name);
    if (table) this.cache.set(key, { table, at: now });
    else this.cache.delete(key);
    return table;
  }

  /** Forgets a table after this process changed or deleted it, or a write found it stale. */
  forget(account: string, name: string): void {
    this.cache.delete(`${account}/${name}`);
  }
}

export function tableArn(ctx: CallContext, name: string): string {
  return `arn:aws:dynamodb:${ctx.region}:${ctx.accountId}:table/${name}`;
}

/** The account under which a table's change streams live in the stream store (apart from Kinesis streams). */
export function streamAccount(account: string): string {
  return `dynamodb:${account}`;
}
