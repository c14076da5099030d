import { describe, expect, it } from "vitest";
import { MetricsRegistry } from "./metrics.js";

describe("MetricsRegistry", () => {
  it("exposes counters, gauges and histograms in the Prometheus text format", () => {
    const r = new MetricsRegistry();
    r.counter("jobs_total", "Jobs done.").inc({ queue: 'a"b' }, 2);
    r.gauge("depth", "Queue depth.").set({ queue: "a" }, 5);
    const h = r.histogram("latency_seconds", "Latency.", [0.1, 1]);
    h.observe({}, 0.05);
    h.observe({}, 0.5);
    h.observe({}, 5);
    expect(r.expose()).toBe(
      [
        "# HELP jobs_total Jobs done.",
        "# TYPE jobs_total counter",
        'jobs_total{queue="a\\"b"} 2',
        "# HELP depth Queue depth.",
        "# TYPE depth gauge",
        'depth{queue="a"} 5',
        "# HELP latency_seconds Latency.",
        "# TYPE latency_seconds histogram",
        'latency_seconds_bucket{le="0.1"} 1',
        'latency_seconds_bucket{le="1"} 2',
        'latency_seconds_bucket{le="+Inf"} 3',
        "latency_seconds_sum 5.55",
        "latency_seconds_count 3",
        "",
      ].join("\n"),
    );
  });

  it("returns the same metric for the same name and refuses a clash of types or a bad name", () => {
    const r = new MetricsRegistry();
    expect(r.counter("x", "x")).toBe(r.counter("x", "x"));
    expect(() => r.gauge("x", "x")).toThrow(/already a counter/);
    expect(() => r.counter("bad name", "x")).toThrow(/invalid metric name/);
  });

  it("samples gauges when collected", () => {
    const r = new MetricsRegistry();
    let n = 1;
    r.gauge("g", "g").sampleWith(() => [[{ k: "v" }, n]]);
    n = 7;
    expect(r.expose()).toContain('g{k="v"} 7');
  });
});
