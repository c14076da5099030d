import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPlatform } from "../../platform.js";
import { functionHarness, ROLE, zipOf, type FunctionHarness } from "../../testing/functions.js";

const HANDLER = `exports.handler = async (event, context) => {
  if (event.fail) throw new Error("asked to fail");
  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));
  console.log("got", JSON.stringify(event));
  return { echo: event, fn: context.functionName, region: process.env.AWS_REGION, stage: process.env.STAGE };
};`;

describe("FunctionService", () => {
  let h: FunctionHarness;
  beforeAll(async () => {
    h = await functionHarness();
  });
  afterAll(async () => h.close());
  const fns = () => h.platform.functions;

  it("creates a function from a zip and describes it as Lambda does", async () => {
    const zip = zipOf({ "index.js": HANDLER });
    const c = await fns().createFunction({
      FunctionName: "echo",
      Role: ROLE,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: { ZipFile: zip },
      Environment: { Variables: { STAGE: "test" } },
    });
    expect(c).toMatchObject({
      FunctionName: "echo",
      FunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:echo",
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Timeout: 3,
      MemorySize: 128,
      CodeSize: zip.length,
      Version: "$LATEST",
      Environment: { Variables: { STAGE: "test" } },
      State: "Active",
    });
    expect(c.CodeSha256).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(c.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    await expect(fns().createFunction({ FunctionName: "echo", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zip } })).rejects.toMatchObject({
      code: "ResourceConflictException",
    });
  });

  it("invokes synchronously, with the log tail on request", async () => {
    const out = await fns().invoke({ FunctionName: "echo", Payload: JSON.stringify({ a: 1 }), LogType: "Tail" });
    expect(out.StatusCode).toBe(200);
    expect(JSON.parse(out.Payload!)).toEqual({ echo: { a: 1 }, fn: "echo", region: "us-east-1", stage: "test" });
    const log = Buffer.from(out.LogResult!, "base64").toString("utf8");
    expect(log).toContain(`START RequestId: ${out.RequestId} Version: $LATEST`);
    expect(log).toContain('INFO\tgot {"a":1}');
  });

  it("reports a function error with X-Amz-Function-Error semantics", async () => {
    const out = await fns().invoke({ FunctionName: "echo", Payload: '{"fail":true}' });
    expect(out.FunctionError).toBe("Unhandled");
    expect(JSON.parse(out.Payload!)).toMatchObject({ errorType: "Error", errorMessage: "asked to fail" });
  });

  it("validates payloads and names", async () => {
    await expect(fns().invoke({ FunctionName: "echo", Payload: "{not json" })).rejects.toMatchObject({ code: "InvalidRequestContentException" });
    await expect(fns().invoke({ FunctionName: "nope" })).rejects.toMatchObject({
      code: "ResourceNotFoundException",
      message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope",
    });
    await expect(fns().invoke({ FunctionName: "bad name!" })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(fns().invoke({ FunctionName: "echo", Payload: "x".repeat(6_291_457) })).rejects.toMatchObject({ code: "RequestEntityTooLargeException" });
    expect((await fns().invoke({ FunctionName: "echo", InvocationType: "DryRun" })).StatusCode).toBe(204);
  });

  it("refuses bad configurations and hostile zips", async () => {
    const base = { FunctionName: "x", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zipOf({ "index.js": HANDLER }) } };
    await expect(fns().createFunction({ ...base, Runtime: "python3.12" })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(fns().createFunction({ ...base, Timeout: 901 })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(fns().createFunction({ ...base, MemorySize: 64 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(fns().createFunction({ ...base, Role: "not-a-role" })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(fns().createFunction({ ...base, Environment: { Variables: { AWS_REGION: "x" } } })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(fns().createFunction({ ...base, Code: { ZipFile: zipOf({ "../../escape.js": "x" }) } })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(fns().createFunction({ ...base, Code: { ZipFile: Buffer.from("not a zip") } })).rejects.toMatchObject({ code: "InvalidParameterValueException" });
    await expect(fns().getFunction({ FunctionName: "x" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });

  it("applies configuration and code updates to the next invocation", async () => {
    await fns().updateFunctionConfiguration({ FunctionName: "echo", Environment: { Variables: { STAGE: "prod" } } });
    expect(JSON.parse((await fns().invoke({ FunctionName: "echo" })).Payload!).stage).toBe("prod");
    await fns().updateFunctionCode({ FunctionName: "echo", ZipFile: zipOf({ "index.js": "exports.handler = async () => 'v2';" }) });
    expect((await fns().invoke({ FunctionName: "echo" })).Payload).toBe('"v2"');
    const stale = (await fns().getFunction({ FunctionName: "echo" })).Configuration.RevisionId;
    await fns().updateFunctionConfiguration({ FunctionName: "echo", Description: "changed" });
    await expect(fns().updateFunctionConfiguration({ FunctionName: "echo", Description: "again", RevisionId: stale })).rejects.toMatchObject({ code: "PreconditionFailedException" });
  });

  it("throttles beyond reserved concurrency", async () => {
    await fns().createFunction({ FunctionName: "slow", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zipOf({ "index.js": HANDLER }) } });
    await fns().putFunctionConcurrency({ FunctionName: "slow", ReservedConcurrentExecutions: 1 });
    expect(await fns().getFunctionConcurrency({ FunctionName: "slow" })).toEqual({ ReservedConcurrentExecutions: 1 });
    const first = fns().invoke({ FunctionName: "slow", Payload: '{"sleep":300}' });
    await new Promise((r) => setTimeout(r, 50));
    await expect(fns().invoke({ FunctionName: "slow" })).rejects.toMatchObject({ code: "TooManyRequestsException", reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });
    expect((await first).StatusCode).toBe(200);
    await fns().putFunctionConcurrency({ FunctionName: "slow", ReservedConcurrentExecutions: 0 });
    await expect(fns().invoke({ FunctionName: "slow" })).rejects.toMatchObject({ code: "TooManyRequestsException" });
    await fns().deleteFunctionConcurrency({ FunctionName: "slow" });
    expect(await fns().getFunctionConcurrency({ FunctionName: "slow" })).toEqual({});
  });

  it("lists and deletes functions", async () => {
    const { Functions } = await fns().listFunctions();
    expect(Functions.map((f) => f.FunctionName)).toEqual(["echo", "slow"]);
    expect(Functions[0]!.State).toBeUndefined();
    await fns().deleteFunction({ FunctionName: "slow" });
    await expect(fns().getFunction({ FunctionName: "slow" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });
});

describe("deployment packages", () => {
  it("treats a zip's .js as CommonJS even inside an ESM project, and finds the AWS SDK Sluice ships", async () => {
    // A data directory inside this repository, whose package.json says "type": "module".
    const dataDir = mkdtempSync(join(process.cwd(), ".sluice-pkg-test-"));
    const p = await createPlatform({ dataDir: ":memory:", functions: { dataDir } });
    try {
      const code = `const { SQSClient } = require("@aws-sdk/client-sqs");\nexports.handler = async () => typeof SQSClient;`;
      await p.functions.createFunction({ FunctionName: "cjs", Role: ROLE, Runtime: "nodejs20.x", Handler: "index.handler", Code: { ZipFile: zipOf({ "index.js": code }) } });
      const out = await p.functions.invoke({ FunctionName: "cjs" });
      expect(out.FunctionError).toBeUndefined();
      expect(out.Payload).toBe('"function"');
    } finally {
      await p.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
