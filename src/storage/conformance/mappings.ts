/**
 * The MappingStore conformance suite: one specification of the store contract
 * (src/services/event-sources/store.ts), run against every backend. Each test works in
 * fresh random accounts, so backends whose `open` returns the same database every time
 * (PostgreSQL, an SQLite file) may share it across the suite; `allMappings` is checked
 * on the test's own accounts only. With `durable`, the suite also opens several stores
 * on that database at once and races them.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SourceKind, type MappingRecord, type MappingStore } from "../../services/event-sources/store.js";
import type { Storage } from "../types.js";
import { checkpointTests } from "./checkpoint-tests.js";
import { account, T0 } from "./queue-helpers.js";
import type { ConformanceOptions } from "./queues.js";
import { storeSuite, type StoreCtx } from "./suite.js";

type Ctx = StoreCtx<MappingStore>;

function queueArn(acct: string, name: string): string {
  return `arn:aws:sqs:us-east-1:${acct}:${name}`;
}

function mapping(acct: string, functionName: string, sourceArn: string, more: Partial<MappingRecord> = {}): MappingRecord {
  return {
    uuid: randomUUID(),
    account: acct,
    region: "us-east-1",
    functionName,
    functionArn: `arn:aws:lambda:us-east-1:${acct}:function:${functionName}`,
    sourceArn,
    sourceKind: SourceKind.Sqs,
    enabled: true,
    settings: { BatchSize: 10, MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [] },
    state: "Enabled",
    stateReason: "USER_INITIATED",
    lastModified: T0,
    lastProcessingResult: null,
    ...more,
  };
}

async function make(store: MappingStore, m: MappingRecord): Promise<MappingRecord> {
  const out = await store.createMapping(m);
  if ("exists" in out) throw new Error(`mapping ${m.functionName} <- ${m.sourceArn} already exists`);
  return out;
}

const uuids = (ms: readonly MappingRecord[]): string[] => ms.map((m) => m.uuid);
const sorted = (ms: readonly MappingRecord[]): string[] => uuids(ms).sort();

function recordTests(ctx: Ctx): void {
  describe("mapping records", () => {
    it("creates a mapping and reads back exactly the record it stored", async () => {
      const acct = account();
      const m = mapping(acct, "consumer", `arn:aws:kinesis:us-east-1:${acct}:stream/clicks`, {
        functionArn: `arn:aws:lambda:us-east-1:${acct}:function:consumer:live`,
        sourceKind: SourceKind.Kinesis,
        enabled: false,
        settings: {
          BatchSize: 500,
          MaximumBatchingWindowInSeconds: 5,
          FilterCriteria: { Filters: [{ Pattern: '{"data":{"kind":["click"],"note":["a\\u0000b \u{1F600}"]}}' }] },
          FunctionResponseTypes: ["ReportBatchItemFailures"],
          StartingPosition: "AT_TIMESTAMP",
          StartingPositionTimestamp: 1_700_000_000.5,
          ParallelizationFactor: 10,
          BisectBatchOnFunctionError: true,
          MaximumRetryAttempts: -1,
          MaximumRecordAgeInSeconds: 604_800,
          TumblingWindowInSeconds: 0,
          DestinationConfig: { OnFailure: { Destination: queueArn(acct, "failures") } },
        },
        state: "Disabled",
        stateReason: "USER_INITIATED",
        lastProcessingResult: "No records processed",
      });
      expect(await ctx.store.createMapping(m)).toEqual(m);
      expect(await ctx.store.getMapping(m.uuid)).toEqual(m);
    });

    it("answers null for a mapping that does not exist", async () => {
      await make(ctx.store, mapping(account(), "f", queueArn("1", "q")));
      expect(await ctx.store.getMapping(randomUUID())).toBeNull();
    });

    it("creating a second mapping of a function for one source answers the existing one's uuid", async () => {
      const acct = account();
      const first = await make(ctx.store, mapping(acct, "f", queueArn(acct, "q")));
      const dup = mapping(acct, "f", queueArn(acct, "q"), { settings: { BatchSize: 1, MaximumBatchingWindowInSeconds: 0, FunctionResponseTypes: [] } });
      expect(await ctx.store.createMapping(dup)).toEqual({ exists: first.uuid });
      expect(await ctx.store.getMapping(dup.uuid)).toBeNull();
      expect(await ctx.store.getMapping(first.uuid)).toEqual(first);
      expect(uuids(await ctx.store.listMappings(acct, {}, null, 100))).toEqual([first.uuid]);
    });

    it("allows one source to feed several functions, one function several sources, and other accounts the same names", async () => {
      const acct = account();
      const src = queueArn(acct, "q");
      const made = [
        await make(ctx.store, mapping(acct, "f", src)),
        await make(ctx.store, mapping(acct, "g", src)),
        await make(ctx.store, mapping(acct, "f", queueArn(acct, "r"))),
        await make(ctx.store, mapping(account(), "f", src)),
      ];
      for (const m of made) expect(await ctx.store.getMapping(m.uuid)).toEqual(m);
    });
  });
}

function listTests(ctx: Ctx): void {
  describe("listMappings", () => {
    async function setup(): Promise<{ acct: string; all: MappingRecord[]; q: string; r: string }> {
      const acct = account();
      const q = queueArn(acct, "q");
      const r = queueArn(acct, "r");
      const all: MappingRecord[] = [];
      for (const [f, s] of [["f", q], ["f", r], ["g", q], ["g", r], ["h", q], ["f2", q]] as const) {
        all.push(await make(ctx.store, mapping(acct, f, s)));
      }
      await make(ctx.store, mapping(account(), "f", q));
      return { acct, all, q, r };
    }
    const list = async (acct: string, filter: { functionName?: string; sourceArn?: string }, after: string | null, limit: number): Promise<string[]> =>
      uuids(await ctx.store.listMappings(acct, filter, after, limit));

    it("lists an account's mappings in uuid order, and only that account's", async () => {
      const { acct, all } = await setup();
      expect(await list(acct, {}, null, 100)).toEqual(sorted(all));
      expect(await list(account(), {}, null, 100)).toEqual([]);
    });

    it("filters by function name, by source, and by both", async () => {
      const { acct, all, q, r } = await setup();
      const where = (p: (m: MappingRecord) => boolean): string[] => sorted(all.filter(p));
      expect(await list(acct, { functionName: "f" }, null, 100)).toEqual(where((m) => m.functionName === "f"));
      expect(await list(acct, { sourceArn: q }, null, 100)).toEqual(where((m) => m.sourceArn === q));
      expect(await list(acct, { functionName: "g", sourceArn: r }, null, 100)).toEqual(where((m) => m.functionName === "g" && m.sourceArn === r));
      expect(await list(acct, { functionName: "h", sourceArn: r }, null, 100)).toEqual([]);
      expect(await list(acct, { functionName: "nobody" }, null, 100)).toEqual([]);
      expect(await list(acct, { sourceArn: queueArn(acct, "none") }, null, 100)).toEqual([]);
    });

    it("pages with after and limit, with and without a filter", async () => {
      const { acct, all, q } = await setup();
      const ids = sorted(all);
      expect(await list(acct, {}, null, 2)).toEqual(ids.slice(0, 2));
      expect(await list(acct, {}, ids[1]!, 2)).toEqual(ids.slice(2, 4));
      expect(await list(acct, {}, ids[3]!, 10)).toEqual(ids.slice(4));
      expect(await list(acct, {}, ids[5]!, 10)).toEqual([]);
      const fromQ = sorted(all.filter((m) => m.sourceArn === q));
      expect(await list(acct, { sourceArn: q }, null, 3)).toEqual(fromQ.slice(0, 3));
      expect(await list(acct, { sourceArn: q }, fromQ[2]!, 3)).toEqual(fromQ.slice(3));
    });

    it("returns full records", async () => {
      const { acct, all } = await setup();
      const [first] = await ctx.store.listMappings(acct, { functionName: "g" }, null, 1);
      expect(first).toEqual(all.filter((m) => m.functionName === "g").sort((a, b) => (a.uuid < b.uuid ? -1 : 1))[0]);
    });

    it("allMappings returns the mappings of every account", async () => {
      const a = account();
      const b = account();
      const mine = [
        await make(ctx.store, mapping(a, "f", queueArn(a, "q"))),
        await make(ctx.store, mapping(a, "g", queueArn(a, "q"))),
        await make(ctx.store, mapping(b, "f", queueArn(b, "q"))),
      ];
      const gone = await make(ctx.store, mapping(b, "x", queueArn(b, "q")));
      await ctx.store.deleteMapping(gone.uuid);
      const all = (await ctx.store.allMappings()).filter((m) => m.account === a || m.account === b);
      expect(sorted(all)).toEqual(sorted(mine));
      for (const m of mine) expect(all.find((x) => x.uuid === m.uuid)).toEqual(m);
    });
  });
}

function changeTests(ctx: Ctx): void {
  describe("updateMapping and deleteMapping", () => {
    it("replaces a mapping's record", async () => {
      const acct = account();
      const m = await make(ctx.store, mapping(acct, "f", queueArn(acct, "q")));
      const u: MappingRecord = { ...m, enabled: false, state: "Disabled", lastModified: T0 + 5, settings: { ...m.settings, BatchSize: 100 } };
      expect(await ctx.store.updateMapping(u)).toEqual(u);
      expect(await ctx.store.getMapping(m.uuid)).toEqual(u);
      expect(await ctx.store.listMappings(acct, { functionName: "f" }, null, 10)).toEqual([u]);
    });

    it("moves a mapping to another function: filters and uniqueness follow it", async () => {
      const acct = account();
      const q = queueArn(acct, "q");
      const m = await make(ctx.store, mapping(acct, "f", q));
      const moved: MappingRecord = { ...m, functionName: "g", functionArn: `arn:aws:lambda:us-east-1:${acct}:function:g` };
      expect(await ctx.store.updateMapping(moved)).toEqual(moved);
      expect(uuids(await ctx.store.listMappings(acct, { functionName: "g" }, null, 10))).toEqual([m.uuid]);
      expect(await ctx.store.listMappings(acct, { functionName: "f" }, null, 10)).toEqual([]);
      expect(await ctx.store.createMapping(mapping(acct, "g", q))).toEqual({ exists: m.uuid });
      await make(ctx.store, mapping(acct, "f", q));
    });

    it("refuses, changing nothing, to give a function a second mapping for one source", async () => {
      const acct = account();
      const q = queueArn(acct, "q");
      const f = await make(ctx.store, mapping(acct, "f", q));
      const g = await make(ctx.store, mapping(acct, "g", q));
      await expect(ctx.store.updateMapping({ ...g, functionName: "f", enabled: false })).rejects.toThrow();
      expect(await ctx.store.getMapping(f.uuid)).toEqual(f);
      expect(await ctx.store.getMapping(g.uuid)).toEqual(g);
      expect(uuids(await ctx.store.listMappings(acct, { functionName: "f" }, null, 10))).toEqual([f.uuid]);
    });

    it("answers null when updating a mapping that does not exist, and creates nothing", async () => {
      const acct = account();
      const ghost = mapping(acct, "f", queueArn(acct, "q"));
      expect(await ctx.store.updateMapping(ghost)).toBeNull();
      expect(await ctx.store.getMapping(ghost.uuid)).toBeNull();
      expect(await ctx.store.listMappings(acct, {}, null, 10)).toEqual([]);
    });

    it("deletes a mapping once, freeing its function and source for a new one", async () => {
      const acct = account();
      const m = await make(ctx.store, mapping(acct, "f", queueArn(acct, "q")));
      expect(await ctx.store.deleteMapping(m.uuid)).toBe(true);
      expect(await ctx.store.getMapping(m.uuid)).toBeNull();
      expect(await ctx.store.deleteMapping(m.uuid)).toBe(false);
      expect(await ctx.store.deleteMapping(randomUUID())).toBe(false);
      expect(await ctx.store.updateMapping(m)).toBeNull();
      const again = await make(ctx.store, mapping(acct, "f", queueArn(acct, "q")));
      expect(uuids(await ctx.store.listMappings(acct, {}, null, 10))).toEqual([again.uuid]);
    });
  });
}

/** Creates of one (function, source) from `stores` at once: exactly one succeeds, the rest name it. */
async function raceCreates(stores: readonly MappingStore[], n: number): Promise<void> {
  const acct = account();
  const tries = Array.from({ length: n }, () => mapping(acct, "f", queueArn(acct, "q")));
  const out = await Promise.all(tries.map((m, i) => stores[i % stores.length]!.createMapping(m)));
  const created = out.filter((o): o is MappingRecord => !("exists" in o));
  expect(created).toHaveLength(1);
  const winner = created[0]!.uuid;
  expect(out.filter((o) => "exists" in o)).toEqual(Array.from({ length: n - 1 }, () => ({ exists: winner })));
  expect(uuids(await stores[0]!.listMappings(acct, {}, null, 100))).toEqual([winner]);
}

function concurrencyTests(ctx: Ctx, options: ConformanceOptions): void {
  describe("concurrency", () => {
    it("of creates of one function and source issued at once, exactly one succeeds", async () => {
      await raceCreates([ctx.store], 8);
    });

    if (!options.durable) return;

    it("of creates from several stores on one database, exactly one succeeds each round", async () => {
      const stores = [ctx.store, await ctx.another(), await ctx.another(), await ctx.another()];
      for (let round = 0; round < 5; round++) await raceCreates(stores, 8);
    });
  });
}

function durabilityTests(ctx: Ctx): void {
  it("keeps mappings across a reopen", async () => {
    const acct = account();
    const m = await make(ctx.store, mapping(acct, "f", queueArn(acct, "q")));
    const u = { ...m, state: "Disabled", enabled: false };
    await ctx.store.updateMapping(u);
    await ctx.reopen();
    expect(await ctx.store.getMapping(m.uuid)).toEqual(u);
    expect(await ctx.store.createMapping(mapping(acct, "f", queueArn(acct, "q")))).toEqual({ exists: m.uuid });
  });
}

export function mappingStoreConformance(
  name: string,
  open: () => Promise<Storage>,
  cleanup?: () => Promise<void>,
  options: ConformanceOptions = {},
): void {
  storeSuite(`MappingStore conformance: ${name}`, (s) => s.mappings, open, cleanup, (ctx) => {
  recordTests(ctx);
  listTests(ctx);
  changeTests(ctx);
  concurrencyTests(ctx, options);
  if (options.durable) durabilityTests(ctx);
  checkpointTests(ctx, options);
  });
}
