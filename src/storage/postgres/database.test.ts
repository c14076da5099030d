/**
 * What is particular to the PostgreSQL backend, beyond the shared conformance suite:
 * migrations when many processes start at once, BIGINTs as numbers, wake-ups between
 * separate store instances, and opening through `openStorage`.
 */
import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import type { NewMessage } from "../../services/queues/store.js";
import { dropSchema, postgresTestUrl, randomSchema } from "../../testing/postgres.js";
import { openStorage } from "../open.js";
import type { Storage } from "../types.js";
import { transaction } from "./database.js";
import { migrations } from "./migrations.js";
import { openPostgresStorage } from "./storage.js";

const url = await postgresTestUrl();
const T0 = 1_700_000_000_000;

function message(body: string): NewMessage {
  return {
    messageId: randomUUID(), body, attrs: null, sysAttrs: null, md5Body: "0", md5Attrs: null, md5Sys: null,
    senderId: "test", delayMs: 0, groupId: null, dedupId: null,
  };
}

async function makeQueue(storage: Storage, name: string): Promise<number> {
  const out = await storage.queues.createQueue({
    account: "000000000001", name, fifo: false, attributes: {}, tags: {}, retentionMs: 86_400_000, now: T0, recreateAfterMs: 0,
  });
  if (out.kind === "deletedRecently") throw new Error("deleted recently");
  return out.queue.id;
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.skipIf(url === null)("PostgreSQL backend", () => {
  const schemas: string[] = [];
  const fresh = (): string => {
    const s = randomSchema();
    schemas.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of schemas) await dropSchema(url!, s);
  });

  it("migrates once when many processes open an empty schema at the same moment", async () => {
    const schema = fresh();
    const all = await Promise.all(Array.from({ length: 8 }, () => openPostgresStorage({ url: url!, schema, poolSize: 2 })));
    const sql = postgres(url!, { max: 1, onnotice: () => undefined });
    try {
      const rows = await sql`SELECT version FROM ${sql(schema)}.schema_migrations ORDER BY version`;
      expect(rows.map((r) => r["version"] as number)).toEqual(migrations.map((m) => m.version));
    } finally {
      await sql.end();
      for (const s of all) await s.close();
    }
  });

  it("returns BIGINT ids and seqs as JS numbers beyond 32 bits", async () => {
    const schema = fresh();
    const storage = await openPostgresStorage({ url: url!, schema });
    const sql = postgres(url!, { max: 1, onnotice: () => undefined });
    try {
      await sql`ALTER TABLE ${sql(schema)}.messages ALTER COLUMN seq RESTART WITH 5000000000`;
      const id = await makeQueue(storage, "big");
      const [sent] = (await storage.queues.sendMessages({ queueId: id, now: T0, dedup: null, messages: [message("x")] }))!;
      expect(sent!.seq).toBe(5_000_000_000);
      const got = await storage.queues.receiveMessages({
        queueId: id, now: T0, max: 1, visibilityMs: 1000, retentionMs: 86_400_000, redrive: null, attempt: null,
      });
      expect(got!.messages[0]).toMatchObject({ seq: 5_000_000_000, sentAt: T0, firstReceiveAt: T0 });
      expect(await storage.queues.deleteMessages({ queueId: id, now: T0, requireInFlight: false, entries: [{ seq: 5_000_000_000, receiveCount: 1 }] }))
        .toEqual(["deleted"]);
    } finally {
      await sql.end();
      await storage.close();
    }
  });

  it("wakes listeners of another store instance through NOTIFY, and its own ones once", async () => {
    const schema = fresh();
    const a = await openPostgresStorage({ url: url!, schema, poolSize: 2 });
    const b = await openPostgresStorage({ url: url!, schema, poolSize: 2 });
    const other = await openPostgresStorage({ url: url!, schema: fresh(), poolSize: 2 });
    try {
      const id = await makeQueue(a, "wake");
      const heardA: number[] = [];
      const heardB: number[] = [];
      const heardOther: number[] = [];
      a.queues.onAvailable((q) => heardA.push(q));
      b.queues.onAvailable((q) => heardB.push(q));
      other.queues.onAvailable((q) => heardOther.push(q));
      await a.queues.sendMessages({ queueId: id, now: T0, dedup: null, messages: [message("x")] });
      await waitFor(() => heardB.includes(id));
      await new Promise((r) => setTimeout(r, 100));
      expect(heardA).toEqual([id]);
      expect(heardOther).toEqual([]);
    } finally {
      await Promise.all([a.close(), b.close(), other.close()]);
    }
  });

  it("lets exactly one of many concurrent senders claim a deduplication id", async () => {
    const schema = fresh();
    const stores = await Promise.all([0, 1, 2].map(() => openPostgresStorage({ url: url!, schema, poolSize: 4 })));
    try {
      const out = await stores[0]!.queues.createQueue({
        account: "000000000001", name: "race.fifo", fifo: true, attributes: {}, tags: {}, retentionMs: 86_400_000, now: T0, recreateAfterMs: 0,
      });
      if (out.kind !== "created") throw new Error(out.kind);
      const sends = Array.from({ length: 24 }, (_, i) =>
        stores[i % 3]!.queues.sendMessages({
          queueId: out.queue.id, now: T0, dedup: { byGroup: false, windowMs: 300_000 },
          messages: [{ ...message(`m${i}`), groupId: `g${i % 4}`, dedupId: "same" }],
        }),
      );
      const sent = (await Promise.all(sends)).map((r) => r![0]!);
      const originals = sent.filter((s) => !s.duplicate);
      expect(originals).toHaveLength(1);
      expect(new Set(sent.map((s) => `${s.messageId}/${s.seq}`)).size).toBe(1);
      expect(await stores[1]!.queues.counts(out.queue.id, T0, 86_400_000)).toEqual({ visible: 1, inFlight: 0, delayed: 0 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("starts one move task per source and keeps its rate when several processes step it", async () => {
    const schema = fresh();
    const [a, b] = await Promise.all([0, 1].map(() => openPostgresStorage({ url: url!, schema, poolSize: 4 })));
    try {
      const dlq = await makeQueue(a!, "dlq");
      const dest = await makeQueue(a!, "dest");
      await a!.queues.sendMessages({ queueId: dlq, now: T0, dedup: null, messages: Array.from({ length: 20 }, (_, i) => message(`m${i}`)) });
      const start = (s: Storage, handle: string) => s.queues.startMoveTask({
        handle, sourceQueueId: dlq, sourceArn: "arn:aws:sqs:us-east-1:000000000001:dlq",
        destinationArn: "arn:aws:sqs:us-east-1:000000000001:dest", rate: 3, now: T0,
      });
      const started = await Promise.all([start(a!, "h1"), start(b!, "h2"), start(a!, "h3"), start(b!, "h4")]);
      expect(started.filter((t) => t === "alreadyRunning")).toHaveLength(3);
      const task = started.find((t) => t !== "alreadyRunning" && t !== null) as { handle: string };
      const steps = Array.from({ length: 8 }, (_, i) => (i % 2 ? a! : b!).queues.stepMoveTask({ handle: task.handle, now: T0 + 2000, limit: 100 }));
      await Promise.all(steps);
      const counts = await a!.queues.counts(dest, T0 + 2000, 86_400_000);
      expect(counts).toEqual({ visible: 6, inFlight: 0, delayed: 0 });
      expect((await a!.queues.listMoveTasks(dlq, 1))[0]).toMatchObject({ moved: 6, status: "RUNNING" });
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });

  it("is what openStorage opens for a postgres:// URL", async () => {
    const storage = await openStorage({ store: url!, schema: fresh(), poolSize: 2 });
    try {
      expect(storage.kind).toBe("postgres");
      expect(await storage.queues.listQueues("000000000001", "", null, 10)).toEqual([]);
    } finally {
      await storage.close();
    }
  });

  it("refuses a schema name it cannot quote safely", async () => {
    await expect(openPostgresStorage({ url: url!, schema: 'bad"; DROP SCHEMA public; --' })).rejects.toThrow(/invalid PostgreSQL schema name/);
  });

  it("keeps every transaction on its own reserved connection when BEGIN lands on a full pipeline", async () => {
    // postgres.js 3.4.9's sql.begin loses its reservation at the pipeline boundary
    // (porsager/postgres#1189); with max_pipeline 0 every BEGIN is at it (#1210). transaction() reserves first.
    // max_pipeline is a driver option its type declarations leave out.
    const options = { max: 2, max_pipeline: 0, onnotice: () => undefined };
    const sql = postgres(url!, options as postgres.Options<Record<string, postgres.PostgresType>>);
    try {
      const plain = Array.from({ length: 200 }, (_, i) => sql`SELECT ${i}::int AS n`);
      const txs = Array.from({ length: 60 }, (_, i) =>
        transaction(sql as never, async (tx) => {
          const [row] = await tx<{ inside: boolean }[]>`SELECT now() = statement_timestamp() AS inside`;
          await tx`SELECT ${i}::int`;
          return row?.inside === false;
        }),
      );
      const results = await Promise.all([...txs, ...plain.map((q) => q.then(() => true))]);
      expect(results.every(Boolean)).toBe(true);
      const [open] = await sql<{ n: number }[]>`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = '' AND state = 'idle in transaction' AND pid <> pg_backend_pid()`;
      expect(open?.n).toBe(0);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});
