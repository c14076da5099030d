/**
 * The reconciliation: every input row id is either in the table, updated exactly once
 * (`updatedAt` set, `updates` = 1), or in exactly one dead-letter queue with its
 * reason. Reads the whole table (a parallel Scan of the keys and update fields) and
 * every message of every DLQ (received with a visibility timeout, then made visible
 * again at once, so reading changes nothing). Counts what is lost (nowhere) and
 * doubled (in two places, or updated twice), and checks each poison row of the
 * manifest is in the DLQ of the stage that must reject it.
 */
import { ScanCommand } from "@aws-sdk/client-dynamodb";
import { ChangeMessageVisibilityBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { rowId, type Manifest } from "../generate.js";
import { DLQS, ROWS_TABLE, type Clients } from "./clients.js";

export interface DeadRow {
  readonly id: string;
  readonly queue: string;
  readonly stage: string;
  readonly reason: string;
}

export interface Reconciliation {
  readonly rows: number;
  readonly updated: number;
  readonly storedNotUpdated: number;
  readonly dead: DeadRow[];
  readonly deadByQueue: Record<string, number>;
  /** DLQ messages that name no rows (stream batch records, file failures). */
  readonly otherDead: { queue: string; body: string }[];
  readonly lost: string[];
  readonly doubled: string[];
  readonly poisonWhereExpected: number;
  readonly poisonTotal: number;
  readonly misplaced: string[];
  readonly ok: boolean;
}

async function scanSegment(c: Clients, segment: number, total: number, into: Map<string, number>): Promise<number> {
  let start: Record<string, never> | undefined;
  let notUpdated = 0;
  do {
    const r = await c.dynamo.send(new ScanCommand({ TableName: ROWS_TABLE, Segment: segment, TotalSegments: total, ProjectionExpression: "#id, #u, #at", ExpressionAttributeNames: { "#id": "id", "#u": "updates", "#at": "updatedAt" }, ExclusiveStartKey: start }));
    for (const it of r.Items ?? []) {
      const id = it["id"]?.S ?? "";
      if (it["updatedAt"]?.S) into.set(id, Number(it["updates"]?.N ?? 0));
      else notUpdated++;
    }
    start = r.LastEvaluatedKey as typeof start;
  } while (start);
  return notUpdated;
}

/** Every message in `queue`, left in the queue as it was. */
async function readQueue(c: Clients, queue: string): Promise<Message[]> {
  const QueueUrl = (await c.sqs.send(new GetQueueUrlCommand({ QueueName: queue }))).QueueUrl ?? "";
  const all: Message[] = [];
  for (let empty = 0; empty < 2; ) {
    const { Messages = [] } = await c.sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 120, WaitTimeSeconds: 0, MessageSystemAttributeNames: ["ApproximateReceiveCount"] }));
    empty = Messages.length ? 0 : empty + 1;
    all.push(...Messages);
  }
  for (let i = 0; i < all.length; i += 10) {
    const Entries = all.slice(i, i + 10).map((m, k) => ({ Id: `v${k}`, ReceiptHandle: m.ReceiptHandle ?? "", VisibilityTimeout: 0 }));
    await c.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl, Entries }));
  }
  return all;
}

async function readDlqs(c: Clients): Promise<{ dead: DeadRow[]; other: { queue: string; body: string }[] }> {
  const dead: DeadRow[] = [];
  const other: { queue: string; body: string }[] = [];
  for (const d of DLQS) {
    for (const m of await readQueue(c, d.queue)) {
      let body: { rows?: (string | number | boolean)[][]; reason?: string } = {};
      try {
        body = JSON.parse(m.Body ?? "") as typeof body;
      } catch {
        // Not a row message (kept as is below).
      }
      const ids = (body.rows ?? []).map((r) => String(r[0] ?? ""));
      if (!ids.length) other.push({ queue: d.queue, body: (m.Body ?? "").slice(0, 300) });
      const reason = body.reason ?? `failed ${m.Attributes?.["ApproximateReceiveCount"] ?? "?"} receives`;
      for (const id of ids) dead.push({ id, queue: d.queue, stage: d.stage, reason });
    }
  }
  return { dead, other };
}

export async function reconcile(c: Clients, manifest: Manifest): Promise<Reconciliation> {
  const updates = new Map<string, number>();
  const segments = 4;
  const notUpdated = (await Promise.all(Array.from({ length: segments }, (_, s) => scanSegment(c, s, segments, updates)))).reduce((a, b) => a + b, 0);
  const read = await readDlqs(c);
  const other = read.other;
  // A whole message that failed 3 times may have done part of its work first (a timeout after
  // some transactions): its rows that are updated in the table are done, not dead-lettered.
  const wholeMessage = new Set(DLQS.filter((d) => !d.perRow).map((d) => d.queue));
  const dead = read.dead.filter((d) => !(wholeMessage.has(d.queue) && (updates.get(d.id) ?? 0) > 0));
  const deadCount = new Map<string, number>();
  for (const d of dead) deadCount.set(d.id, (deadCount.get(d.id) ?? 0) + 1);
  const lost: string[] = [];
  const doubled: string[] = [];
  for (let n = 1; n <= manifest.rows; n++) {
    const id = rowId(n);
    const u = updates.get(id) ?? 0;
    const places = (u > 0 ? 1 : 0) + (deadCount.get(id) ?? 0);
    if (places === 0) lost.push(id);
    else if (places > 1 || u > 1) doubled.push(id);
  }
  const deadByQueue: Record<string, number> = Object.fromEntries(DLQS.map((d) => [d.queue, 0]));
  for (const d of dead) deadByQueue[d.queue] = (deadByQueue[d.queue] ?? 0) + 1;
  const poison = Object.entries(manifest.poison);
  const expectedQueue: Record<string, string> = { clean: "clean-rejects.fifo", store: "store-dlq.fifo", process: "process-dlq.fifo" };
  const placed = poison.filter(([id, p]) => dead.some((d) => d.id === id && d.queue === expectedQueue[p.stage]));
  const misplaced = dead.filter((d) => !manifest.poison[d.id]).map((d) => `${d.id} in ${d.queue}: ${d.reason}`);
  const ok = lost.length === 0 && doubled.length === 0 && placed.length === poison.length && misplaced.length === 0 && other.length === 0;
  return { rows: manifest.rows, updated: updates.size, storedNotUpdated: notUpdated, dead, deadByQueue, otherDead: other, lost, doubled, poisonWhereExpected: placed.length, poisonTotal: poison.length, misplaced, ok };
}

const fmt = (n: number): string => n.toLocaleString("en-US");

/** The reconciliation as a table for people. */
export function reconciliationTable(r: Reconciliation, file: string): string {
  const line = (label: string, n: number | string, note = ""): string => `  ${label.padEnd(44)}${(typeof n === "number" ? fmt(n) : n).padStart(10)}${note ? `  ${note}` : ""}`;
  const accounted = r.updated + r.dead.length;
  const out = [`Reconciliation of ${file}`, line("input rows", r.rows), line(`updated in table ${ROWS_TABLE} (once each)`, r.updated)];
  for (const d of DLQS) if ((r.deadByQueue[d.queue] ?? 0) > 0 || d.perRow) out.push(line(`dead-lettered in ${d.queue} (${d.stage})`, r.deadByQueue[d.queue] ?? 0));
  out.push(
    line("accounted for", accounted),
    line("stored, then dead-lettered by a later stage", r.storedNotUpdated),
    line("lost (nowhere)", r.lost.length, r.lost.slice(0, 5).join(" ")),
    line("doubled (two places, or updated twice)", r.doubled.length, r.doubled.slice(0, 5).join(" ")),
    line("poison rows in their stage's DLQ", `${r.poisonWhereExpected}/${r.poisonTotal}`),
  );
  if (r.misplaced.length) out.push(line("good rows dead-lettered", r.misplaced.length, r.misplaced.slice(0, 3).join("; ")));
  if (r.otherDead.length) out.push(line("other DLQ messages", r.otherDead.length, r.otherDead[0]?.body ?? ""));
  out.push(`  result: ${r.ok ? "OK — every row is updated or dead-lettered with its reason; nothing lost, nothing doubled" : "MISMATCH"}`, "", "  dead-lettered rows and why:");
  for (const d of r.dead.slice(0, 30)) out.push(`    ${d.id}  ${d.queue.padEnd(20)} ${d.reason.slice(0, 110)}`);
  if (r.dead.length > 30) out.push(`    … and ${r.dead.length - 30} more`);
  return out.join("\n");
}
