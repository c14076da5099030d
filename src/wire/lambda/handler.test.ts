import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { functionHarness, ROLE, zipOf, type FunctionHarness } from "../../testing/functions.js";
import type { CallContext } from "../../services/queues/types.js";
import type { WireRequest } from "../types.js";
import { lambdaError } from "./errors.js";
import { handleLambda, type LambdaServices } from "./handler.js";

const CTX: CallContext = { accountId: "000000000000", region: "us-east-1", baseUrl: "http://localhost" };

type Call = [method: string, input: unknown, ctx: unknown];

/** Services that record each call and answer with `answers[method]` (or a marker). */
function fakeServices(answers: Record<string, unknown> = {}): { services: LambdaServices; calls: Call[] } {
  const calls: Call[] = [];
  const fake = () =>
    new Proxy(
      {},
      {
        get: (_t, name) => (input: unknown, ctx: unknown) => {
          calls.push([String(name), input, ctx]);
          return Promise.resolve(Object.hasOwn(answers, String(name)) ? answers[String(name)] : { answered: String(name) });
        },
      },
    );
  return { services: { functions: fake(), mappings: fake() } as unknown as LambdaServices, calls };
}

function req(method: string, path: string, body: string | Buffer = "", headers: Record<string, string> = {}): WireRequest {
  const q = path.indexOf("?");
  return { method, rawPath: q < 0 ? path : path.slice(0, q), rawQuery: q < 0 ? "" : path.slice(q + 1), headers, body: Buffer.from(body) };
}

async function run(services: LambdaServices, r: WireRequest) {
  try {
    const res = await handleLambda(services, r, CTX, "rid");
    return { status: res.status, headers: res.headers, text: String(res.body) };
  } catch (err) {
    const res = lambdaError(err as never, "rid");
    return { status: res.status, headers: res.headers, text: String(res.body) };
  }
}

describe("the Lambda router", () => {
  it("creates a function from base64 ZipFile, keeping only the members it knows", async () => {
    const { services, calls } = fakeServices();
    const zip = Uint8Array.from([80, 75, 3, 4, 0, 255]);
    const body = { FunctionName: "f", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: Buffer.from(zip).toString("base64") }, Timeout: 5, Layers: ["x"], Environment: { Variables: { A: "1" } } };
    const res = await run(services, req("POST", "/2015-03-31/functions", JSON.stringify(body)));
    expect(res.status).toBe(201);
    expect(res.headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(res.text)).toEqual({ answered: "createFunction" });
    const [name, input, ctx] = calls[0]!;
    expect(name).toBe("createFunction");
    expect(ctx).toBe(CTX);
    expect(input).toEqual({ FunctionName: "f", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: Buffer.from(zip) }, Timeout: 5, Environment: { Variables: { A: "1" } } });
    expect((input as { Code: { ZipFile: unknown } }).Code.ZipFile).toBeInstanceOf(Uint8Array);
  });

  it("refuses bodies that are not JSON or have members of the wrong type, before calling the service", async () => {
    const { services, calls } = fakeServices();
    const cases = [
      req("POST", "/2015-03-31/functions", "{not json"),
      req("POST", "/2015-03-31/functions", "[1,2]"),
      req("POST", "/2015-03-31/functions", JSON.stringify({ FunctionName: "f", Timeout: "3" })),
      req("POST", "/2015-03-31/functions", JSON.stringify({ FunctionName: "f", Code: { ZipFile: "not base64!" } })),
      req("POST", "/2015-03-31/functions", JSON.stringify({ FunctionName: "f", Code: "zip" })),
      req("POST", "/2015-03-31/functions", JSON.stringify({ FunctionName: "f", Tags: { a: 1 } })),
      req("PUT", "/2015-03-31/functions/f/configuration", JSON.stringify({ Environment: { Variables: { A: 1 } } })),
      req("POST", "/2015-03-31/event-source-mappings", JSON.stringify({ FunctionName: "f", Enabled: "yes" })),
      req("PUT", "/2017-10-31/functions/f/concurrency", JSON.stringify({ ReservedConcurrentExecutions: 1.5 })),
    ];
    for (const c of cases) {
      const res = await run(services, c);
      expect(res.status, c.body.toString()).toBe(400);
      expect(res.headers["x-amzn-ErrorType"]).toBe("InvalidRequestContentException");
      expect(JSON.parse(res.text).message).toMatch(/^Could not parse request body into json: /);
    }
    expect(calls).toEqual([]);
  });

  it("reads function names from the path and qualifiers from the query", async () => {
    const { services, calls } = fakeServices();
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:f";
    await run(services, req("GET", `/2015-03-31/functions/${encodeURIComponent(arn)}?Qualifier=%24LATEST`));
    await run(services, req("GET", "/2015-03-31/functions/f%3A%24LATEST/configuration"));
    const del = await run(services, req("DELETE", "/2015-03-31/functions/f"));
    expect(del).toMatchObject({ status: 204, text: "" });
    expect(calls.map(([n, i]) => [n, i])).toEqual([
      ["getFunction", { FunctionName: arn, Qualifier: "$LATEST" }],
      ["getFunctionConfiguration", { FunctionName: "f:$LATEST" }],
      ["deleteFunction", { FunctionName: "f" }],
    ]);
  });

  it("lists with Marker and MaxItems, and checks them", async () => {
    const { services, calls } = fakeServices();
    await run(services, req("GET", "/2015-03-31/functions/?Marker=abc&MaxItems=2&FunctionVersion=ALL"));
    await run(services, req("GET", `/2015-03-31/event-source-mappings/?EventSourceArn=${encodeURIComponent("arn:aws:sqs:us-east-1:000000000000:q")}&FunctionName=f&MaxItems=5`));
    expect(calls.map(([n, i]) => [n, i])).toEqual([
      ["listFunctions", { Marker: "abc", MaxItems: 2 }],
      ["listEventSourceMappings", { MaxItems: 5, EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:q", FunctionName: "f" }],
    ]);
    const bad = await run(services, req("GET", "/2015-03-31/functions?MaxItems=lots"));
    expect(bad).toMatchObject({ status: 400, headers: { "x-amzn-ErrorType": "ValidationException" } });
    const version = await run(services, req("GET", "/2015-03-31/functions?FunctionVersion=LATEST"));
    expect(JSON.parse(version.text).message).toContain("at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]");
  });

  it("updates code and configuration of the function the path names", async () => {
    const { services, calls } = fakeServices();
    await run(services, req("PUT", "/2015-03-31/functions/f/code", JSON.stringify({ FunctionName: "other", ZipFile: "AAE=", DryRun: true })));
    await run(services, req("PUT", "/2015-03-31/functions/f/configuration", JSON.stringify({ FunctionName: "other", MemorySize: 256, Environment: { Variables: {} } })));
    expect(calls.map(([n, i]) => [n, i])).toEqual([
      ["updateFunctionCode", { FunctionName: "f", ZipFile: Buffer.from([0, 1]), DryRun: true }],
      ["updateFunctionConfiguration", { FunctionName: "f", MemorySize: 256, Environment: { Variables: {} } }],
    ]);
  });

  it("serves concurrency and event invoke config with Lambda's statuses", async () => {
    const { services, calls } = fakeServices({ deleteFunctionConcurrency: undefined, deleteFunctionEventInvokeConfig: undefined, getFunctionConcurrency: {} });
    expect((await run(services, req("PUT", "/2017-10-31/functions/f/concurrency", '{"ReservedConcurrentExecutions":2}'))).status).toBe(200);
    expect(await run(services, req("GET", "/2019-09-30/functions/f/concurrency"))).toMatchObject({ status: 200, text: "{}" });
    expect(await run(services, req("DELETE", "/2017-10-31/functions/f/concurrency"))).toMatchObject({ status: 204, text: "" });
    const cfg = JSON.stringify({ MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:000000000000:dlq" } } });
    await run(services, req("PUT", "/2019-09-25/functions/f/event-invoke-config", cfg));
    await run(services, req("POST", "/2019-09-25/functions/f/event-invoke-config?Qualifier=%24LATEST", '{"MaximumEventAgeInSeconds":60}'));
    await run(services, req("GET", "/2019-09-25/functions/f/event-invoke-config"));
    expect(await run(services, req("DELETE", "/2019-09-25/functions/f/event-invoke-config"))).toMatchObject({ status: 204, text: "" });
    expect(calls.map(([n, i]) => [n, i])).toEqual([
      ["putFunctionConcurrency", { FunctionName: "f", ReservedConcurrentExecutions: 2 }],
      ["getFunctionConcurrency", { FunctionName: "f" }],
      ["deleteFunctionConcurrency", { FunctionName: "f" }],
      ["putFunctionEventInvokeConfig", { FunctionName: "f", MaximumRetryAttempts: 0, DestinationConfig: { OnFailure: { Destination: "arn:aws:sqs:us-east-1:000000000000:dlq" } } }],
      ["updateFunctionEventInvokeConfig", { FunctionName: "f", Qualifier: "$LATEST", MaximumEventAgeInSeconds: 60 }],
      ["getFunctionEventInvokeConfig", { FunctionName: "f" }],
      ["deleteFunctionEventInvokeConfig", { FunctionName: "f" }],
    ]);
  });

  it("serves event source mappings with 202 for changes", async () => {
    const { services, calls } = fakeServices();
    const create = { FunctionName: "f", EventSourceArn: "arn:aws:sqs:us-east-1:000000000000:q", BatchSize: 5, FunctionResponseTypes: ["ReportBatchItemFailures"], FilterCriteria: { Filters: [{ Pattern: "{}" }] } };
    expect((await run(services, req("POST", "/2015-03-31/event-source-mappings/", JSON.stringify(create)))).status).toBe(202);
    expect((await run(services, req("GET", "/2015-03-31/event-source-mappings/u-1"))).status).toBe(200);
    expect((await run(services, req("PUT", "/2015-03-31/event-source-mappings/u-1", '{"Enabled":false,"UUID":"ignored"}'))).status).toBe(202);
    expect((await run(services, req("DELETE", "/2015-03-31/event-source-mappings/u-1"))).status).toBe(202);
    expect(calls.map(([n, i]) => [n, i])).toEqual([
      ["createEventSourceMapping", create],
      ["getEventSourceMapping", { UUID: "u-1" }],
      ["updateEventSourceMapping", { UUID: "u-1", Enabled: false }],
      ["deleteEventSourceMapping", { UUID: "u-1" }],
    ]);
  });

  it("invokes with the raw body and the invocation headers, answering with the raw payload", async () => {
    const out = { StatusCode: 200, RequestId: "inv-1", ExecutedVersion: "$LATEST", FunctionError: "Unhandled", LogResult: "bG9n", Payload: '{"errorType":"Error"}' };
    const { services, calls } = fakeServices({ invoke: out });
    const headers = { "x-amz-invocation-type": "RequestResponse", "x-amz-log-type": "Tail", "x-amz-client-context": "e30=" };
    const res = await run(services, req("POST", "/2015-03-31/functions/f/invocations?Qualifier=%24LATEST", '{"a":1}', headers));
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"errorType":"Error"}');
    expect(res.headers).toMatchObject({ "x-amzn-RequestId": "inv-1", "X-Amz-Executed-Version": "$LATEST", "X-Amz-Function-Error": "Unhandled", "X-Amz-Log-Result": "bG9n" });
    expect(calls[0]![1]).toEqual({ FunctionName: "f", Qualifier: "$LATEST", Payload: Buffer.from('{"a":1}'), InvocationType: "RequestResponse", LogType: "Tail", ClientContext: "e30=" });
  });

  it("answers Event with 202 and DryRun with 204, without a body", async () => {
    for (const StatusCode of [202, 204]) {
      const { services } = fakeServices({ invoke: { StatusCode, RequestId: "r" } });
      const res = await run(services, req("POST", "/2015-03-31/functions/f/invocations", "", { "x-amz-invocation-type": StatusCode === 202 ? "Event" : "DryRun" }));
      expect(res).toMatchObject({ status: StatusCode, text: "" });
      expect(res.headers["X-Amz-Function-Error"]).toBeUndefined();
    }
    const { services, calls } = fakeServices();
    const bad = await run(services, req("POST", "/2015-03-31/functions/f/invocations", "", { "x-amz-log-type": "Everything" }));
    expect(bad).toMatchObject({ status: 400, headers: { "x-amzn-ErrorType": "ValidationException" } });
    expect(calls).toEqual([]);
  });

  it("answers routes it does not serve with UnknownOperationException", async () => {
    const { services } = fakeServices();
    for (const [m, p] of [["GET", "/2015-03-31/functions/f/aliases"], ["GET", "/2016-08-19/account-settings"], ["PATCH", "/2015-03-31/functions/f"]] as const) {
      const res = await run(services, req(m, p));
      expect(res.status).toBe(404);
      expect(res.headers["x-amzn-ErrorType"]).toBe("UnknownOperationException");
    }
  });
});

describe("the Lambda router over the real services", () => {
  let h: FunctionHarness;
  beforeAll(async () => {
    h = await functionHarness();
  });
  afterAll(async () => h.close());

  it("deploys, invokes by ARN and reports errors in Lambda's shapes", async () => {
    const zip = Buffer.from(zipOf({ "index.js": "exports.handler = async (e) => ({ got: e });" })).toString("base64");
    const body = JSON.stringify({ FunctionName: "wire-fn", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zip } });
    const created = await run(h.platform, req("POST", "/2015-03-31/functions", body));
    expect(created.status).toBe(201);
    expect(JSON.parse(created.text)).toMatchObject({ FunctionName: "wire-fn", Version: "$LATEST" });
    const arn = encodeURIComponent("arn:aws:lambda:us-east-1:000000000000:function:wire-fn:$LATEST");
    const inv = await run(h.platform, req("POST", `/2015-03-31/functions/${arn}/invocations`, '{"x":1}'));
    expect(inv).toMatchObject({ status: 200, text: '{"got":{"x":1}}' });
    const missing = await run(h.platform, req("GET", "/2015-03-31/functions/nope"));
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.text)).toEqual({ Type: "User", Message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope" });
    const conflict = await run(h.platform, req("POST", "/2015-03-31/functions", body));
    expect(conflict.status).toBe(409);
    expect(JSON.parse(conflict.text)).toEqual({ Type: "User", message: "Function already exist: wire-fn" });
    expect((await run(h.platform, req("DELETE", "/2015-03-31/functions/wire-fn"))).status).toBe(204);
  });
});
