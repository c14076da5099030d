/**
 * A fingerprint of a function's code directory (every file's path, size and mtime), so
 * a change of any file makes a new code revision and warm workers of the old one retire.
 */
import { createHash } from "node:crypto";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const SKIP = new Set(["node_modules", ".git", ".sluice"]);

export function directoryFingerprint(root: string): { sha256: string; size: number } {
  const hash = createHash("sha256");
  let size = 0;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (SKIP.has(entry.name)) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) {
        const s = statSync(path);
        size += s.size;
        hash.update(`${relative(root, path)}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  walk(root);
  return { sha256: hash.digest("base64"), size };
}
