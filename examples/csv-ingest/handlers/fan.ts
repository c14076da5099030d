/**
 * Stage 3: the table's change stream to the `process` queue. The mapping delivers only
 * INSERT records (its filter), so the final updates (MODIFY) do not loop back; each new
 * image becomes a row again, packed 50 to a message. A failure fails the batch: the
 * mapping retries it (bisecting), then sends a record of it to `stream-failures`.
 */
import type { DynamoDBStreamEvent } from "aws-lambda";
import { count, env, sendBodies } from "./lib/aws.js";
import { fromImage, pack } from "./lib/rows.js";

export const handler = async (event: DynamoDBStreamEvent): Promise<void> => {
  const rows = event.Records.filter((r) => r.eventName === "INSERT" && r.dynamodb?.NewImage).map((r) => fromImage(r.dynamodb!.NewImage as Record<string, { S?: string; N?: string }>));
  await sendBodies(env("PROCESS_QUEUE"), pack(rows, 50));
  await count("streamed", rows.length);
};
