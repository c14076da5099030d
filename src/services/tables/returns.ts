/** ReturnValues of UpdateItem: whole items, or only the (nested) attributes the update touched. */
import { project, type Path } from "./expressions/index.js";
import type { ReturnValue } from "./request.js";
import type { Item } from "./types.js";

function pick(item: Item | undefined, paths: readonly Path[]): Item | undefined {
  if (!item || paths.length === 0) return undefined;
  const out = project(item, [...paths]);
  return Object.keys(out).length > 0 ? out : undefined;
}

export function changedAttributes(ret: ReturnValue, old: Item | undefined, next: Item, changed: readonly Path[]): Item | undefined {
  switch (ret) {
    case "NONE":
      return undefined;
    case "ALL_OLD":
      return old;
    case "ALL_NEW":
      return next;
    case "UPDATED_OLD":
      return pick(old, changed);
    case "UPDATED_NEW":
      return pick(next, changed);
  }
}
