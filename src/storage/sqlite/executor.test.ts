import { afterEach, describe, expect, it, vi } from "vitest";
import { openDatabase, type Db } from "./database.js";
import { InlineExecutor } from "./executor.js";

const ops = {
  put: (db: Db, a: { k: string; v: string }) => db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)").run(a.k, a.v).changes,
  get: (db: Db, a: { k: string }) => (db.prepare("SELECT value FROM meta WHERE key = ?").get(a.k) as { value: string } | undefined)?.value ?? null,
  txid: (db: Db) => (db.prepare("SELECT COUNT(*) AS n FROM meta").get() as { n: number }).n,
  boom: (db: Db, a: { k: string }) => {
    db.prepare("INSERT INTO meta (key, value) VALUES (?, 'x')").run(a.k);
    throw new Error("boom");
  },
};

describe("InlineExecutor (group commit)", () => {
  let exec: InlineExecutor<typeof ops>;
  afterEach(async () => exec.close());

  it("runs writes issued together in one transaction, in order", async () => {
    const db = openDatabase({ dataDir: ":memory:" });
    const transactions = vi.spyOn(db, "transaction");
    exec = new InlineExecutor(db, ops);
    const results = await Promise.all([exec.write("put", { k: "a", v: "1" }), exec.write("put", { k: "b", v: "2" }), exec.write("txid", undefined)]);
    expect(results).toEqual([1, 1, 2]);
    expect(transactions).toHaveBeenCalledTimes(1);
  });

  it("fails only the job that threw; its writes are undone and its neighbours commit", async () => {
    exec = new InlineExecutor(openDatabase({ dataDir: ":memory:" }), ops);
    const [a, b, c] = await Promise.allSettled([
      exec.write("put", { k: "a", v: "1" }),
      exec.write("boom", { k: "z" }),
      exec.write("put", { k: "c", v: "3" }),
    ]);
    expect(a).toEqual({ status: "fulfilled", value: 1 });
    expect(b).toMatchObject({ status: "rejected", reason: { message: "boom" } });
    expect(c).toEqual({ status: "fulfilled", value: 1 });
    expect(await exec.read("get", { k: "z" })).toBeNull();
    expect(await exec.read("get", { k: "c" })).toBe("3");
  });

  it("refuses work after close", async () => {
    exec = new InlineExecutor(openDatabase({ dataDir: ":memory:" }), ops);
    const pending = exec.write("put", { k: "a", v: "1" });
    await exec.close();
    expect(await pending).toBe(1);
    await expect(exec.write("put", { k: "b", v: "1" })).rejects.toThrow("store is closed");
    exec = new InlineExecutor(openDatabase({ dataDir: ":memory:" }), ops);
  });
});
