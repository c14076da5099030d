/**
 * What the stream mapping engine hands on, whatever the source: a *source record* (a
 * record as a shard source reads it), and a *stream event format*, which turns source
 * records into the records of the event Lambda invokes the function with, into the
 * document filters match, and into the *failure record* sent to an on-failure
 * destination for records given up on. Kinesis (kinesis-event.ts) and DynamoDB
 * (dynamodb-event.ts) each have one; a mapping uses its source's, so one engine serves both.
 */
import type { EventSourceKind } from "./filter.js";

export interface SourceRecord {
  readonly sequenceNumber: string;
  /** Records of one partition key keep their order (ParallelizationFactor groups by it). */
  readonly partitionKey: string;
  /** The payload: a Kinesis record's data, or a stored DynamoDB change record (JSON). */
  readonly data: Buffer;
  /** Epoch milliseconds. */
  readonly arrivedAt: number;
}

/** Where a record was read: the event names its shard, source and the function's role. */
export interface RecordContext {
  readonly shardId: string;
  readonly sourceArn: string;
  readonly roleArn: string;
}

export const FailureCondition = { RetriesExhausted: "RetryAttemptsExhausted", RecordAge: "RecordAgeExceeded" } as const;
export type FailureCondition = (typeof FailureCondition)[keyof typeof FailureCondition];

export interface FailureContext {
  readonly requestId: string;
  readonly functionArn: string;
  readonly condition: FailureCondition;
  readonly invokeCount: number;
  /** The last invocation's outcome, when there was one. */
  readonly functionError?: string;
  readonly statusCode?: number;
  readonly now: number;
  readonly shardId: string;
  readonly streamArn: string;
}

export interface StreamEventFormat {
  /** How the mapping's filters read records. */
  readonly filterSource: EventSourceKind;
  /** The record as it appears in the event's `Records`. */
  readonly record: (r: SourceRecord, c: RecordContext) => unknown;
  /** The document the mapping's filters match (see filter.ts `recordView`). */
  readonly filterView: (r: SourceRecord, c: RecordContext) => unknown;
  /** The on-failure destination's record for `batch` (its place in the stream, not its data). */
  readonly failureRecord: (batch: readonly SourceRecord[], c: FailureContext) => Record<string, unknown>;
  /** About how many bytes the record adds to the event's JSON (to keep events under Lambda's payload limit). */
  readonly size: (r: SourceRecord) => number;
}

/** The members every stream failure record shares (Lambda's invocation record, less the batch info). */
export function failureEnvelope(c: FailureContext): Record<string, unknown> {
  return {
    requestContext: { requestId: c.requestId, functionArn: c.functionArn, condition: c.condition, approximateInvokeCount: c.invokeCount },
    responseContext: { statusCode: c.statusCode ?? 200, executedVersion: "$LATEST", functionError: c.functionError ?? "" },
    version: "1.0",
    timestamp: new Date(c.now).toISOString(),
  };
}
