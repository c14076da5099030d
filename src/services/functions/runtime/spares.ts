/**
 * Spare worker threads: started ahead of need and kept blank (no function loaded), so
 * a cold start adopts one and only loads the handler, instead of paying for a thread
 * and its runtime modules first. A spare's heap limit is fixed when the thread starts,
 * so spares are kept per memory size; taking one starts its replacement.
 */
import type { Worker } from "node:worker_threads";
import { siblingModule, spawnWorker } from "../../../core/threads.js";
import type { SpareData } from "./protocol.js";

export const WORKER_ENTRY = siblingModule(import.meta.url, "worker-entry");

export class SpareWorkers {
  private readonly bySize = new Map<number, Worker[]>();
  private stopped = false;

  /** `perSize` spares per memory size once that size has been asked for (0 disables); `nice` as in PoolSpec. */
  constructor(
    private readonly perSize: number,
    private readonly nice = 0,
  ) {}

  /** A blank worker for `memoryMb`, or undefined when none is ready; starts replacements. */
  take(memoryMb: number): Worker | undefined {
    if (this.perSize === 0 || this.stopped) return undefined;
    const list = this.bySize.get(memoryMb) ?? [];
    this.bySize.set(memoryMb, list);
    const spare = list.shift();
    this.fill(memoryMb, list);
    return spare;
  }

  /** Starts spares for `memoryMb` ahead of the first cold start that needs one. */
  warm(memoryMb: number): void {
    if (this.perSize === 0 || this.stopped) return;
    const list = this.bySize.get(memoryMb) ?? [];
    this.bySize.set(memoryMb, list);
    this.fill(memoryMb, list);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const all = [...this.bySize.values()].flat();
    this.bySize.clear();
    await Promise.all(all.map((w) => w.terminate()));
  }

  private fill(memoryMb: number, list: Worker[]): void {
    while (list.length < this.perSize) {
      const worker = spawnWorker(WORKER_ENTRY, {
        workerData: { spare: true, nice: this.nice } satisfies SpareData,
        env: {},
        resourceLimits: { maxOldGenerationSizeMb: memoryMb },
        stdout: true,
        stderr: true,
      });
      // A spare that dies before it is taken is simply dropped.
      worker.once("exit", () => {
        const i = list.indexOf(worker);
        if (i >= 0) list.splice(i, 1);
      });
      worker.once("error", () => undefined);
      list.push(worker);
    }
  }
}
