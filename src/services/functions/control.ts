/**
 * Function management: CreateFunction, GetFunction(Configuration), ListFunctions,
 * UpdateFunctionCode, UpdateFunctionConfiguration and DeleteFunction.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { isPlainObject } from "../../core/validate.js";
import type { CallContext } from "../queues/types.js";
import { checkZip, codeSha256, inspectZip } from "./code.js";
import { configuration } from "./configuration.js";
import { InvalidParameterValueException, PreconditionFailedException, ResourceConflictException, validationError } from "./errors.js";
import { checkNewName, functionArn, notFound, parseFunctionName, type FunctionRef } from "./names.js";
import type { CodeRef, FunctionRecord, FunctionStore } from "./store.js";
import type { CreateFunctionInput, FunctionConfiguration, GetFunctionOutput, UpdateFunctionCodeInput, UpdateFunctionConfigurationInput } from "./types.js";
import { checkDescription, checkEnvironment, checkHandler, checkMemory, checkRole, checkRuntime, checkTimeout } from "./validate.js";

export interface ControlDeps {
  readonly store: FunctionStore;
  readonly clock: Clock;
  /** Called after a function's record changes, so warm workers of the old revision retire. */
  readonly changed: (account: string, name: string) => void;
}

export async function requireFunction(d: ControlDeps, ref: FunctionRef): Promise<FunctionRecord> {
  if (ref.qualifier !== null && ref.qualifier !== "$LATEST") throw notFound(ref);
  const r = await d.store.getFunction(ref.account, ref.name);
  if (!r) throw notFound(ref);
  return r;
}

function zipCode(zip: unknown): { code: CodeRef; zip: Buffer } {
  const bytes = checkZip(zip);
  inspectZip(bytes);
  return { code: { kind: "zip", sha256: codeSha256(bytes), size: bytes.length }, zip: bytes };
}

function noOtherSources(c: { S3Bucket?: unknown; S3Key?: unknown; ImageUri?: unknown }): void {
  if (c.S3Bucket !== undefined || c.S3Key !== undefined) throw new InvalidParameterValueException("Code from S3 is not supported yet; provide ZipFile.");
  if (c.ImageUri !== undefined) throw new InvalidParameterValueException("Container images are not supported; provide ZipFile.");
}

export async function createFunction(d: ControlDeps, input: CreateFunctionInput, ctx: CallContext, code?: CodeRef): Promise<FunctionConfiguration> {
  const ref = parseFunctionName(input.FunctionName, ctx);
  checkNewName(ref.name);
  if (input.PackageType !== undefined && input.PackageType !== "Zip") throw new InvalidParameterValueException("Only the Zip package type is supported.");
  let pkg: { code: CodeRef; zip: Buffer | null };
  if (code) pkg = { code, zip: null };
  else {
    if (!isPlainObject(input.Code)) throw validationError(null, "code", "Member must not be null");
    noOtherSources(input.Code);
    pkg = zipCode(input.Code.ZipFile);
  }
  const now = d.clock.now();
  const record: FunctionRecord = {
    account: ref.account,
    name: ref.name,
    runtime: checkRuntime(input.Runtime),
    role: checkRole(input.Role),
    handler: checkHandler(input.Handler),
    description: input.Description === undefined ? "" : checkDescription(input.Description),
    timeout: input.Timeout === undefined ? 3 : checkTimeout(input.Timeout),
    memorySize: input.MemorySize === undefined ? 128 : checkMemory(input.MemorySize),
    environment: input.Environment === undefined ? null : checkEnvironment(input.Environment),
    deadLetterTarget: input.DeadLetterConfig?.TargetArn ?? null,
    tracingMode: input.TracingConfig?.Mode ?? "PassThrough",
    code: pkg.code,
    revisionId: randomUUID(),
    createdAt: now,
    modifiedAt: now,
    reservedConcurrency: null,
    invokeConfig: null,
    tags: isPlainObject(input.Tags) ? (input.Tags) : {},
  };
  const out = await d.store.createFunction(record, pkg.zip);
  if (out === "exists") throw new ResourceConflictException(`Function already exist: ${ref.name}`);
  d.changed(ref.account, ref.name);
  return configuration(out, ref.region);
}

export async function getFunction(d: ControlDeps, name: unknown, qualifier: unknown, ctx: CallContext): Promise<GetFunctionOutput> {
  const ref = parseFunctionName(name, ctx, qualifier);
  const r = await requireFunction(d, ref);
  const out: GetFunctionOutput = {
    Configuration: configuration(r, ref.region, { qualifier: ref.qualifier }),
    Code: { RepositoryType: r.code.kind === "zip" ? "S3" : "Local", ...(r.code.kind === "dir" ? { Location: r.code.path } : {}) },
  };
  if (Object.keys(r.tags).length) out.Tags = { ...r.tags };
  if (r.reservedConcurrency !== null) out.Concurrency = { ReservedConcurrentExecutions: r.reservedConcurrency };
  return out;
}

export async function listFunctions(d: ControlDeps, input: { Marker?: string; MaxItems?: number }, ctx: CallContext): Promise<{ Functions: FunctionConfiguration[]; NextMarker?: string }> {
  const max = input.MaxItems ?? 50;
  if (!Number.isInteger(max) || max < 1 || max > 10000) throw validationError(max, "maxItems", "Member must have value between 1 and 10000");
  const limit = Math.min(max, 50);
  const after = input.Marker ? Buffer.from(input.Marker, "base64url").toString("utf8") : null;
  const rows = await d.store.listFunctions(ctx.accountId, after, limit + 1);
  const page = rows.slice(0, limit);
  const out: { Functions: FunctionConfiguration[]; NextMarker?: string } = { Functions: page.map((r) => configuration(r, ctx.region, { listing: true })) };
  const last = page.at(-1);
  if (rows.length > limit && last) out.NextMarker = Buffer.from(last.name, "utf8").toString("base64url");
  return out;
}

async function save(d: ControlDeps, ref: FunctionRef, next: FunctionRecord, expected: string | undefined, zip: Buffer | null): Promise<FunctionConfiguration> {
  const out = await d.store.updateFunction(next, expected ?? null, zip);
  if (out === "notFound") throw notFound(ref);
  if (out === "revisionMismatch") throw new PreconditionFailedException();
  d.changed(ref.account, ref.name);
  return configuration(out, ref.region);
}

export async function updateFunctionCode(d: ControlDeps, input: UpdateFunctionCodeInput, ctx: CallContext, code?: CodeRef): Promise<FunctionConfiguration> {
  const ref = parseFunctionName(input.FunctionName, ctx);
  const current = await requireFunction(d, ref);
  let pkg: { code: CodeRef; zip: Buffer | null };
  if (code) pkg = { code, zip: null };
  else {
    noOtherSources(input);
    pkg = zipCode(input.ZipFile);
  }
  if (input.DryRun) return configuration({ ...current, code: pkg.code }, ref.region);
  const next: FunctionRecord = { ...current, code: pkg.code, revisionId: randomUUID(), modifiedAt: d.clock.now() };
  return save(d, ref, next, input.RevisionId, pkg.zip);
}

export async function updateFunctionConfiguration(d: ControlDeps, input: UpdateFunctionConfigurationInput, ctx: CallContext): Promise<FunctionConfiguration> {
  const ref = parseFunctionName(input.FunctionName, ctx);
  const c = await requireFunction(d, ref);
  const next: FunctionRecord = {
    ...c,
    runtime: input.Runtime === undefined ? c.runtime : checkRuntime(input.Runtime),
    role: input.Role === undefined ? c.role : checkRole(input.Role),
    handler: input.Handler === undefined ? c.handler : checkHandler(input.Handler),
    description: input.Description === undefined ? c.description : checkDescription(input.Description),
    timeout: input.Timeout === undefined ? c.timeout : checkTimeout(input.Timeout),
    memorySize: input.MemorySize === undefined ? c.memorySize : checkMemory(input.MemorySize),
    // Environment replaces the whole Variables map, as in Lambda.
    environment: input.Environment === undefined ? c.environment : checkEnvironment(input.Environment),
    deadLetterTarget: input.DeadLetterConfig === undefined ? c.deadLetterTarget : (input.DeadLetterConfig.TargetArn ?? null),
    tracingMode: input.TracingConfig?.Mode ?? c.tracingMode,
    revisionId: randomUUID(),
    modifiedAt: d.clock.now(),
  };
  return save(d, ref, next, input.RevisionId, null);
}

export async function deleteFunction(d: ControlDeps, name: unknown, qualifier: unknown, ctx: CallContext): Promise<void> {
  const ref = parseFunctionName(name, ctx, qualifier);
  if (ref.qualifier === "$LATEST") throw new InvalidParameterValueException("$LATEST version cannot be deleted without deleting the function.");
  if (ref.qualifier !== null) throw notFound(ref);
  if (!(await d.store.deleteFunction(ref.account, ref.name))) throw notFound(ref);
  d.changed(ref.account, ref.name);
}

export { functionArn };
