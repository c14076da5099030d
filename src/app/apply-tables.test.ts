import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionHarness, type FunctionHarness } from "../testing/functions.js";
import { applyApp } from "./apply.js";
import { defineApp, type AppDefinition } from "./define.js";

const S3 = { accountId: "000000000000", region: "us-east-1", principal: "t", requestId: "r", sourceIp: "127.0.0.1" };

describe("applying tables, buckets and table-stream mappings", () => {
  let h: FunctionHarness;
  let codeDir: string;
  const app = (): AppDefinition =>
    defineApp({
      queues: { failures: {}, uploads: {} },
      functions: { onRow: { code: codeDir, handler: "f.handler" }, onUpload: { code: codeDir, handler: "f.handler" } },
      tables: {
        rows: {
          partitionKey: { name: "id", type: "S" },
          sortKey: { name: "n", type: "N" },
          stream: "NEW_IMAGE",
          ttlAttribute: "expires",
          globalIndexes: { byStatus: { partitionKey: { name: "status", type: "S" }, projection: "KEYS_ONLY" } },
        },
      },
      buckets: {
        inbox: {
          notifications: [
            { events: ["s3:ObjectCreated:*"], function: "onUpload", suffix: ".csv" },
            { events: ["s3:ObjectRemoved:*"], queue: "uploads", prefix: "in/" },
          ],
        },
      },
      mappings: [{ table: "rows", function: "onRow", batchSize: 50, filters: [{ eventName: ["INSERT"] }], maxRetries: 2, bisectOnError: true, onFailure: "failures", parallelizationFactor: 2 }],
    });

  beforeAll(async () => {
    h = await functionHarness();
    codeDir = h.code({ "f.js": "exports.handler = async () => ({});" });
  });
  afterAll(async () => h.close());

  it("creates a table with its stream, TTL and index, a bucket with notifications, and a stream mapping", async () => {
    const first = await applyApp(h.platform, app(), h.dir);
    expect(first.created).toEqual(["queue failures", "queue uploads", "function onRow", "function onUpload", "table rows", "bucket inbox", "mapping table rows → onRow"]);
    const { Table } = (await h.platform.tables.call("DescribeTable", { TableName: "rows" })) as { Table: Record<string, unknown> };
    expect(Table["KeySchema"]).toEqual([{ AttributeName: "id", KeyType: "HASH" }, { AttributeName: "n", KeyType: "RANGE" }]);
    expect(Table["BillingModeSummary"]).toMatchObject({ BillingMode: "PAY_PER_REQUEST" });
    expect(Table["StreamSpecification"]).toEqual({ StreamEnabled: true, StreamViewType: "NEW_IMAGE" });
    expect((Table["GlobalSecondaryIndexes"] as { IndexName: string }[]).map((i) => i.IndexName)).toEqual(["byStatus"]);
    expect(await h.platform.tables.call("DescribeTimeToLive", { TableName: "rows" })).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: "expires" } });
    const targets = await h.platform.buckets.getNotification({ Bucket: "inbox" }, S3);
    expect(targets.map((t) => [t.id, t.arn, t.events, t.rules])).toEqual([
      ["function-onUpload", "arn:aws:lambda:us-east-1:000000000000:function:onUpload", ["s3:ObjectCreated:*"], [{ name: "suffix", value: ".csv" }]],
      ["queue-uploads", "arn:aws:sqs:us-east-1:000000000000:uploads", ["s3:ObjectRemoved:*"], [{ name: "prefix", value: "in/" }]],
    ]);
    const [m] = (await h.platform.mappings.listEventSourceMappings({ FunctionName: "onRow" })).EventSourceMappings;
    expect(m).toMatchObject({
      EventSourceArn: Table["LatestStreamArn"],
      BatchSize: 50,
      StartingPosition: "TRIM_HORIZON",
      ParallelizationFactor: 2,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 2,
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] },
      DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:000000000000:failures" } },
    });
    expect(await applyApp(h.platform, app(), h.dir)).toEqual({ created: [], updated: [], deleted: [] });
  });

  it("brings stream, TTL and mapping settings to match, follows a new stream, and never deletes a table or bucket", async () => {
    const changed = app();
    changed.tables!["rows"]!.stream = "NEW_AND_OLD_IMAGES";
    changed.tables!["rows"]!.ttlAttribute = "gone";
    changed.buckets!["inbox"]!.notifications!.pop();
    changed.mappings = [{ table: "rows", function: "onRow", batchSize: 20 }];
    const r = await applyApp(h.platform, changed, h.dir);
    expect(r.updated).toEqual(["table rows", "bucket inbox"]);
    expect(r.created).toEqual(["mapping table rows → onRow"]);
    const { Table } = (await h.platform.tables.call("DescribeTable", { TableName: "rows" })) as { Table: Record<string, unknown> };
    expect(Table["StreamSpecification"]).toEqual({ StreamEnabled: true, StreamViewType: "NEW_AND_OLD_IMAGES" });
    expect(await h.platform.tables.call("DescribeTimeToLive", { TableName: "rows" })).toEqual({ TimeToLiveDescription: { TimeToLiveStatus: "ENABLED", AttributeName: "gone" } });
    const maps = (await h.platform.mappings.listEventSourceMappings({ FunctionName: "onRow" })).EventSourceMappings;
    expect(maps.map((m) => [m.EventSourceArn, m.BatchSize, m.FilterCriteria?.Filters.length ?? 0, m.MaximumRetryAttempts])).toEqual([[Table["LatestStreamArn"], 20, 0, -1]]);
    expect(await applyApp(h.platform, changed, h.dir)).toEqual({ created: [], updated: [], deleted: [] });
    const bare = await applyApp(h.platform, defineApp({ functions: { onRow: { code: codeDir, handler: "f.handler" } } }), h.dir);
    expect(bare.deleted.sort()).toEqual(["function onUpload", "mapping table rows → onRow", "queue failures", "queue uploads"]);
    await expect(h.platform.tables.call("DescribeTable", { TableName: "rows" })).resolves.toBeTruthy();
    await expect(h.platform.buckets.headBucket({ Bucket: "inbox" }, S3)).resolves.toBeTruthy();
  });

  it("refuses mappings from undeclared tables, tables without streams, and notifications to undeclared targets", () => {
    const key = { name: "id", type: "S" } as const;
    expect(() => defineApp({ functions: { f: { code: ".", handler: "f.h" } }, mappings: [{ table: "t", function: "f" }] })).toThrow("table t is not declared");
    expect(() => defineApp({ tables: { t: { partitionKey: key } }, functions: { f: { code: ".", handler: "f.h" } }, mappings: [{ table: "t", function: "f" }] })).toThrow("table t has no stream");
    expect(() => defineApp({ tables: { t: { partitionKey: key, stream: "KEYS_ONLY" } }, functions: { f: { code: ".", handler: "f.h" } }, mappings: [{ table: "t", function: "f", onFailure: "q" }] })).toThrow("on-failure queue q is not declared");
    expect(() => defineApp({ buckets: { b: { notifications: [{ events: ["s3:ObjectCreated:*"], function: "nope" }] } } })).toThrow("function nope is not declared");
  });
});
