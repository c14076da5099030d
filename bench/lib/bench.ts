/** What a bench module exports for `bench/run.ts`. */
export interface BenchModule {
  /** One line for the list of benches. */
  readonly description: string;
  /** The parent process: parses options, runs trials (in children), prints tables. */
  main(argv: readonly string[]): Promise<void>;
  /** A child process: runs one trial and returns its result (see lib/child.ts). Only benches that use runInChild need it. */
  trial?(spec: unknown): Promise<unknown>;
}
