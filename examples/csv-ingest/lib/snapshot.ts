/**
 * A snapshot of the run through the AWS APIs, for the live progress line and to tell
 * when the pipeline has gone quiet: the cleaner's job record (cleaned, queued,
 * rejected), the stage counters the handlers keep, and the depth of every queue.
 * Counters are for display; the reconciliation counts rows itself.
 */
import { BatchGetItemCommand, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, GetQueueUrlCommand } from "@aws-sdk/client-sqs";
import { DLQS, PIPELINE_QUEUES, STATE_TABLE, type Clients } from "./clients.js";

export interface Snapshot {
  job: { status: string; cleaned: number; queued: number; rejected: number } | null;
  stored: number;
  streamed: number;
  processed: number;
  updated: number;
  /** Messages waiting or in flight in the pipeline's queues. */
  inPipeline: number;
  /** Rows in per-row DLQs plus messages in the others. */
  deadLettered: number;
  /** Messages in DLQs that hold whole messages (rows unknown until reconciled). */
  deadMessages: number;
}

const urls = new Map<string, string>();

async function depth(c: Clients, name: string): Promise<number> {
  let url = urls.get(name);
  if (!url) {
    url = (await c.sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? "";
    urls.set(name, url);
  }
  const { Attributes: a = {} } = await c.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"] }),
  );
  return Number(a["ApproximateNumberOfMessages"] ?? 0) + Number(a["ApproximateNumberOfMessagesNotVisible"] ?? 0) + Number(a["ApproximateNumberOfMessagesDelayed"] ?? 0);
}

async function counters(c: Clients): Promise<Record<string, number>> {
  const names = ["stored", "streamed", "processed", "updated"];
  const r = await c.dynamo.send(new BatchGetItemCommand({ RequestItems: { [STATE_TABLE]: { Keys: names.map((n) => ({ id: { S: `count#${n}` } })) } } }));
  const out: Record<string, number> = {};
  for (const item of r.Responses?.[STATE_TABLE] ?? []) out[(item["id"]?.S ?? "").slice(6)] = Number(item["n"]?.N ?? 0);
  return out;
}

export async function snapshot(c: Clients, jobId: string): Promise<Snapshot> {
  const [jobItem, n, pipeline, dlqs] = await Promise.all([
    c.dynamo.send(new GetItemCommand({ TableName: STATE_TABLE, Key: { id: { S: jobId } } })),
    counters(c),
    Promise.all(PIPELINE_QUEUES.map((q) => depth(c, q))),
    Promise.all(DLQS.map(async (d) => ({ ...d, n: await depth(c, d.queue) }))),
  ]);
  const it = jobItem.Item;
  const num = (k: string): number => Number(it?.[k]?.N ?? 0);
  return {
    job: it ? { status: it["status"]?.S ?? "?", cleaned: num("cleaned"), queued: num("queued"), rejected: num("rejected") } : null,
    stored: n["stored"] ?? 0,
    streamed: n["streamed"] ?? 0,
    processed: n["processed"] ?? 0,
    updated: n["updated"] ?? 0,
    inPipeline: pipeline.reduce((a, b) => a + b, 0),
    deadLettered: dlqs.reduce((a, d) => a + d.n, 0),
    deadMessages: dlqs.filter((d) => !d.perRow).reduce((a, d) => a + d.n, 0),
  };
}

const fmt = (n: number): string => n.toLocaleString("en-US");

export function describeSnapshot(s: Snapshot): string {
  return `cleaned ${fmt(s.job?.cleaned ?? 0)}  queued ${fmt(s.job?.queued ?? 0)}  stored ${fmt(s.stored)}  processed ${fmt(s.processed)}  updated ${fmt(s.updated)}  dead-lettered ${fmt(s.deadLettered)}`;
}

/** Whether the counters say every row reached its end (updated or dead-lettered) with nothing left in flight. */
export function looksFinished(s: Snapshot, rows: number): boolean {
  return s.job?.status === "done" && s.inPipeline === 0 && s.updated + s.deadLettered >= rows;
}
