/**
 * Makes the platform match an app definition: creates what is missing, updates what
 * differs, and deletes what an earlier version of the config created and this one no
 * longer declares. Queues and functions the config creates carry the tag `sluice:app`;
 * nothing else is ever deleted. Tables and buckets are created and updated but never
 * deleted (apply-tables.ts): they hold data.
 */
import { resolve } from "node:path";
import type { Platform } from "../platform.js";
import type { CallContext } from "../services/queues/types.js";
import { OWNER_TAG, queueArn, type ApplyCtx as Ctx, type ApplyResult } from "./apply-context.js";
import { applyMappings } from "./apply-mappings.js";
import { applyBucket, applyTable } from "./apply-tables.js";
import { directoryFingerprint } from "./code-hash.js";
import type { AppDefinition, FunctionDefinition, QueueDefinition } from "./define.js";

export { OWNER_TAG, type ApplyResult } from "./apply-context.js";

function desiredAttributes(c: Ctx, q: QueueDefinition): Record<string, string> {
  const attrs: Record<string, string> = { ...(q.attributes ?? {}) };
  if (q.fifo) attrs["FifoQueue"] = "true";
  attrs["RedrivePolicy"] = q.deadLetter ? JSON.stringify({ deadLetterTargetArn: queueArn(c, q.deadLetter.queue), maxReceiveCount: q.deadLetter.maxReceiveCount }) : "";
  return attrs;
}

/** Dead-letter queues first, so every redrive target exists when its source is made. */
function queueOrder(queues: Record<string, QueueDefinition>): string[] {
  const done: string[] = [];
  const visit = (name: string, path: string[]): void => {
    if (done.includes(name)) return;
    if (path.includes(name)) throw new Error(`dead-letter queues form a cycle: ${[...path, name].join(" → ")}`);
    const dl = queues[name]?.deadLetter?.queue;
    if (dl) visit(dl, [...path, name]);
    done.push(name);
  };
  for (const name of Object.keys(queues)) visit(name, []);
  return done;
}

async function applyQueue(c: Ctx, name: string, q: QueueDefinition): Promise<void> {
  const attrs = desiredAttributes(c, q);
  const existing = await c.p.queues.getQueueUrl({ QueueName: name }, c.ctx).catch(() => null);
  if (!existing) {
    const create = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== ""));
    await c.p.queues.createQueue({ QueueName: name, Attributes: create, tags: { ...(q.tags ?? {}), [OWNER_TAG]: c.owner } }, c.ctx);
    c.out.created.push(`queue ${name}`);
    return;
  }
  const { Attributes = {} } = await c.p.queues.getQueueAttributes({ QueueUrl: existing.QueueUrl, AttributeNames: ["All"] }, c.ctx);
  const change = Object.fromEntries(Object.entries(attrs).filter(([k, v]) => k !== "FifoQueue" && (Attributes[k] ?? "") !== v && !(k === "RedrivePolicy" && v && Attributes[k] && JSON.stringify(JSON.parse(v)) === JSON.stringify(JSON.parse(Attributes[k])))));
  if (Object.keys(change).length) {
    await c.p.queues.setQueueAttributes({ QueueUrl: existing.QueueUrl, Attributes: change }, c.ctx);
    c.out.updated.push(`queue ${name}`);
  }
}

async function applyFunction(c: Ctx, name: string, f: FunctionDefinition): Promise<void> {
  const path = resolve(c.baseDir, f.code);
  const before = await c.p.functions.getFunction({ FunctionName: name }, c.ctx).catch(() => null);
  const cfg = await c.p.functions.deployFromDirectory(
    {
      FunctionName: name,
      Role: f.role ?? `arn:aws:iam::${c.ctx.accountId}:role/sluice`,
      Runtime: f.runtime ?? "nodejs20.x",
      Handler: f.handler,
      ...(f.timeout !== undefined ? { Timeout: f.timeout } : {}),
      ...(f.memory !== undefined ? { MemorySize: f.memory } : {}),
      Environment: { Variables: f.environment ?? {} },
      Tags: { [OWNER_TAG]: c.owner },
    },
    { kind: "dir", path, ...directoryFingerprint(path) },
    c.ctx,
  );
  if (!before) c.out.created.push(`function ${name}`);
  else if (before.Configuration.RevisionId !== cfg.RevisionId) c.out.updated.push(`function ${name}`);
  if (f.concurrency !== undefined) await c.p.functions.putFunctionConcurrency({ FunctionName: name, ReservedConcurrentExecutions: f.concurrency }, c.ctx);
  else if (before?.Concurrency) await c.p.functions.deleteFunctionConcurrency({ FunctionName: name }, c.ctx);
  if (f.async) {
    await c.p.functions.putFunctionEventInvokeConfig(
      {
        FunctionName: name,
        ...(f.async.maxRetries !== undefined ? { MaximumRetryAttempts: f.async.maxRetries } : {}),
        ...(f.async.maxEventAgeSeconds !== undefined ? { MaximumEventAgeInSeconds: f.async.maxEventAgeSeconds } : {}),
        DestinationConfig: {
          ...(f.async.onSuccess ? { OnSuccess: { Destination: queueArn(c, f.async.onSuccess) } } : {}),
          ...(f.async.onFailure ? { OnFailure: { Destination: queueArn(c, f.async.onFailure) } } : {}),
        },
      },
      c.ctx,
    );
  } else {
    await c.p.functions.deleteFunctionEventInvokeConfig({ FunctionName: name }, c.ctx).catch(() => undefined);
  }
}

async function prune(c: Ctx, app: AppDefinition): Promise<Set<string>> {
  const ownedFunctions = new Set(Object.keys(app.functions ?? {}));
  for (const f of (await c.p.functions.listFunctions({}, c.ctx)).Functions) {
    const tags = (await c.p.functions.getFunction({ FunctionName: f.FunctionName }, c.ctx)).Tags ?? {};
    if (tags[OWNER_TAG] !== c.owner) continue;
    ownedFunctions.add(f.FunctionName);
    if (!app.functions?.[f.FunctionName]) {
      await c.p.functions.deleteFunction({ FunctionName: f.FunctionName }, c.ctx);
      c.out.deleted.push(`function ${f.FunctionName}`);
    }
  }
  for (const url of (await c.p.queues.listQueues({}, c.ctx)).QueueUrls ?? []) {
    const name = url.split("/").at(-1) ?? "";
    const tags = (await c.p.queues.listQueueTags({ QueueUrl: url }, c.ctx)).Tags ?? {};
    if (tags[OWNER_TAG] === c.owner && !app.queues?.[name]) {
      await c.p.queues.deleteQueue({ QueueUrl: url }, c.ctx);
      c.out.deleted.push(`queue ${name}`);
    }
  }
  return ownedFunctions;
}

/** Applies `app` (its paths relative to `baseDir`) to the platform. */
export async function applyApp(p: Platform, app: AppDefinition, baseDir: string, owner = "config", ctx: CallContext = p.queues.defaultContext): Promise<ApplyResult> {
  const c: Ctx = { p, ctx, baseDir, owner, out: { created: [], updated: [], deleted: [] } };
  const queues = app.queues ?? {};
  for (const name of queueOrder(queues)) await applyQueue(c, name, queues[name] ?? {});
  for (const [name, f] of Object.entries(app.functions ?? {})) await applyFunction(c, name, f);
  for (const [name, t] of Object.entries(app.tables ?? {})) await applyTable(c, name, t);
  for (const [name, b] of Object.entries(app.buckets ?? {})) await applyBucket(c, name, b);
  const owned = await prune(c, app);
  await applyMappings(c, app, owned);
  return c.out;
}
