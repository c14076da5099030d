/**
 * Stage 4: processing. Each row's amount is converted to USD and scored for risk; the
 * results go to the `finished` queue, 100 to a message. A row that cannot be processed
 * (a currency without a rate) is set aside alone, with its reason, in
 * `process-retry.fifo` while the rest of its message goes on; this function consumes
 * that queue too, and a row that fails again is reported as a batch item failure, so
 * after 3 receives SQS moves it to `process-dlq.fifo`.
 */
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { count, env, sendBodies, setAside } from "./lib/aws.js";
import { pack, type Processed, type Row, type RowMessage } from "./lib/rows.js";

/** USD per unit, as of the (fictional) day of the file. */
const RATES: Record<string, number> = { USD: 1, EUR: 1.09, GBP: 1.27, CHF: 1.13, JPY: 0.0067, BRL: 0.2, SEK: 0.096, BHD: 2.65 };

function processRow(row: Row): Processed | string {
  const [id = "", , , , , country = "", , , category = "", amount = "0", currency = "", method = "", , status = ""] = row;
  const rate = RATES[currency];
  if (rate === undefined) return `no exchange rate for currency ${currency}`;
  const usd = Math.round(Number(amount) * rate * 100) / 100;
  let risk = Math.min(60, Math.floor(usd / 500));
  if (status === "disputed") risk += 25;
  if (method === "bank_transfer" && country !== "US") risk += 10;
  if (category === "electronics") risk += 4;
  return [id, usd.toFixed(2), Math.min(99, risk), risk >= 70];
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const done: Processed[] = [];
  const aside: { row: Row; reason: string }[] = [];
  const failures: string[] = [];
  for (const r of event.Records) {
    const retry = r.eventSourceARN.endsWith(".fifo");
    for (const row of (JSON.parse(r.body) as RowMessage).rows) {
      const p = processRow(row);
      if (typeof p !== "string") done.push(p);
      else if (retry) failures.push(r.messageId);
      else aside.push({ row, reason: p });
    }
  }
  if (aside.length) await setAside(env("PROCESS_RETRY_QUEUE"), "process", aside);
  await sendBodies(env("FINISHED_QUEUE"), pack(done, 100));
  await count("processed", done.length);
  return { batchItemFailures: [...new Set(failures)].map((itemIdentifier) => ({ itemIdentifier })) };
};
