/**
 * The built package (dist/index.js), loaded at run time so tests exercise exactly what
 * users install, typed by the sources it was built from (so type checks do not need a
 * build).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type * as SluiceApi from "../../src/index.js";
import { assertBuilt, DIST } from "./process.js";

export type Sluice = typeof SluiceApi;

let loaded: Promise<Sluice> | undefined;

export function loadBuiltSluice(): Promise<Sluice> {
  assertBuilt();
  loaded ??= import(pathToFileURL(join(DIST, "index.js")).href) as Promise<Sluice>;
  return loaded;
}
