import { describe, expect, it } from "vitest";
import { kinesisFormat } from "./kinesis-event.js";
import { byPayload } from "./shard-worker.js";

const rec = (i: number, bytes: number) => ({ sequenceNumber: String(i), partitionKey: "k", data: Buffer.alloc(bytes), arrivedAt: 0 });

describe("byPayload", () => {
  it("keeps a batch whose event fits Lambda's 6 MB payload in one run", () => {
    const runs = byPayload(Array.from({ length: 100 }, (_, i) => rec(i, 1024)), kinesisFormat.size);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toHaveLength(100);
  });

  it("splits records whose base64 data would exceed the payload, in order, never dropping one", () => {
    const records = Array.from({ length: 100 }, (_, i) => rec(i, 100_000));
    const runs = byPayload(records, kinesisFormat.size);
    expect(runs.length).toBeGreaterThan(1);
    expect(runs.flat().map((r) => r.sequenceNumber)).toEqual(records.map((r) => r.sequenceNumber));
    for (const run of runs) expect(run.reduce((n, r) => n + Math.ceil(r.data.length / 3) * 4 + 600, 0)).toBeLessThanOrEqual(6_000_000);
  });

  it("gives a single oversized record a run of its own", () => {
    const runs = byPayload([rec(0, 10), rec(1, 5_000_000), rec(2, 10)], kinesisFormat.size);
    expect(runs.map((r) => r.map((x) => x.sequenceNumber))).toEqual([["0"], ["1"], ["2"]]);
  });
});
