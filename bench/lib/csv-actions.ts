/**
 * The table writes of the CSV pipeline (examples/csv-ingest), as its handlers send them:
 * stage 2's conditional put of a clean row's 16 attributes and stage 5's conditional
 * update with what was processed. Shared by the benches that measure that write path.
 */
import type { TransactWriteItem } from "@aws-sdk/client-dynamodb";
import { toItem } from "../../examples/csv-ingest/handlers/lib/rows.js";

export const CSV_TABLE = "csv-ingest-rows";

/** A clean row as the clean stage leaves it: 16 columns, like examples/csv-ingest/generate.ts writes them. */
export function row(n: number): string[] {
  const id = `TX${String(n).padStart(8, "0")}`;
  return [
    id, `2024-03-${String(1 + (n % 28)).padStart(2, "0")}T${String(n % 24).padStart(2, "0")}:${String(n % 60).padStart(2, "0")}:07Z`, `ACC-${String(n % 50_000).padStart(5, "0")}`,
    "Nguyen, Ngozi", "ngozi.nguyen@example.com", "SE", "Malmö", "Amazon EU S.à r.l.", "entertainment", (4914.7 + (n % 997)).toFixed(2), "EUR", "bank_transfer",
    String(1000 + (n % 9000)), "completed", "mobile", n % 3 ? "" : "customer said: \"ship fast\"",
  ];
}

/** Stage 2 (handlers/store.ts): a conditional put of each row's 16 attributes. */
export function putAction(n: number): TransactWriteItem {
  return { Put: { TableName: CSV_TABLE, Item: toItem(row(n)), ConditionExpression: "attribute_not_exists(id)" } };
}

/** Stage 5 (handlers/update.ts): a conditional update with what was processed. */
export function updateAction(n: number): TransactWriteItem {
  return {
    Update: {
      TableName: CSV_TABLE,
      Key: { id: { S: `TX${String(n).padStart(8, "0")}` } },
      UpdateExpression: "SET #usd = :usd, #risk = :risk, #flagged = :flagged, #at = :now ADD #updates :one",
      ConditionExpression: "attribute_exists(#id) AND attribute_not_exists(#at)",
      ExpressionAttributeNames: { "#id": "id", "#usd": "amountUsd", "#risk": "risk", "#flagged": "flagged", "#at": "updatedAt", "#updates": "updates" },
      ExpressionAttributeValues: { ":usd": { N: (5321.07 + (n % 997)).toFixed(2) }, ":risk": { N: String(n % 100) }, ":flagged": { BOOL: n % 7 === 0 }, ":now": { S: new Date(1_710_000_000_000 + n).toISOString() }, ":one": { N: "1" } },
    },
  };
}

