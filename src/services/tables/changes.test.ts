import { describe, expect, it } from "vitest";
import { dynamodbFormat } from "../event-sources/dynamodb-event.js";
import { compileFilterCriteria } from "../event-sources/filter.js";
import type { SourceRecord } from "../event-sources/stream-event.js";
import { changeEntry, changeJson, changeRecord, storedEventName, type ChangeRecord } from "./changes.js";
import type { Item, StreamViewType, TableStream } from "./types.js";
import { partitionHash } from "./values/segment.js";
import { itemSize } from "./values/size.js";

const VIEWS: StreamViewType[] = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];
const stream = (viewType: StreamViewType): TableStream => ({ viewType, streamId: 7, shards: 4 }) as TableStream;

const oldItem: Item = { id: { S: "a\"b\\c\u2028" }, n: { N: "-1.5e10" }, tags: { SS: ["x", "y"] }, m: { M: { deep: { L: [{ NULL: true }, { BOOL: false }, { B: "AAEC" }] } } } };
const newItem: Item = { ...oldItem, n: { N: "2" }, extra: { S: "😀 Ångström" } };
const keys: Item = { id: oldItem["id"]! };

function records(): ChangeRecord[] {
  const out: ChangeRecord[] = [];
  for (const v of VIEWS) {
    for (const c of [{ oldItem: undefined, newItem }, { oldItem, newItem }, { oldItem, newItem: undefined }, { oldItem, newItem: undefined, byService: true }]) {
      const r = changeRecord(stream(v), "eu-west-1", { keys, ...c }, 1_700_000_000_123);
      if (r) out.push(r);
    }
  }
  return out;
}

const source = (data: string): SourceRecord => ({ data: Buffer.from(data), sequenceNumber: "100", arrivedAt: 0, partitionKey: "p" });

describe("change record text", () => {
  it("is what JSON.stringify gives, with or without the images' texts", () => {
    for (const r of records()) {
      const texts = { newImage: r.dynamodb.NewImage && JSON.stringify(r.dynamodb.NewImage), oldImage: r.dynamodb.OldImage && JSON.stringify(r.dynamodb.OldImage) };
      expect(changeJson(r)).toBe(JSON.stringify(r));
      expect(changeJson(r, texts)).toBe(JSON.stringify(r));
    }
  });

  it("takes a precomputed new item size", () => {
    const r = changeRecord(stream("NEW_IMAGE"), "us-east-1", { keys, oldItem: undefined, newItem }, 0, 1000);
    const measured = changeRecord(stream("NEW_IMAGE"), "us-east-1", { keys, oldItem: undefined, newItem }, 0);
    expect(r!.dynamodb.SizeBytes - 1000).toBe(measured!.dynamodb.SizeBytes - itemSize(newItem));
    expect(r!.dynamodb.SizeBytes - 1000).toBe(itemSize(keys));
  });

  it("goes to the shard and partition key of the key's MD5", () => {
    const pk = Buffer.from("some key");
    const hash = partitionHash(pk);
    const { entry } = changeEntry(stream("NEW_IMAGE"), hash, records()[0]!);
    expect(entry.partitionKey).toBe(hash.toString("hex"));
    expect(entry.shardIndex).toBe(Math.floor((hash.readUInt32BE(0) * 4) / 2 ** 32));
  });

  it("tells its event name without parsing, and nothing for other layouts", () => {
    for (const r of records()) expect(storedEventName(Buffer.from(changeJson(r)))).toBe(r.eventName);
    expect(storedEventName(Buffer.from('{"eventName":"INSERT"}'))).toBeUndefined();
    expect(storedEventName(Buffer.from(`{"eventID":"${"0".repeat(32)}","eventName":"INSERTED"}`))).toBeUndefined();
    expect(storedEventName(Buffer.from(""))).toBeUndefined();
  });
});

describe("the DynamoDB filter view", () => {
  const at = { shardId: "s", sourceArn: "arn:aws:dynamodb:eu-west-1:000000000000:table/t/stream/x", roleArn: "r" };
  const matches = (pattern: unknown, r: ChangeRecord, text = changeJson(r)): boolean =>
    compileFilterCriteria({ Filters: [{ Pattern: JSON.stringify(pattern) }] }, { source: "dynamodb" }).matches(dynamodbFormat.filterView(source(text), at));

  it("matches every pattern as the built record does", () => {
    const patterns = [
      { eventName: ["INSERT"] },
      { eventName: ["MODIFY"], dynamodb: { NewImage: { n: { N: ["2"] } } } },
      { eventName: [{ "anything-but": "REMOVE" }] },
      { userIdentity: { type: ["Service"] } },
      { userIdentity: [{ exists: false }] },
      { awsRegion: ["eu-west-1"], eventSource: ["aws:dynamodb"], eventVersion: ["1.1"] },
      { eventSourceARN: [{ prefix: "arn:aws:dynamodb:" }] },
      { dynamodb: { Keys: { id: { S: [{ exists: true }] } } } },
    ];
    for (const r of records()) {
      for (const p of patterns) {
        const full = compileFilterCriteria({ Filters: [{ Pattern: JSON.stringify(p) }] }, { source: "dynamodb" }).matches(dynamodbFormat.record(source(changeJson(r)), at));
        expect(matches(p, r)).toBe(full);
      }
    }
  });

  it("works on records stored in another member order", () => {
    const r = records()[1]!;
    const { eventName, ...rest } = r;
    const reordered = JSON.stringify({ eventName, ...rest });
    expect(storedEventName(Buffer.from(reordered))).toBeUndefined();
    expect(matches({ eventName: [r.eventName] }, r, reordered)).toBe(true);
    expect(matches({ eventName: ["nothing"] }, r, reordered)).toBe(false);
  });

  it("delivers the record the filter built", () => {
    const s = source(changeJson(records()[0]!));
    dynamodbFormat.filterView(s, at);
    const first = dynamodbFormat.record(s, at);
    expect(dynamodbFormat.record(s, at)).toBe(first);
    expect(first).toMatchObject({ eventName: "INSERT", eventSourceARN: at.sourceArn, dynamodb: { SequenceNumber: "100", ApproximateCreationDateTime: 1_700_000_000 } });
  });
});
