/** StreamStore conformance: stream records (create, get, list, delete, settings). */
import { describe, expect, it } from "vitest";
import { StreamMode, type StreamRecord } from "../../services/streams/store.js";
import { account, entries, makeStream, newStream, put, ranges, read, reload, settings, T0, type Ctx } from "./stream-helpers.js";

function createTests(ctx: Ctx): void {
  describe("createStream and getStream", () => {
    it("creates a stream and reads back exactly what it stored, shards in index order with counters at 1", async () => {
      const acct = account();
      const full = settings({
        mode: StreamMode.OnDemand,
        retentionHours: 168,
        encryption: { type: "KMS", keyId: "alias/aws/kinesis" },
        monitoring: ["IncomingBytes", "OutgoingRecords"],
        tags: { zed: "last", a: "first", "ünï": "cödé \u{1F600}", empty: "" },
        consumers: [{ name: "c1", arn: `arn:aws:kinesis:us-east-1:${acct}:stream/full/consumer/c1:1`, createdAt: T0 + 5 }],
      });
      const made = await ctx.store.createStream(newStream(acct, "full.stream-1_x", 3, { settings: full, createdAt: T0 + 1 }));
      expect(made).not.toBe("exists");
      const s = made as StreamRecord;
      expect(s).toEqual({
        ...full,
        id: expect.any(Number),
        account: acct,
        name: "full.stream-1_x",
        arn: `arn:aws:kinesis:us-east-1:${acct}:stream/full.stream-1_x`,
        createdAt: T0 + 1,
        version: expect.any(Number),
        shards: ranges(3).map((r, index) => ({
          index, parent: null, adjacentParent: null, ...r, startCounter: 1, nextCounter: 1, endCounter: null, createdAt: T0 + 1, closedAt: null,
        })),
      });
      const got = await ctx.store.getStream(acct, s.name);
      expect(got).toEqual(s);
      expect(Object.keys(got!.tags)).toEqual(["zed", "a", "ünï", "empty"]);
    });

    it("answers null for a stream that does not exist, in this or another account", async () => {
      const s = await makeStream(ctx.store, "present");
      expect(await ctx.store.getStream(s.account, "absent")).toBeNull();
      expect(await ctx.store.getStream(s.account, "Present")).toBeNull();
      expect(await ctx.store.getStream(account(), "present")).toBeNull();
    });

    it("answers exists for a taken name in the same account, changing nothing", async () => {
      const s = await makeStream(ctx.store, "taken", 2);
      await put(ctx.store, s, entries(0, 2), T0);
      const again = newStream(s.account, "taken", 5, { settings: settings({ retentionHours: 48 }), createdAt: T0 + 9 });
      expect(await ctx.store.createStream(again)).toBe("exists");
      const now = await reload(ctx.store, s);
      expect({ ...now, shards: now.shards.map((x) => ({ ...x, nextCounter: 1 })) }).toEqual(s);
      expect(now.shards[0]!.nextCounter).toBe(3);
    });

    it("keeps the same name in two accounts apart", async () => {
      const a = await makeStream(ctx.store, "shared", 1);
      const b = await makeStream(ctx.store, "shared", 2, { account: account(), settings: settings({ retentionHours: 72 }) });
      expect(b.id).not.toBe(a.id);
      await put(ctx.store, a, entries(0, 3, "a"), T0);
      expect(await ctx.store.getStream(b.account, "shared")).toEqual(b);
      expect((await read(ctx.store, b, 0)).records).toEqual([]);
      expect(await ctx.store.deleteStream(a.account, "shared")).toBe(true);
      expect(await ctx.store.getStream(b.account, "shared")).toEqual(b);
    });
  });
}

function listTests(ctx: Ctx): void {
  describe("listStreams", () => {
    const names = ["b", "a_1", "B", "a-1", "a", "ab", "a1", "_x", "a.b"];

    async function setup(): Promise<string> {
      const acct = account();
      for (const n of names) await makeStream(ctx.store, n, 1, { account: acct });
      await makeStream(ctx.store, "a0", 1, { account: account() });
      return acct;
    }
    const list = async (acct: string, after: string | null, limit: number): Promise<string[]> =>
      (await ctx.store.listStreams(acct, after, limit)).map((s) => s.name);

    it("lists an account's streams in name order, and only that account's", async () => {
      const acct = await setup();
      expect(await list(acct, null, 100)).toEqual(["B", "_x", "a", "a-1", "a.b", "a1", "a_1", "ab", "b"]);
      expect(await list(account(), null, 100)).toEqual([]);
    });

    it("pages with after and limit", async () => {
      const acct = await setup();
      expect(await list(acct, null, 3)).toEqual(["B", "_x", "a"]);
      expect(await list(acct, "a", 3)).toEqual(["a-1", "a.b", "a1"]);
      expect(await list(acct, "a1", 3)).toEqual(["a_1", "ab", "b"]);
      expect(await list(acct, "b", 3)).toEqual([]);
      expect(await list(acct, "a0", 100)).toEqual(["a1", "a_1", "ab", "b"]);
      expect(await list(acct, null, 0)).toEqual([]);
    });

    it("returns full records, shards included", async () => {
      const acct = account();
      const s = await makeStream(ctx.store, "full", 3, { account: acct });
      await put(ctx.store, s, entries(1, 2), T0);
      const [first] = await ctx.store.listStreams(acct, null, 1);
      expect(first).toEqual(await reload(ctx.store, s));
      expect(first!.shards.map((x) => x.nextCounter)).toEqual([1, 3, 1]);
    });
  });
}

function deleteTests(ctx: Ctx): void {
  describe("deleteStream", () => {
    it("removes the stream with its shards and records; a stream made again under the name starts empty", async () => {
      const s = await makeStream(ctx.store, "gone", 2);
      await put(ctx.store, s, [...entries(0, 3), ...entries(1, 2)], T0);
      expect(await ctx.store.deleteStream(s.account, "gone")).toBe(true);
      expect(await ctx.store.getStream(s.account, "gone")).toBeNull();
      expect(await ctx.store.listStreams(s.account, null, 10)).toEqual([]);
      expect(await ctx.store.readRecords(s.id, 0, 0, 100, 1 << 20, 0)).toBeNull();
      expect(await ctx.store.counterAt(s.id, 1, 0)).toBeNull();
      expect(await ctx.store.putRecords(s.id, entries(0, 1), T0)).toBe("stale");
      expect(await ctx.store.deleteStream(s.account, "gone")).toBe(false);
      expect(await ctx.store.deleteStream(s.account, "never")).toBe(false);

      const again = await makeStream(ctx.store, "gone", 2, { account: s.account });
      expect(again.id).not.toBe(s.id);
      expect(again.shards.map((x) => [x.startCounter, x.nextCounter, x.endCounter])).toEqual([[1, 1, null], [1, 1, null]]);
      expect((await read(ctx.store, again, 0)).records).toEqual([]);
      expect(await put(ctx.store, again, entries(0, 1), T0)).toEqual([1]);
    });

    it("leaves the account's other streams and their records alone", async () => {
      const a = await makeStream(ctx.store, "a");
      const b = await makeStream(ctx.store, "b", 1, { account: a.account });
      await put(ctx.store, a, entries(0, 2, "a"), T0);
      await put(ctx.store, b, entries(0, 2, "b"), T0);
      expect(await ctx.store.deleteStream(a.account, "a")).toBe(true);
      expect((await read(ctx.store, b, 0)).records.map((r) => r.data.toString())).toEqual(["b0", "b1"]);
    });
  });
}

function settingsTests(ctx: Ctx): void {
  describe("updateSettings", () => {
    it("replaces the settings and bumps the version when the version matches", async () => {
      const s = await makeStream(ctx.store, "cas", 2);
      const next = settings({ retentionHours: 48, tags: { k: "v" }, monitoring: ["ALL"], encryption: { type: "KMS", keyId: "k1" } });
      expect(await ctx.store.updateSettings(s.id, s.version, next)).toBe("ok");
      const got = await reload(ctx.store, s);
      expect(got).toEqual({ ...s, ...next, version: s.version + 1 });
      const third = settings({ mode: StreamMode.OnDemand });
      expect(await ctx.store.updateSettings(s.id, got.version, third)).toBe("ok");
      expect(await reload(ctx.store, s)).toEqual({ ...s, ...third, version: s.version + 2 });
    });

    it("answers stale, changing nothing, for a version that is not the current one", async () => {
      const s = await makeStream(ctx.store, "stale");
      const first = settings({ retentionHours: 30 });
      expect(await ctx.store.updateSettings(s.id, s.version, first)).toBe("ok");
      const current = await reload(ctx.store, s);
      expect(await ctx.store.updateSettings(s.id, s.version, settings({ retentionHours: 99 }))).toBe("stale");
      expect(await ctx.store.updateSettings(s.id, current.version + 1, settings({ retentionHours: 99 }))).toBe("stale");
      expect(await reload(ctx.store, s)).toEqual(current);
      expect(await ctx.store.reshard(s.id, s.version, [], T0)).toBe("stale");
    });

    it("answers stale for a stream that does not exist", async () => {
      const s = await makeStream(ctx.store, "gone");
      await ctx.store.deleteStream(s.account, s.name);
      expect(await ctx.store.updateSettings(s.id, s.version, settings())).toBe("stale");
    });
  });
}

export function streamRecordTests(ctx: Ctx): void {
  createTests(ctx);
  listTests(ctx);
  deleteTests(ctx);
  settingsTests(ctx);
}
