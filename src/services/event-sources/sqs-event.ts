/** Lambda's SQS event record, built from a received message (keys in AWS's order). */
import type { Message } from "../queues/types.js";

export interface SqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: Record<string, string>;
  messageAttributes: Record<string, { stringValue?: string; binaryValue?: string; stringListValues: string[]; binaryListValues: string[]; dataType: string }>;
  md5OfMessageAttributes: string | null;
  md5OfBody: string;
  eventSource: "aws:sqs";
  eventSourceARN: string;
  awsRegion: string;
}

const ATTRIBUTE_ORDER = [
  "ApproximateReceiveCount",
  "AWSTraceHeader",
  "SentTimestamp",
  "SequenceNumber",
  "MessageGroupId",
  "SenderId",
  "MessageDeduplicationId",
  "ApproximateFirstReceiveTimestamp",
  "DeadLetterQueueSourceArn",
];

export function sqsRecord(m: Message, queueArn: string): SqsRecord {
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTE_ORDER) {
    const v = m.Attributes?.[name];
    if (v !== undefined) attributes[name] = v;
  }
  const messageAttributes: SqsRecord["messageAttributes"] = {};
  for (const [name, v] of Object.entries(m.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(v.StringValue !== undefined ? { stringValue: v.StringValue } : {}),
      ...(v.BinaryValue !== undefined ? { binaryValue: Buffer.from(v.BinaryValue).toString("base64") } : {}),
      stringListValues: [],
      binaryListValues: [],
      dataType: v.DataType,
    };
  }
  return {
    messageId: m.MessageId,
    receiptHandle: m.ReceiptHandle,
    body: m.Body,
    attributes,
    messageAttributes,
    md5OfMessageAttributes: m.MD5OfMessageAttributes ?? null,
    md5OfBody: m.MD5OfBody,
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(":")[3] ?? "",
  };
}

/** The messages a ReportBatchItemFailures response names, or "all" when it is malformed. */
export function failedItems(payload: string | undefined, ids: ReadonlySet<string>): Set<string> | "all" {
  if (payload === undefined || payload === "" || payload === "null") return new Set();
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return "all";
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return "all";
  const list = (parsed as { batchItemFailures?: unknown }).batchItemFailures;
  if (list === undefined || list === null) return new Set();
  if (!Array.isArray(list)) return "all";
  const failed = new Set<string>();
  for (const item of list) {
    const id = (item as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== "string" || !id || !ids.has(id)) return "all";
    failed.add(id);
  }
  return failed;
}
