/** The filesystem blob store: a blob whose commit fails leaves no temporary file behind. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FsBlobStore } from "./blobs.js";

describe("FsBlobStore", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "sluice-blobs-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("removes the temporary file when a commit fails and the writer is aborted", async () => {
    // blobs/ cannot be made: the rename into place fails after the bytes were synced.
    writeFileSync(join(dir, "blobs"), "not a directory");
    const store = new FsBlobStore(dir);
    const w = await store.create();
    await w.write(Buffer.from("bytes"));
    await expect(w.commit()).rejects.toThrow();
    await w.abort();
    expect(readdirSync(join(dir, "tmp"))).toEqual([]);
  });
});
