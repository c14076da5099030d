/**
 * Each trial runs in a fresh child process (the same entry, `bench/run.ts <name>
 * --child`), so one system's heap, connections, worker threads and leftover timers
 * never slow the next, and a crash or hang costs one row, not the run.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const ENTRY = fileURLToPath(new URL("../run.ts", import.meta.url));
export const CHILD_FLAG = "--child";

type Reply<R> = { ok: true; result: R } | { ok: false; error: string };

export interface ChildOptions {
  /** Kill the child after this long. */
  readonly timeoutMs: number;
  /** Write a V8 CPU profile of the child into this directory (`--cpu-prof`). */
  readonly profileDir?: string;
}

export function runInChild<S, R>(bench: string, spec: S, opts: ChildOptions): Promise<R> {
  const execArgv = [...process.execArgv];
  if (opts.profileDir) execArgv.push("--cpu-prof", `--cpu-prof-dir=${opts.profileDir}`);
  const child = fork(ENTRY, [bench, CHILD_FLAG], { execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"] });
  return new Promise<R>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      finish(() => reject(new Error(`trial timed out after ${Math.round(opts.timeoutMs / 1000)} s`)));
      child.kill("SIGKILL");
    }, opts.timeoutMs);
    // Settle on exit, not on the reply, so the child's CPU profile is written by then.
    let reply: Reply<R> | undefined;
    child.on("message", (msg: Reply<R>) => (reply = msg));
    child.on("error", (err) => finish(() => reject(err)));
    child.on("exit", (code, signal) =>
      finish(() => {
        if (reply?.ok) resolve(reply.result);
        else if (reply) reject(new Error(reply.error));
        else reject(new Error(`trial process exited (${signal ?? `code ${code}`}) without a result`));
      }),
    );
    child.send(spec as object);
  });
}

/** The child side: waits for one spec, runs it, reports, and exits. */
export function serveChild<S, R>(run: (spec: S) => Promise<R>): void {
  process.once("message", (spec: S) => {
    void run(spec)
      .then(
        (result): Reply<R> => ({ ok: true, result }),
        (err: unknown): Reply<R> => ({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
      )
      .then((reply) => {
        // Exit explicitly: peers' clients may leave sockets or timers behind.
        process.send!(reply, () => process.exit(0));
      });
  });
}
