/** Timing helpers: a monotonic clock, latency samples with percentiles, and formatting. */
import { performance } from "node:perf_hooks";

/** Milliseconds on a monotonic clock. */
export function now(): number {
  return performance.now();
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Latency samples in milliseconds; cheap to record (a growing Float64Array). */
export class Samples {
  private data = new Float64Array(1024);
  private n = 0;

  add(ms: number): void {
    if (this.n === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.n++] = ms;
  }

  /** Times `fn` and records its duration. */
  async time<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = now();
    try {
      return await fn();
    } finally {
      this.add(now() - t0);
    }
  }

  get count(): number {
    return this.n;
  }

  summary(): LatencySummary | null {
    if (!this.n) return null;
    const sorted = this.data.slice(0, this.n).sort();
    return { count: this.n, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted[this.n - 1]! };
  }
}

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank quantile of an ascending array. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i]!;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** 48213 → "48.2k", 1234567 → "1.23M". */
export function formatRate(n: number): string {
  if (!Number.isFinite(n)) return "n/a";
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(2)}k`;
  return n.toFixed(0);
}

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

export function formatLatency(s: LatencySummary | null | undefined): string {
  return s ? `${formatMs(s.p50)} / ${formatMs(s.p99)}` : "-";
}

/** Progress goes to stderr so stdout carries only the results. */
export function progress(line: string): void {
  process.stderr.write(`  · ${line}\n`);
}
