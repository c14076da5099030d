/**
 * Starting worker threads whose entry module may be TypeScript (when Sluice runs from
 * its sources, in tests and benches): such a thread first registers a loader for .ts
 * files, then imports the entry.
 */
import { Worker, type WorkerOptions } from "node:worker_threads";

export function spawnWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!entry.pathname.endsWith(".ts")) return new Worker(entry, options);
  const loader = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(loader)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** `./name.ts` beside the calling module when it runs from sources, `./name.js` otherwise. */
export function siblingModule(callerUrl: string, name: string): URL {
  return new URL(`./${name}${callerUrl.endsWith(".ts") ? ".ts" : ".js"}`, callerUrl);
}
