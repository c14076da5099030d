/**
 * Mapping management: CreateEventSourceMapping, Get, List, Update and Delete, with
 * Lambda's validation and state names.
 */
import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import { InvalidParameterValueException, ResourceConflictException, ResourceNotFoundException, validationError } from "../functions/errors.js";
import { functionArn, parseFunctionName } from "../functions/names.js";
import type { FunctionService } from "../functions/service.js";
import { parseQueueArn } from "../queues/names.js";
import type { QueueService } from "../queues/service.js";
import type { CallContext } from "../queues/types.js";
import type { StreamService } from "../streams/service.js";
import type { TableService } from "../tables/service.js";
import { sourceKind, sqsSettings } from "./settings.js";
import { streamSettings } from "./stream-settings.js";
import { parseTableStreamArn } from "./table-source.js";
import { SourceKind, type MappingRecord, type MappingStore } from "./store.js";
import type { CreateEventSourceMappingInput, EventSourceMappingConfiguration, ListEventSourceMappingsInput, UpdateEventSourceMappingInput } from "./types.js";

export interface MappingDeps {
  readonly store: MappingStore;
  readonly functions: FunctionService;
  readonly queues: QueueService;
  /** Absent when the platform serves no streams. */
  readonly streams?: StreamService;
  /** Absent when the platform serves no tables (needed for DynamoDB stream sources). */
  readonly tables?: TableService;
  readonly clock: Clock;
  /** Called after a mapping changes so the engine can (re)start or stop its pollers. */
  readonly changed: (uuid: string) => void;
}

export function describe(r: MappingRecord, state = r.state): EventSourceMappingConfiguration {
  return {
    UUID: r.uuid,
    ...r.settings,
    EventSourceArn: r.sourceArn,
    FunctionArn: r.functionArn,
    LastModified: r.lastModified / 1000,
    State: state,
    StateTransitionReason: r.stateReason,
    ...(r.lastProcessingResult ? { LastProcessingResult: r.lastProcessingResult } : {}),
  };
}

async function queueIsFifo(d: MappingDeps, arn: string, ctx: CallContext): Promise<boolean> {
  const ref = parseQueueArn(arn);
  if (!ref) throw new InvalidParameterValueException(`Invalid event source ARN: ${arn}`);
  try {
    const { Attributes = {} } = await d.queues.getQueueAttributes({ QueueUrl: `/${ref.account}/${ref.name}`, AttributeNames: ["FifoQueue"] }, ctx);
    return Attributes["FifoQueue"] === "true";
  } catch {
    throw new InvalidParameterValueException(`Error occurred while ReceiveMessage. SQS Error Code: AWS.SimpleQueueService.NonExistentQueue. SQS Error Message: The specified queue does not exist for this wsdl version.`);
  }
}

async function checkStream(d: MappingDeps, arn: string, ctx: CallContext): Promise<void> {
  if (!d.streams) throw new InvalidParameterValueException(`Unsupported event source type for ARN ${arn}.`);
  try {
    await d.streams.call("DescribeStreamSummary", { StreamARN: arn }, ctx);
  } catch {
    throw new InvalidParameterValueException(`Stream not found: ${arn}`);
  }
}

async function checkTableStream(d: MappingDeps, arn: string, ctx: CallContext): Promise<void> {
  if (!d.tables) throw new InvalidParameterValueException(`Unsupported event source type for ARN ${arn}.`);
  // The table's own account reads its stream (a mapping may name another account's table).
  const account = parseTableStreamArn(arn)?.account ?? ctx.accountId;
  try {
    await d.tables.callStreams("DescribeStream", { StreamArn: arn }, { ...ctx, accountId: account });
  } catch {
    throw new InvalidParameterValueException(`Stream not found: ${arn}`);
  }
}

/** The settings for a source of `kind`, validated against the source itself. */
async function settingsFor(d: MappingDeps, kind: SourceKind, arn: string, raw: Record<string, unknown>, ctx: CallContext, base?: MappingRecord["settings"]): Promise<MappingRecord["settings"]> {
  if (kind === SourceKind.Kinesis || kind === SourceKind.DynamoDb) {
    await (kind === SourceKind.Kinesis ? checkStream(d, arn, ctx) : checkTableStream(d, arn, ctx));
    return streamSettings(raw, { kind, arn }, base);
  }
  return sqsSettings(raw, await queueIsFifo(d, arn, ctx), base);
}

/** Lambda's conflict for a second mapping of one source to one function (its SQS wording differs from the streams'). */
function alreadyExists(kind: SourceKind, arn: string, fn: string, uuid: string): ResourceConflictException {
  if (kind === SourceKind.Sqs) {
    return new ResourceConflictException(`An event source mapping with SQS arn (" ${arn} ") and function (" ${fn} ") already exists. Please update or delete the existing mapping with UUID ${uuid}`);
  }
  return new ResourceConflictException(`The event source arn (" ${arn} ") and function (" ${fn} ") provided mapping already exists. Please update or delete the existing mapping with UUID ${uuid}`);
}

export async function createMapping(d: MappingDeps, input: CreateEventSourceMappingInput, ctx: CallContext): Promise<EventSourceMappingConfiguration> {
  const ref = parseFunctionName(input.FunctionName, ctx);
  await d.functions.getFunction({ FunctionName: input.FunctionName }, ctx);
  const arn = input.EventSourceArn;
  if (typeof arn !== "string" || !arn) throw validationError(null, "eventSourceArn", "Member must not be null");
  const kind = sourceKind(arn);
  if (kind === null) throw new InvalidParameterValueException(`Unsupported event source type for ARN ${arn}; Sluice maps from SQS queues, Kinesis streams and DynamoDB table streams.`);
  const settings = await settingsFor(d, kind, arn, input as unknown as Record<string, unknown>, ctx);
  const enabled = input.Enabled ?? true;
  const record: MappingRecord = {
    uuid: randomUUID(),
    account: ref.account,
    region: ref.region,
    functionName: ref.name,
    functionArn: functionArn(ref, ref.qualifier),
    sourceArn: arn,
    sourceKind: kind,
    enabled,
    settings,
    state: enabled ? "Enabled" : "Disabled",
    stateReason: "USER_INITIATED",
    lastModified: d.clock.now(),
    lastProcessingResult: null,
    createdAt: d.clock.now(),
  };
  const out = await d.store.createMapping(record);
  if ("exists" in out) throw alreadyExists(kind, arn, ref.name, out.exists);
  d.changed(record.uuid);
  return describe(out, enabled ? "Creating" : "Disabled");
}

async function requireMapping(d: MappingDeps, uuid: unknown, ctx: CallContext): Promise<MappingRecord> {
  if (typeof uuid !== "string") throw validationError(uuid ?? null, "uUID", "Member must not be null");
  const r = await d.store.getMapping(uuid);
  if (!r || r.account !== ctx.accountId) throw new ResourceNotFoundException("The resource you requested does not exist.");
  return r;
}

export async function getMapping(d: MappingDeps, uuid: unknown, ctx: CallContext): Promise<EventSourceMappingConfiguration> {
  return describe(await requireMapping(d, uuid, ctx));
}

export async function listMappings(d: MappingDeps, input: ListEventSourceMappingsInput, ctx: CallContext): Promise<{ EventSourceMappings: EventSourceMappingConfiguration[]; NextMarker?: string }> {
  const max = input.MaxItems ?? 100;
  if (!Number.isInteger(max) || max < 1 || max > 10_000) throw validationError(max, "maxItems", "Member must have value between 1 and 10000");
  const limit = Math.min(max, 100);
  const fn = input.FunctionName ? parseFunctionName(input.FunctionName, ctx).name : undefined;
  const rows = await d.store.listMappings(ctx.accountId, { ...(fn ? { functionName: fn } : {}), ...(input.EventSourceArn ? { sourceArn: input.EventSourceArn } : {}) }, input.Marker ?? null, limit + 1);
  const page = rows.slice(0, limit);
  const out: { EventSourceMappings: EventSourceMappingConfiguration[]; NextMarker?: string } = { EventSourceMappings: page.map((r) => describe(r)) };
  const last = page.at(-1);
  if (rows.length > limit && last) out.NextMarker = last.uuid;
  return out;
}

export async function updateMapping(d: MappingDeps, input: UpdateEventSourceMappingInput, ctx: CallContext): Promise<EventSourceMappingConfiguration> {
  const current = await requireMapping(d, input.UUID, ctx);
  let fnName = current.functionName;
  let fnArn = current.functionArn;
  if (input.FunctionName !== undefined) {
    const ref = parseFunctionName(input.FunctionName, ctx);
    await d.functions.getFunction({ FunctionName: input.FunctionName }, ctx);
    fnName = ref.name;
    fnArn = functionArn(ref, ref.qualifier);
    const [taken] = await d.store.listMappings(ctx.accountId, { functionName: fnName, sourceArn: current.sourceArn }, null, 1);
    if (taken && taken.uuid !== current.uuid) throw alreadyExists(current.sourceKind, current.sourceArn, fnName, taken.uuid);
  }
  const raw = { ...input } as unknown as Record<string, unknown>;
  delete raw["UUID"];
  delete raw["FunctionName"];
  delete raw["Enabled"];
  const settings = await settingsFor(d, current.sourceKind, current.sourceArn, raw, ctx, current.settings);
  const enabled = input.Enabled ?? current.enabled;
  const next: MappingRecord = { ...current, functionName: fnName, functionArn: fnArn, enabled, settings, state: enabled ? "Enabled" : "Disabled", lastModified: d.clock.now() };
  const out = await d.store.updateMapping(next);
  if (!out) throw new ResourceNotFoundException("The resource you requested does not exist.");
  d.changed(out.uuid);
  const transition = input.Enabled === undefined || input.Enabled === current.enabled ? "Updating" : enabled ? "Enabling" : "Disabling";
  return describe(out, transition);
}

export async function deleteMapping(d: MappingDeps, uuid: unknown, ctx: CallContext): Promise<EventSourceMappingConfiguration> {
  const current = await requireMapping(d, uuid, ctx);
  await d.store.deleteMapping(current.uuid);
  d.changed(current.uuid);
  return describe(current, "Deleting");
}
