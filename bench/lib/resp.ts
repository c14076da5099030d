/**
 * A minimal Redis client (RESP2 over TCP) for reading server facts — version and
 * persistence settings — without depending on a peer's client library.
 */
import { connect } from "node:net";

export type RespValue = string | number | null | RespValue[] | Error;

interface Parsed {
  readonly value: RespValue;
  readonly end: number;
}

function lineEnd(buf: Buffer, from: number): number {
  const i = buf.indexOf("\r\n", from);
  return i;
}

/** Parses one reply starting at `at`; null when the buffer holds only part of it. */
function parse(buf: Buffer, at: number): Parsed | null {
  if (at >= buf.length) return null;
  const eol = lineEnd(buf, at);
  if (eol < 0) return null;
  const type = String.fromCharCode(buf[at]!);
  const head = buf.toString("utf8", at + 1, eol);
  const next = eol + 2;
  switch (type) {
    case "+":
      return { value: head, end: next };
    case "-":
      return { value: new Error(head), end: next };
    case ":":
      return { value: Number(head), end: next };
    case "$": {
      const len = Number(head);
      if (len < 0) return { value: null, end: next };
      if (buf.length < next + len + 2) return null;
      return { value: buf.toString("utf8", next, next + len), end: next + len + 2 };
    }
    case "*": {
      const n = Number(head);
      if (n < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let pos = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, pos);
        if (!item) return null;
        items.push(item.value);
        pos = item.end;
      }
      return { value: items, end: pos };
    }
    default:
      throw new Error(`unexpected RESP type ${JSON.stringify(type)}`);
  }
}

function encode(args: readonly string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`;
}

/** Sends `commands` in one pipeline and resolves with their replies, in order. */
export function redisCommands(host: string, port: number, commands: readonly (readonly string[])[], timeoutMs = 3000): Promise<RespValue[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buf = Buffer.alloc(0);
    let pos = 0;
    const replies: RespValue[] = [];
    const fail = (err: Error): void => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`redis at ${host}:${port} did not answer in ${timeoutMs} ms`)));
    socket.on("error", fail);
    socket.on("connect", () => socket.write(commands.map(encode).join("")));
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const p = parse(buf, pos);
        if (!p) break;
        replies.push(p.value);
        pos = p.end;
      }
      if (replies.length >= commands.length) {
        socket.end();
        resolve(replies);
      }
    });
  });
}

/** `CONFIG GET name` → its value (the reply is [name, value]). */
export function configValue(reply: RespValue | undefined): string | undefined {
  return Array.isArray(reply) && typeof reply[1] === "string" ? reply[1] : undefined;
}

/** A field of an `INFO` reply, e.g. `redis_version`. */
export function infoField(reply: RespValue | undefined, field: string): string | undefined {
  if (typeof reply !== "string") return undefined;
  const m = new RegExp(`^${field}:(.*)$`, "m").exec(reply);
  return m?.[1]?.trim();
}
