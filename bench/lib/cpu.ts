/**
 * Who used the CPU during a trial, from /proc (Linux; zeros elsewhere): the whole
 * machine, the database servers (PostgreSQL and Redis processes), and so, by
 * difference with the bench process, everything else — other people's work on a shared
 * machine, which is what makes a run noisy.
 */
import { readdirSync, readFileSync } from "node:fs";
import { cpus } from "node:os";

const SERVERS = new Set(["postgres", "redis-server"]);

export interface CpuTicks {
  /** Busy jiffies of the whole machine. */
  readonly busy: number;
  /** All jiffies of the whole machine (busy + idle), summed over cores. */
  readonly total: number;
  /** Jiffies used by database server processes. */
  readonly servers: number;
}

/** A process's command name and CPU time (utime + stime, in jiffies), or null if it is gone. */
function procStat(pid: string): { name: string; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const open = stat.indexOf("(");
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    return { name: stat.slice(open + 1, close), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    // the process ended while we looked, or there is no /proc
    return null;
  }
}

function allPids(): string[] {
  try {
    return readdirSync("/proc").filter((p) => /^\d+$/.test(p));
  } catch {
    return [];
  }
}

function serverTicks(): number {
  let sum = 0;
  for (const pid of allPids()) {
    const s = procStat(pid);
    if (s && SERVERS.has(s.name)) sum += s.ticks;
  }
  return sum;
}

/** CPU jiffies used so far by the given processes (the ones still running). */
export function pidTicks(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (procStat(String(pid))?.ticks ?? 0), 0);
}

/** Processes whose command name is `name` (for example a server started outside the bench). */
export function pidsNamed(name: string): number[] {
  return allPids().filter((pid) => procStat(pid)?.name === name).map(Number);
}

export function cpuTicks(): CpuTicks {
  try {
    const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
    const v = line.trim().split(/\s+/).slice(1).map(Number);
    const total = v.reduce((a, b) => a + b, 0);
    const idle = (v[3] ?? 0) + (v[4] ?? 0);
    return { busy: total - idle, total, servers: serverTicks() };
  } catch {
    return { busy: 0, total: 0, servers: 0 };
  }
}

/** Cores used between two readings: [machine, servers]. */
export function coresBetween(a: CpuTicks, b: CpuTicks, cores: number): { machine: number; servers: number } {
  const total = b.total - a.total;
  if (total <= 0) return { machine: NaN, servers: NaN };
  // /proc/stat sums jiffies over all cores; per-process jiffies are per core-second.
  const perCore = total / cores;
  return { machine: (b.busy - a.busy) / perCore, servers: (b.servers - a.servers) / perCore };
}

/** Cores busy outside the database servers over the next `ms` milliseconds. */
export async function foreignLoad(ms = 1000): Promise<number> {
  const a = cpuTicks();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const b = cpuTicks();
  const used = coresBetween(a, b, cpus().length);
  return Math.max(0, used.machine - used.servers);
}

/**
 * Waits (up to `maxMs`) until other work on the machine uses less than `threshold`
 * cores, so a trial does not start in the middle of someone's test run. Returns the
 * load it settled at (or gave up with).
 */
export async function settle(maxMs: number, threshold = 0.25, onWait?: (load: number) => void): Promise<number> {
  const deadline = Date.now() + maxMs;
  let load = await foreignLoad();
  while (load >= threshold && Date.now() < deadline) {
    onWait?.(load);
    load = await foreignLoad(2000);
  }
  return load;
}
