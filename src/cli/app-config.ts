/**
 * Applying `sluice.config.ts` at start-up, and in `sluice dev` again whenever the config
 * or a function's code changes.
 */
import { watch, type FSWatcher } from "node:fs";
import { dirname, resolve } from "node:path";
import { applyApp, type ApplyResult } from "../app/apply.js";
import { findConfig, loadApp } from "../app/load.js";
import type { Platform } from "../platform.js";

function describeResult(r: ApplyResult): string {
  const parts = [
    ...r.created.map((x) => `  + ${x}`),
    ...r.updated.map((x) => `  ~ ${x}`),
    ...r.deleted.map((x) => `  - ${x}`),
  ];
  return parts.length ? parts.join("\n") : "  (no changes)";
}

/** Applies the config (explicit path, or sluice.config.* in `cwd`); returns its path. */
export async function applyConfig(p: Platform, explicit: string | undefined, cwd: string, out: NodeJS.WriteStream): Promise<string | undefined> {
  const path = explicit ? resolve(cwd, explicit) : findConfig(cwd);
  if (!path) return undefined;
  const app = await loadApp(path);
  const result = await applyApp(p, app, dirname(path));
  out.write(`Applied ${path}\n${describeResult(result)}\n`);
  return path;
}

/** Re-applies the config when it or any function's code directory changes. */
export async function watchConfig(p: Platform, path: string, out: NodeJS.WriteStream): Promise<() => void> {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let running = Promise.resolve();
  const dirs = async (): Promise<string[]> => {
    const app = await loadApp(path);
    return [dirname(path), ...Object.values(app.functions ?? {}).map((f) => resolve(dirname(path), f.code))];
  };
  const reapply = (): void => {
    running = running.then(async () => {
      try {
        const result = await applyApp(p, await loadApp(path), dirname(path));
        out.write(`Reloaded ${path}\n${describeResult(result)}\n`);
      } catch (err) {
        out.write(`Could not apply ${path}: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    });
  };
  const onChange = (_: string, file: string | null): void => {
    if (file && /(^|[/\\])(node_modules|\.sluice|\.git)([/\\]|$)/.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(reapply, 200);
  };
  for (const dir of new Set(await dirs())) watchers.push(watch(dir, { recursive: true }, onChange));
  return () => {
    clearTimeout(timer);
    for (const w of watchers) w.close();
  };
}
