/** Reserved concurrency and asynchronous invocation settings (Put/Get/Update/Delete…). */
import { randomUUID } from "node:crypto";
import { isPlainObject } from "../../core/validate.js";
import type { CallContext } from "../queues/types.js";
import { invokeConfigShape } from "./configuration.js";
import { type ControlDeps, requireFunction } from "./control.js";
import { InvalidParameterValueException, ResourceNotFoundException, validationError } from "./errors.js";
import { functionArn, parseFunctionName } from "./names.js";
import type { FunctionRecord, StoredInvokeConfig } from "./store.js";
import type { FunctionEventInvokeConfig, PutEventInvokeConfigInput } from "./types.js";

async function save(d: ControlDeps, current: FunctionRecord, next: FunctionRecord): Promise<FunctionRecord> {
  const out = await d.store.updateFunction({ ...next, revisionId: randomUUID() }, current.revisionId, null);
  if (out === "notFound") throw new ResourceNotFoundException(`Function not found: ${current.name}`);
  if (out === "revisionMismatch") return save(d, (await d.store.getFunction(current.account, current.name)) ?? current, next);
  d.changed(current.account, current.name);
  return out;
}

export async function putConcurrency(d: ControlDeps, name: unknown, value: unknown, ctx: CallContext): Promise<{ ReservedConcurrentExecutions: number }> {
  const ref = parseFunctionName(name, ctx);
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw validationError(value ?? null, "reservedConcurrentExecutions", "Member must have value greater than or equal to 0");
  }
  const r = await requireFunction(d, ref);
  await save(d, r, { ...r, reservedConcurrency: value });
  return { ReservedConcurrentExecutions: value };
}

export async function getConcurrency(d: ControlDeps, name: unknown, ctx: CallContext): Promise<{ ReservedConcurrentExecutions?: number }> {
  const r = await requireFunction(d, parseFunctionName(name, ctx));
  return r.reservedConcurrency === null ? {} : { ReservedConcurrentExecutions: r.reservedConcurrency };
}

export async function deleteConcurrency(d: ControlDeps, name: unknown, ctx: CallContext): Promise<void> {
  const r = await requireFunction(d, parseFunctionName(name, ctx));
  await save(d, r, { ...r, reservedConcurrency: null });
}

function destination(v: unknown, which: string): string | null {
  if (v === undefined || v === null) return null;
  const dest = isPlainObject(v) ? v["Destination"] : undefined;
  if (dest === undefined || dest === null || dest === "") return null;
  if (typeof dest !== "string" || !/^arn:aws[a-zA-Z-]*:(sqs|lambda|sns|events|s3):/.test(dest)) {
    throw new InvalidParameterValueException(`The destination ARN ${JSON.stringify(dest)} is invalid for ${which}.`);
  }
  return dest;
}

function invokeConfig(input: PutEventInvokeConfigInput, base: StoredInvokeConfig | null, now: number): StoredInvokeConfig {
  const retries = input.MaximumRetryAttempts;
  const age = input.MaximumEventAgeInSeconds;
  if (retries !== undefined && (!Number.isInteger(retries) || retries < 0 || retries > 2)) {
    throw validationError(retries, "maximumRetryAttempts", `Member must have value ${retries > 2 ? "less than or equal to 2" : "greater than or equal to 0"}`);
  }
  if (age !== undefined && (!Number.isInteger(age) || age < 60 || age > 21_600)) {
    throw validationError(age, "maximumEventAgeInSeconds", `Member must have value ${age > 21_600 ? "less than or equal to 21600" : "greater than or equal to 60"}`);
  }
  const dc = input.DestinationConfig;
  return {
    maximumRetryAttempts: retries ?? base?.maximumRetryAttempts ?? null,
    maximumEventAgeInSeconds: age ?? base?.maximumEventAgeInSeconds ?? null,
    onSuccess: dc?.OnSuccess !== undefined ? destination(dc.OnSuccess, "OnSuccess") : (base?.onSuccess ?? null),
    onFailure: dc?.OnFailure !== undefined ? destination(dc.OnFailure, "OnFailure") : (base?.onFailure ?? null),
    lastModified: now,
  };
}

/** Put replaces every setting; Update (merge) keeps the ones not given. */
export async function putInvokeConfig(d: ControlDeps, input: PutEventInvokeConfigInput, ctx: CallContext, merge: boolean): Promise<FunctionEventInvokeConfig> {
  const ref = parseFunctionName(input.FunctionName, ctx, input.Qualifier);
  const r = await requireFunction(d, ref);
  if (merge && !r.invokeConfig) {
    throw new ResourceNotFoundException(`The function ${functionArn(ref, "$LATEST")} doesn't have an EventInvokeConfig`);
  }
  const dc = input.DestinationConfig;
  if (input.MaximumRetryAttempts === undefined && input.MaximumEventAgeInSeconds === undefined && !dc?.OnSuccess && !dc?.OnFailure) {
    throw new InvalidParameterValueException("You must specify at least one of error handling or destination setting.");
  }
  const cfg = invokeConfig(input, merge ? r.invokeConfig : null, d.clock.now());
  const saved = await save(d, r, { ...r, invokeConfig: cfg });
  return invokeConfigShape(saved, ref.region, cfg);
}

export async function getInvokeConfig(d: ControlDeps, name: unknown, qualifier: unknown, ctx: CallContext): Promise<FunctionEventInvokeConfig> {
  const ref = parseFunctionName(name, ctx, qualifier);
  const r = await requireFunction(d, ref);
  if (!r.invokeConfig) throw new ResourceNotFoundException(`The function ${functionArn(ref, "$LATEST")} doesn't have an EventInvokeConfig`);
  return invokeConfigShape(r, ref.region, r.invokeConfig);
}

export async function deleteInvokeConfig(d: ControlDeps, name: unknown, qualifier: unknown, ctx: CallContext): Promise<void> {
  const ref = parseFunctionName(name, ctx, qualifier);
  const r = await requireFunction(d, ref);
  if (!r.invokeConfig) throw new ResourceNotFoundException(`The function ${functionArn(ref, "$LATEST")} doesn't have an EventInvokeConfig`);
  await save(d, r, { ...r, invokeConfig: null });
}
