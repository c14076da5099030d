import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../core/logger.js";
import { createPlatform, type Platform } from "../platform.js";
import { Credentials } from "../wire/sigv4.js";
import { createApp } from "./app.js";
import { listen, type Listening } from "./listen.js";

const signer = new SignatureV4({
  credentials: { accessKeyId: "k", secretAccessKey: "s" },
  region: "us-east-1",
  service: "sqs",
  sha256: Hash.bind(null, "sha256"),
});

describe("the AWS endpoint", () => {
  let platform: Platform;
  let server: Listening;
  let host: string;

  async function call(body: string, headers: Record<string, string>, opts: { sign?: boolean; path?: string } = {}): Promise<Response> {
    const req = new HttpRequest({ method: "POST", protocol: "http:", hostname: "127.0.0.1", port: Number(host.split(":")[1]), path: opts.path ?? "/", headers: { host, ...headers }, body });
    const signed = opts.sign === false ? req : await signer.sign(req);
    return fetch(`${server.url}${opts.path ?? "/"}`, { method: "POST", headers: signed.headers, body });
  }
  const json = (action: string, input: object, sign = true) =>
    call(JSON.stringify(input), { "content-type": "application/x-amz-json-1.0", "x-amz-target": `AmazonSQS.${action}` }, { sign });
  const query = (params: string, sign = true) => call(params, { "content-type": "application/x-www-form-urlencoded" }, { sign });

  beforeAll(async () => {
    platform = await createPlatform({ dataDir: ":memory:" });
    await platform.start();
    const app = createApp({ platform, credentials: new Credentials([{ accessKeyId: "k", secretAccessKey: "s", accountId: "111122223333" }]), logger: silentLogger(), maxBodyBytes: 64 * 1024 });
    server = await listen(app, platform, silentLogger(), { port: 0 });
    host = server.url.replace("http://", "");
  });
  afterAll(async () => server.close());

  it("answers JSON requests with the caller's account and region", async () => {
    const res = await json("CreateQueue", { QueueName: "app-q" });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-amzn-requestid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(await res.json()).toEqual({ QueueUrl: `${server.url}/111122223333/app-q` });
  });

  it("reports JSON errors with __type, message and the query-compatible header", async () => {
    const res = await json("GetQueueUrl", { QueueName: "nope" });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-query-error")).toBe("AWS.SimpleQueueService.NonExistentQueue;Sender");
    expect(await res.json()).toEqual({ __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "The specified queue does not exist." });
  });

  it("refuses unsigned requests in the caller's protocol", async () => {
    const j = await json("ListQueues", {}, false);
    expect(j.status).toBe(403);
    expect(await j.json()).toMatchObject({ __type: "com.amazonaws.sqs#MissingAuthenticationTokenException" });
    const q = await query("Action=ListQueues&Version=2012-11-05", false);
    expect(q.status).toBe(403);
    expect(await q.text()).toContain("<Code>MissingAuthenticationToken</Code>");
  });

  it("serves the Query protocol on / and on a queue's path", async () => {
    const res = await query("Action=CreateQueue&Version=2012-11-05&QueueName=app-query");
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`<QueueUrl>${server.url}/111122223333/app-query</QueueUrl>`);
    const sent = await call("Action=SendMessage&MessageBody=hi%20there", { "content-type": "application/x-www-form-urlencoded" }, { path: "/111122223333/app-query" });
    expect(await sent.text()).toContain("<MD5OfMessageBody>");
  });

  it("does not treat object prototype names as actions", async () => {
    for (const action of ["constructor", "__proto__", "hasOwnProperty"]) {
      const res = await json(action, {});
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ __type: "com.amazonaws.sqs#UnknownOperationException" });
    }
  });

  it("rejects malformed JSON and oversized bodies without touching anything", async () => {
    const bad = await call("{not json", { "content-type": "application/x-amz-json-1.0", "x-amz-target": "AmazonSQS.CreateQueue" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ __type: "com.amazonaws.sqs#SerializationException" });
    const big = await json("CreateQueue", { QueueName: "big", Attributes: { Policy: "x".repeat(70 * 1024) } });
    expect(big.status).toBe(413);
    const { QueueUrls = [] } = await platform.queues.listQueues({}, { accountId: "111122223333", region: "us-east-1", baseUrl: server.url });
    expect(QueueUrls.some((u) => u.endsWith("/big"))).toBe(false);
  });

  it("serves health and Prometheus metrics without credentials", async () => {
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const metrics = await fetch(`${server.url}/metrics`);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
  });
});
