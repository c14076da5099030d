/** An invocation's log: kept whole up to a cap, so its last 4 KB can be returned (LogType Tail). */
const CAP = 64 * 1024;

export class LogTail {
  private parts: string[] = [];
  private size = 0;

  line(text: string): void {
    this.parts.push(`${text}\n`);
    this.size += text.length + 1;
    while (this.size > CAP && this.parts.length > 1) this.size -= this.parts.shift()?.length ?? 0;
  }

  text(): string {
    return this.parts.join("");
  }
}

/** The last 4,096 bytes of a log, base64, as X-Amz-Log-Result carries it. */
export function tail4k(log: string): string {
  const bytes = Buffer.from(log, "utf8");
  return bytes.subarray(Math.max(0, bytes.length - 4096)).toString("base64");
}
