/**
 * Stage 2: rows from the `rows` queue into the table. Each put is conditional on the
 * item being absent, so a redelivered message stores nothing twice and never
 * overwrites a row a later stage has updated. Rows DynamoDB refuses (an item over
 * 400 KB) are set aside, each alone with its reason, in `store-retry.fifo`; the rest of
 * their message is stored and the message succeeds. This function also consumes
 * `store-retry.fifo`: a row that still fails is reported as a batch item failure, and
 * after 3 receives SQS moves it, reason included, to `store-dlq.fifo`.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { count, env, setAside } from "./lib/aws.js";
import { toItem, type Row, type RowMessage } from "./lib/rows.js";
import { writeAll } from "./lib/transact.js";

const isRetry = (r: SQSRecord): boolean => r.eventSourceARN.endsWith(".fifo");

function putsOf(rows: Row[]) {
  return rows.map((row) => ({ Put: { TableName: env("ROWS_TABLE"), Item: toItem(row), ConditionExpression: "attribute_not_exists(id)" } }));
}

/** Rows of the batch, each once (a batch may hold a row twice after a redelivery). */
function uniqueRows(records: SQSRecord[]): Row[] {
  const seen = new Map<string, Row>();
  for (const r of records) for (const row of (JSON.parse(r.body) as RowMessage).rows) seen.set(row[0] ?? "", row);
  return [...seen.values()];
}

async function storeRows(records: SQSRecord[]): Promise<void> {
  const rows = uniqueRows(records);
  const out = await writeAll(putsOf(rows));
  if (out.invalid.length) await setAside(env("STORE_RETRY_QUEUE"), "store", out.invalid.map((f) => ({ row: rows[f.index]!, reason: f.reason })));
  await count("stored", out.applied);
}

/** A set-aside row tried again: stored now, or failed (and retried by SQS, then dead-lettered). */
async function retryRow(record: SQSRecord): Promise<boolean> {
  const msg = JSON.parse(record.body) as RowMessage;
  const out = await writeAll(putsOf(msg.rows));
  await count("stored", out.applied);
  if (out.invalid.length) console.log(JSON.stringify({ msg: "row still refused", id: msg.rows[0]?.[0], reason: out.invalid[0]?.reason.slice(0, 200) }));
  return out.invalid.length === 0;
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: string[] = [];
  const fresh = event.Records.filter((r) => !isRetry(r));
  if (fresh.length) await storeRows(fresh);
  for (const r of event.Records.filter(isRetry)) if (!(await retryRow(r))) failures.push(r.messageId);
  return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
};
