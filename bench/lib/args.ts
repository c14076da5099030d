/**
 * Command-line options of a bench: `--name value`, `--name=value` and bare `--flag`.
 * Values are strings; the helpers below parse and check them so a typo fails loudly
 * instead of silently running a different benchmark.
 */
export interface ParsedArgs {
  readonly options: ReadonlyMap<string, string | true>;
  readonly positional: readonly string[];
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const options = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    if (eq > 0) {
      options.set(a.slice(2, eq), a.slice(eq + 1));
      continue;
    }
    const next = argv[i + 1];
    if (next !== undefined && !next.startsWith("--")) {
      options.set(a.slice(2), next);
      i++;
    } else {
      options.set(a.slice(2), true);
    }
  }
  return { options, positional };
}

export class ArgError extends Error {}

/** Fails on any option not in `known`. */
export function checkKnown(args: ParsedArgs, known: readonly string[]): void {
  for (const k of args.options.keys()) {
    if (!known.includes(k)) throw new ArgError(`unknown option --${k} (known: ${known.map((n) => `--${n}`).join(", ")})`);
  }
}

export function flag(args: ParsedArgs, name: string): boolean {
  const v = args.options.get(name);
  if (v === undefined) return false;
  if (v === true || v === "true" || v === "1") return true;
  if (v === "false" || v === "0") return false;
  throw new ArgError(`--${name} takes no value (got ${v})`);
}

export function stringOpt(args: ParsedArgs, name: string): string | undefined {
  const v = args.options.get(name);
  if (v === true) throw new ArgError(`--${name} needs a value`);
  return v;
}

export function intOpt(args: ParsedArgs, name: string, min = 1): number | undefined {
  const v = stringOpt(args, name);
  if (v === undefined) return undefined;
  const n = Number(v.replace(/_/g, "").replace(/k$/i, "000"));
  if (!Number.isInteger(n) || n < min) throw new ArgError(`--${name} must be an integer >= ${min} (got ${v})`);
  return n;
}

/** A comma-separated list, each item checked against `allowed` when given. */
export function listOpt<T extends string>(args: ParsedArgs, name: string, allowed?: readonly T[]): T[] | undefined {
  const v = stringOpt(args, name);
  if (v === undefined) return undefined;
  const items = v.split(",").map((s) => s.trim()).filter(Boolean);
  if (allowed) {
    for (const it of items) {
      if (!allowed.includes(it as T)) throw new ArgError(`--${name}: unknown value ${it} (allowed: ${allowed.join(", ")})`);
    }
  }
  return items as T[];
}

export function intListOpt(args: ParsedArgs, name: string): number[] | undefined {
  const items = listOpt(args, name);
  if (!items) return undefined;
  return items.map((s) => {
    const n = Number(s);
    if (!Number.isInteger(n) || n < 1) throw new ArgError(`--${name}: ${s} is not a positive integer`);
    return n;
  });
}
