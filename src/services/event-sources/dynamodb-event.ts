/**
 * Lambda's DynamoDB event format. A table stream's source record holds the stored
 * change record (DynamoDB Streams' record less its SequenceNumber, its creation time in
 * epoch ms); the event record is DynamoDB Streams' record with eventSourceARN added, the
 * creation time in epoch seconds (rounded down, as DynamoDB Streams reports it) and the
 * sequence number. Filters match that record as it is (eventName, dynamodb.NewImage.x.S,
 * ...). The failure record carries `DDBStreamBatchInfo`.
 */
import { storedEventName, type ChangeRecord } from "../tables/changes.js";
import type { Item, StreamViewType } from "../tables/types.js";
import { failureEnvelope, type FailureContext, type RecordContext, type SourceRecord, type StreamEventFormat } from "./stream-event.js";

export interface DynamoDbRecord {
  eventID: string;
  eventName: ChangeRecord["eventName"];
  eventVersion: "1.1";
  eventSource: "aws:dynamodb";
  awsRegion: string;
  dynamodb: {
    /** Epoch seconds. */
    ApproximateCreationDateTime: number;
    Keys: Item;
    NewImage?: Item;
    OldImage?: Item;
    SequenceNumber: string;
    SizeBytes: number;
    StreamViewType: StreamViewType;
  };
  eventSourceARN: string;
  /** Present on deletions by TTL. */
  userIdentity?: { type: "Service"; principalId: "dynamodb.amazonaws.com" };
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export function dynamodbRecord(r: SourceRecord, streamArn: string): DynamoDbRecord {
  const change = JSON.parse(r.data.toString("utf8")) as ChangeRecord;
  const { ApproximateCreationDateTime, Keys, NewImage, OldImage, SizeBytes, StreamViewType } = change.dynamodb;
  return {
    eventID: change.eventID,
    eventName: change.eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    awsRegion: change.awsRegion,
    dynamodb: {
      ApproximateCreationDateTime: seconds(ApproximateCreationDateTime),
      Keys,
      ...(NewImage ? { NewImage } : {}),
      ...(OldImage ? { OldImage } : {}),
      SequenceNumber: r.sequenceNumber,
      SizeBytes,
      StreamViewType,
    },
    eventSourceARN: streamArn,
    ...(change.userIdentity ? { userIdentity: { type: change.userIdentity.type, principalId: change.userIdentity.principalId } } : {}),
  };
}

// A record that passed the filter is delivered next: keep what the filter built.
const built = new WeakMap<SourceRecord, DynamoDbRecord>();

function builtRecord(r: SourceRecord, streamArn: string): DynamoDbRecord {
  let record = built.get(r);
  if (!record) built.set(r, (record = dynamodbRecord(r, streamArn)));
  return record;
}

/**
 * The record as filters see it. Most filters on table streams test `eventName` (which
 * the stored text tells without parsing); the rest of the record is built only when a
 * pattern looks further, so records a filter drops by event name cost no JSON parse.
 */
function filterView(r: SourceRecord, streamArn: string): unknown {
  const eventName = storedEventName(r.data);
  if (eventName === undefined) return builtRecord(r, streamArn);
  const full = (): DynamoDbRecord => builtRecord(r, streamArn);
  return {
    eventName,
    eventVersion: "1.1",
    eventSource: "aws:dynamodb",
    eventSourceARN: streamArn,
    get eventID() {
      return full().eventID;
    },
    get awsRegion() {
      return full().awsRegion;
    },
    get dynamodb() {
      return full().dynamodb;
    },
    get userIdentity() {
      return full().userIdentity;
    },
  };
}

/** DynamoDB Streams' times are whole seconds, and its failure records print them so ("2025-06-05T18:21:49Z"). */
function isoSeconds(ms: number): string {
  return new Date(seconds(ms) * 1000).toISOString().replace(".000Z", "Z");
}

/** The record Lambda sends to a DynamoDB mapping's on-failure destination (batch info, not the data). */
export function ddbFailureRecord(batch: readonly SourceRecord[], c: FailureContext): Record<string, unknown> {
  const first = batch[0];
  const last = batch[batch.length - 1];
  return {
    ...failureEnvelope(c),
    DDBStreamBatchInfo: {
      shardId: c.shardId,
      startSequenceNumber: first?.sequenceNumber ?? "",
      endSequenceNumber: last?.sequenceNumber ?? "",
      approximateArrivalOfFirstRecord: isoSeconds(first?.arrivedAt ?? c.now),
      approximateArrivalOfLastRecord: isoSeconds(last?.arrivedAt ?? c.now),
      batchSize: batch.length,
      streamArn: c.streamArn,
    },
  };
}

/** The JSON around one change record in the event (names, sequence number, source ARN). */
const RECORD_OVERHEAD = 400;

export const dynamodbFormat: StreamEventFormat = {
  filterSource: "dynamodb",
  record: (r: SourceRecord, c: RecordContext) => builtRecord(r, c.sourceArn),
  filterView: (r: SourceRecord, c: RecordContext) => filterView(r, c.sourceArn),
  failureRecord: ddbFailureRecord,
  size: (r: SourceRecord) => r.data.length + RECORD_OVERHEAD,
};
