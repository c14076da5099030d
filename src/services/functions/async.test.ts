import { eventually } from "../../testing/assert.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../core/clock.js";
import { functionHarness, ROLE, zipOf, type FunctionHarness } from "../../testing/functions.js";

const CODE = `exports.handler = async (event) => { if (event.fail) throw new Error("nope: " + event.id); return { ok: event.id }; };`;


describe("asynchronous invocation", () => {
  let h: FunctionHarness;
  let clock: ManualClock;
  let success: string;
  let failure: string;
  let dlq: string;
  const arn = (name: string) => `arn:aws:sqs:us-east-1:000000000000:${name}`;

  async function take(url: string): Promise<Record<string, unknown> | undefined> {
    const { Messages = [] } = await h.platform.queues.receiveMessage({ QueueUrl: url, MessageAttributeNames: ["All"] });
    const m = Messages[0];
    if (!m) return undefined;
    return { body: JSON.parse(m.Body) as unknown, attributes: m.MessageAttributes };
  }
  async function pendingRetries(fn: string): Promise<number> {
    const ctx = { ...h.platform.queues.defaultContext, accountId: "sluice-internal" };
    const { Attributes = {} } = await h.platform.queues.getQueueAttributes({ QueueUrl: `000000000000-${fn}`, AttributeNames: ["ApproximateNumberOfMessagesDelayed"] }, ctx);
    return Number(Attributes["ApproximateNumberOfMessagesDelayed"] ?? 0);
  }

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    h = await functionHarness({ clock });
    success = (await h.platform.queues.createQueue({ QueueName: "on-success" })).QueueUrl;
    failure = (await h.platform.queues.createQueue({ QueueName: "on-failure" })).QueueUrl;
    dlq = (await h.platform.queues.createQueue({ QueueName: "fn-dlq" })).QueueUrl;
    await h.platform.functions.createFunction({
      FunctionName: "worker",
      Role: ROLE,
      Runtime: "nodejs20.x",
      Handler: "index.handler",
      Code: { ZipFile: zipOf({ "index.js": CODE }) },
      DeadLetterConfig: { TargetArn: arn("fn-dlq") },
    });
    await h.platform.functions.putFunctionEventInvokeConfig({
      FunctionName: "worker",
      DestinationConfig: { OnSuccess: { Destination: arn("on-success") }, OnFailure: { Destination: arn("on-failure") } },
    });
  });
  afterEach(async () => h.close());

  it("runs an Event invocation and sends the result to the on-success destination", async () => {
    const out = await h.platform.functions.invoke({ FunctionName: "worker", InvocationType: "Event", Payload: '{"id":1}' });
    expect(out.StatusCode).toBe(202);
    const rec = await eventually(() => take(success));
    expect(rec.body).toEqual({
      version: "1.0",
      timestamp: expect.stringMatching(/Z$/) as string,
      requestContext: { requestId: out.RequestId, functionArn: "arn:aws:lambda:us-east-1:000000000000:function:worker:$LATEST", condition: "Success", approximateInvokeCount: 1 },
      requestPayload: { id: 1 },
      responseContext: { statusCode: 200, executedVersion: "$LATEST" },
      responsePayload: { ok: 1 },
    });
  });

  it("retries after one and then two minutes, then reports RetriesExhausted and dead-letters the event", async () => {
    const out = await h.platform.functions.invoke({ FunctionName: "worker", InvocationType: "Event", Payload: '{"id":2,"fail":true}' });
    await eventually(async () => ((await pendingRetries("worker")) === 1 ? true : undefined));
    await clock.advance(59_000);
    expect(await take(failure)).toBeUndefined();
    await clock.advance(1_000);
    await eventually(async () => ((await pendingRetries("worker")) === 1 ? true : undefined));
    await clock.advance(120_000);
    const rec = await eventually(() => take(failure));
    expect(rec.body).toMatchObject({
      requestContext: { requestId: out.RequestId, condition: "RetriesExhausted", approximateInvokeCount: 3 },
      requestPayload: { id: 2, fail: true },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorType: "Error", errorMessage: "nope: 2" },
    });
    const dead = await eventually(() => take(dlq));
    expect(dead.body).toEqual({ id: 2, fail: true });
    expect(dead.attributes).toMatchObject({ RequestID: { StringValue: out.RequestId }, ErrorCode: { StringValue: "200" }, ErrorMessage: { StringValue: "nope: 2" } });
  });

  it("honours MaximumRetryAttempts 0 and a short MaximumEventAgeInSeconds", async () => {
    await h.platform.functions.updateFunctionEventInvokeConfig({ FunctionName: "worker", MaximumRetryAttempts: 0 });
    await h.platform.functions.invoke({ FunctionName: "worker", InvocationType: "Event", Payload: '{"id":3,"fail":true}' });
    expect((await eventually(() => take(failure))).body).toMatchObject({ requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 1 } });
    await h.platform.functions.putFunctionEventInvokeConfig({ FunctionName: "worker", MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60, DestinationConfig: { OnFailure: { Destination: arn("on-failure") } } });
    await h.platform.functions.invoke({ FunctionName: "worker", InvocationType: "Event", Payload: '{"id":4,"fail":true}' });
    expect((await eventually(() => take(failure))).body).toMatchObject({ requestContext: { condition: "EventAgeExceeded", approximateInvokeCount: 1 } });
  });

  it("sends events of a function with reserved concurrency 0 straight to failure", async () => {
    await h.platform.functions.putFunctionConcurrency({ FunctionName: "worker", ReservedConcurrentExecutions: 0 });
    await h.platform.functions.invoke({ FunctionName: "worker", InvocationType: "Event", Payload: '{"id":5}' });
    expect((await eventually(() => take(failure))).body).toMatchObject({ requestContext: { condition: "RetriesExhausted", approximateInvokeCount: 0 } });
  });

  it("validates event invoke configs", async () => {
    await expect(h.platform.functions.putFunctionEventInvokeConfig({ FunctionName: "worker", MaximumRetryAttempts: 3 })).rejects.toMatchObject({ code: "ValidationException" });
    await expect(h.platform.functions.putFunctionEventInvokeConfig({ FunctionName: "worker", MaximumEventAgeInSeconds: 59 })).rejects.toMatchObject({ code: "ValidationException" });
    const got = await h.platform.functions.getFunctionEventInvokeConfig({ FunctionName: "worker" });
    expect(got.DestinationConfig.OnSuccess).toEqual({ Destination: arn("on-success") });
    expect(got.FunctionArn).toBe("arn:aws:lambda:us-east-1:000000000000:function:worker:$LATEST");
    await h.platform.functions.deleteFunctionEventInvokeConfig({ FunctionName: "worker" });
    await expect(h.platform.functions.getFunctionEventInvokeConfig({ FunctionName: "worker" })).rejects.toMatchObject({ code: "ResourceNotFoundException" });
  });
});
