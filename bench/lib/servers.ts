/**
 * Endpoints under test as child processes: Sluice (`sluice start`, built) and fauxqs
 * (the in-memory SQS emulator on npm), each on a free port, stopped afterwards.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";

export const KEY = "bench";
export const SECRET = "bench-secret";

export interface Endpoint {
  readonly url: string;
  /** The server's process, so a bench can count its CPU. */
  readonly pid?: number;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => res(port));
    });
    s.on("error", rej);
  });
}

function waitFor(child: ChildProcess, test: (line: string) => string | undefined, what: string): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`${what} did not start`)), 30_000);
    lines.on("line", (line) => {
      const hit = test(line);
      if (hit !== undefined) {
        clearTimeout(timer);
        res(hit);
      }
    });
    child.once("exit", (code) => rej(new Error(`${what} exited with ${code}`)));
  });
}

function stopper(child: ChildProcess, cleanup?: () => void): () => Promise<void> {
  return () =>
    new Promise((res) => {
      if (child.exitCode !== null) {
        cleanup?.();
        return res();
      }
      child.once("exit", () => {
        cleanup?.();
        res();
      });
      child.kill("SIGTERM");
    });
}

/** `sluice start` on the embedded store (fsync-durable) in a fresh data directory. */
export async function startSluice(extraArgs: string[] = []): Promise<Endpoint> {
  const cli = resolve("dist/cli/main.js");
  if (!existsSync(cli)) throw new Error("dist/ is missing: run `npm run build` first");
  const dir = mkdtempSync(join(tmpdir(), "sluice-bench-api-"));
  // BENCH_NODE_ARGS passes flags to the server's node (for example --cpu-prof) when profiling.
  const nodeArgs = (process.env["BENCH_NODE_ARGS"] ?? "").split(" ").filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, cli, "start", "--port", "0", "--data", dir, "--log-level", "warn", ...extraArgs], {
    env: { ...process.env, SLUICE_ACCESS_KEY_ID: KEY, SLUICE_SECRET_ACCESS_KEY: SECRET },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await waitFor(child, (l) => /listening on (http:\/\/\S+)/.exec(l)?.[1], "sluice");
  return { url, ...(child.pid !== undefined ? { pid: child.pid } : {}), stop: stopper(child, () => rmSync(dir, { recursive: true, force: true })) };
}

/** fauxqs, as its README starts it, on a free port. */
export async function startFauxqs(): Promise<Endpoint> {
  const cli = resolve("node_modules/fauxqs/dist/cli.js");
  if (!existsSync(cli)) throw new Error("fauxqs is not installed (npm ci installs it as a devDependency)");
  const port = await freePort();
  const child = spawn(process.execPath, [cli], { env: { ...process.env, FAUXQS_PORT: String(port), FAUXQS_HOST: "127.0.0.1" }, stdio: ["ignore", "pipe", "inherit"] });
  await Promise.race([waitFor(child, (l) => (/listen|started|4566|port/i.test(l) ? l : undefined), "fauxqs"), waitUntilOpen(port)]);
  return { url: `http://127.0.0.1:${port}`, stop: stopper(child) };
}

async function waitUntilOpen(port: number): Promise<string> {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: "GET" });
      await res.body?.cancel();
      return "open";
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error("fauxqs did not open its port");
}
