/**
 * Stage 5: each row in the table gets what was processed (amount in USD, risk score,
 * review flag) and when, in transactions of 100 updates. An update applies only to a
 * row that exists and was not updated yet, so a redelivered message changes nothing
 * twice and `updates` stays 1 — the reconciliation checks it. These writes stream as
 * MODIFY records, which the stream mapping's INSERT filter leaves alone.
 */
import type { SQSEvent } from "aws-lambda";
import { count, env } from "./lib/aws.js";
import type { Processed, RowMessage } from "./lib/rows.js";
import { writeAll } from "./lib/transact.js";

export const handler = async (event: SQSEvent): Promise<void> => {
  const byId = new Map<string, Processed>();
  for (const r of event.Records) for (const p of (JSON.parse(r.body) as RowMessage & { rows: Processed[] }).rows) byId.set(p[0], p);
  const now = new Date().toISOString();
  const updates = [...byId.values()].map(([id, usd, risk, flagged]) => ({
    Update: {
      TableName: env("ROWS_TABLE"),
      Key: { id: { S: id } },
      UpdateExpression: "SET #usd = :usd, #risk = :risk, #flagged = :flagged, #at = :now ADD #updates :one",
      ConditionExpression: "attribute_exists(#id) AND attribute_not_exists(#at)",
      ExpressionAttributeNames: { "#id": "id", "#usd": "amountUsd", "#risk": "risk", "#flagged": "flagged", "#at": "updatedAt", "#updates": "updates" },
      ExpressionAttributeValues: { ":usd": { N: usd }, ":risk": { N: String(risk) }, ":flagged": { BOOL: flagged }, ":now": { S: now }, ":one": { N: "1" } },
    },
  }));
  const out = await writeAll(updates);
  if (out.invalid.length) throw new Error(`${out.invalid.length} updates refused: ${out.invalid[0]?.reason ?? ""}`);
  await count("updated", out.applied);
};
