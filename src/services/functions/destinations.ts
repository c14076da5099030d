/**
 * Where asynchronous outcomes go: on-success and on-failure destinations (an SQS queue
 * or another function) with Lambda's invocation record, and the dead-letter queue
 * (DeadLetterConfig) with the original event and Lambda's message attributes.
 */
import type { Failure } from "../../core/errors.js";
import type { QueueService } from "../queues/service.js";
import type { CallContext } from "../queues/types.js";
import { functionArn } from "./names.js";

export const Condition = { Success: "Success", RetriesExhausted: "RetriesExhausted", EventAgeExceeded: "EventAgeExceeded" } as const;
export type Condition = (typeof Condition)[keyof typeof Condition];

export interface Outcome {
  readonly requestId: string;
  readonly account: string;
  readonly region: string;
  readonly name: string;
  readonly condition: Condition;
  readonly invokeCount: number;
  readonly payload: string;
  /** The function's result or failure, as JSON text; absent when it never ran. */
  readonly response?: string;
  readonly failed: boolean;
}

function json(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Lambda's destination record, keys in AWS's order. */
export function destinationRecord(o: Outcome, now: number): string {
  const record: Record<string, unknown> = {
    version: "1.0",
    timestamp: new Date(now).toISOString(),
    requestContext: {
      requestId: o.requestId,
      functionArn: functionArn(o, "$LATEST"),
      condition: o.condition,
      approximateInvokeCount: o.invokeCount,
    },
    requestPayload: json(o.payload),
  };
  if (o.response !== undefined) {
    record["responseContext"] = { statusCode: 200, executedVersion: "$LATEST", ...(o.failed ? { functionError: "Unhandled" } : {}) };
    record["responsePayload"] = json(o.response);
  }
  return JSON.stringify(record);
}

export interface Delivery {
  readonly queues: QueueService;
  /** Invokes another function asynchronously with `payload`. */
  readonly invokeAsync: (arn: string, payload: string, ctx: CallContext) => Promise<void>;
  readonly ctx: CallContext;
}

function queueUrlOf(arn: string): string | null {
  const p = arn.split(":");
  return p.length === 6 && p[2] === "sqs" ? `/${p[4]}/${p[5]}` : null;
}

/** Sends a record to a destination ARN; returns false for a kind Sluice cannot deliver to. */
export async function deliver(d: Delivery, arn: string, body: string): Promise<boolean> {
  const url = queueUrlOf(arn);
  if (url) {
    await d.queues.sendMessage({ QueueUrl: url, MessageBody: body }, d.ctx);
    return true;
  }
  if (arn.split(":")[2] === "lambda") {
    await d.invokeAsync(arn, body, d.ctx);
    return true;
  }
  return false;
}

/** The DeadLetterConfig message: the original event, with RequestID, ErrorCode and ErrorMessage. */
export async function deadLetter(d: Delivery, arn: string, o: Outcome, failure: Failure | undefined): Promise<boolean> {
  const url = queueUrlOf(arn);
  if (!url) return false;
  await d.queues.sendMessage(
    {
      QueueUrl: url,
      MessageBody: o.payload,
      MessageAttributes: {
        RequestID: { DataType: "String", StringValue: o.requestId },
        ErrorCode: { DataType: "Number", StringValue: "200" },
        ErrorMessage: { DataType: "String", StringValue: (failure?.errorMessage || o.condition).slice(0, 256) },
      },
    },
    d.ctx,
  );
  return true;
}
