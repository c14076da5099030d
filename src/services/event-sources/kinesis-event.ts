/** Lambda's Kinesis event record and its stream failure record for on-failure destinations. */

export interface SourceRecord {
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  readonly data: Buffer;
  /** Epoch milliseconds. */
  readonly arrivedAt: number;
}

export interface KinesisRecord {
  kinesis: { kinesisSchemaVersion: "1.0"; partitionKey: string; sequenceNumber: string; data: string; approximateArrivalTimestamp: number };
  eventSource: "aws:kinesis";
  eventVersion: "1.0";
  eventID: string;
  eventName: "aws:kinesis:record";
  invokeIdentityArn: string;
  awsRegion: string;
  eventSourceARN: string;
}

export function kinesisRecord(r: SourceRecord, shardId: string, streamArn: string, roleArn: string): KinesisRecord {
  return {
    kinesis: {
      kinesisSchemaVersion: "1.0",
      partitionKey: r.partitionKey,
      sequenceNumber: r.sequenceNumber,
      data: r.data.toString("base64"),
      approximateArrivalTimestamp: r.arrivedAt / 1000,
    },
    eventSource: "aws:kinesis",
    eventVersion: "1.0",
    eventID: `${shardId}:${r.sequenceNumber}`,
    eventName: "aws:kinesis:record",
    invokeIdentityArn: roleArn,
    awsRegion: streamArn.split(":")[3] ?? "",
    eventSourceARN: streamArn,
  };
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

/** The record Lambda sends to a stream mapping's on-failure destination (batch info, not the data). */
export function streamFailureRecord(batch: readonly SourceRecord[], c: FailureContext): Record<string, unknown> {
  const first = batch[0];
  const last = batch[batch.length - 1];
  return {
    requestContext: { requestId: c.requestId, functionArn: c.functionArn, condition: c.condition, approximateInvokeCount: c.invokeCount },
    responseContext: { statusCode: c.statusCode ?? 200, executedVersion: "$LATEST", functionError: c.functionError ?? "" },
    version: "1.0",
    timestamp: new Date(c.now).toISOString(),
    KinesisBatchInfo: {
      shardId: c.shardId,
      startSequenceNumber: first?.sequenceNumber ?? "",
      endSequenceNumber: last?.sequenceNumber ?? "",
      approximateArrivalOfFirstRecord: new Date(first?.arrivedAt ?? c.now).toISOString(),
      approximateArrivalOfLastRecord: new Date(last?.arrivedAt ?? c.now).toISOString(),
      batchSize: batch.length,
      streamArn: c.streamArn,
    },
  };
}
