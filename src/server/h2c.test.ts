import { Agent, request as http1Request } from "node:http";
import { connect as h2Connect, type ClientHttp2Session } from "node:http2";
import { connect as tcpConnect } from "node:net";
import { CreateQueueCommand, ListQueuesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Hash } from "@smithy/hash-node";
import { NodeHttp2Handler } from "@smithy/node-http-handler";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger.js";
import { createPlatform } from "../platform.js";
import { Credentials } from "../wire/sigv4.js";
import { createApp } from "./app.js";
import { listen, type Listening } from "./listen.js";

const ACCOUNT = "111122223333";

async function start(): Promise<Listening> {
  const platform = await createPlatform({ dataDir: ":memory:" });
  await platform.start();
  const credentials = new Credentials([{ accessKeyId: "k", secretAccessKey: "s", accountId: ACCOUNT }]);
  const app = createApp({ platform, credentials, logger: silentLogger() });
  return listen(app, platform, silentLogger(), { port: 0 });
}

/** One GET over an HTTP/2 session, with the response's status, headers and body. */
async function h2Get(session: ClientHttp2Session, path: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const stream = session.request({ ":method": "GET", ":path": path });
  stream.setEncoding("utf8");
  const [headers, body] = await Promise.all([
    new Promise<Record<string, unknown>>((resolve) => stream.once("response", (h) => resolve(h))),
    (async () => {
      let text = "";
      for await (const chunk of stream as AsyncIterable<string>) text += chunk;
      return text;
    })(),
  ]);
  return { status: Number(headers[":status"]), headers, body };
}

const signer = new SignatureV4({
  credentials: { accessKeyId: "k", secretAccessKey: "s" },
  region: "us-east-1",
  service: "sqs",
  sha256: Hash.bind(null, "sha256"),
});

/** An SQS JSON call over HTTP/2, signed over a host header as HTTP/1 clients sign it. */
async function h2Sqs(session: ClientHttp2Session, url: string, action: string, input: object): Promise<{ status: number; body: string }> {
  const { hostname, port, host } = new URL(url);
  const body = JSON.stringify(input);
  const headers = { host, "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` };
  const signed = await signer.sign(new HttpRequest({ method: "POST", protocol: "http:", hostname, port: Number(port), path: "/", headers, body }));
  const stream = session.request({ ...signed.headers, ":method": "POST", ":path": "/" });
  stream.end(body);
  stream.setEncoding("utf8");
  const status = new Promise<number>((resolve) => stream.once("response", (h) => resolve(Number(h[":status"]))));
  let text = "";
  for await (const chunk of stream as AsyncIterable<string>) text += chunk;
  return { status: await status, body: text };
}

async function h2Session(url: string): Promise<ClientHttp2Session> {
  const session = h2Connect(url);
  await new Promise<void>((resolve, reject) => session.once("connect", () => resolve()).once("error", reject));
  return session;
}

/** Writes `parts` with pauses between them and collects what comes back until the server closes. */
async function rawExchange(port: number, parts: string[]): Promise<string> {
  const socket = tcpConnect(port, "127.0.0.1");
  socket.setEncoding("utf8");
  let got = "";
  socket.on("data", (d: string) => (got += d));
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  for (const part of parts) {
    socket.write(part);
    await new Promise((r) => setTimeout(r, 30));
  }
  await closed;
  return got;
}

describe("one port for HTTP/1.1 and h2c", () => {
  let server: Listening;
  let port: number;

  beforeAll(async () => {
    server = await start();
    port = Number(new URL(server.url).port);
  });
  afterAll(async () => server.close());

  it("serves /health over both protocols", async () => {
    const h1 = await fetch(`${server.url}/health`);
    expect(h1.status).toBe(200);
    expect(await h1.text()).toBe('{"status":"ok"}');
    const session = await h2Session(server.url);
    try {
      const h2 = await h2Get(session, "/health");
      expect(h2.status).toBe(200);
      expect(h2.body).toBe('{"status":"ok"}');
      expect(h2.headers["content-type"]).toBe("application/json");
      expect((await h2Get(session, "/metrics")).status).toBe(200);
    } finally {
      session.close();
    }
  });

  it("serves signed SQS requests from an SDK client speaking HTTP/2", async () => {
    const sqs = new SQSClient({
      endpoint: server.url,
      region: "us-east-1",
      credentials: { accessKeyId: "k", secretAccessKey: "s" },
      requestHandler: new NodeHttp2Handler(),
    });
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: "h2-q" }));
      expect(QueueUrl).toBe(`${server.url}/${ACCOUNT}/h2-q`);
      const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));
      expect(QueueUrls).toContain(QueueUrl);
    } finally {
      sqs.destroy();
    }
  });

  it("routes an HTTP/1 request whose first bytes arrive alone", async () => {
    const reply = await rawExchange(port, ["G", "ET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reply).toContain('{"status":"ok"}');
  });

  it("routes an HTTP/1 request that starts like the preface but is not it", async () => {
    const reply = await rawExchange(port, ["PRI * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"]);
    expect(reply).toMatch(/^HTTP\/1\.1 \d{3} /);
  });

  it("drops a client that stalls inside the preface after the header timeout", async () => {
    const saved = server.server.headersTimeout;
    server.server.headersTimeout = 200;
    try {
      const started = Date.now();
      expect(await rawExchange(port, ["PRI * HTTP/2.0\r\n"])).toBe("");
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      server.server.headersTimeout = saved;
    }
  });

  it("keeps HTTP/1 keep-alive working after routing", async () => {
    const get = (agent: Agent): Promise<number> =>
      new Promise((resolve, reject) => {
        const req = http1Request(`${server.url}/health`, { agent }, (res) => {
          res.resume();
          res.once("end", () => resolve(res.statusCode ?? 0));
        });
        req.once("error", reject).end();
      });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect([await get(agent), await get(agent), await get(agent)]).toEqual([200, 200, 200]);
    } finally {
      agent.destroy();
    }
  });
});

describe("shutdown with HTTP/2 sessions open", () => {
  it("finishes while an HTTP/2 session is open and idle", async () => {
    const server = await start();
    const session = await h2Session(server.url);
    expect((await h2Get(session, "/health")).status).toBe(200);
    const sessionClosed = new Promise<void>((resolve) => session.once("close", () => resolve()));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await sessionClosed;
    expect(session.closed || session.destroyed).toBe(true);
  });

  it("lets an HTTP/2 long poll finish early, then closes its session", async () => {
    const server = await start();
    const session = await h2Session(server.url);
    const created = await h2Sqs(session, server.url, "CreateQueue", { QueueName: "drain-q" });
    expect(created.status).toBe(200);
    const { QueueUrl } = JSON.parse(created.body) as { QueueUrl: string };
    const poll = h2Sqs(session, server.url, "ReceiveMessage", { QueueUrl, WaitTimeSeconds: 20 });
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await poll).status).toBe(200);
    expect(session.closed || session.destroyed).toBe(true);
  });

  it("finishes while an HTTP/1 keep-alive connection and a half-sent preface are open", async () => {
    const server = await start();
    const port = Number(new URL(server.url).port);
    const idle = tcpConnect(port, "127.0.0.1");
    idle.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    await new Promise<void>((resolve) => idle.once("data", () => resolve()));
    const stalled = tcpConnect(port, "127.0.0.1");
    stalled.write("PRI * HTTP/2");
    await new Promise((r) => setTimeout(r, 50));
    const gone = Promise.all([idle, stalled].map((s) => new Promise<void>((resolve) => s.once("close", () => resolve()))));
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(2_000);
    await gone;
  });
});
