/** Loading `sluice.config.ts` (or .mts/.js/.mjs): its default export is the app. */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { defineApp, type AppDefinition } from "./define.js";

export const CONFIG_NAMES = ["sluice.config.ts", "sluice.config.mts", "sluice.config.js", "sluice.config.mjs"];

/** The config file in `dir`, if there is one. */
export function findConfig(dir: string): string | undefined {
  return CONFIG_NAMES.map((n) => resolve(dir, n)).find((p) => existsSync(p));
}

let generation = 0;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

/** Imports the config afresh (a query string defeats the module cache, for reloads). */
export async function loadApp(path: string): Promise<AppDefinition> {
  const url = `${pathToFileURL(path).href}?v=${++generation}`;
  const mod = (await tsImport(url, import.meta.url)) as { default?: unknown };
  let app = mod.default;
  // A config outside an ESM package loads as CommonJS: its exports object wraps the default.
  if (isObject(app) && "default" in app && !("queues" in app || "functions" in app || "mappings" in app)) app = app["default"];
  if (typeof app !== "object" || app === null) throw new Error(`${path}: the default export must be an app (export default defineApp({ … }))`);
  return defineApp(app as AppDefinition);
}
