/**
 * Change records: what a write puts into its table's stream, in DynamoDB Streams'
 * record shape (without the sequence number, which the stream assigns). A table's
 * stream is a stream in the stream store with a fixed set of shards; an item's records
 * all go to the shard its partition key hashes to, so they stay in order.
 */
import { randomUUID } from "node:crypto";
import type { RecordEntry, StreamStore } from "../streams/store.js";
import { uniformRanges } from "../streams/hash.js";
import { streamAccount } from "./context.js";
import type { Item, StreamViewType, TableStream } from "./types.js";
import { itemSize } from "./values/size.js";

export const EventName = { Insert: "INSERT", Modify: "MODIFY", Remove: "REMOVE" } as const;
export type EventName = (typeof EventName)[keyof typeof EventName];

/** A change record as stored: DynamoDB Streams' record less its SequenceNumber. */
export interface ChangeRecord {
  readonly eventID: string;
  readonly eventName: EventName;
  readonly awsRegion: string;
  readonly dynamodb: {
    /** Epoch milliseconds. */
    readonly ApproximateCreationDateTime: number;
    readonly Keys: Item;
    readonly NewImage?: Item;
    readonly OldImage?: Item;
    readonly SizeBytes: number;
    readonly StreamViewType: StreamViewType;
  };
  readonly userIdentity?: { readonly type: "Service"; readonly principalId: "dynamodb.amazonaws.com" };
}

export interface Change {
  readonly keys: Item;
  readonly oldItem: Item | undefined;
  readonly newItem: Item | undefined;
  /** Deleted by TTL: the record names DynamoDB as the one who deleted it. */
  readonly byService?: boolean;
}

/** `newSize` is the new item's size when the caller has it already. */
export function changeRecord(stream: TableStream, region: string, c: Change, now: number, newSize?: number): ChangeRecord | null {
  const eventName = !c.newItem ? EventName.Remove : c.oldItem ? EventName.Modify : EventName.Insert;
  if (!c.newItem && !c.oldItem) return null;
  const v = stream.viewType;
  const withNew = (v === "NEW_IMAGE" || v === "NEW_AND_OLD_IMAGES") && c.newItem;
  const withOld = (v === "OLD_IMAGE" || v === "NEW_AND_OLD_IMAGES") && c.oldItem;
  const sized = itemSize(c.keys) + (withNew ? (newSize ?? itemSize(c.newItem)) : 0) + (withOld ? itemSize(c.oldItem) : 0);
  return {
    // randomUUID draws from a cached entropy pool: far cheaper per record than randomBytes.
    eventID: randomUUID().replaceAll("-", ""),
    eventName,
    awsRegion: region,
    dynamodb: {
      ApproximateCreationDateTime: now,
      Keys: c.keys,
      ...(withNew ? { NewImage: c.newItem } : {}),
      ...(withOld ? { OldImage: c.oldItem } : {}),
      SizeBytes: sized,
      StreamViewType: v,
    },
    ...(c.byService ? { userIdentity: { type: "Service", principalId: "dynamodb.amazonaws.com" } as const } : {}),
  };
}

/** The JSON texts of a change's images, when the caller has them already (they are most of a record). */
export interface ImageTexts {
  readonly newImage?: string | undefined;
  readonly oldImage?: string | undefined;
}

/**
 * The record as JSON, exactly what JSON.stringify(record) gives, with the images
 * spliced in from their texts instead of serialised again. The order of the members is
 * changeRecord's (storedEventName reads the event name at its place).
 */
export function changeJson(record: ChangeRecord, texts: ImageTexts = {}): string {
  const d = record.dynamodb;
  let json = `{"eventID":"${record.eventID}","eventName":"${record.eventName}","awsRegion":${JSON.stringify(record.awsRegion)},"dynamodb":{"ApproximateCreationDateTime":${d.ApproximateCreationDateTime},"Keys":${JSON.stringify(d.Keys)}`;
  if (d.NewImage) json += `,"NewImage":${texts.newImage ?? JSON.stringify(d.NewImage)}`;
  if (d.OldImage) json += `,"OldImage":${texts.oldImage ?? JSON.stringify(d.OldImage)}`;
  json += `,"SizeBytes":${d.SizeBytes},"StreamViewType":"${d.StreamViewType}"}`;
  if (record.userIdentity) json += `,"userIdentity":${JSON.stringify(record.userIdentity)}`;
  return `${json}}`;
}

// changeJson writes `{"eventID":"<32 hex>","eventName":"` first.
const NAME_AT = '{"eventID":"'.length + 32 + '","eventName":"'.length;

/** The event name read from the stored text without parsing it, or undefined when the text is laid out otherwise. */
export function storedEventName(data: Buffer): string | undefined {
  const head = data.toString("latin1", 0, NAME_AT + 8);
  if (!head.startsWith('{"eventID":"') || head.slice(NAME_AT - 15, NAME_AT) !== '","eventName":"') return undefined;
  const name = head.slice(NAME_AT, head.indexOf('"', NAME_AT));
  return name === "INSERT" || name === "MODIFY" || name === "REMOVE" ? name : undefined;
}

/** The stream entry for a change of the item whose partition key hashes (MD5) to `hash`. */
export function changeEntry(stream: TableStream, hash: Buffer, record: ChangeRecord, texts?: ImageTexts): { streamId: number; entry: RecordEntry } {
  const segment = hash.readUInt32BE(0);
  const shardIndex = Math.min(stream.shards - 1, Math.floor((segment * stream.shards) / 2 ** 32));
  return { streamId: stream.streamId, entry: { shardIndex, partitionKey: hash.toString("hex"), data: Buffer.from(changeJson(record, texts)), explicitHashKey: null } };
}

/** Creates the stream store's stream for a newly enabled table stream. */
export async function createChangeStream(streams: StreamStore, o: { account: string; table: string; tableArn: string; viewType: StreamViewType; shards: number; now: number }): Promise<TableStream> {
  const label = new Date(o.now).toISOString().replace("Z", "");
  const streamName = `${o.table}/${label}`;
  const made = await streams.createStream({
    account: streamAccount(o.account),
    name: streamName,
    arn: `${o.tableArn}/stream/${label}`,
    createdAt: o.now,
    settings: { mode: "PROVISIONED", retentionHours: 24, encryption: null, monitoring: [], tags: {}, consumers: [] },
    shards: uniformRanges(o.shards).map((r) => ({ hashStart: r.start.toString(), hashEnd: r.end.toString() })),
  });
  if (made === "exists") throw new Error(`change stream ${streamName} exists already`);
  return { viewType: o.viewType, label, streamId: made.id, streamName, shards: o.shards };
}

/**
 * Closes every shard of a table's stream once it is disabled: a writer still holding
 * the old definition then finds its shard closed ("stale") and writes again without a
 * record, and readers see the shards end.
 */
export async function closeChangeStream(streams: StreamStore, account: string, stream: TableStream, now: number): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const s = await streams.getStream(streamAccount(account), stream.streamName);
    const open = s?.shards.filter((x) => x.endCounter === null).map((x) => x.index) ?? [];
    if (!s || open.length === 0) return;
    if ((await streams.reshard(s.id, s.version, [{ close: open, open: [] }], now)) === "ok") return;
  }
}
