/**
 * The pipeline's record shapes and how they travel. A clean row is a tuple of 16
 * strings in the CSV's column order (compact in messages); many rows share one SQS
 * message (`{ rows: [...] }`), and a row set aside after a failure travels alone with
 * its reason (`{ rows: [row], stage, reason }`). Items in the table have named
 * attributes, built here as DynamoDB AttributeValues directly (no marshalling pass).
 */
import type { AttributeValue } from "@aws-sdk/client-dynamodb";

export type Row = string[];

export interface RowMessage {
  rows: Row[];
  /** Set on a row set aside for its own retries: the stage and the error that failed it. */
  stage?: string;
  reason?: string;
}

/** Attribute names in column order (the CSV header's, shortened). */
export const ATTRIBUTES = ["id", "ts", "account", "customer", "email", "country", "city", "merchant", "category", "amount", "currency", "method", "card", "status", "channel", "notes"];

export function toItem(row: Row): Record<string, AttributeValue> {
  const item: Record<string, AttributeValue> = {};
  ATTRIBUTES.forEach((name, i) => {
    const v = row[i] ?? "";
    item[name] = name === "amount" ? { N: v } : { S: v };
  });
  return item;
}

export function fromImage(image: Record<string, { S?: string; N?: string }>): Row {
  return ATTRIBUTES.map((name) => image[name]?.S ?? image[name]?.N ?? "");
}

/** A processed row: id, amount in USD, risk score 0–99, flagged for review. */
export type Processed = [id: string, amountUsd: string, risk: number, flagged: boolean];

/** Packs rows into message bodies of at most `perMessage` rows and about `maxBytes`. */
export function pack<T>(rows: readonly T[], perMessage: number, maxBytes = 200_000): string[] {
  const bodies: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (current.length) bodies.push(`{"rows":[${current.join(",")}]}`);
    current = [];
    bytes = 0;
  };
  for (const r of rows) {
    const s = JSON.stringify(r);
    if (current.length >= perMessage || (current.length && bytes + s.length > maxBytes)) flush();
    current.push(s);
    bytes += s.length;
  }
  flush();
  return bodies;
}
