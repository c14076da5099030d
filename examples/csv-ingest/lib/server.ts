/**
 * Sluice as a child process (`sluice dev` or `sluice start` from the built CLI) with
 * the pipeline's config: started, its URL read from its announcement, its "Applied"
 * lines passed on, and stopped with SIGTERM (or killed, for the crash test).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";

export const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const CLI = fileURLToPath(new URL("../../../dist/cli/main.js", import.meta.url));
export const CONFIG = fileURLToPath(new URL("../sluice.config.ts", import.meta.url));

export interface ServerOptions {
  readonly dataDir: string;
  readonly port: number;
  /** `postgres://…` for PostgreSQL; the embedded store otherwise. */
  readonly store?: string;
  /** `dev` accepts test/test; `start` needs keys in the environment. */
  readonly command: "dev" | "start";
  readonly env?: Record<string, string>;
  /** Lines of the server's output worth showing (its apply summary). */
  readonly onLine?: (line: string) => void;
  /** Extra node flags (profiling). */
  readonly nodeArgs?: readonly string[];
}

export interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startServer(o: ServerOptions): Promise<Server> {
  const args = [...(o.nodeArgs ?? []), CLI, o.command, "--port", String(o.port), "--data", o.dataDir, "--config", CONFIG, "--log-level", "warn", ...(o.store ? ["--store", o.store] : [])];
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...o.env }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let stderr = "";
  // The server's log (warnings and errors, handlers' console output) goes to a file beside its data.
  const log = createWriteStream(join(o.dataDir, "..", `${o.dataDir.split(/[/\\]/).pop() ?? "sluice"}.log`), { flags: "a" });
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr = (stderr + s).slice(-4000);
    log.write(s);
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`sluice did not start in 60 s: ${stderr}`)), 60_000);
    lines.on("line", (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      } else o.onLine?.(line);
    });
    void exited.then((code) => reject(new Error(`sluice exited with ${code}: ${stderr}`)));
  });
  return {
    child,
    url,
    exited,
    stop(signal = "SIGTERM") {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
