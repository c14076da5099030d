/**
 * Facts about the machine and the servers a benchmark ran against, for the results
 * table and docs/benchmarks.md: CPU, cores, memory, Node, SQLite, PostgreSQL and Redis
 * versions and their durability settings, the data directory's filesystem and what an
 * fsync costs on it, and the load average (other work on the machine skews numbers).
 */
import Database from "better-sqlite3";
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readFileSync, rmSync, statfsSync, writeSync } from "node:fs";
import { cpus, freemem, loadavg, release, totalmem, type as osType } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { configValue, infoField, redisCommands } from "./resp.js";
import { formatMs, quantile } from "./timing.js";

export const DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test";
export const DEFAULT_REDIS = { host: "127.0.0.1", port: 6379 } as const;

export interface MachineInfo {
  cpu: string;
  cores: number;
  memory: string;
  os: string;
  node: string;
  sqlite: string;
  postgres: string;
  redis: string;
  dataFs: string;
  fsync: string;
  load: string;
  packages: string;
}

const FS_TYPES: Record<number, string> = {
  0xef53: "ext4",
  0x01021994: "tmpfs (fsync is a no-op!)",
  0x58465342: "xfs",
  0x9123683e: "btrfs",
  0x794c7630: "overlayfs",
  0x2fc12fc1: "zfs",
};

function filesystem(dir: string): string {
  try {
    const t = statfsSync(dir).type;
    return FS_TYPES[t] ?? `type 0x${t.toString(16)}`;
  } catch {
    return "unknown";
  }
}

/** p50/p99 of write(4 KiB) + fdatasync in `dir`, the cost floor of one durable commit. */
export function fsyncProbe(dir: string, rounds = 200): { p50: number; p99: number } {
  const probeDir = mkdtempSync(join(dir, "fsync-probe-"));
  const fd = openSync(join(probeDir, "probe"), "w");
  const page = Buffer.alloc(4096, 7);
  const took: number[] = [];
  try {
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      writeSync(fd, page, 0, page.length, (i % 16) * 4096);
      fdatasyncSync(fd);
      took.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
    rmSync(probeDir, { recursive: true, force: true });
  }
  took.sort((a, b) => a - b);
  return { p50: quantile(took, 0.5), p99: quantile(took, 0.99) };
}

export function packageVersion(name: string): string {
  try {
    const url = new URL(`../../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, "utf8")) as { version: string }).version;
  } catch {
    return "?";
  }
}

function sqliteVersion(): string {
  const db = new Database(":memory:");
  try {
    const v = db.prepare("SELECT sqlite_version()").pluck().get() as string;
    return `${v} (better-sqlite3 ${packageVersion("better-sqlite3")})`;
  } finally {
    db.close();
  }
}

async function postgresVersion(url: string): Promise<string> {
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 3 });
  try {
    const [row] = await sql<{ v: string; sc: string; fs: string }[]>`
      SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc, current_setting('fsync') AS fs`;
    return row ? `${row.v} (synchronous_commit=${row.sc}, fsync=${row.fs})` : "?";
  } catch (err) {
    return `unreachable (${err instanceof Error ? err.message : String(err)})`;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function redisVersion(host: string = DEFAULT_REDIS.host, port: number = DEFAULT_REDIS.port): Promise<string> {
  try {
    const [info, save, aof, aofSync] = await redisCommands(host, port, [
      ["INFO", "server"],
      ["CONFIG", "GET", "save"],
      ["CONFIG", "GET", "appendonly"],
      ["CONFIG", "GET", "appendfsync"],
    ]);
    const persistence = `save="${configValue(save) ?? "?"}", appendonly=${configValue(aof) ?? "?"}, appendfsync=${configValue(aofSync) ?? "?"}`;
    return `${infoField(info, "redis_version") ?? "?"} (${persistence})`;
  } catch (err) {
    return `unreachable (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** True when Redis neither snapshots nor keeps an append-only file: nothing survives a restart. */
export async function redisHasNoPersistence(host: string = DEFAULT_REDIS.host, port: number = DEFAULT_REDIS.port): Promise<boolean> {
  const [save, aof] = await redisCommands(host, port, [
    ["CONFIG", "GET", "save"],
    ["CONFIG", "GET", "appendonly"],
  ]);
  return configValue(save) === "" && configValue(aof) === "no";
}

export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ");
}

export async function machineInfo(opts: { dataDir: string; pgUrl?: string }): Promise<MachineInfo> {
  const cpuList = cpus();
  const probe = fsyncProbe(opts.dataDir);
  return {
    cpu: cpuList[0]?.model.trim() ?? "unknown",
    cores: cpuList.length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} GiB free)`,
    os: `${osType()} ${release()}`,
    node: process.version,
    sqlite: sqliteVersion(),
    postgres: await postgresVersion(opts.pgUrl ?? DEFAULT_PG_URL),
    redis: await redisVersion(),
    dataFs: `${opts.dataDir} on ${filesystem(opts.dataDir)}`,
    fsync: `write 4 KiB + fdatasync: p50 ${formatMs(probe.p50)} ms, p99 ${formatMs(probe.p99)} ms`,
    load: `${loadAverage()} (1 / 5 / 15 min)`,
    packages: `bullmq ${packageVersion("bullmq")}, pg-boss ${packageVersion("pg-boss")}, pg ${packageVersion("pg")}, postgres ${packageVersion("postgres")}`,
  };
}

export function machinePairs(m: MachineInfo): [string, string][] {
  return [
    ["CPU", `${m.cpu}, ${m.cores} cores`],
    ["memory", m.memory],
    ["OS", m.os],
    ["Node", m.node],
    ["SQLite", m.sqlite],
    ["PostgreSQL", m.postgres],
    ["Redis", m.redis],
    ["data dir", m.dataFs],
    ["fsync cost", m.fsync],
    ["load average at start", m.load],
    ["peer clients", m.packages],
  ];
}
