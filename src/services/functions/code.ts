/**
 * Deployment packages: a zip's SHA-256 (base64, as CodeSha256) and size, and its
 * extraction into a per-package cache directory. Entry names are data: none may
 * reach outside the package's directory, whatever its ../, absolute path or NUL.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, normalize, relative, sep } from "node:path";
import { unzipSync } from "fflate";
import { InvalidParameterValueException, RequestTooLargeException } from "./errors.js";

/** Lambda's limit for a zip uploaded in the request. */
export const MAX_ZIP_BYTES = 52_428_800;
/** Lambda's limit for the unzipped package. */
export const MAX_UNZIPPED_BYTES = 262_144_000;

export function codeSha256(zip: Uint8Array): string {
  return createHash("sha256").update(zip).digest("base64");
}

export function checkZip(zip: unknown): Buffer {
  if (!(zip instanceof Uint8Array) || zip.length === 0) throw new InvalidParameterValueException("Please provide a source for function code.");
  if (zip.length > MAX_ZIP_BYTES) throw new RequestTooLargeException(`Zipped size must be smaller than ${MAX_ZIP_BYTES} bytes`);
  return Buffer.from(zip.buffer, zip.byteOffset, zip.length);
}

function entries(zip: Uint8Array): Record<string, Uint8Array> {
  try {
    return unzipSync(zip);
  } catch (err) {
    throw new InvalidParameterValueException(`Could not unzip uploaded file. Please check your file, then try to upload again. (${String(err)})`);
  }
}

/** The path an entry may be written to inside `dir`, or null for a hostile or odd name. */
export function safeEntryPath(dir: string, name: string): string | null {
  if (!name || name.includes("\0") || isAbsolute(name) || /^[A-Za-z]:/.test(name)) return null;
  const target = normalize(join(dir, name));
  const rel = relative(dir, target);
  if (!rel || rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes("..")) return null;
  return target;
}

/** Validates a zip's contents without writing anything. */
export function inspectZip(zip: Uint8Array): void {
  let total = 0;
  for (const [name, data] of Object.entries(entries(zip))) {
    if (!safeEntryPath("/pkg", name)) throw new InvalidParameterValueException(`The deployment package contains an entry outside the package: ${JSON.stringify(name.slice(0, 200))}`);
    total += data.length;
  }
  if (total > MAX_UNZIPPED_BYTES) throw new InvalidParameterValueException(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
}

/**
 * Readies the directory packages are unpacked under, as Lambda's /var/task is: its own
 * package scope (a `.js` file in a zip is CommonJS unless the zip says otherwise, even
 * when the data directory sits in an ESM project) and the AWS SDK that Sluice ships,
 * found as Lambda's runtime provides it (a zip that bundles its own SDK still wins).
 */
export function preparePackageRoot(root: string): void {
  mkdirSync(root, { recursive: true });
  const pkg = join(root, "package.json");
  if (!existsSync(pkg)) writeFileSync(pkg, '{"type":"commonjs"}\n');
  const link = join(root, "node_modules", "@aws-sdk");
  if (existsSync(link)) return;
  let sdk: string;
  try {
    sdk = dirname(dirname(createRequire(import.meta.url).resolve("@aws-sdk/client-sqs/package.json")));
  } catch {
    return;
  }
  mkdirSync(join(root, "node_modules"), { recursive: true });
  try {
    symlinkSync(sdk, link, "dir");
  } catch (err) {
    if ((err as { code?: string }).code !== "EEXIST") throw err;
  }
}

/** Extracts `zip` into `dir` (once: an existing directory is reused). Returns `dir`. */
export function extractZip(zip: Uint8Array, dir: string): string {
  if (existsSync(dir)) return dir;
  const staging = `${dir}.partial-${randomBytes(6).toString("hex")}`;
  mkdirSync(staging, { recursive: true });
  try {
    for (const [name, data] of Object.entries(entries(zip))) {
      const target = safeEntryPath(staging, name);
      if (!target) continue;
      if (name.endsWith("/")) mkdirSync(target, { recursive: true });
      else {
        mkdirSync(join(target, ".."), { recursive: true });
        writeFileSync(target, data);
      }
    }
    renameSync(staging, dir);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return dir;
}
