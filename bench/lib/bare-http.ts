/**
 * The least HTTP the CSV pipeline's handler calls need: node:http on both sides of a
 * loopback keep-alive connection, the client POSTing a request body and the server
 * reading it whole and answering `{}`, nothing else. The CPU time of this process (both
 * sides) per request, over `n` sequential requests after a warm-up.
 */
import { Agent, createServer, request, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { cpuUsage } from "node:process";

function readAll(req: IncomingMessage): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    req.on("data", (c: Buffer) => (bytes += c.length));
    req.on("end", () => resolve(bytes));
    req.on("error", reject);
  });
}

function listen(): Promise<Server> {
  const server = createServer((req, res) => {
    void readAll(req).then(() => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0", "content-length": "2" });
      res.end("{}");
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function post(agent: Agent, port: number, body: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method: "POST", path: "/", agent, headers: { "content-type": "application/x-amz-json-1.0", "content-length": Buffer.byteLength(body) } }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve());
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** CPU µs per request for each body in `bodies` (cycled), both sides of the connection. */
export async function httpCostUs(bodies: readonly string[], n: number, warmup: number): Promise<number> {
  const server = await listen();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const port = (server.address() as AddressInfo).port;
    for (let i = 0; i < warmup; i++) await post(agent, port, bodies[i % bodies.length]!);
    const t0 = cpuUsage();
    for (let i = 0; i < n; i++) await post(agent, port, bodies[i % bodies.length]!);
    const t = cpuUsage(t0);
    return (t.user + t.system) / n;
  } finally {
    agent.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
}
