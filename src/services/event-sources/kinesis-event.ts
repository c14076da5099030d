/**
 * Lambda's Kinesis event format: the event record (`kinesis` with the base64 data, the
 * partition key and sequence number), filters matched against `kinesis` with `data`
 * decoded, and the failure record's `KinesisBatchInfo`.
 */
import { recordView } from "./filter.js";
import { failureEnvelope, type FailureContext, type RecordContext, type SourceRecord, type StreamEventFormat } from "./stream-event.js";

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

/** The record Lambda sends to a Kinesis mapping's on-failure destination (batch info, not the data). */
export function streamFailureRecord(batch: readonly SourceRecord[], c: FailureContext): Record<string, unknown> {
  const first = batch[0];
  const last = batch[batch.length - 1];
  return {
    ...failureEnvelope(c),
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

/** The JSON around one record's data in the event. */
const RECORD_OVERHEAD = 600;

export const kinesisFormat: StreamEventFormat = {
  filterSource: "kinesis",
  record: (r: SourceRecord, c: RecordContext) => kinesisRecord(r, c.shardId, c.sourceArn, c.roleArn),
  filterView: (r: SourceRecord, c: RecordContext) => recordView("kinesis", kinesisRecord(r, c.shardId, c.sourceArn, c.roleArn)),
  failureRecord: streamFailureRecord,
  // The data travels base64-encoded.
  size: (r: SourceRecord) => Math.ceil(r.data.length / 3) * 4 + r.partitionKey.length + RECORD_OVERHEAD,
};
