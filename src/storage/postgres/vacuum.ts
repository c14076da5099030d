/**
 * Keeping the churning tables small. Queue tables insert, update and delete every row
 * within seconds, so their dead row versions pile up unless VACUUM runs often; with
 * bloated tables each claim scans past dead index entries and throughput falls (on the
 * reference machine, by 40–65%). Migration 5 tunes autovacuum for these tables; where
 * the server runs with `autovacuum = off`, this keeper vacuums them itself every few
 * seconds. `SKIP_LOCKED` lets a vacuum already running elsewhere (another Sluice
 * process, or autovacuum) win instead of queueing behind it.
 */
import type { Logger } from "../../core/logger.js";
import type { Sql } from "./database.js";

/** The tables whose rows live for seconds. */
export const HOT_TABLES = ["messages", "fifo_groups", "receive_attempts", "dedup", "stream_shards", "mapping_checkpoints"] as const;

export class VacuumKeeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly sql: Sql,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  /** Starts vacuuming when the server's autovacuum is off; returns whether it did. */
  async start(): Promise<boolean> {
    const [row] = await this.sql<{ autovacuum: string }[]>`SELECT current_setting('autovacuum') AS autovacuum`;
    if (row?.autovacuum === "on" || this.intervalMs <= 0) return false;
    this.logger.warn({ intervalMs: this.intervalMs }, "PostgreSQL runs with autovacuum off: Sluice vacuums its queue tables itself");
    this.timer = setInterval(() => {
      this.running = this.running.then(() => this.vacuum());
    }, this.intervalMs);
    // Maintenance must not keep a process alive on its own.
    this.timer.unref();
    return true;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass over the hot tables (also used by tests). */
  async vacuum(): Promise<void> {
    try {
      await this.sql.unsafe(`VACUUM (SKIP_LOCKED) ${HOT_TABLES.join(", ")}`);
    } catch (err) {
      this.logger.warn({ err }, "vacuum of queue tables failed");
    }
  }
}
