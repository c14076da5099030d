/** Test helpers for functions: handler files, zips, and a platform on a private store. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { zipSync } from "fflate";
import type { Clock } from "../core/clock.js";
import { createPlatform, type Platform } from "../platform.js";

export const ROLE = "arn:aws:iam::000000000000:role/lambda-role";

/** A zip of `files` (path → source text). */
export function zipOf(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])));
}

export interface FunctionHarness {
  readonly platform: Platform;
  readonly dir: string;
  /** Writes handler files into a fresh directory and returns it. */
  code(files: Record<string, string>): string;
  close(): Promise<void>;
}

export async function functionHarness(opts: { clock?: Clock; accountConcurrency?: number } = {}): Promise<FunctionHarness> {
  const dir = mkdtempSync(join(tmpdir(), "sluice-fn-test-"));
  const platform = await createPlatform({
    dataDir: ":memory:",
    ...(opts.clock ? { clock: opts.clock } : {}),
    functions: { dataDir: join(dir, "data"), idleMs: 60_000, ...(opts.accountConcurrency ? { accountConcurrency: opts.accountConcurrency } : {}) },
  });
  await platform.start();
  let n = 0;
  return {
    platform,
    dir,
    code(files) {
      const root = join(dir, `code-${++n}`);
      for (const [name, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, name)), { recursive: true });
        writeFileSync(join(root, name), text);
      }
      return root;
    },
    async close() {
      await platform.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
