/**
 * End to end: the built `sluice` command as a user runs it (`node dist/cli/main.js`),
 * in a child process, on a temporary data directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { assertBuilt, CLI, ROOT, runNode, TempDirs } from "../lib/process.js";

const dirs = new TempDirs();
afterAll(() => dirs.removeAll());

/** The number in the demo summary line that starts with `label`, e.g. "orders sent  3000". */
function summary(stdout: string, label: string): number | undefined {
  const line = stdout.split("\n").find((l) => l.trim().startsWith(label));
  const match = line?.slice(line.indexOf(label) + label.length).match(/^\s+(\d+)/);
  return match ? Number(match[1]) : undefined;
}

describe("sluice CLI (built)", () => {
  test("the build is there", () => {
    expect(assertBuilt).not.toThrow();
  });

  test("demo with 3000 orders reconciles: every order processed or dead-lettered", async () => {
    const orders = 3000;
    // The demo's poison orders are those with order % 2500 === 7; each ends in the DLQ.
    const poison = Array.from({ length: orders }, (_, i) => i).filter((i) => i % 2500 === 7).length;
    const data = dirs.make("sluice-demo-");
    const run = await runNode([CLI, "demo", "--orders", String(orders), "--data", data], 60_000);
    const output = `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

    expect(run.code, output).toBe(0);
    expect(run.stderr, output).toBe("");
    expect(run.stdout, output).toMatch(/reconciliation\s+OK: every order is processed or in the dead-letter queue/);
    expect(summary(run.stdout, "orders sent"), output).toBe(orders);
    expect(summary(run.stdout, "processed (deleted)"), output).toBe(orders - poison);
    expect(summary(run.stdout, "dead-lettered"), output).toBe(poison);
    expect(run.stdout, output).toContain(`(expected ${poison} poison orders, each received 3 times)`);
    // Each poison order fails on each of its 3 receives before it is dead-lettered.
    expect(summary(run.stdout, "failed attempts"), output).toBe(poison * 3);
    expect(existsSync(join(data, "demo", "sluice.db")), output).toBe(true);
  }, 60_000);

  test("--help prints the usage and exits 0", async () => {
    const run = await runNode([CLI, "--help"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain("Usage:");
    expect(run.stdout).toContain("sluice demo");
    expect(run.stderr).toBe("");
  });

  test("--version prints the package version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    const run = await runNode([CLI, "--version"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe(version);
  });

  test("an unknown command exits 2 and points to --help", async () => {
    const run = await runNode([CLI, "frobnicate"]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("unknown command 'frobnicate'");
    expect(run.stderr).toContain("sluice --help");
  });

  test("a bad --orders value exits 2 with the reason", async () => {
    const run = await runNode([CLI, "demo", "--orders", "many", "--data", dirs.make("sluice-demo-")]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/--orders must be .*whole number/);
  });
});
