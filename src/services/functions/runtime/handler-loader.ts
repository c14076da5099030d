/**
 * Finds and loads a handler the way Lambda's Node runtime does: "dir/module.path"
 * splits at the basename's first dot; the module is tried as a file without an
 * extension, then .js, .mjs, .cjs (and .ts, .mts, .cts, which Sluice also runs); the
 * rest of the string is a property path into the module's exports.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

export type Handler = (event: unknown, context: unknown, callback?: (err: unknown, result?: unknown) => void) => unknown;

/** An error whose `name` is the Lambda errorType (Runtime.HandlerNotFound…). */
export class RuntimeError extends Error {
  constructor(type: string, message: string) {
    super(message);
    this.name = `Runtime.${type}`;
  }
}

function isModulePackage(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (basename(d) === "node_modules") return false;
    const pkg = join(d, "package.json");
    if (existsSync(pkg)) {
      try {
        return (JSON.parse(readFileSync(pkg, "utf8")) as { type?: string }).type === "module";
      } catch {
        return false;
      }
    }
    if (dirname(d) === d) return false;
  }
}

async function loadModule(root: string, moduleRoot: string, name: string): Promise<Record<string, unknown>> {
  const base = resolve(root, moduleRoot, name);
  const req = createRequire(join(root, "noop.js"));
  const esm = isModulePackage(dirname(base));
  const viaImport = async (file: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  if (existsSync(base)) return req(base) as Record<string, unknown>;
  if (existsSync(`${base}.js`)) return esm ? viaImport(`${base}.js`) : (req(`${base}.js`) as Record<string, unknown>);
  if (existsSync(`${base}.mjs`)) return viaImport(`${base}.mjs`);
  if (existsSync(`${base}.cjs`)) return req(`${base}.cjs`) as Record<string, unknown>;
  for (const ext of [".ts", ".mts", ".cts"]) if (existsSync(`${base}${ext}`)) return viaImport(`${base}${ext}`);
  return req(req.resolve(name, { paths: [root, resolve(root, moduleRoot)] })) as Record<string, unknown>;
}

function classify(err: unknown): RuntimeError {
  if (err instanceof RuntimeError) return err;
  if (err instanceof SyntaxError) return new RuntimeError("UserCodeSyntaxError", String(err));
  const code = (err as { code?: string }).code;
  if (code === "MODULE_NOT_FOUND" || code === "ERR_MODULE_NOT_FOUND") return new RuntimeError("ImportModuleError", String(err));
  return new RuntimeError("ImportModuleError", String(err));
}

/** Whether a handler file needs a TypeScript loader. */
export function needsTypeScript(root: string, handler: string): boolean {
  const base = resolve(root, dirname(handler), basename(handler).split(".")[0] ?? "");
  return [".ts", ".mts", ".cts"].some((ext) => existsSync(`${base}${ext}`)) && ![".js", ".mjs", ".cjs", ""].some((ext) => existsSync(`${base}${ext}`));
}

export async function loadHandler(root: string, handler: string): Promise<Handler> {
  if (handler.includes("..")) {
    throw new RuntimeError("MalformedHandlerName", `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
  }
  const moduleRoot = handler.slice(0, handler.length - basename(handler).length);
  const m = /^([^.]*)\.(.*)$/.exec(basename(handler));
  if (!m?.[1] || !m[2]) throw new RuntimeError("MalformedHandlerName", "Bad handler");
  let mod: Record<string, unknown>;
  try {
    mod = await loadModule(root, moduleRoot, m[1]);
  } catch (err) {
    throw classify(err);
  }
  const path = m[2].split(".");
  const walk = (from: unknown): unknown =>
    path.reduce<unknown>((t, part) => (t === undefined || t === null ? undefined : (t as Record<string, unknown>)[part]), from);
  // CommonJS loaded through import() keeps its exports object as the default export.
  const target = walk(mod) ?? walk(mod["default"]);
  if (target === undefined || target === null) throw new RuntimeError("HandlerNotFound", `${handler} is undefined or not exported`);
  if (typeof target !== "function") throw new RuntimeError("HandlerNotFound", `${handler} is not a function`);
  return target as Handler;
}
