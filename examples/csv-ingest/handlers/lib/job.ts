/**
 * The cleaner's job record: one item per uploaded object version in the state table,
 * holding a lease (so only one cleaner works on a file at a time) and a checkpoint
 * (the byte offset of the next record and the counts so far), so a cleaner that dies
 * mid-file is resumed from its last checkpoint rather than from the start.
 */
import { GetItemCommand, UpdateItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { dynamo, env, errorName } from "./aws.js";

export const LEASE_MS = 20_000;

export interface Checkpoint {
  /** Byte offset of the next record to read. */
  offset: number;
  /** Records read so far (the header included). */
  records: number;
  cleaned: number;
  queued: number;
  rejected: number;
  messages: number;
}

const num = (v: AttributeValue | undefined): number => Number(v?.N ?? 0);

function checkpointOf(item: Record<string, AttributeValue>): Checkpoint {
  return { offset: num(item["offset"]), records: num(item["records"]), cleaned: num(item["cleaned"]), queued: num(item["queued"]), rejected: num(item["rejected"]), messages: num(item["messages"]) };
}

// Every attribute by an alias: several (status, owner, offset, size, bucket…) are DynamoDB reserved words.
const names = { "#s": "status", "#o": "owner", "#off": "offset", "#r": "records", "#b": "bucket", "#k": "objectKey", "#sz": "size", "#c": "cleaned", "#q": "queued", "#x": "rejected", "#m": "messages", "#l": "leaseUntil", "#st": "startedAt" };

/** Takes the lease: the checkpoint to resume from, "done" if the file was finished, or "busy". */
export async function claim(jobId: string, me: string, file: { bucket: string; key: string; size: number }): Promise<Checkpoint | "done" | "busy"> {
  const now = Date.now();
  const zero = { N: "0" };
  try {
    const r = await dynamo.send(
      new UpdateItemCommand({
        TableName: env("STATE_TABLE"),
        Key: { id: { S: jobId } },
        UpdateExpression:
          "SET #o = :me, #l = :until, #s = if_not_exists(#s, :running), #off = if_not_exists(#off, :zero), #r = if_not_exists(#r, :zero), " +
          "#c = if_not_exists(#c, :zero), #q = if_not_exists(#q, :zero), #x = if_not_exists(#x, :zero), #m = if_not_exists(#m, :zero), " +
          "#b = :b, #k = :k, #sz = :size, #st = if_not_exists(#st, :nowIso)",
        ConditionExpression: "attribute_not_exists(id) OR (#s <> :done AND #l < :now)",
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ":me": { S: me }, ":until": { N: String(now + LEASE_MS) }, ":running": { S: "running" }, ":done": { S: "done" }, ":zero": zero, ":now": { N: String(now) },
          ":b": { S: file.bucket }, ":k": { S: file.key }, ":size": { N: String(file.size) }, ":nowIso": { S: new Date(now).toISOString() },
        },
        ReturnValues: "ALL_NEW",
      }),
    );
    return checkpointOf(r.Attributes ?? {});
  } catch (err) {
    if (errorName(err) !== "ConditionalCheckFailedException") throw err;
    const cur = await dynamo.send(new GetItemCommand({ TableName: env("STATE_TABLE"), Key: { id: { S: jobId } }, ConsistentRead: true }));
    return cur.Item?.["status"]?.S === "done" ? "done" : "busy";
  }
}

/** Records progress and renews the lease; fails if another cleaner took the lease over. */
export async function checkpoint(jobId: string, me: string, c: Checkpoint, done: boolean): Promise<void> {
  await dynamo.send(
    new UpdateItemCommand({
      TableName: env("STATE_TABLE"),
      Key: { id: { S: jobId } },
      UpdateExpression: "SET #off = :off, #r = :r, #c = :c, #q = :q, #x = :x, #m = :m, #l = :until, #s = :s" + (done ? ", #f = :t" : ""),
      // Only the lease holder writes, and a finished job stays finished.
      ConditionExpression: "#o = :me AND #s <> :done",
      ExpressionAttributeNames: { "#off": "offset", "#r": "records", "#c": "cleaned", "#q": "queued", "#x": "rejected", "#m": "messages", "#l": "leaseUntil", "#s": "status", "#o": "owner", ...(done ? { "#f": "finishedAt" } : {}) },
      ExpressionAttributeValues: {
        ":off": { N: String(c.offset) }, ":r": { N: String(c.records) }, ":c": { N: String(c.cleaned) }, ":q": { N: String(c.queued) }, ":x": { N: String(c.rejected) },
        ":m": { N: String(c.messages) }, ":until": { N: String(Date.now() + LEASE_MS) }, ":s": { S: done ? "done" : "running" }, ":done": { S: "done" }, ":me": { S: me },
        ...(done ? { ":t": { S: new Date().toISOString() } } : {}),
      },
    }),
  );
}
