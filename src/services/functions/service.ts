/**
 * Functions with Lambda's behaviour. `FunctionService` is the API: one method per
 * Lambda action with Lambda's shapes. Terms: a *function* is a named configuration plus
 * a deployment package; its *pool* keeps warm *workers* (threads running the handler);
 * an *invocation* runs synchronously (RequestResponse), is queued (Event, retried per
 * the function's event invoke config and sent to its destinations) or only validated
 * (DryRun); *reserved concurrency* caps a function's simultaneous invocations.
 */
import type { Clock } from "../../core/clock.js";
import { uuid } from "../../core/ids.js";
import { LifecycleGroup, type Lifecycle } from "../../core/lifecycle.js";
import { silentLogger, type Logger } from "../../core/logger.js";
import type { QueueService } from "../queues/service.js";
import type { CallContext } from "../queues/types.js";
import { AsyncInvoker } from "./async.js";
import { compileFunctionOptions, type Endpoint, type FunctionServiceConfig, type FunctionServiceOptions } from "./config.js";
import * as control from "./control.js";
import { validationError } from "./errors.js";
import { Invoker } from "./invoker.js";
import { functionArn, parseFunctionName } from "./names.js";
import { clientContext, eventPayload } from "./payload.js";
import { tail4k } from "./runtime/log-tail.js";
import * as settings from "./settings.js";
import type { CodeRef, FunctionStore } from "./store.js";
import * as T from "./types.js";

export interface FunctionServiceDeps {
  readonly store: FunctionStore;
  readonly queues: QueueService;
  readonly clock: Clock;
  /** @default a silent logger */
  readonly logger?: Logger;
  readonly options?: FunctionServiceOptions;
  /** The host's PATH, passed on to handlers. */
  readonly path?: string;
}

export class FunctionService implements Lifecycle {
  readonly config: FunctionServiceConfig;
  private readonly control: control.ControlDeps;
  private readonly invoker: Invoker;
  private readonly async: AsyncInvoker;
  private readonly parts = new LifecycleGroup();
  private readonly queues: QueueService;

  constructor(d: FunctionServiceDeps) {
    this.config = compileFunctionOptions(d.options);
    const logger = (d.logger ?? silentLogger()).child({ component: "functions" });
    this.queues = d.queues;
    this.invoker = new Invoker(d.store, d.clock, logger, this.config, d.path);
    this.control = { store: d.store, clock: d.clock, changed: (a, n) => this.invoker.retire(a, n) };
    this.async = new AsyncInvoker({
      store: d.store,
      queues: d.queues,
      invoker: this.invoker,
      clock: d.clock,
      logger,
      invokeAsync: async (arn, payload, ctx) => void (await this.invoke({ FunctionName: arn, InvocationType: "Event", Payload: payload }, ctx)),
    });
    this.parts.add(this.async);
  }

  get defaultContext(): CallContext {
    return { ...this.queues.defaultContext, accountId: this.config.defaultAccount, region: this.config.region };
  }

  /** Where handlers' AWS SDK clients should point; the server sets it once it listens. */
  setEndpoint(endpoint: Endpoint): void {
    this.config.endpoint = endpoint;
  }

  start(): Promise<void> {
    // Lambda's default memory size: most functions' cold starts find a spare ready.
    this.invoker.warm(128);
    return this.parts.start();
  }

  async stop(): Promise<void> {
    await this.parts.stop();
    await this.invoker.stop();
  }

  createFunction(input: T.CreateFunctionInput, ctx = this.defaultContext): Promise<T.FunctionConfiguration> {
    return control.createFunction(this.control, input, ctx);
  }
  /**
   * Creates or updates a function whose code is a directory on this machine
   * (sluice.config.ts). Unchanged code and settings leave the function (and its warm
   * workers) as they are.
   */
  async deployFromDirectory(input: Omit<T.CreateFunctionInput, "Code">, code: Extract<CodeRef, { kind: "dir" }>, ctx = this.defaultContext): Promise<T.FunctionConfiguration> {
    const existing = await this.control.store.getFunction(ctx.accountId, input.FunctionName);
    if (!existing) return control.createFunction(this.control, { ...input, Code: {} }, ctx, code);
    const sameCode = existing.code.kind === "dir" && existing.code.path === code.path && existing.code.sha256 === code.sha256;
    if (!sameCode) await control.updateFunctionCode(this.control, { FunctionName: input.FunctionName }, ctx, code);
    const { Runtime, Role, Handler, Description, Timeout, MemorySize } = input;
    const env = input.Environment?.Variables ?? {};
    const sameConfig =
      existing.runtime === Runtime && existing.role === Role && existing.handler === Handler && existing.timeout === (Timeout ?? 3) &&
      existing.memorySize === (MemorySize ?? 128) && existing.description === (Description ?? "") &&
      JSON.stringify(existing.environment ?? {}) === JSON.stringify(env);
    if (sameConfig) return this.getFunctionConfiguration({ FunctionName: input.FunctionName }, ctx);
    return control.updateFunctionConfiguration(
      this.control,
      { FunctionName: input.FunctionName, Runtime, Role, Handler, Description: Description ?? "", Timeout: Timeout ?? 3, MemorySize: MemorySize ?? 128, Environment: { Variables: env } },
      ctx,
    );
  }
  getFunction(input: { FunctionName: string; Qualifier?: string }, ctx = this.defaultContext): Promise<T.GetFunctionOutput> {
    return control.getFunction(this.control, input.FunctionName, input.Qualifier, ctx);
  }
  async getFunctionConfiguration(input: { FunctionName: string; Qualifier?: string }, ctx = this.defaultContext): Promise<T.FunctionConfiguration> {
    return (await control.getFunction(this.control, input.FunctionName, input.Qualifier, ctx)).Configuration;
  }
  listFunctions(input: { Marker?: string; MaxItems?: number } = {}, ctx = this.defaultContext): Promise<{ Functions: T.FunctionConfiguration[]; NextMarker?: string }> {
    return control.listFunctions(this.control, input, ctx);
  }
  updateFunctionCode(input: T.UpdateFunctionCodeInput, ctx = this.defaultContext): Promise<T.FunctionConfiguration> {
    return control.updateFunctionCode(this.control, input, ctx);
  }
  updateFunctionConfiguration(input: T.UpdateFunctionConfigurationInput, ctx = this.defaultContext): Promise<T.FunctionConfiguration> {
    return control.updateFunctionConfiguration(this.control, input, ctx);
  }
  deleteFunction(input: { FunctionName: string; Qualifier?: string }, ctx = this.defaultContext): Promise<void> {
    return control.deleteFunction(this.control, input.FunctionName, input.Qualifier, ctx);
  }
  putFunctionConcurrency(input: { FunctionName: string; ReservedConcurrentExecutions: number }, ctx = this.defaultContext): Promise<{ ReservedConcurrentExecutions: number }> {
    return settings.putConcurrency(this.control, input.FunctionName, input.ReservedConcurrentExecutions, ctx);
  }
  getFunctionConcurrency(input: { FunctionName: string }, ctx = this.defaultContext): Promise<{ ReservedConcurrentExecutions?: number }> {
    return settings.getConcurrency(this.control, input.FunctionName, ctx);
  }
  deleteFunctionConcurrency(input: { FunctionName: string }, ctx = this.defaultContext): Promise<void> {
    return settings.deleteConcurrency(this.control, input.FunctionName, ctx);
  }
  putFunctionEventInvokeConfig(input: T.PutEventInvokeConfigInput, ctx = this.defaultContext): Promise<T.FunctionEventInvokeConfig> {
    return settings.putInvokeConfig(this.control, input, ctx, false);
  }
  updateFunctionEventInvokeConfig(input: T.PutEventInvokeConfigInput, ctx = this.defaultContext): Promise<T.FunctionEventInvokeConfig> {
    return settings.putInvokeConfig(this.control, input, ctx, true);
  }
  getFunctionEventInvokeConfig(input: { FunctionName: string; Qualifier?: string }, ctx = this.defaultContext): Promise<T.FunctionEventInvokeConfig> {
    return settings.getInvokeConfig(this.control, input.FunctionName, input.Qualifier, ctx);
  }
  deleteFunctionEventInvokeConfig(input: { FunctionName: string; Qualifier?: string }, ctx = this.defaultContext): Promise<void> {
    return settings.deleteInvokeConfig(this.control, input.FunctionName, input.Qualifier, ctx);
  }

  /** Invoke: RequestResponse (runs now), Event (queued, 202) or DryRun (checked, 204). */
  async invoke(input: T.InvokeInput, ctx = this.defaultContext): Promise<T.InvokeOutput> {
    const type = input.InvocationType ?? T.InvocationType.RequestResponse;
    if (!Object.values(T.InvocationType).includes(type)) {
      throw validationError(type, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]");
    }
    const ref = parseFunctionName(input.FunctionName, ctx, input.Qualifier);
    const r = await control.requireFunction(this.control, ref);
    const payload = eventPayload(input.Payload, type === T.InvocationType.Event);
    const RequestId = uuid();
    if (type === T.InvocationType.DryRun) return { StatusCode: 204, RequestId };
    if (type === T.InvocationType.Event) {
      await this.async.enqueue(r, ref.region, RequestId, payload);
      return { StatusCode: 202, RequestId };
    }
    const context = clientContext(input.ClientContext);
    await this.invoker.prepare(r);
    const out = await this.invoker.run(r, ref.region, {
      requestId: RequestId,
      event: payload,
      invokedFunctionArn: functionArn(ref, ref.qualifier),
      ...(context ? { clientContext: context } : {}),
    });
    return {
      StatusCode: 200,
      RequestId,
      ExecutedVersion: "$LATEST",
      Payload: out.failure ? JSON.stringify(out.failure) : (out.payload ?? "null"),
      ...(out.failure ? { FunctionError: "Unhandled" } : {}),
      ...(input.LogType === "Tail" ? { LogResult: tail4k(out.log) } : {}),
    };
  }

  /** Invocations of a function running now (in this process). */
  inFlight(account: string, name: string): number {
    return this.invoker.inFlight(account, name);
  }
}
