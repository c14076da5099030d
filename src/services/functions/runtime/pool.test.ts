import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { getPriority, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock, SystemClock } from "../../../core/clock.js";
import { silentLogger } from "../../../core/logger.js";
import { FunctionPool, type PoolSpec } from "./pool.js";
import { SpareWorkers } from "./spares.js";

let root: string;
const pools: FunctionPool[] = [];

function specOf(handler: string, extra: Partial<PoolSpec> = {}): PoolSpec {
  return {
    codeRoot: root,
    handler,
    functionName: "fn",
    version: "$LATEST",
    memoryMb: 128,
    logGroupName: "/aws/lambda/fn",
    logStreamName: "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef",
    timeoutSeconds: 3,
    env: { AWS_REGION: "us-east-1", GREETING: "hi" },
    ...extra,
  };
}

function pool(handler: string, extra: Partial<PoolSpec> = {}, clock = new SystemClock()): FunctionPool {
  const p = new FunctionPool(specOf(handler, extra), clock, silentLogger(), 60_000);
  pools.push(p);
  return p;
}

let n = 0;
const call = (p: FunctionPool, event: unknown = { n: 1 }) =>
  p.invoke({ requestId: `req-${++n}`, event: JSON.stringify(event), invokedFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:fn" });

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "sluice-fn-"));
  writeFileSync(join(root, "package.json"), JSON.stringify({ type: "module" }));
  writeFileSync(
    join(root, "app.js"),
    `export const echo = async (event, context) => ({ event, name: context.functionName, mem: context.memoryLimitInMB,
        id: context.awsRequestId, arn: context.invokedFunctionArn, left: context.getRemainingTimeInMillis() > 0, env: process.env.GREETING });
     export const boom = async () => { const e = new TypeError("bad input"); throw e; };
     export const rejectString = () => Promise.reject("nope");
     export const callback = (event, context, cb) => { setTimeout(() => cb(null, { viaCallback: event.n }), 5); };
     export const callbackError = (event, context, cb) => cb(new Error("cb failed"));
     export const plain = (event) => ({ ignored: true });
     export const logs = async () => { console.log("hello %s", "world"); console.error("oops"); return 1; };
     export const slow = () => new Promise(() => {});
     export const hog = async () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); };
     export const exit = async () => { process.exit(3); };
     let count = 0; export const counter = async () => ++count;
     export const nested = { deep: { handler: async () => "deep" } };
     export const notFn = 42;
     export const undef = async () => undefined;
     export const priority = async () => (await import("node:os")).getPriority();`,
  );
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src", "typed.ts"), `interface E { n: number }\nexport const handler = async (e: E): Promise<number> => e.n * 2;\n`);
  writeFileSync(join(root, "legacy.cjs"), `exports.handler = async (e) => "cjs " + e.n;`);
  writeFileSync(join(root, "broken.mjs"), `export const handler = async () => {;;;\n`);
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.stop()));
  rmSync(root, { recursive: true, force: true });
});

describe("function runtime", () => {
  it("runs an async handler with Lambda's context and the function's environment", async () => {
    const out = await call(pool("app.echo"), { a: 1 });
    expect(JSON.parse(out.payload!)).toEqual({
      event: { a: 1 },
      name: "fn",
      mem: "128",
      id: `req-${n}`,
      arn: "arn:aws:lambda:us-east-1:000000000000:function:fn",
      left: true,
      env: "hi",
    });
    expect(out.initMs).toBeGreaterThan(0);
    expect(out.log).toMatch(/^START RequestId: req-\d+ Version: \$LATEST\nEND RequestId: req-\d+\nREPORT RequestId: req-\d+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tInit Duration: [\d.]+ ms\n$/);
  });

  it("keeps a worker warm between invocations", async () => {
    const p = pool("app.counter");
    expect((await call(p)).payload).toBe("1");
    const warm = await call(p);
    expect(warm.payload).toBe("2");
    expect(warm.initMs).toBeUndefined();
    expect(p.size).toBe(1);
  });

  it("returns thrown errors and rejected values in Lambda's shape", async () => {
    const thrown = await call(pool("app.boom"));
    expect(thrown.failure).toMatchObject({ errorType: "TypeError", errorMessage: "bad input" });
    expect(thrown.failure?.trace[0]).toBe("TypeError: bad input");
    expect((await call(pool("app.rejectString"))).failure).toEqual({ errorType: "string", errorMessage: "nope", trace: [] });
  });

  it("supports callback handlers and ignores a plain handler's return value", async () => {
    expect(JSON.parse((await call(pool("app.callback"), { n: 7 })).payload!)).toEqual({ viaCallback: 7 });
    expect((await call(pool("app.callbackError"))).failure?.errorMessage).toBe("cb failed");
    expect((await call(pool("app.plain"))).payload).toBe("null");
    expect((await call(pool("app.undef"))).payload).toBe("null");
  });

  it("resolves nested handler paths, CommonJS and TypeScript handlers", async () => {
    expect((await call(pool("app.nested.deep.handler"))).payload).toBe('"deep"');
    expect((await call(pool("legacy.handler"), { n: 2 })).payload).toBe('"cjs 2"');
    expect((await call(pool("src/typed.handler"), { n: 21 })).payload).toBe("42");
  });

  it("reports load problems as Lambda's Runtime errors", async () => {
    expect((await call(pool("app.missing"))).failure).toMatchObject({ errorType: "Runtime.HandlerNotFound", errorMessage: "app.missing is undefined or not exported" });
    expect((await call(pool("app.notFn"))).failure).toMatchObject({ errorType: "Runtime.HandlerNotFound", errorMessage: "app.notFn is not a function" });
    expect((await call(pool("nosuchfile.handler"))).failure?.errorType).toBe("Runtime.ImportModuleError");
    expect((await call(pool("broken.handler"))).failure?.errorType).toBe("Runtime.UserCodeSyntaxError");
    expect((await call(pool("../escape.handler"))).failure?.errorType).toBe("Runtime.MalformedHandlerName");
    expect((await call(pool("nodot"))).failure).toMatchObject({ errorType: "Runtime.MalformedHandlerName", errorMessage: "Bad handler" });
  });

  it("captures console output as log lines tagged with the request id", async () => {
    const out = await call(pool("app.logs"));
    expect(out.log).toMatch(new RegExp(`\\t req-${n}\\tINFO\\thello world\\n`.replace(" ", "")));
    expect(out.log).toMatch(/\tERROR\toops\n/);
  });

  it("ends an invocation at its timeout on the injected clock and replaces the worker", async () => {
    const clock = new ManualClock(Date.now());
    const p = pool("app.slow", { timeoutSeconds: 2 }, clock);
    const pending = call(p);
    // The timeout starts when the handler is loaded and the invocation sent.
    for (let i = 0; i < 500 && clock.pendingTimers === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await clock.advance(1_999);
    expect(clock.pendingTimers).toBe(1);
    await clock.advance(1);
    const out = await pending;
    expect(out.failure).toEqual({ errorType: "Sandbox.Timedout", errorMessage: `RequestId: req-${n} Error: Task timed out after 2.00 seconds`, trace: [] });
    expect(out.log).toContain("\tStatus: timeout");
  });

  it("fails an invocation that exhausts its memory without harming the platform", async () => {
    const out = await call(pool("app.hog", { memoryMb: 64, timeoutSeconds: 30 }));
    expect(out.failure).toMatchObject({ errorType: "Runtime.ExitError", errorMessage: expect.stringContaining("Runtime exited with error: signal: killed") as string });
  }, 60_000);

  it("reports process.exit as a runtime exit", async () => {
    const p = pool("app.exit");
    const out = await call(p);
    expect(out.failure?.errorMessage).toMatch(/Runtime exited with error: exit status 3$/);
    expect((await call(p)).failure?.errorMessage).toMatch(/exit status 3/);
  });

  it.runIf(process.platform === "linux")("runs handlers at the pool's nice value, leaving the platform's own thread alone", async () => {
    const before = getPriority();
    expect((await call(pool("app.priority", { nice: 15 }))).payload).toBe(String(Math.max(before, 15)));
    expect((await call(pool("app.priority"))).payload).toBe(String(before));
    expect(getPriority()).toBe(before);
    const spares = new SpareWorkers(1, 12);
    try {
      spares.warm(128);
      await new Promise((r) => setTimeout(r, 300));
      const adopted = new FunctionPool({ ...specOf("app.priority"), nice: 12 }, new SystemClock(), silentLogger(), 60_000, spares);
      pools.push(adopted);
      const out = await call(adopted);
      expect(out.initMs).toBeDefined();
      expect(out.payload).toBe(String(Math.max(before, 12)));
    } finally {
      await spares.stop();
    }
  });

  describe("spare workers", () => {
    const spares = new SpareWorkers(1);
    afterAll(() => spares.stop());
    const spec = (handler: string, extra: Partial<PoolSpec> = {}): PoolSpec => ({
      codeRoot: root,
      handler,
      functionName: "adopted",
      version: "$LATEST",
      memoryMb: 128,
      logGroupName: "/aws/lambda/adopted",
      logStreamName: "2026/11/22/[$LATEST]0123456789abcdef0123456789abcdef",
      timeoutSeconds: 30,
      env: { AWS_REGION: "eu-west-1", GREETING: "adopted" },
      ...extra,
    });
    const adopt = (s: PoolSpec): FunctionPool => {
      const p = new FunctionPool(s, new SystemClock(), silentLogger(), 60_000, spares);
      pools.push(p);
      return p;
    };

    it("hands a cold start a blank worker that takes the function's configuration and environment only", async () => {
      spares.warm(128);
      await new Promise((r) => setTimeout(r, 300));
      const out = await call(adopt(spec("app.echo")));
      expect(JSON.parse(out.payload!)).toMatchObject({ name: "adopted", mem: "128", env: "adopted" });
      expect(out.initMs).toBeDefined();
      const leak = await call(adopt(spec("app.echo", { env: {} })));
      expect(JSON.parse(leak.payload!)).not.toHaveProperty("env");
    });

    it("keeps a spare's heap limit: a 64 MB function adopts a 64 MB spare and fails alone when it runs out", async () => {
      spares.warm(64);
      await new Promise((r) => setTimeout(r, 300));
      const out = await call(adopt(spec("app.hog", { memoryMb: 64 })));
      expect(out.failure).toMatchObject({ errorType: "Runtime.ExitError" });
      expect((await call(adopt(spec("app.echo")))).payload).toBeDefined();
    }, 60_000);
  });
});
