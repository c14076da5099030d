import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionHarness, type FunctionHarness } from "../testing/functions.js";
import { applyApp } from "./apply.js";
import { defineApp, type AppDefinition } from "./define.js";
import { loadApp } from "./load.js";

describe("applying an app definition", () => {
  let h: FunctionHarness;
  let codeDir: string;
  const app = (): AppDefinition =>
    defineApp({
      queues: {
        "jobs-dlq": {},
        jobs: { attributes: { VisibilityTimeout: "5" }, deadLetter: { queue: "jobs-dlq", maxReceiveCount: 3 } },
      },
      functions: { worker: { code: codeDir, handler: "worker.handler", timeout: 5, environment: { MODE: "a" } } },
      mappings: [{ queue: "jobs", function: "worker", batchSize: 5, reportBatchItemFailures: true }],
    });

  beforeAll(async () => {
    h = await functionHarness();
    codeDir = h.code({ "worker.js": "exports.handler = async (e) => ({ batchItemFailures: [] });" });
  });
  afterAll(async () => h.close());

  it("creates everything, then finds nothing to change", async () => {
    const first = await applyApp(h.platform, app(), h.dir);
    expect(first.created).toEqual(["queue jobs-dlq", "queue jobs", "function worker", "mapping jobs → worker"]);
    const { Attributes } = await h.platform.queues.getQueueAttributes({ QueueUrl: "jobs", AttributeNames: ["RedrivePolicy", "VisibilityTimeout"] });
    expect(JSON.parse(Attributes!["RedrivePolicy"]!)).toEqual({ deadLetterTargetArn: "arn:aws:sqs:us-east-1:000000000000:jobs-dlq", maxReceiveCount: 3 });
    const again = await applyApp(h.platform, app(), h.dir);
    expect(again).toEqual({ created: [], updated: [], deleted: [] });
  });

  it("updates what changed and deletes only what it created", async () => {
    await h.platform.queues.createQueue({ QueueName: "not-mine" });
    const changed = app();
    changed.queues!["jobs"]!.attributes = { VisibilityTimeout: "9" };
    changed.functions!["worker"]!.environment = { MODE: "b" };
    changed.mappings![0]!.batchSize = 7;
    const r = await applyApp(h.platform, changed, h.dir);
    expect(r.updated.sort()).toEqual(["function worker", "mapping jobs → worker", "queue jobs"]);
    const gone = await applyApp(h.platform, defineApp({ queues: { "jobs-dlq": {} } }), h.dir);
    expect(gone.deleted.sort()).toEqual(["function worker", "mapping jobs → worker", "queue jobs"]);
    expect((await h.platform.queues.listQueues({})).QueueUrls?.map((u) => u.split("/").at(-1)).sort()).toEqual(["jobs-dlq", "not-mine"]);
  });

  it("refuses references to undeclared parts", () => {
    expect(() => defineApp({ queues: { a: { deadLetter: { queue: "b", maxReceiveCount: 1 } } } })).toThrow("dead-letter queue b is not declared");
    expect(() => defineApp({ queues: {}, functions: {}, mappings: [{ queue: "q", function: "f" }] })).toThrow("queue q is not declared");
  });

  it("loads a TypeScript config file", async () => {
    const file = join(h.dir, "sluice.config.ts");
    const define = join(import.meta.dirname, "define.ts");
    writeFileSync(file, `import { defineApp } from ${JSON.stringify(define)};\nconst retries: number = 2;\nexport default defineApp({ queues: { typed: { deadLetter: undefined, attributes: { DelaySeconds: String(retries) } } } });\n`);
    const loaded = await loadApp(file);
    expect(loaded.queues?.["typed"]?.attributes).toEqual({ DelaySeconds: "2" });
  });
});
