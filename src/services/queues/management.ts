/**
 * Queue management actions: CreateQueue, DeleteQueue, GetQueueUrl, ListQueues,
 * Get/SetQueueAttributes and ListDeadLetterSourceQueues.
 */
import { InvalidParameterValue } from "../../core/errors.js";
import { isPlainObject, missing, optionalInt, optionalString, optionalStringList, requireString } from "../../core/validate.js";
import { ALL_ATTRIBUTE_NAMES, initialAttributes, mergeAttributes, normalizeAttributes, READ_ONLY } from "./attributes.js";
import type { QueueDeps as ManagementDeps, ResolvedQueue } from "./directory.js";
import { InvalidAttributeName, QueueDeletedRecently, QueueDoesNotExist, QueueNameExists } from "./errors.js";
import { checkQueueName, parseQueueArn, queueArn, queueUrl } from "./names.js";
import { allowsSource, parseRedriveAllowPolicy, parseRedrivePolicy } from "./redrive-policy.js";
import { checkTags } from "./tags.js";
import type {
  CallContext,
  CreateQueueInput,
  GetQueueAttributesInput,
  GetQueueUrlInput,
  ListDeadLetterSourceQueuesInput,
  ListQueuesInput,
  ListQueuesOutput,
  SetQueueAttributesInput,
} from "./types.js";

function attributeInput(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new InvalidParameterValue(`Value for parameter ${name} is invalid. Reason: Must be a map.`);
  return value;
}

/** A RedrivePolicy must name an existing queue of the same type that accepts this source. */
async function checkRedriveTarget(d: ManagementDeps, attrs: Record<string, string>, sourceArn: string, fifo: boolean): Promise<void> {
  const raw = attrs["RedrivePolicy"];
  if (!raw) return;
  const target = parseRedrivePolicy(raw);
  const arn = parseQueueArn(target.deadLetterTargetArn);
  const dlq = arn ? await d.directory.find(arn) : null;
  const reason = (why: string): InvalidParameterValue =>
    new InvalidParameterValue(`Value ${raw} for parameter RedrivePolicy is invalid. Reason: ${why}`);
  const source = parseQueueArn(sourceArn);
  if (!dlq || !arn || arn.region !== source?.region || arn.account !== source.account) throw reason("Dead letter target does not exist.");
  if (dlq.record.fifo !== fifo) throw reason("Dead-letter queue must be same type of queue as the source..");
  if (!allowsSource(dlq.config.redriveAllow, sourceArn)) {
    throw reason("Source queue is not allowed by the dead-letter queue's redrive allow policy.");
  }
}

export async function createQueue(d: ManagementDeps, input: CreateQueueInput, ctx: CallContext): Promise<{ QueueUrl: string }> {
  const name = requireString(input.QueueName, "QueueName");
  const given = attributeInput(input.Attributes, "Attributes");
  // FifoQueue is only known to FIFO queues: "false" is an unknown attribute, as in SQS.
  const fifo = typeof given["FifoQueue"] === "string" && given["FifoQueue"].trim().toLowerCase() === "true";
  checkQueueName(name, fifo);
  const normalized = normalizeAttributes(given, fifo, true);
  const tags = checkTags(input.tags ?? {}, {});
  const ref = { account: ctx.accountId, name };
  await checkRedriveTarget(d, normalized, queueArn(ctx, ref), fifo);
  const attributes = initialAttributes(fifo, normalized);
  const outcome = await d.store.createQueue({
    ...ref,
    fifo,
    attributes,
    tags,
    retentionMs: Number(attributes["MessageRetentionPeriod"]) * 1000,
    now: d.clock.now(),
    recreateAfterMs: d.config.recreateAfterMs,
  });
  if (outcome.kind === "deletedRecently") throw new QueueDeletedRecently();
  if (outcome.kind === "exists") {
    // Only the attributes the caller gave must match; tags of an existing queue are left alone.
    for (const attr of Object.keys(normalized)) {
      if (outcome.queue.attributes[attr] !== attributes[attr]) {
        throw new QueueNameExists(`A queue already exists with the same name and a different value for attribute ${attr}`);
      }
    }
  }
  d.directory.remember(outcome.queue);
  return { QueueUrl: queueUrl(ctx, ref) };
}

export async function createInternalQueue(
  d: ManagementDeps,
  name: string,
  given: Record<string, string>,
  maxMessageBytes: number,
  ctx: CallContext,
): Promise<void> {
  checkQueueName(name, false);
  const attributes: Record<string, string> = { ...initialAttributes(false, normalizeAttributes(given, false, true)), MaximumMessageSize: String(maxMessageBytes) };
  const outcome = await d.store.createQueue({
    account: ctx.accountId,
    name,
    fifo: false,
    attributes,
    tags: {},
    retentionMs: Number(attributes["MessageRetentionPeriod"]) * 1000,
    now: d.clock.now(),
    recreateAfterMs: 0,
  });
  if (outcome.kind !== "deletedRecently") d.directory.remember(outcome.queue);
}

export async function deleteQueue(d: ManagementDeps, url: unknown, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(url, ctx);
  const deleted = await d.store.deleteQueue(q.record.id, d.clock.now());
  d.directory.forget(q.ref);
  if (!deleted) throw new QueueDoesNotExist();
}

export async function getQueueUrl(d: ManagementDeps, input: GetQueueUrlInput, ctx: CallContext): Promise<{ QueueUrl: string }> {
  const name = requireString(input.QueueName, "QueueName");
  const account = optionalString(input.QueueOwnerAWSAccountId, "QueueOwnerAWSAccountId") ?? ctx.accountId;
  const q = await d.directory.find({ account, name });
  if (!q) throw new QueueDoesNotExist();
  return { QueueUrl: queueUrl(ctx, q.ref) };
}

function decodeToken(token: string | undefined): string | null {
  if (token === undefined) return null;
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith("q:")) throw new InvalidParameterValue("Invalid NextToken value.");
  return text.slice(2);
}

function encodeToken(lastName: string): string {
  return Buffer.from(`q:${lastName}`, "utf8").toString("base64url");
}

export async function listQueues(d: ManagementDeps, input: ListQueuesInput, ctx: CallContext): Promise<ListQueuesOutput> {
  const prefix = optionalString(input.QueueNamePrefix, "QueueNamePrefix") ?? "";
  const max = optionalInt(input.MaxResults, "MaxResults", 1, 1000, "Must be between 1 and 1000, if provided.");
  const after = decodeToken(optionalString(input.NextToken, "NextToken"));
  const limit = max ?? 1000;
  const rows = await d.store.listQueues(ctx.accountId, prefix, after, limit + 1);
  const page = rows.slice(0, limit);
  const out: ListQueuesOutput = {};
  if (page.length) out.QueueUrls = page.map((r) => queueUrl(ctx, r));
  const last = page.at(-1);
  if (max !== undefined && rows.length > limit && last) out.NextToken = encodeToken(last.name);
  return out;
}

const COUNT_NAMES: readonly string[] = READ_ONLY.slice(0, 3);

export async function getQueueAttributes(
  d: ManagementDeps,
  input: GetQueueAttributesInput,
  ctx: CallContext,
): Promise<{ Attributes?: Record<string, string> }> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const names = optionalStringList(input.AttributeNames, "AttributeNames") ?? [];
  for (const n of names) if (!ALL_ATTRIBUTE_NAMES.includes(n)) throw new InvalidAttributeName(`Unknown Attribute ${n}.`);
  if (!names.length) return {};
  const all = names.includes("All");
  const wanted = (n: string): boolean => all || names.includes(n);
  const out: Record<string, string> = {};
  if (wanted("QueueArn")) out["QueueArn"] = queueArn(ctx, q.ref);
  if (COUNT_NAMES.some(wanted)) {
    const c = await d.store.counts(q.record.id, d.clock.now(), q.config.retentionSeconds * 1000);
    if (!c) throw new QueueDoesNotExist();
    if (wanted("ApproximateNumberOfMessages")) out["ApproximateNumberOfMessages"] = String(c.visible);
    if (wanted("ApproximateNumberOfMessagesNotVisible")) out["ApproximateNumberOfMessagesNotVisible"] = String(c.inFlight);
    if (wanted("ApproximateNumberOfMessagesDelayed")) out["ApproximateNumberOfMessagesDelayed"] = String(c.delayed);
  }
  if (wanted("CreatedTimestamp")) out["CreatedTimestamp"] = String(Math.floor(q.record.createdAt / 1000));
  if (wanted("LastModifiedTimestamp")) out["LastModifiedTimestamp"] = String(Math.floor(q.record.modifiedAt / 1000));
  for (const [n, v] of Object.entries(q.record.attributes)) if (wanted(n)) out[n] = v;
  return Object.keys(out).length ? { Attributes: out } : {};
}

export async function setQueueAttributes(d: ManagementDeps, input: SetQueueAttributesInput, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  if (input.Attributes === undefined || input.Attributes === null) throw missing("Attributes");
  const change = normalizeAttributes(attributeInput(input.Attributes, "Attributes"), q.record.fifo, false);
  const next = mergeAttributes(q.record.attributes, change);
  await checkRedriveTarget(d, change, queueArn(ctx, q.ref), q.record.fifo);
  if (change["RedriveAllowPolicy"]) parseRedriveAllowPolicy(change["RedriveAllowPolicy"]);
  const retentionMs = Number(next["MessageRetentionPeriod"]) * 1000;
  const record = await d.store.updateQueue(q.record.id, next, retentionMs, d.clock.now());
  if (!record) throw new QueueDoesNotExist();
  d.directory.remember(record);
}

function pageToken(token: unknown): number {
  if (token === undefined || token === null) return 0;
  if (typeof token !== "string") throw new InvalidParameterValue("Invalid NextToken value.");
  const text = Buffer.from(token, "base64url").toString("utf8");
  const n = text.startsWith("d:") ? Number(text.slice(2)) : NaN;
  if (!Number.isInteger(n) || n < 0) throw new InvalidParameterValue("Invalid NextToken value.");
  return n;
}

export async function listDeadLetterSourceQueues(
  d: ManagementDeps,
  input: ListDeadLetterSourceQueuesInput,
  ctx: CallContext,
): Promise<{ queueUrls: string[]; NextToken?: string }> {
  const dlq: ResolvedQueue = await d.directory.byUrl(input.QueueUrl, ctx);
  const max = optionalInt(input.MaxResults, "MaxResults", 1, 1000, "Must be between 1 and 1000, if provided.");
  const start = pageToken(input.NextToken);
  const sources: string[] = [];
  let after: string | null = null;
  for (;;) {
    const batch = await d.store.listQueues(dlq.ref.account, "", after, 1000);
    for (const r of batch) {
      const target = r.attributes["RedrivePolicy"] ? parseQueueArn(parseRedrivePolicy(r.attributes["RedrivePolicy"]).deadLetterTargetArn) : null;
      if (target?.account === dlq.ref.account && target.name === dlq.ref.name) sources.push(queueUrl(ctx, r));
    }
    const last = batch.at(-1);
    if (batch.length < 1000 || !last) break;
    after = last.name;
  }
  const limit = max ?? 1000;
  const page = sources.slice(start, start + limit);
  const out: { queueUrls: string[]; NextToken?: string } = { queueUrls: page };
  if (max !== undefined && start + limit < sources.length) out.NextToken = Buffer.from(`d:${start + limit}`).toString("base64url");
  return out;
}
