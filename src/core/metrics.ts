/**
 * A metrics registry every service reports into: counters, gauges (set or sampled
 * on collect) and histograms, each with labels, exposed in the Prometheus text format.
 */

export type Labels = Readonly<Record<string, string>>;

const DEFAULT_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

function labelKey(labels: Labels): string {
  const names = Object.keys(labels).sort();
  return names.map((n) => `${n}=${JSON.stringify(labels[n])}`).join(",");
}

function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function renderLabels(key: string, extra?: string): string {
  const parts = [key, extra].filter((p): p is string => !!p);
  return parts.length ? `{${parts.join(",")}}` : "";
}

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: "counter" | "gauge" | "histogram",
  ) {}
  abstract lines(): string[];
  header(): string[] {
    return [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`];
  }
}

export class Counter extends Metric {
  private readonly values = new Map<string, number>();
  constructor(name: string, help: string) {
    super(name, help, "counter");
  }
  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  lines(): string[] {
    return [...this.values].map(([k, v]) => `${this.name}${renderLabels(k)} ${v}`);
  }
}

export class Gauge extends Metric {
  private readonly values = new Map<string, number>();
  private sampler?: () => Iterable<[Labels, number]>;
  constructor(name: string, help: string) {
    super(name, help, "gauge");
  }
  set(labels: Labels, value: number): void {
    this.values.set(labelKey(labels), value);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  /** Values computed when the registry is collected, replacing the set ones. */
  sampleWith(sampler: () => Iterable<[Labels, number]>): void {
    this.sampler = sampler;
  }
  lines(): string[] {
    if (this.sampler) {
      this.values.clear();
      for (const [labels, v] of this.sampler()) this.set(labels, v);
    }
    return [...this.values].map(([k, v]) => `${this.name}${renderLabels(k)} ${v}`);
  }
}

interface Series {
  counts: number[];
  sum: number;
  count: number;
}

export class Histogram extends Metric {
  private readonly series = new Map<string, Series>();
  constructor(
    name: string,
    help: string,
    private readonly buckets: readonly number[] = DEFAULT_BUCKETS,
  ) {
    super(name, help, "histogram");
  }
  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    const i = this.buckets.findIndex((b) => value <= b);
    if (i >= 0) s.counts[i] = (s.counts[i] ?? 0) + 1;
    s.sum += value;
    s.count += 1;
  }
  lines(): string[] {
    const out: string[] = [];
    for (const [k, s] of this.series) {
      let cumulative = 0;
      this.buckets.forEach((b, i) => {
        cumulative += s.counts[i] ?? 0;
        out.push(`${this.name}_bucket${renderLabels(k, `le="${b}"`)} ${cumulative}`);
      });
      out.push(`${this.name}_bucket${renderLabels(k, 'le="+Inf"')} ${s.count}`);
      out.push(`${this.name}_sum${renderLabels(k)} ${s.sum}`);
      out.push(`${this.name}_count${renderLabels(k)} ${s.count}`);
    }
    return out;
  }
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export class MetricsRegistry {
  private readonly metrics = new Map<string, Metric>();

  counter(name: string, help: string): Counter {
    return this.register(name, () => new Counter(name, help), Counter);
  }
  gauge(name: string, help: string): Gauge {
    return this.register(name, () => new Gauge(name, help), Gauge);
  }
  histogram(name: string, help: string, buckets?: readonly number[]): Histogram {
    return this.register(name, () => new Histogram(name, help, buckets), Histogram);
  }

  /** The Prometheus text exposition format, version 0.0.4. */
  expose(): string {
    const out: string[] = [];
    for (const m of this.metrics.values()) out.push(...m.header(), ...m.lines());
    return out.join("\n") + "\n";
  }

  // Registering the same name twice returns the first metric, so services can be rebuilt.
  private register<T extends Metric>(name: string, make: () => T, kind: abstract new (...a: never[]) => T): T {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`);
    const existing = this.metrics.get(name);
    if (existing) {
      if (!(existing instanceof kind)) throw new Error(`metric ${name} is already a ${existing.type}`);
      return existing;
    }
    const metric = make();
    this.metrics.set(name, metric);
    return metric;
  }
}
