/**
 * Cross-process wake-ups for long polling. Operations that may make messages
 * available queue a `pg_notify` inside their own transaction, so PostgreSQL delivers
 * it exactly when (and only if) the change commits. Each process keeps one LISTEN
 * connection (postgres.js opens it beside the pool and re-listens after a reconnect)
 * and calls its local listeners. A process hears its own notifications too; it has
 * already told its listeners right after the commit, so it ignores those by origin.
 */
import { randomUUID } from "node:crypto";
import type { Sql, Tx } from "./database.js";

type Listener = (queueId: number) => void;

export class Notifier {
  private readonly listeners = new Set<Listener>();
  private readonly origin = randomUUID();
  private subscription: { unlisten(): Promise<void> } | null = null;

  constructor(
    private readonly sql: Sql,
    /** One channel per schema, so stores in different schemas never wake each other. */
    readonly channel: string,
  ) {}

  /** Starts listening; resolves once LISTEN is in place. */
  async start(): Promise<void> {
    // After a reconnect, notifications sent meanwhile are lost: wake everyone to look again.
    this.subscription = await this.sql.listen(this.channel, (payload) => this.receive(payload), () => this.emit(0));
  }

  /** Queues notifications for `queueIds` in `tx`; PostgreSQL sends them when it commits. */
  async publish(tx: Tx, queueIds: ReadonlySet<number>): Promise<void> {
    const payloads = [...queueIds].map((id) => `${id}:${this.origin}`);
    await tx`SELECT pg_notify(${this.channel}, p) FROM unnest(${payloads}::text[]) AS p`;
  }

  /** Tells this process's listeners; queue id 0 means "any queue". */
  emit(queueId: number): void {
    for (const l of this.listeners) {
      try {
        l(queueId);
      } catch {
        // A listener's failure is its own; the others still hear about the queue.
      }
    }
  }

  on(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    const sub = this.subscription;
    this.subscription = null;
    if (sub) await sub.unlisten();
  }

  private receive(payload: string): void {
    const sep = payload.indexOf(":");
    if (sep < 0 || payload.slice(sep + 1) === this.origin) return;
    const id = Number(payload.slice(0, sep));
    if (Number.isSafeInteger(id)) this.emit(id);
  }
}
