/**
 * Event source mappings of an app, from queues and from table streams. A mapping is
 * found by its source and function; settings that differ are updated. A table mapping
 * follows the table's latest stream: when the stream was replaced (a view type change
 * disables and re-enables it), the old mapping is deleted and a new one created.
 * `startingPosition` only applies when a mapping is created (Lambda cannot update it).
 */
import type { EventSourceMappingConfiguration } from "../services/event-sources/types.js";
import { queueArn, tableArn, type ApplyCtx } from "./apply-context.js";
import { latestStreamArn } from "./apply-tables.js";
import { mappingSource, type AppDefinition, type MappingDefinition, type TableMappingDefinition } from "./define.js";

type Settings = Record<string, unknown>;

function commonSettings(m: MappingDefinition, defaultBatch: number): Settings {
  return {
    BatchSize: m.batchSize ?? defaultBatch,
    MaximumBatchingWindowInSeconds: m.batchWindowSeconds ?? 0,
    FunctionResponseTypes: m.reportBatchItemFailures ? ["ReportBatchItemFailures"] : [],
    FilterCriteria: m.filters?.length ? { Filters: m.filters.map((f) => ({ Pattern: JSON.stringify(f) })) } : undefined,
  };
}

function streamSettings(c: ApplyCtx, m: TableMappingDefinition): Settings {
  return {
    ...commonSettings(m, 100),
    ParallelizationFactor: m.parallelizationFactor ?? 1,
    BisectBatchOnFunctionError: m.bisectOnError ?? false,
    MaximumRetryAttempts: m.maxRetries ?? -1,
    MaximumRecordAgeInSeconds: m.maxRecordAgeSeconds ?? -1,
    DestinationConfig: m.onFailure ? { OnFailure: { Destination: queueArn(c, m.onFailure) } } : undefined,
  };
}

function settingsOf(c: ApplyCtx, m: MappingDefinition): Settings {
  if (m.table !== undefined) return streamSettings(c, m);
  return { ...commonSettings(m, 10), ScalingConfig: m.maxConcurrency !== undefined ? { MaximumConcurrency: m.maxConcurrency } : undefined };
}

/** A mapping's current value of a setting, with "none" written as `undefined` like `settingsOf`. */
function currentValue(found: EventSourceMappingConfiguration, key: string): unknown {
  const v = (found as unknown as Settings)[key];
  if (key === "FilterCriteria") return (v as { Filters?: unknown[] } | undefined)?.Filters?.length ? v : undefined;
  if (key === "ScalingConfig") return (v as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency !== undefined ? v : undefined;
  if (key === "DestinationConfig") return (v as { OnFailure?: { Destination?: string } } | undefined)?.OnFailure?.Destination ? v : undefined;
  return v;
}

/** The update that makes `found` match `wanted`, or null when it already does. Clearing a setting takes an explicit empty value. */
function updateFor(found: EventSourceMappingConfiguration, wanted: Settings, enabled: boolean): Settings | null {
  const change: Settings = {};
  for (const [k, v] of Object.entries(wanted)) {
    if (JSON.stringify(currentValue(found, k)) === JSON.stringify(v)) continue;
    if (v !== undefined) change[k] = v;
    else if (k === "FilterCriteria") change[k] = { Filters: [] };
    else if (k === "ScalingConfig") change[k] = {};
    else if (k === "DestinationConfig") change[k] = { OnFailure: { Destination: "" } };
  }
  if ((found.State === "Enabled") !== enabled) change["Enabled"] = enabled;
  return Object.keys(change).length ? change : null;
}

function defined(s: Settings): Settings {
  return Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
}

async function sourceArn(c: ApplyCtx, m: MappingDefinition): Promise<{ arn: string; prefix: string }> {
  if (m.table === undefined) return { arn: queueArn(c, m.queue), prefix: queueArn(c, m.queue) };
  return { arn: await latestStreamArn(c, m.table), prefix: `${tableArn(c, m.table)}/stream/` };
}

const fnOf = (e: EventSourceMappingConfiguration): string => e.FunctionArn.split(":")[6] ?? "";

async function applyMapping(c: ApplyCtx, m: MappingDefinition, existing: EventSourceMappingConfiguration[], keep: Set<string>): Promise<void> {
  const label = `mapping ${mappingSource(m)} → ${m.function}`;
  const { arn, prefix } = await sourceArn(c, m);
  const isSource = (e: EventSourceMappingConfiguration): boolean => (m.table === undefined ? e.EventSourceArn === prefix : e.EventSourceArn.startsWith(prefix));
  let found = existing.find((e) => isSource(e) && fnOf(e) === m.function && !keep.has(e.UUID));
  const enabled = m.enabled ?? true;
  const settings = settingsOf(c, m);
  if (found && found.EventSourceArn !== arn) {
    // The table's stream was replaced: a mapping reads one stream for its whole life.
    await c.p.mappings.deleteEventSourceMapping({ UUID: found.UUID }, c.ctx);
    found = undefined;
  }
  if (found) {
    keep.add(found.UUID);
    const change = updateFor(found, settings, enabled);
    if (!change) return;
    await c.p.mappings.updateEventSourceMapping({ UUID: found.UUID, ...change }, c.ctx);
    c.out.updated.push(label);
    return;
  }
  const position = m.table !== undefined ? { StartingPosition: m.startingPosition ?? "TRIM_HORIZON" } : {};
  const made = await c.p.mappings.createEventSourceMapping({ FunctionName: m.function, EventSourceArn: arn, Enabled: enabled, ...defined(settings), ...position }, c.ctx);
  keep.add(made.UUID);
  c.out.created.push(label);
}

/** Creates and updates the declared mappings; deletes undeclared ones of functions the app owns. */
export async function applyMappings(c: ApplyCtx, app: AppDefinition, owned: Set<string>): Promise<void> {
  const { EventSourceMappings: existing } = await c.p.mappings.listEventSourceMappings({ MaxItems: 10_000 }, c.ctx);
  const keep = new Set<string>();
  for (const m of app.mappings ?? []) await applyMapping(c, m, existing, keep);
  for (const e of existing) {
    const fn = fnOf(e);
    if (owned.has(fn) && !keep.has(e.UUID)) {
      await c.p.mappings.deleteEventSourceMapping({ UUID: e.UUID }, c.ctx).catch(() => undefined);
      const source = e.EventSourceArn.includes(":table/") ? `table ${e.EventSourceArn.split(":table/")[1]?.split("/")[0] ?? ""}` : (e.EventSourceArn.split(":")[5] ?? "");
      c.out.deleted.push(`mapping ${source} → ${fn}`);
    }
  }
}
