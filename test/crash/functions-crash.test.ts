/**
 * A crash during processing loses nothing: `sluice start` runs a queue → mapping →
 * function pipeline from a sluice.config.ts; the test sends messages through the SQS
 * API, kills the server with SIGKILL while batches are being processed, restarts it,
 * and checks that every acknowledged message is processed at least once.
 */
import { SendMessageBatchCommand, SQSClient, GetQueueAttributesCommand } from "@aws-sdk/client-sqs";
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assertBuilt, DIST, seededRandom, sleep, TempDirs } from "../lib/process.js";
import { startServer } from "../lib/server.js";

const dirs = new TempDirs();
const KEY = "crash-key";
const SECRET = "crash-secret";
const live = new Set<ChildProcess>();

async function start(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const s = await startServer(join(dir, "data"), { key: KEY, secret: SECRET, args: ["--config", join(dir, "sluice.config.mjs")] });
  live.add(s.child);
  s.child.once("exit", () => live.delete(s.child));
  return s;
}

function project(dir: string): string {
  const code = join(dir, "code");
  mkdirSync(code, { recursive: true });
  const out = join(dir, "processed.log");
  // Each record's body is written once processing is done; slow enough that kills land mid-batch.
  writeFileSync(
    join(code, "proc.js"),
    `const fs = require("fs");
exports.handler = async (event) => {
  await new Promise((r) => setTimeout(r, 150));
  fs.appendFileSync(${JSON.stringify(out)}, event.Records.map((r) => r.body + "\\n").join(""));
};`,
  );
  writeFileSync(
    join(dir, "sluice.config.mjs"),
    `import { defineApp } from ${JSON.stringify(join(DIST, "index.js"))};
export default defineApp({
  queues: { work: { attributes: { VisibilityTimeout: "2" } } },
  functions: { proc: { code: "./code", handler: "proc.handler", timeout: 5 } },
  mappings: [{ queue: "work", function: "proc", batchSize: 10 }],
});`,
  );
  return out;
}

function processed(out: string): Set<string> {
  return existsSync(out) ? new Set(readFileSync(out, "utf8").split("\n").filter(Boolean)) : new Set();
}

describe("functions survive kill -9", () => {
  afterAll(() => {
    for (const c of live) c.kill("SIGKILL");
    dirs.removeAll();
  });

  it("processes every acknowledged message after crashes mid-processing", async () => {
    assertBuilt();
    const seed = Number(process.env["CRASH_SEED"] ?? Date.now() % 100_000);
    const random = seededRandom(seed);
    const dir = dirs.make("sluice-fn-crash-");
    const out = project(dir);
    const acked = new Set<string>();
    let interrupted = 0;
    for (let cycle = 0; cycle < 3; cycle++) {
      const { child, url } = await start(dir);
      const sqs = new SQSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, maxAttempts: 1 });
      const QueueUrl = `${url}/000000000000/work`;
      const sending = (async () => {
        for (let i = 0; i < 60; i++) {
          const ids = Array.from({ length: 10 }, (_, k) => `c${cycle}-${i}-${k}`);
          try {
            await sqs.send(new SendMessageBatchCommand({ QueueUrl, Entries: ids.map((b, k) => ({ Id: `m${k}`, MessageBody: b })) }));
          } catch {
            return;
          }
          for (const b of ids) acked.add(b);
        }
      })();
      await sleep(300 + Math.floor(random() * 900));
      child.kill("SIGKILL");
      await sending;
      // Work the kill cut short: acknowledged but not yet processed.
      const done = processed(out);
      interrupted = Math.max(interrupted, [...acked].filter((b) => !done.has(b)).length);
      sqs.destroy();
      await new Promise((r) => (child.exitCode === null ? child.once("exit", r) : r(null)));
    }
    const { child, url } = await start(dir);
    const sqs = new SQSClient({ endpoint: url, region: "us-east-1", credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, maxAttempts: 1 });
    const deadline = Date.now() + 40_000;
    let missing: string[] = [...acked];
    while (Date.now() < deadline) {
      const done = processed(out);
      missing = [...acked].filter((b) => !done.has(b));
      if (!missing.length) break;
      await sleep(250);
    }
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: `${url}/000000000000/work`, AttributeNames: ["All"] }));
    sqs.destroy();
    child.kill("SIGTERM");
    const lines = readFileSync(out, "utf8").split("\n").filter(Boolean).length;
    console.log(`functions crash test: seed ${seed}, ${acked.size} acknowledged, ${lines} processed (${lines - acked.size} redelivered), up to ${interrupted} pending at a kill`);
    expect(acked.size, `seed ${seed}`).toBeGreaterThan(100);
    expect(interrupted, `seed ${seed}: no kill landed while messages were waiting or in flight`).toBeGreaterThan(0);
    expect(missing.slice(0, 10), `seed ${seed}: ${missing.length} acknowledged messages never processed`).toEqual([]);
    expect(Number(Attributes["ApproximateNumberOfMessages"]) + Number(Attributes["ApproximateNumberOfMessagesNotVisible"])).toBe(0);
  }, 120_000);
});
