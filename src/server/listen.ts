/**
 * The HTTP listener and ordered shutdown: stop accepting, end long polls, let requests
 * in flight finish, then stop the platform (which flushes and closes storage).
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../core/logger.js";
import type { Platform } from "../platform.js";
import type { App } from "./app.js";

export interface Listening {
  readonly url: string;
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

export async function listen(app: App, platform: Platform, logger: Logger, o: ListenOptions = {}): Promise<Listening> {
  const server = createServer((req, res) => app.handle(req, res));
  server.keepAliveTimeout = 65_000;
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
      const closed = new Promise<void>((r) => server.close(() => r()));
      server.closeIdleConnections();
      app.abortWaits();
      const deadline = Date.now() + (o.drainMs ?? 10_000);
      while (app.inFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      server.closeAllConnections();
      await closed;
      await platform.stop();
      logger.info("stopped");
    })());
  return { url: `http://${host}:${addr.port}`, server, close };
}
