/**
 * The FunctionStore conformance suite: one specification of the store contract
 * (src/services/functions/store.ts), run against every backend. Each test works in a
 * fresh random account, so backends whose `open` returns the same database every time
 * (PostgreSQL, an SQLite file) may share it across the suite. With `durable`, the suite
 * also opens several stores on that database at once and races them.
 */
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CodeRef, FunctionRecord, FunctionStore } from "../../services/functions/store.js";
import type { Storage } from "../types.js";
import { account, T0 } from "./queue-helpers.js";
import type { ConformanceOptions } from "./queues.js";
import { storeSuite, type StoreCtx } from "./suite.js";

type Ctx = StoreCtx<FunctionStore>;

/** A deployment package: random bytes (NUL bytes included) of `size`. */
function zip(size = 256): Buffer {
  const b = randomBytes(size);
  b[0] = 0;
  return b;
}

/** Lambda's CodeSha256: the base64 SHA-256 of the package. */
function sha(b: Buffer): string {
  return createHash("sha256").update(b).digest("base64");
}

function zipRef(b: Buffer): CodeRef {
  return { kind: "zip", sha256: sha(b), size: b.length };
}

function fn(acct: string, name: string, code: CodeRef, more: Partial<FunctionRecord> = {}): FunctionRecord {
  return {
    account: acct,
    name,
    runtime: "nodejs20.x",
    role: `arn:aws:iam::${acct}:role/lambda-role`,
    handler: "index.handler",
    description: "",
    timeout: 3,
    memorySize: 128,
    environment: null,
    deadLetterTarget: null,
    tracingMode: "PassThrough",
    code,
    revisionId: randomUUID(),
    createdAt: T0,
    modifiedAt: T0,
    reservedConcurrency: null,
    invokeConfig: null,
    tags: {},
    ...more,
  };
}

/** The record after an update: a new revision, a later modification time. */
function next(r: FunctionRecord, more: Partial<FunctionRecord> = {}): FunctionRecord {
  return { ...r, revisionId: randomUUID(), modifiedAt: r.modifiedAt + 1000, ...more };
}

async function make(store: FunctionStore, name = "fn", more: Partial<FunctionRecord> = {}, pkg: Buffer = zip()): Promise<{ f: FunctionRecord; pkg: Buffer }> {
  const f = fn(more.account ?? account(), name, zipRef(pkg), more);
  const out = await store.createFunction(f, pkg);
  if (out === "exists") throw new Error(`function ${name} already exists`);
  return { f, pkg };
}

async function expectCode(store: FunctionStore, f: FunctionRecord, sha256: string, pkg: Buffer | null): Promise<void> {
  const got = await store.getCode(f.account, f.name, sha256);
  if (pkg === null) {
    expect(got).toBeNull();
    return;
  }
  expect(got).not.toBeNull();
  expect(Buffer.isBuffer(got)).toBe(true);
  expect(got!.equals(pkg)).toBe(true);
}

function recordTests(ctx: Ctx): void {
  describe("function records", () => {
    it("creates a function and reads back exactly the record it stored", async () => {
      const acct = account();
      const pkg = zip();
      const f = fn(acct, "full-record_1", zipRef(pkg), {
        description: "ünïcödé \u{1F600} \"quoted\" \\ back\nslash",
        timeout: 900,
        memorySize: 10_240,
        environment: { ZED: "last", A: "first", NUL: "a\u0000b", LONE: "\ud800x", EMPTY: "" },
        deadLetterTarget: `arn:aws:sqs:us-east-1:${acct}:dlq`,
        tracingMode: "Active",
        reservedConcurrency: 0,
        invokeConfig: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60, onSuccess: null, onFailure: "arn:aws:sqs:us-east-1:1:x", lastModified: T0 + 1 },
        tags: { team: "a", "cost-center": "42" },
      });
      expect(await ctx.store.createFunction(f, pkg)).toEqual(f);
      const got = await ctx.store.getFunction(acct, f.name);
      expect(got).toEqual(f);
      expect(Object.keys(got!.environment!)).toEqual(["ZED", "A", "NUL", "LONE", "EMPTY"]);
      expect(Object.keys(got!.tags)).toEqual(["team", "cost-center"]);
    });

    it("stores a function whose code is a directory, with no package", async () => {
      const acct = account();
      const f = fn(acct, "from-dir", { kind: "dir", path: "/srv/functions/from-dir", sha256: "abc=", size: 0 });
      expect(await ctx.store.createFunction(f, null)).toEqual(f);
      expect(await ctx.store.getFunction(acct, "from-dir")).toEqual(f);
      expect(await ctx.store.getCode(acct, "from-dir", "abc=")).toBeNull();
    });

    it("answers null for a function that does not exist, in this or another account", async () => {
      const { f } = await make(ctx.store, "present");
      expect(await ctx.store.getFunction(f.account, "absent")).toBeNull();
      expect(await ctx.store.getFunction(f.account, "Present")).toBeNull();
      expect(await ctx.store.getFunction(account(), "present")).toBeNull();
    });

    it("creating a taken name answers exists and changes neither record nor package", async () => {
      const { f, pkg } = await make(ctx.store, "taken");
      const other = zip();
      const again = fn(f.account, "taken", zipRef(other), { description: "second" });
      expect(await ctx.store.createFunction(again, other)).toBe("exists");
      expect(await ctx.store.getFunction(f.account, "taken")).toEqual(f);
      await expectCode(ctx.store, f, sha(pkg), pkg);
      await expectCode(ctx.store, f, sha(other), null);
    });

    it("keeps the same name in two accounts apart", async () => {
      const a = await make(ctx.store, "shared");
      const b = await make(ctx.store, "shared", { account: account(), description: "b" });
      expect(await ctx.store.getFunction(a.f.account, "shared")).toEqual(a.f);
      expect(await ctx.store.getFunction(b.f.account, "shared")).toEqual(b.f);
      await expectCode(ctx.store, a.f, sha(b.pkg), null);
      expect(await ctx.store.deleteFunction(a.f.account, "shared")).toBe(true);
      expect(await ctx.store.getFunction(b.f.account, "shared")).toEqual(b.f);
      await expectCode(ctx.store, b.f, sha(b.pkg), b.pkg);
    });
  });
}

function listTests(ctx: Ctx): void {
  describe("listFunctions", () => {
    const names = ["b", "a_1", "B", "a-1", "a", "ab", "a1", "_x"];

    async function setup(): Promise<string> {
      const acct = account();
      for (const n of names) await make(ctx.store, n, { account: acct });
      await make(ctx.store, "a0", { account: account() });
      return acct;
    }
    const list = async (acct: string, after: string | null, limit: number): Promise<string[]> =>
      (await ctx.store.listFunctions(acct, after, limit)).map((f) => f.name);

    it("lists an account's functions in code-unit order, and only that account's", async () => {
      const acct = await setup();
      expect(await list(acct, null, 100)).toEqual(["B", "_x", "a", "a-1", "a1", "a_1", "ab", "b"]);
      expect(await list(account(), null, 100)).toEqual([]);
    });

    it("pages with after and limit", async () => {
      const acct = await setup();
      expect(await list(acct, null, 3)).toEqual(["B", "_x", "a"]);
      expect(await list(acct, "a", 3)).toEqual(["a-1", "a1", "a_1"]);
      expect(await list(acct, "a_1", 3)).toEqual(["ab", "b"]);
      expect(await list(acct, "b", 3)).toEqual([]);
      expect(await list(acct, "a0", 100)).toEqual(["a1", "a_1", "ab", "b"]);
      expect(await list(acct, "", 1)).toEqual(["B"]);
    });

    it("returns full records", async () => {
      const acct = await setup();
      const [first] = await ctx.store.listFunctions(acct, "a_", 1);
      expect(first).toEqual(await ctx.store.getFunction(acct, "a_1"));
    });
  });
}

function updateTests(ctx: Ctx): void {
  describe("updateFunction", () => {
    it("replaces the record when the expected revision matches", async () => {
      const { f } = await make(ctx.store, "cas");
      const updated = next(f, { timeout: 30, environment: { K: "v" }, tags: { t: "1" } });
      expect(await ctx.store.updateFunction(updated, f.revisionId, null)).toEqual(updated);
      expect(await ctx.store.getFunction(f.account, "cas")).toEqual(updated);
    });

    it("refuses, changing nothing, when the expected revision is not the current one", async () => {
      const { f, pkg } = await make(ctx.store, "stale");
      const first = next(f, { description: "first" });
      expect(await ctx.store.updateFunction(first, f.revisionId, null)).toEqual(first);
      const other = zip();
      const late = next(f, { description: "late", code: zipRef(other) });
      expect(await ctx.store.updateFunction(late, f.revisionId, other)).toBe("revisionMismatch");
      expect(await ctx.store.updateFunction(late, "no-such-revision", other)).toBe("revisionMismatch");
      expect(await ctx.store.getFunction(f.account, "stale")).toEqual(first);
      await expectCode(ctx.store, f, sha(pkg), pkg);
      await expectCode(ctx.store, f, sha(other), null);
    });

    it("replaces the record whatever its revision when the expected revision is null", async () => {
      const { f } = await make(ctx.store, "force");
      const a = next(f, { description: "a" });
      const b = next(a, { description: "b" });
      expect(await ctx.store.updateFunction(a, null, null)).toEqual(a);
      expect(await ctx.store.updateFunction(b, null, null)).toEqual(b);
      expect(await ctx.store.getFunction(f.account, "force")).toEqual(b);
    });

    it("answers notFound for a function that does not exist, whatever revision is expected", async () => {
      const { f } = await make(ctx.store, "here");
      const ghost = fn(f.account, "ghost", zipRef(zip()));
      expect(await ctx.store.updateFunction(ghost, null, zip())).toBe("notFound");
      expect(await ctx.store.updateFunction(ghost, ghost.revisionId, null)).toBe("notFound");
      expect(await ctx.store.updateFunction({ ...f, account: account() }, f.revisionId, null)).toBe("notFound");
      expect(await ctx.store.getFunction(f.account, "ghost")).toBeNull();
      expect(await ctx.store.getCode(f.account, "ghost", ghost.code.sha256)).toBeNull();
    });

    it("answers notFound after the function was deleted", async () => {
      const { f } = await make(ctx.store, "deleted");
      await ctx.store.deleteFunction(f.account, "deleted");
      expect(await ctx.store.updateFunction(next(f), f.revisionId, null)).toBe("notFound");
      expect(await ctx.store.getFunction(f.account, "deleted")).toBeNull();
    });
  });
}

function codeTests(ctx: Ctx): void {
  describe("deployment packages", () => {
    it("stores the package and serves it by its hash, to this function only", async () => {
      const { f, pkg } = await make(ctx.store, "code");
      await expectCode(ctx.store, f, sha(pkg), pkg);
      await expectCode(ctx.store, f, sha(zip()), null);
      expect(await ctx.store.getCode(f.account, "other", sha(pkg))).toBeNull();
      expect(await ctx.store.getCode(account(), "code", sha(pkg))).toBeNull();
    });

    it("round-trips a package of several MiB byte for byte", async () => {
      const big = zip(6 * 1024 * 1024 + 7);
      const { f } = await make(ctx.store, "big", {}, big);
      await expectCode(ctx.store, f, sha(big), big);
    });

    it("keeps only the current package after an update with a new one", async () => {
      const { f, pkg } = await make(ctx.store, "swap");
      const second = zip();
      const u = next(f, { code: zipRef(second) });
      expect(await ctx.store.updateFunction(u, f.revisionId, second)).toEqual(u);
      await expectCode(ctx.store, f, sha(second), second);
      await expectCode(ctx.store, f, sha(pkg), null);
      const third = zip();
      const v = next(u, { code: zipRef(third) });
      expect(await ctx.store.updateFunction(v, null, third)).toEqual(v);
      await expectCode(ctx.store, f, sha(third), third);
      await expectCode(ctx.store, f, sha(second), null);
    });

    it("keeps the package when an update passes none and names the same one", async () => {
      const { f, pkg } = await make(ctx.store, "config-only");
      const u = next(f, { memorySize: 512 });
      expect(await ctx.store.updateFunction(u, f.revisionId, null)).toEqual(u);
      await expectCode(ctx.store, f, sha(pkg), pkg);
      const again = next(u, { description: "same package uploaded again" });
      expect(await ctx.store.updateFunction(again, u.revisionId, pkg)).toEqual(again);
      await expectCode(ctx.store, f, sha(pkg), pkg);
    });

    it("drops the package once the record's code is a directory", async () => {
      const { f, pkg } = await make(ctx.store, "to-dir");
      const u = next(f, { code: { kind: "dir", path: "/srv/to-dir", sha256: "d=", size: 0 } });
      expect(await ctx.store.updateFunction(u, f.revisionId, null)).toEqual(u);
      await expectCode(ctx.store, f, sha(pkg), null);
      const back = next(u, { code: zipRef(pkg) });
      expect(await ctx.store.updateFunction(back, u.revisionId, pkg)).toEqual(back);
      await expectCode(ctx.store, f, sha(pkg), pkg);
    });

    it("deleting a function deletes its package, and a function recreated later does not see it", async () => {
      const { f, pkg } = await make(ctx.store, "gone");
      expect(await ctx.store.deleteFunction(f.account, "gone")).toBe(true);
      expect(await ctx.store.getFunction(f.account, "gone")).toBeNull();
      await expectCode(ctx.store, f, sha(pkg), null);
      expect(await ctx.store.deleteFunction(f.account, "gone")).toBe(false);
      expect(await ctx.store.deleteFunction(f.account, "never")).toBe(false);
      const dirCode: CodeRef = { kind: "dir", path: "/srv/gone", sha256: sha(pkg), size: pkg.length };
      expect(await ctx.store.createFunction(fn(f.account, "gone", dirCode), null)).not.toBe("exists");
      await expectCode(ctx.store, f, sha(pkg), null);
    });

    it("keeps a package two functions share until each is deleted", async () => {
      const pkg = zip();
      const a = await make(ctx.store, "twin-a", {}, pkg);
      const b = await make(ctx.store, "twin-b", { account: a.f.account }, pkg);
      await ctx.store.deleteFunction(a.f.account, "twin-a");
      await expectCode(ctx.store, a.f, sha(pkg), null);
      await expectCode(ctx.store, b.f, sha(pkg), pkg);
    });
  });
}

/** `n` updates from the same revision at once: exactly one may win. */
async function race(stores: readonly FunctionStore[], f: FunctionRecord, n: number): Promise<{ winner: FunctionRecord; pkg: Buffer; losers: Buffer[] }> {
  const tries = Array.from({ length: n }, (_, i) => {
    const pkg = zip();
    return { pkg, record: next(f, { description: `writer ${i}`, code: zipRef(pkg) }) };
  });
  const out = await Promise.all(tries.map((t, i) => stores[i % stores.length]!.updateFunction(t.record, f.revisionId, t.pkg)));
  const won = out.flatMap((o, i) => (o === "revisionMismatch" || o === "notFound" ? [] : [i]));
  expect(won).toHaveLength(1);
  expect(out.filter((o) => o === "revisionMismatch")).toHaveLength(n - 1);
  const w = tries[won[0]!]!;
  return { winner: w.record, pkg: w.pkg, losers: tries.filter((t) => t !== w).map((t) => t.pkg) };
}

async function raceRounds(store: FunctionStore, stores: readonly FunctionStore[], rounds: number): Promise<void> {
  let { f, pkg } = await make(store, "contended");
  for (let round = 0; round < rounds; round++) {
    const { winner, pkg: won, losers } = await race(stores, f, 8);
    const stored = await store.getFunction(f.account, f.name);
    expect(stored).toEqual(winner);
    await expectCode(store, f, sha(won), won);
    await expectCode(store, f, sha(pkg), null);
    for (const l of losers) await expectCode(store, f, sha(l), null);
    f = winner;
    pkg = won;
  }
}

function concurrencyTests(ctx: Ctx, options: ConformanceOptions): void {
  describe("concurrency", () => {
    it("of updates from the same revision issued at once, exactly one wins", async () => {
      await raceRounds(ctx.store, [ctx.store], 3);
    });

    it("of creates of one name issued at once, exactly one succeeds", async () => {
      const acct = account();
      const records = Array.from({ length: 8 }, (_, i) => fn(acct, "once", zipRef(zip()), { description: `creator ${i}` }));
      const out = await Promise.all(records.map((r) => ctx.store.createFunction(r, null)));
      const created = out.filter((o) => o !== "exists");
      expect(created).toHaveLength(1);
      expect(await ctx.store.getFunction(acct, "once")).toEqual(created[0]);
    });

    if (!options.durable) return;

    it("of updates from several stores on one database, exactly one wins each round", async () => {
      const stores = [ctx.store, await ctx.another(), await ctx.another(), await ctx.another()];
      await raceRounds(ctx.store, stores, 5);
    });

    it("of creates from several stores on one database, exactly one succeeds", async () => {
      const stores = [ctx.store, await ctx.another(), await ctx.another(), await ctx.another()];
      const acct = account();
      const tries = Array.from({ length: 8 }, (_, i) => {
        const pkg = zip();
        return { pkg, record: fn(acct, "once", zipRef(pkg), { description: `creator ${i}` }) };
      });
      const out = await Promise.all(tries.map((t, i) => stores[i % stores.length]!.createFunction(t.record, t.pkg)));
      const won = out.flatMap((o, i) => (o === "exists" ? [] : [i]));
      expect(won).toHaveLength(1);
      const w = tries[won[0]!]!;
      expect(await ctx.store.getFunction(acct, "once")).toEqual(w.record);
      for (const t of tries) await expectCode(ctx.store, w.record, sha(t.pkg), t === w ? t.pkg : null);
    });
  });
}

function durabilityTests(ctx: Ctx): void {
  it("keeps functions and packages across a reopen", async () => {
    const { f, pkg } = await make(ctx.store, "durable");
    const u = next(f, { description: "updated" });
    await ctx.store.updateFunction(u, f.revisionId, null);
    await ctx.reopen();
    expect(await ctx.store.getFunction(f.account, "durable")).toEqual(u);
    await expectCode(ctx.store, f, sha(pkg), pkg);
  });
}

export function functionStoreConformance(
  name: string,
  open: () => Promise<Storage>,
  cleanup?: () => Promise<void>,
  options: ConformanceOptions = {},
): void {
  storeSuite(`FunctionStore conformance: ${name}`, (s) => s.functions, open, cleanup, (ctx) => {
  recordTests(ctx);
  listTests(ctx);
  updateTests(ctx);
  codeTests(ctx);
  concurrencyTests(ctx, options);
  if (options.durable) durabilityTests(ctx);
  });
}
