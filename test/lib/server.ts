/** `sluice start` as a child process for end-to-end tests: started on a free port, its URL read from stdout. */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { CLI, ROOT } from "./process.js";

export interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stderr: string[];
}

export interface ServerOptions {
  readonly key: string;
  readonly secret: string;
  /** More arguments after `start --port 0 --data <dir>`. */
  readonly args?: readonly string[];
}

export async function startServer(dataDir: string, o: ServerOptions): Promise<Server> {
  const child = spawn(process.execPath, [CLI, "start", "--port", "0", "--data", dataDir, "--log-level", "warn", ...(o.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, SLUICE_ACCESS_KEY_ID: o.key, SLUICE_SECRET_ACCESS_KEY: o.secret },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.setEncoding("utf8").on("data", (s: string) => stderr.push(s));
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("server did not start")), 20_000);
    lines.on("line", (line) => {
      const m = /listening on (http:\/\/\S+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${stderr.join("")}`)));
  });
  return { child, url, stderr };
}

/** Sends `signal` and resolves with the exit code once the process has exited. */
export function stopServer(s: Server, signal: NodeJS.Signals = "SIGTERM"): Promise<number | null> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve(s.child.exitCode);
  const exited = new Promise<number | null>((resolve) => s.child.once("exit", (code) => resolve(code)));
  s.child.kill(signal);
  return exited;
}
