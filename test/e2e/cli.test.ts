/** The `sluice` CLI's queue commands and start-up checks, run as a user runs them. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatform } from "../../dist/index.js";

const run = promisify(execFile);
const CLI = join(import.meta.dirname, "../../dist/cli/main.js");

async function sluice(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, SLUICE_ACCESS_KEY_ID: "", SLUICE_SECRET_ACCESS_KEY: "", ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("sluice CLI", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "sluice-cli-"));
    const p = await createPlatform({ dataDir: dir });
    const dlq = (await p.queues.createQueue({ QueueName: "jobs-dlq" })).QueueUrl;
    const arn = (await p.queues.getQueueAttributes({ QueueUrl: dlq, AttributeNames: ["QueueArn"] })).Attributes!["QueueArn"]!;
    const jobs = (await p.queues.createQueue({ QueueName: "jobs", Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: 1 }) } })).QueueUrl;
    await p.queues.sendMessageBatch({ QueueUrl: jobs, Entries: [1, 2, 3].map((i) => ({ Id: `m${i}`, MessageBody: `failed ${i}` })) });
    // Received once and not deleted: the next receive moves them to the dead-letter queue.
    await p.queues.receiveMessage({ QueueUrl: jobs, MaxNumberOfMessages: 10, VisibilityTimeout: 0 });
    expect((await p.queues.receiveMessage({ QueueUrl: jobs, MaxNumberOfMessages: 10 })).Messages).toBeUndefined();
    await p.stop();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists queues with their counts, as a table and as JSON", async () => {
    const table = await sluice(["queues", "--data", dir]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/QUEUE\s+VISIBLE\s+IN FLIGHT\s+DELAYED/);
    expect(table.stdout).toMatch(/jobs-dlq\s+3\s+0\s+0/);
    const json = JSON.parse((await sluice(["queues", "--data", dir, "--json"])).stdout) as { name: string; visible: number }[];
    expect(json.find((q) => q.name === "jobs-dlq")?.visible).toBe(3);
  });

  it("sends and receives", async () => {
    const sent = await sluice(["send", "jobs", "hello from the CLI", "--data", dir]);
    expect(sent.stdout).toMatch(/^sent [0-9a-f-]{36}/);
    const got = JSON.parse((await sluice(["receive", "jobs", "--delete", "--json", "--data", dir])).stdout) as { Body: string }[];
    expect(got.map((m) => m.Body)).toEqual(["hello from the CLI"]);
    expect((await sluice(["receive", "jobs", "--data", dir])).stdout).toBe("no messages\n");
  });

  it("redrives a dead-letter queue back to its source and shows progress", async () => {
    const out = await sluice(["redrive", "jobs-dlq", "--data", dir]);
    expect(out.code).toBe(0);
    expect(out.stdout).toMatch(/moved 3\/3 \(COMPLETED\)/);
    const json = JSON.parse((await sluice(["queues", "--data", dir, "--json"])).stdout) as { name: string; visible: number }[];
    expect(json.find((q) => q.name === "jobs")?.visible).toBe(3);
  });

  it("explains errors: unknown queue, missing arguments, unknown command", async () => {
    const missing = await sluice(["send", "nope", "x", "--data", dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe("sluice: QueueDoesNotExist: The specified queue does not exist.\n");
    const usage = await sluice(["send", "jobs", "--data", dir]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: sluice send <queue> <body>");
    const unknown = await sluice(["fly"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'fly'");
  });

  it("refuses to start the endpoint without credentials, and rejects a malformed credentials file", async () => {
    const none = await sluice(["start", "--port", "0", "--data", dir]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("no credentials");
    const file = join(dir, "creds.txt");
    writeFileSync(file, "only-a-key\n");
    const bad = await sluice(["start", "--port", "0", "--data", dir, "--credentials", file]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("creds.txt:1: expected key:secret[:12-digit account]");
  });
});
