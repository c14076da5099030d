/**
 * Running the built package the way a user does: `node dist/cli/main.js …` and plain
 * Node scripts (fixtures) as child processes, with their output read line by line, and
 * temporary data directories that are removed afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root (this file is test/lib/process.ts). */
export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const DIST = join(ROOT, "dist");
export const CLI = join(DIST, "cli", "main.js");

/** Fails with an actionable message when `npm run build` has not produced dist/. */
export function assertBuilt(): void {
  for (const file of [join(DIST, "index.js"), CLI]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node <args>` to completion (killed after `timeoutMs`) and collects its output. */
export function runNode(args: readonly string[], timeoutMs = 30_000): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * A running `node <args>` whose stdout lines go to `onLine` in the order they were
 * written. `closed` resolves once the process has exited and every line it wrote
 * (even just before a SIGKILL) has been delivered.
 */
export class NodeProcess {
  private static readonly live = new Set<NodeProcess>();

  /** Kills every process still running (for an afterAll hook, in case a test failed mid-way). */
  static killAll(): void {
    for (const p of NodeProcess.live) p.kill();
  }

  readonly closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly child: ChildProcess;
  private stderrText = "";
  private hasExited = false;

  constructor(args: readonly string[], onLine: (line: string) => void) {
    this.child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    const { stdout, stderr } = this.child;
    if (!stdout || !stderr) throw new Error("child process has no stdout/stderr pipes");
    stderr.setEncoding("utf8").on("data", (s: string) => (this.stderrText += s));
    const lines = createInterface({ input: stdout, crlfDelay: Infinity });
    lines.on("line", onLine);
    const linesDone = new Promise<void>((resolve) => lines.once("close", resolve));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
      this.child.once("error", reject);
      this.child.once("close", (code, signal) => {
        this.hasExited = true;
        NodeProcess.live.delete(this);
        resolve({ code, signal });
      });
    });
    this.closed = Promise.all([exited, linesDone]).then(([status]) => status);
    NodeProcess.live.add(this);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** True once the process has exited, whether killed or by itself. */
  get exited(): boolean {
    return this.hasExited;
  }

  kill(signal: NodeJS.Signals = "SIGKILL"): void {
    if (!this.hasExited) this.child.kill(signal);
  }
}

/** Temporary directories created by `make()` and removed by `removeAll()`. */
export class TempDirs {
  private readonly dirs: string[] = [];

  make(prefix = "sluice-test-"): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /** Leaves `dir` in place (to inspect after a failure). */
  keep(dir: string): void {
    const i = this.dirs.indexOf(dir);
    if (i >= 0) this.dirs.splice(i, 1);
  }

  removeAll(): void {
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

/** A small seeded PRNG (mulberry32), so a failing run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
