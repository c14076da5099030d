/**
 * Where object bytes live. `BlobStore` keeps immutable *blobs* named by ids it
 * generates — never by keys, so no key can name a file. `FsBlobStore` is the local
 * filesystem implementation (layout in docs/buckets.md):
 *
 *   <root>/tmp/<id>            a blob being written
 *   <root>/blobs/<id[0..2]>/<id>  a finished blob (fsynced, then renamed into place)
 *
 * A blob is finished (fsync, rename, fsync of its directory) before any record
 * points at it, and deleted only after the record that referenced it is gone, so
 * metadata never points at missing bytes; a crash leaves at worst unreferenced files,
 * which `sweep` removes at start.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, type ReadStream } from "node:fs";
import { copyFile, link, mkdir, open, readdir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { join } from "node:path";

export interface BlobWriter {
  write(chunk: Uint8Array): Promise<void>;
  /** Makes the blob durable and returns its id. */
  commit(): Promise<string>;
  /** Discards what was written. */
  abort(): Promise<void>;
}

export interface BlobStore {
  create(): Promise<BlobWriter>;
  /** Bytes `start`..`end` (inclusive) of a blob. */
  read(id: string, start: number, end: number): NodeJS.ReadableStream;
  /**
   * Keeps blobs from being deleted until the returned function is called, so a read
   * under way (a GetObject of a replaced or deleted object) still finds its bytes;
   * deleting a pinned blob waits for its last pin to go.
   */
  pin(ids: readonly string[]): () => void;
  /** A new blob with the same bytes (CopyObject), without copying where the store can. */
  duplicate(id: string): Promise<string>;
  delete(ids: readonly string[]): Promise<void>;
  /** Removes unfinished blobs and finished ones not in `inUse`; returns how many went. */
  sweep(inUse: ReadonlySet<string>): Promise<number>;
}

const ID = /^[0-9a-f]{32}$/;

function newId(): string {
  return randomBytes(16).toString("hex");
}

async function fsyncDir(dir: string): Promise<void> {
  const h = await open(dir, "r");
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/** Bytes gathered before one write: fewer, larger writes, and a bounded amount held per upload. */
const WRITE_BATCH = 1024 * 1024;

class FsBlobWriter implements BlobWriter {
  private done = false;
  private committed = false;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  constructor(
    private readonly store: FsBlobStore,
    private readonly id: string,
    private readonly file: FileHandle,
    private readonly tmp: string,
  ) {}

  async write(chunk: Uint8Array): Promise<void> {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    if (this.pendingBytes >= WRITE_BATCH) await this.flush();
  }

  private async flush(): Promise<void> {
    let buffers = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    while (buffers.length) {
      let written = (await this.file.writev(buffers)).bytesWritten;
      // A short write leaves the rest for another call.
      while (buffers.length && written >= buffers[0]!.length) written -= buffers.shift()!.length;
      if (buffers.length && written > 0) buffers = [buffers[0]!.subarray(written), ...buffers.slice(1)];
    }
  }

  async commit(): Promise<string> {
    this.done = true;
    try {
      await this.flush();
      await this.file.sync();
    } finally {
      await this.file.close();
    }
    const dir = this.store.dirOf(this.id);
    await this.store.ensureDir(dir);
    await rename(this.tmp, join(dir, this.id));
    this.committed = true;
    await fsyncDir(dir);
    return this.id;
  }

  /** Discards the bytes; after a failed commit, the temporary file (a renamed one is left to the sweep). */
  async abort(): Promise<void> {
    if (this.committed) return;
    this.committed = true;
    if (!this.done) await this.file.close().catch(() => undefined);
    this.done = true;
    await rm(this.tmp, { force: true });
  }
}

export class FsBlobStore implements BlobStore {
  private readonly tmpDir: string;
  private readonly blobDir: string;
  /** Directories known to exist, so a write does not ask the filesystem again. */
  private readonly made = new Set<string>();
  /** Pins per blob being read, and the pinned blobs whose deletion waits for them. */
  private readonly pins = new Map<string, number>();
  private readonly deferred = new Set<string>();

  /** @param root the directory holding `tmp/` and `blobs/` (the platform uses `<dataDir>/buckets`) */
  constructor(readonly root: string) {
    this.tmpDir = join(root, "tmp");
    this.blobDir = join(root, "blobs");
  }

  dirOf(id: string): string {
    if (!ID.test(id)) throw new Error(`not a blob id: ${id}`);
    return join(this.blobDir, id.slice(0, 2));
  }

  /** Creates a directory once per process (the sweep removes only files, never these). */
  async ensureDir(dir: string): Promise<void> {
    if (this.made.has(dir)) return;
    await mkdir(dir, { recursive: true });
    this.made.add(dir);
  }

  async create(): Promise<BlobWriter> {
    await this.ensureDir(this.tmpDir);
    const id = newId();
    const tmp = join(this.tmpDir, id);
    return new FsBlobWriter(this, id, await open(tmp, "wx"), tmp);
  }

  read(id: string, start: number, end: number): ReadStream {
    return createReadStream(join(this.dirOf(id), id), { start, end, highWaterMark: 256 * 1024 });
  }

  async duplicate(id: string): Promise<string> {
    const copy = newId();
    const dir = this.dirOf(copy);
    await this.ensureDir(dir);
    const from = join(this.dirOf(id), id);
    // Blobs never change, so a hard link is a copy; another filesystem gets a real one.
    await link(from, join(dir, copy)).catch(() => copyFile(from, join(dir, copy)));
    await fsyncDir(dir);
    return copy;
  }

  pin(ids: readonly string[]): () => void {
    for (const id of ids) this.pins.set(id, (this.pins.get(id) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const free: string[] = [];
      for (const id of ids) {
        const n = (this.pins.get(id) ?? 1) - 1;
        if (n > 0) this.pins.set(id, n);
        else {
          this.pins.delete(id);
          if (this.deferred.delete(id)) free.push(id);
        }
      }
      // An unreferenced file left by a failure here is removed by the next sweep.
      if (free.length) this.delete(free).catch(() => undefined);
    };
  }

  async delete(ids: readonly string[]): Promise<void> {
    const now = ids.filter((id) => {
      if (!this.pins.has(id)) return true;
      this.deferred.add(id);
      return false;
    });
    await Promise.all(now.map((id) => rm(join(this.dirOf(id), id), { force: true })));
  }

  async sweep(inUse: ReadonlySet<string>): Promise<number> {
    // Directories are made on the first write, so a store never written to leaves nothing behind.
    await rm(this.tmpDir, { recursive: true, force: true });
    this.made.delete(this.tmpDir);
    let removed = 0;
    const shards = await readdir(this.blobDir).catch(() => [] as string[]);
    for (const shard of shards) {
      const dir = join(this.blobDir, shard);
      if (!(await stat(dir)).isDirectory()) continue;
      for (const name of await readdir(dir)) {
        if (inUse.has(name)) continue;
        await rm(join(dir, name), { force: true });
        removed++;
      }
    }
    return removed;
  }
}
