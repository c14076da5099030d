/**
 * The HTTP listener and ordered shutdown: stop accepting, end long polls, let requests
 * in flight finish, then stop the platform (which flushes and closes storage).
 *
 * One port serves HTTP/1.1 and cleartext HTTP/2 with prior knowledge (h2c), which the
 * AWS SDK's Kinesis client speaks by default; each connection's first bytes pick which.
 */
import { createServer, type Server } from "node:http";
import { createServer as createHttp2Server, type Http2Server, type ServerHttp2Session } from "node:http2";
import type { AddressInfo, Socket } from "node:net";
import type { Logger } from "../core/logger.js";
import type { Platform } from "../platform.js";
import type { App } from "./app.js";

export interface Listening {
  readonly url: string;
  /** The HTTP/1.1 server, which owns the port; HTTP/2 connections are handed on from it. */
  readonly server: Server;
  /** Graceful shutdown; resolves when everything is closed. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** @default 4566 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** Longest wait for requests in flight at shutdown. @default 10000 */
  drainMs?: number;
}

/** What an HTTP/2 client sends first (RFC 9113, 3.4); no HTTP/1 request starts with it. */
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");

/** Used when the HTTP/1 header timeout is disabled: a stalled preface must still end. */
const FALLBACK_SNIFF_MS = 60_000;

/**
 * Reads until the first bytes are the whole preface or stop matching it, puts them back,
 * and reports which. A client that stalls inside the preface is dropped after
 * `timeoutMs`, as HTTP/1 drops one that stalls inside its headers.
 */
function sniff(socket: Socket, timeoutMs: number, route: (h2: boolean) => void): void {
  let seen: Buffer = Buffer.alloc(0);
  const drop = (): void => void socket.destroy();
  const timer = setTimeout(drop, timeoutMs);
  const stop = (): void => {
    clearTimeout(timer);
    socket.off("data", onData).off("end", drop).off("error", drop).off("close", stop);
  };
  const onData = (chunk: Buffer): void => {
    seen = seen.length ? Buffer.concat([seen, chunk]) : chunk;
    const n = Math.min(seen.length, PREFACE.length);
    const h2 = seen.subarray(0, n).equals(PREFACE.subarray(0, n));
    if (h2 && seen.length < PREFACE.length) return;
    stop();
    socket.pause();
    socket.unshift(seen);
    route(h2);
  };
  // Until a server owns the socket, an error or a half-close just ends it.
  socket.on("data", onData).on("end", drop).on("error", drop).on("close", stop);
}

/**
 * Puts sniffing in front of the HTTP/1 server's own connection handling. That server
 * keeps the port because Node tracks its connections (idle closing, header timeouts)
 * only for a server that listens, not for sockets given to one that does not.
 * Returns the sockets not yet routed.
 */
function routeByPreface(server: Server, h2: Http2Server): Set<Socket> {
  const http1 = server.listeners("connection");
  server.removeAllListeners("connection");
  const pending = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    pending.add(socket);
    socket.once("close", () => pending.delete(socket));
    sniff(socket, server.headersTimeout || FALLBACK_SNIFF_MS, (isH2) => {
      pending.delete(socket);
      // The HTTP/2 session reads what was put back itself; HTTP/1 needs the flow restarted.
      if (isH2) h2.emit("connection", socket);
      else {
        for (const listener of http1) Reflect.apply(listener, server, [socket]);
        socket.resume();
      }
    });
  });
  return pending;
}

/** The HTTP/2 sessions open now; one idle for `idleMs` closes, like an HTTP/1 keep-alive. */
function trackSessions(h2: Http2Server, idleMs: number): Set<ServerHttp2Session> {
  const sessions = new Set<ServerHttp2Session>();
  h2.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
    session.setTimeout(idleMs, () => session.close());
  });
  return sessions;
}

export async function listen(app: App, platform: Platform, logger: Logger, o: ListenOptions = {}): Promise<Listening> {
  const server = createServer((req, res) => app.handle(req, res));
  server.keepAliveTimeout = 65_000;
  const h2 = createHttp2Server((req, res) => app.handle(req, res));
  const sessions = trackSessions(h2, server.keepAliveTimeout);
  const pending = routeByPreface(server, h2);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port ?? 4566, o.host ?? "127.0.0.1", () => resolve());
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === "IPv6" ? `[${addr.address}]` : addr.address;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      logger.info("shutting down: no new connections");
      // Closes once every accepted socket has, whichever protocol it speaks.
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      for (const socket of pending) socket.destroy();
      // GOAWAY: idle sessions end now, busy ones once their streams finish.
      for (const session of sessions) session.close();
      app.abortWaits();
      const deadline = Date.now() + (o.drainMs ?? 10_000);
      while (app.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      for (const session of sessions) session.destroy();
      await closed;
      await platform.stop();
      logger.info("stopped");
    })());
  return { url: `http://${host}:${addr.port}`, server, close };
}
