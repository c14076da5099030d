/**
 * The Lambda API end to end: a `sluice start` process driven by the real AWS SDK
 * (@aws-sdk/client-lambda and @aws-sdk/client-sqs): deployment, every invocation type,
 * failures (error, timeout, out of memory), throttling, asynchronous destinations,
 * queue mappings with partial failures and filters, and a handler that uses the SDK
 * itself to call back into Sluice.
 *
 * The data directory is inside the repository so that unpacked packages resolve
 * `@aws-sdk/*` from its node_modules (see the note at `forwarder`). Handlers are .mjs or
 * .cjs: the repository's package.json says "type": "module", which would otherwise
 * apply to a package's .js files.
 */
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  DeleteFunctionConcurrencyCommand,
  DeleteFunctionEventInvokeConfigCommand,
  GetEventSourceMappingCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  GetFunctionConfigurationCommand,
  GetFunctionEventInvokeConfigCommand,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListEventSourceMappingsCommand,
  ListFunctionsCommand,
  PutFunctionConcurrencyCommand,
  PutFunctionEventInvokeConfigCommand,
  UpdateEventSourceMappingCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  UpdateFunctionEventInvokeConfigCommand,
  type InvokeCommandOutput,
} from "@aws-sdk/client-lambda";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { zipSync } from "fflate";
import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, ROOT } from "../lib/process.js";
import { startServer as start, type Server } from "../lib/server.js";

const KEY = "AKIDSLUICELAMBDA";
const SECRET = "sluice-lambda-e2e-secret";
const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/lambda-role`;

const ECHO = `exports.handler = async (event, context) => {
  console.log("echo", JSON.stringify(event));
  if (event.fail) throw new TypeError("asked to fail");
  if (event.sleepMs) await new Promise((r) => setTimeout(r, event.sleepMs));
  return { event, stage: process.env.STAGE ?? null, client: context.clientContext ?? null, requestId: context.awsRequestId };
};`;

const HOG = `exports.handler = async () => {
  const keep = [];
  for (;;) keep.push(new Array(1_000_000).fill(Math.random()));
};`;

const PARTIAL = `export const handler = async (event) => ({
  batchItemFailures: event.Records.filter((r) => r.body.startsWith("bad")).map((r) => ({ itemIdentifier: r.messageId })),
});`;

// Imports the SDK the way a handler on Lambda does, without bundling it: resolved from
// the node_modules above the unpacked package.
const FORWARDER = `import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
const sqs = new SQSClient({});
export const handler = async (event) => {
  const bodies = event.Records ? event.Records.map((r) => r.body) : [JSON.stringify(event)];
  const sent = [];
  for (const body of bodies) sent.push((await sqs.send(new SendMessageCommand({ QueueUrl: process.env.OUT_QUEUE_URL, MessageBody: body }))).MessageId);
  return { sent, endpoint: process.env.AWS_ENDPOINT_URL };
};`;

function zip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v)])));
}

function text(out: InvokeCommandOutput): string {
  return Buffer.from(out.Payload ?? new Uint8Array()).toString("utf8");
}

function json(out: InvokeCommandOutput): Record<string, unknown> {
  return JSON.parse(text(out)) as Record<string, unknown>;
}

const startServer = (dataDir: string): Promise<Server> => start(dataDir, { key: KEY, secret: SECRET });

async function rejection(p: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; [k: string]: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as never;
  }
  throw new Error("expected the call to fail");
}

describe("Lambda API with the AWS SDK", () => {
  let dir: string;
  let server: Server;
  let lambda: LambdaClient;
  let sqs: SQSClient;

  const lambdaClient = (secret = SECRET, key = KEY) =>
    new LambdaClient({ endpoint: server.url, region: REGION, credentials: { accessKeyId: key, secretAccessKey: secret }, maxAttempts: 1 });
  const create = (name: string, files: Record<string, string>, handler: string, extra: Partial<ConstructorParameters<typeof CreateFunctionCommand>[0]> = {}) =>
    lambda.send(new CreateFunctionCommand({ FunctionName: name, Role: ROLE, Runtime: "nodejs20.x", Handler: handler, Code: { ZipFile: zip(files) }, ...extra }));
  const invoke = (name: string, payload?: unknown, extra: Partial<ConstructorParameters<typeof InvokeCommand>[0]> = {}) =>
    lambda.send(new InvokeCommand({ FunctionName: name, ...(payload !== undefined ? { Payload: Buffer.from(JSON.stringify(payload)) } : {}), ...extra }));
  const queue = async (name: string, attributes: Record<string, string> = {}) => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return { url: QueueUrl!, arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}` };
  };
  const receive = async (url: string, wait: number) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: wait, MaxNumberOfMessages: 10 }))).Messages ?? [];
  const depth = async (url: string) => {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"] }));
    return Number(Attributes["ApproximateNumberOfMessages"]) + Number(Attributes["ApproximateNumberOfMessagesNotVisible"]);
  };
  async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  beforeAll(async () => {
    assertBuilt();
    dir = mkdtempSync(join(ROOT, ".sluice-e2e-lambda-"));
    server = await startServer(dir);
    lambda = lambdaClient();
    sqs = new SQSClient({ endpoint: server.url, region: REGION, credentials: { accessKeyId: KEY, secretAccessKey: SECRET }, maxAttempts: 1 });
  });
  afterAll(async () => {
    lambda?.destroy();
    sqs?.destroy();
    if (server && server.child.exitCode === null) {
      const exited = new Promise((r) => server.child.once("exit", r));
      server.child.kill("SIGTERM");
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("deploys a zip, describes, lists, updates and deletes it", async () => {
    const created = await create("e2e-echo", { "index.cjs": ECHO }, "index.handler", { Environment: { Variables: { STAGE: "dev" } } });
    expect(created.$metadata.httpStatusCode).toBe(201);
    expect(created).toMatchObject({ FunctionName: "e2e-echo", FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:e2e-echo`, Runtime: "nodejs20.x", Timeout: 3, MemorySize: 128, Version: "$LATEST" });
    const got = await lambda.send(new GetFunctionCommand({ FunctionName: "e2e-echo" }));
    expect(got.Configuration).toMatchObject({ FunctionName: "e2e-echo", CodeSha256: created.CodeSha256, State: "Active", Environment: { Variables: { STAGE: "dev" } } });
    expect(got.Code?.RepositoryType).toBe("S3");
    const byArn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: created.FunctionArn, Qualifier: "$LATEST" }));
    expect(byArn.FunctionArn).toBe(`${created.FunctionArn}:$LATEST`);
    const { Functions = [] } = await lambda.send(new ListFunctionsCommand({}));
    expect(Functions.map((f) => f.FunctionName)).toContain("e2e-echo");

    expect(json(await invoke("e2e-echo", { n: 1 }))).toMatchObject({ event: { n: 1 }, stage: "dev" });
    const updated = await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: "e2e-echo", Environment: { Variables: { STAGE: "prod" } }, MemorySize: 256 }));
    expect(updated).toMatchObject({ MemorySize: 256, Environment: { Variables: { STAGE: "prod" } } });
    expect(json(await invoke("e2e-echo", {}))).toMatchObject({ stage: "prod" });
    const recoded = await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "e2e-echo", ZipFile: zip({ "index.cjs": "exports.handler = async () => 'v2';" }) }));
    expect(recoded.CodeSha256).not.toBe(created.CodeSha256);
    expect(text(await invoke("e2e-echo", {}))).toBe('"v2"');
    await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: "e2e-echo", ZipFile: zip({ "index.cjs": ECHO }) }));

    const conflict = await rejection(create("e2e-echo", { "index.cjs": ECHO }, "index.handler"));
    expect(conflict).toMatchObject({ name: "ResourceConflictException", message: "Function already exist: e2e-echo", Type: "User" });
    expect(conflict.$metadata.httpStatusCode).toBe(409);

    await create("e2e-doomed", { "index.cjs": ECHO }, "index.handler");
    const deleted = await lambda.send(new DeleteFunctionCommand({ FunctionName: "e2e-doomed" }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    const gone = await rejection(lambda.send(new GetFunctionCommand({ FunctionName: "e2e-doomed" })));
    expect(gone).toMatchObject({ name: "ResourceNotFoundException", message: `Function not found: arn:aws:lambda:${REGION}:${ACCOUNT}:function:e2e-doomed` });
    expect(gone.$metadata.httpStatusCode).toBe(404);
  });

  it("invokes RequestResponse with the log tail, Event (202) and DryRun (204)", async () => {
    const clientContext = Buffer.from(JSON.stringify({ custom: { who: "e2e" } })).toString("base64");
    const out = await invoke("e2e-echo", { hello: "world" }, { LogType: "Tail", ClientContext: clientContext });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(out.ExecutedVersion).toBe("$LATEST");
    const result = json(out);
    expect(result).toMatchObject({ event: { hello: "world" }, client: { custom: { who: "e2e" } } });
    // The request id the caller sees is the one the function saw.
    expect(out.$metadata.requestId).toBe(result["requestId"]);
    const log = Buffer.from(out.LogResult!, "base64").toString("utf8");
    expect(log).toContain(`START RequestId: ${String(result["requestId"])} Version: $LATEST`);
    expect(log).toMatch(/\tINFO\techo {"hello":"world"}/);
    expect(log).toContain(`REPORT RequestId: ${String(result["requestId"])}`);

    const event = await invoke("e2e-echo", { async: true }, { InvocationType: "Event" });
    expect(event.StatusCode).toBe(202);
    expect(text(event)).toBe("");
    const dry = await invoke("e2e-echo", { dry: true }, { InvocationType: "DryRun" });
    expect(dry.StatusCode).toBe(204);
    const missing = await rejection(invoke("e2e-nope", {}, { InvocationType: "DryRun" }));
    expect(missing).toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("reports an unhandled error, a timeout and running out of memory", async () => {
    const failed = await invoke("e2e-echo", { fail: true });
    expect(failed.StatusCode).toBe(200);
    expect(failed.FunctionError).toBe("Unhandled");
    expect(json(failed)).toMatchObject({ errorType: "TypeError", errorMessage: "asked to fail" });
    expect(json(failed)["trace"]).toEqual(expect.arrayContaining([expect.stringContaining("TypeError: asked to fail")]));

    await create("e2e-slow", { "index.cjs": ECHO }, "index.handler", { Timeout: 1 });
    const started = Date.now();
    const timedOut = await invoke("e2e-slow", { sleepMs: 5_000 });
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(timedOut.FunctionError).toBe("Unhandled");
    expect(json(timedOut)).toMatchObject({ errorType: "Sandbox.Timedout" });
    expect(String(json(timedOut)["errorMessage"])).toMatch(/^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$/);

    await create("e2e-hog", { "index.cjs": HOG }, "index.handler", { MemorySize: 128, Timeout: 30 });
    const oom = await invoke("e2e-hog", {});
    expect(oom.FunctionError).toBe("Unhandled");
    expect(json(oom)).toMatchObject({ errorType: "Runtime.ExitError" });
    expect(String(json(oom)["errorMessage"])).toContain("Runtime exited with error: signal: killed");
    // The function still works after its worker died.
    expect(json(await invoke("e2e-slow", {}))).toMatchObject({ event: {} });
  });

  it("throttles beyond reserved concurrency with 429 and a Reason", async () => {
    const put = await lambda.send(new PutFunctionConcurrencyCommand({ FunctionName: "e2e-slow", ReservedConcurrentExecutions: 1 }));
    expect(put.ReservedConcurrentExecutions).toBe(1);
    expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "e2e-slow" }))).ReservedConcurrentExecutions).toBe(1);
    expect((await lambda.send(new GetFunctionCommand({ FunctionName: "e2e-slow" }))).Concurrency).toEqual({ ReservedConcurrentExecutions: 1 });
    const busy = invoke("e2e-slow", { sleepMs: 600 });
    await new Promise((r) => setTimeout(r, 150));
    const throttled = await rejection(invoke("e2e-slow", {}));
    expect(throttled).toMatchObject({ name: "TooManyRequestsException", message: "Rate Exceeded.", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded", Type: "User" });
    expect(throttled.$metadata.httpStatusCode).toBe(429);
    expect((await busy).StatusCode).toBe(200);
    const removed = await lambda.send(new DeleteFunctionConcurrencyCommand({ FunctionName: "e2e-slow" }));
    expect(removed.$metadata.httpStatusCode).toBe(204);
    expect((await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: "e2e-slow" }))).ReservedConcurrentExecutions).toBeUndefined();
  });

  it("sends a failed asynchronous invocation to its on-failure queue", async () => {
    const failures = await queue("e2e-async-failures");
    const missing = await rejection(lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: "e2e-echo", MaximumRetryAttempts: 1 })));
    expect(missing).toMatchObject({ name: "ResourceNotFoundException" });
    const cfg = await lambda.send(
      new PutFunctionEventInvokeConfigCommand({ FunctionName: "e2e-echo", MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: failures.arn } } }),
    );
    expect(cfg).toMatchObject({ FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:e2e-echo:$LATEST`, MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: failures.arn } } });
    expect(cfg.LastModified).toBeInstanceOf(Date);
    const merged = await lambda.send(new UpdateFunctionEventInvokeConfigCommand({ FunctionName: "e2e-echo", MaximumEventAgeInSeconds: 600 }));
    expect(merged).toMatchObject({ MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 600 });
    expect((await lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "e2e-echo" }))).MaximumEventAgeInSeconds).toBe(600);

    const sent = await invoke("e2e-echo", { fail: true, order: 7 }, { InvocationType: "Event" });
    expect(sent.StatusCode).toBe(202);
    const [m] = await receive(failures.url, 15);
    const record = JSON.parse(m!.Body!) as Record<string, Record<string, unknown>>;
    expect(record["requestContext"]).toMatchObject({ requestId: sent.$metadata.requestId, condition: "RetriesExhausted", approximateInvokeCount: 1 });
    expect(record["requestPayload"]).toEqual({ fail: true, order: 7 });
    expect(record["responseContext"]).toMatchObject({ statusCode: 200, functionError: "Unhandled" });
    expect(record["responsePayload"]).toMatchObject({ errorType: "TypeError", errorMessage: "asked to fail" });

    expect((await lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: "e2e-echo" }))).$metadata.httpStatusCode).toBe(204);
    expect(await rejection(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: "e2e-echo" })))).toMatchObject({ name: "ResourceNotFoundException" });
  });

  it("maps a queue with ReportBatchItemFailures: failed records reach the dead-letter queue", async () => {
    const dlq = await queue("e2e-map-dlq");
    const source = await queue("e2e-map-src", { VisibilityTimeout: "1", RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 2 }) });
    await create("e2e-partial", { "index.mjs": PARTIAL }, "index.handler");
    const mapping = await lambda.send(
      new CreateEventSourceMappingCommand({ FunctionName: "e2e-partial", EventSourceArn: source.arn, BatchSize: 10, FunctionResponseTypes: ["ReportBatchItemFailures"] }),
    );
    expect(mapping.$metadata.httpStatusCode).toBe(202);
    expect(mapping).toMatchObject({ State: "Creating", EventSourceArn: source.arn, FunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:e2e-partial`, BatchSize: 10 });
    expect(mapping.LastModified).toBeInstanceOf(Date);
    const uuid = mapping.UUID!;

    await sqs.send(new SendMessageBatchCommand({ QueueUrl: source.url, Entries: ["good-1", "bad-1", "good-2"].map((b, i) => ({ Id: `m${i}`, MessageBody: b })) }));
    const dead = await receive(dlq.url, 20);
    expect(dead.map((d) => d.Body)).toEqual(["bad-1"]);
    await until(async () => (await depth(source.url)) === 0, 5_000);

    expect(await lambda.send(new GetEventSourceMappingCommand({ UUID: uuid }))).toMatchObject({ UUID: uuid, State: "Enabled", FunctionResponseTypes: ["ReportBatchItemFailures"] });
    const listed = await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: "e2e-partial", EventSourceArn: source.arn }));
    expect(listed.EventSourceMappings?.map((e) => e.UUID)).toEqual([uuid]);
    const updated = await lambda.send(new UpdateEventSourceMappingCommand({ UUID: uuid, BatchSize: 5 }));
    expect(updated).toMatchObject({ State: "Updating", BatchSize: 5 });
    expect(updated.$metadata.httpStatusCode).toBe(202);
    const deleted = await lambda.send(new DeleteEventSourceMappingCommand({ UUID: uuid }));
    expect(deleted).toMatchObject({ State: "Deleting" });
    expect(deleted.$metadata.httpStatusCode).toBe(202);
    expect(await rejection(lambda.send(new GetEventSourceMappingCommand({ UUID: uuid })))).toMatchObject({ name: "ResourceNotFoundException", message: "The resource you requested does not exist." });
  });

  it("runs a handler that uses the AWS SDK to call back into Sluice, fed by a filtered mapping", async () => {
    const out = await queue("e2e-forward-out");
    const input = await queue("e2e-forward-in", { VisibilityTimeout: "5" });
    await create("e2e-forwarder", { "index.mjs": FORWARDER }, "index.handler", { Timeout: 10, Environment: { Variables: { OUT_QUEUE_URL: out.url } } });

    const direct = await invoke("e2e-forwarder", { hello: "sdk" });
    expect(direct.FunctionError, text(direct)).toBeUndefined();
    expect(json(direct)).toMatchObject({ endpoint: server.url });
    expect((await receive(out.url, 5)).map((m) => m.Body)).toEqual(['{"hello":"sdk"}']);

    const filter = { Filters: [{ Pattern: JSON.stringify({ body: { kind: ["order"] } }) }] };
    const mapping = await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: "e2e-forwarder", EventSourceArn: input.arn, FilterCriteria: filter }));
    expect(mapping.FilterCriteria).toEqual(filter);
    for (const body of [JSON.stringify({ kind: "refund", id: 2 }), JSON.stringify({ kind: "order", id: 1 }), "plain text"]) {
      await sqs.send(new SendMessageCommand({ QueueUrl: input.url, MessageBody: body }));
    }
    const forwarded = await receive(out.url, 15);
    expect(forwarded.map((m) => m.Body)).toEqual([JSON.stringify({ kind: "order", id: 1 })]);
    // Records the filter rejects are deleted, not delivered.
    await until(async () => (await depth(input.url)) === 0, 5_000);
    expect(await receive(out.url, 1)).toEqual([]);
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
  });

  it("refuses oversized payloads, unknown operations and bad signatures in Lambda's format", async () => {
    const big = await rejection(lambda.send(new InvokeCommand({ FunctionName: "e2e-echo", Payload: Buffer.from(`"${"x".repeat(6_291_455)}"`) })));
    expect(big).toMatchObject({ name: "RequestEntityTooLargeException", message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation" });
    expect(big.$metadata.httpStatusCode).toBe(413);
    const bigEvent = await rejection(lambda.send(new InvokeCommand({ FunctionName: "e2e-echo", InvocationType: "Event", Payload: Buffer.from(`"${"x".repeat(1_100_000)}"`) })));
    expect(bigEvent).toMatchObject({ name: "RequestEntityTooLargeException", message: "Request must be smaller than 1048576 bytes for the InvokeFunction operation" });

    const unknown = await rejection(lambda.send(new ListAliasesCommand({ FunctionName: "e2e-echo" })));
    expect(unknown).toMatchObject({ name: "UnknownOperationException" });
    expect(unknown.$metadata.httpStatusCode).toBe(404);

    const wrongSecret = lambdaClient("not-the-secret");
    const badSig = await rejection(wrongSecret.send(new ListFunctionsCommand({})));
    expect(badSig).toMatchObject({ name: "InvalidSignatureException" });
    expect(badSig.$metadata.httpStatusCode).toBe(403);
    wrongSecret.destroy();
    const stranger = lambdaClient(SECRET, "AKIDNOBODY");
    expect(await rejection(stranger.send(new ListFunctionsCommand({})))).toMatchObject({ name: "UnrecognizedClientException" });
    stranger.destroy();
  });
});
