/**
 * Structured logs (pino). Components take a child logger named after themselves.
 * Logs carry ids, sizes and counts; never whole payloads.
 */
import { destination, pino, stdTimeFunctions, type Logger, type LoggerOptions } from "pino";

export type { Logger };

export interface LoggerConfig {
  /** @default "info" */
  level?: string;
  /** Where lines go: a file descriptor. @default 1 (stdout) */
  fd?: number;
}

export function createLogger(config: LoggerConfig = {}): Logger {
  const options: LoggerOptions = {
    level: config.level ?? "info",
    base: { app: "sluice" },
    timestamp: stdTimeFunctions.isoTime,
  };
  return pino(options, destination({ dest: config.fd ?? 1, sync: false }));
}

/** A logger that writes nothing, for tests and embedding. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
