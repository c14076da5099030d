/**
 * Conditional writes in transactions of up to 100 actions, with exact outcomes per
 * action. Every action carries a condition that makes it idempotent (a put only if the
 * item is absent, an update only if it was not applied yet), so a redelivered message
 * changes nothing twice. A transaction is all-or-nothing, so when DynamoDB cancels one,
 * the actions whose condition failed (already done) are dropped and the rest retried;
 * when it refuses one as invalid (an item over 400 KB), each action is tried alone to
 * find the invalid ones.
 */
import { TransactWriteItemsCommand, type TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { dynamo, errorMessage, errorName, sleep } from "./aws.js";

export interface Outcome {
  /** Actions applied now. */
  applied: number;
  /** Actions whose condition failed: applied by an earlier delivery. */
  done: number;
  /** Actions DynamoDB refuses, by index into the input, with its message. */
  invalid: { index: number; reason: string }[];
}

interface Cancelled {
  CancellationReasons?: { Code?: string }[];
}

async function writeAlone(action: TransactWriteItem, index: number, out: Outcome): Promise<void> {
  try {
    await dynamo.send(new TransactWriteItemsCommand({ TransactItems: [action] }));
    out.applied++;
  } catch (err) {
    const name = errorName(err);
    if (name === "TransactionCanceledException" && (err as Cancelled).CancellationReasons?.[0]?.Code === "ConditionalCheckFailed") out.done++;
    else if (name === "ValidationException") out.invalid.push({ index, reason: `${name}: ${errorMessage(err)}` });
    else throw err;
  }
}

/** Writes one group of at most 100 actions (`base` is the index of its first). */
async function writeGroup(actions: TransactWriteItem[], base: number, out: Outcome): Promise<void> {
  let todo = actions.map((a, i) => ({ a, i: base + i }));
  for (let attempt = 0; todo.length; attempt++) {
    try {
      await dynamo.send(new TransactWriteItemsCommand({ TransactItems: todo.map((t) => t.a) }));
      out.applied += todo.length;
      return;
    } catch (err) {
      const name = errorName(err);
      if (name === "ValidationException") {
        for (const t of todo) await writeAlone(t.a, t.i, out);
        return;
      }
      if (name !== "TransactionCanceledException" || attempt >= 20) throw err;
      const reasons = (err as Cancelled).CancellationReasons ?? [];
      const failed = new Set(reasons.flatMap((r, k) => (r.Code === "ConditionalCheckFailed" ? [k] : [])));
      out.done += failed.size;
      todo = todo.filter((_, k) => !failed.has(k));
      // Anything else (a conflict with a concurrent transaction) is retried after a pause.
      if (reasons.some((r) => r.Code && r.Code !== "None" && r.Code !== "ConditionalCheckFailed")) await sleep(5 + Math.random() * 20 * (attempt + 1));
    }
  }
}

export async function writeAll(actions: TransactWriteItem[], concurrency = 4): Promise<Outcome> {
  const out: Outcome = { applied: 0, done: 0, invalid: [] };
  const groups: number[] = [];
  for (let i = 0; i < actions.length; i += 100) groups.push(i);
  const worker = async (): Promise<void> => {
    for (let g = groups.shift(); g !== undefined; g = groups.shift()) await writeGroup(actions.slice(g, g + 100), g, out);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}
