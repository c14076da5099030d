/** A one-line progress display: redrawn in place on a terminal, a line a second otherwise. */
export class Progress {
  private last = 0;
  private lastText = "";

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly everyMs = 1000,
  ) {}

  update(text: string): void {
    this.lastText = text;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
      return;
    }
    const now = Date.now();
    if (now - this.last >= this.everyMs) {
      this.last = now;
      this.out.write(`${text}\n`);
    }
  }

  done(): void {
    if (this.out.isTTY) this.out.write("\n");
    else if (this.lastText) this.out.write(`${this.lastText}\n`);
  }
}

export function bar(done: number, total: number, width = 24): string {
  const filled = total > 0 ? Math.min(width, Math.round((done / total) * width)) : 0;
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}
