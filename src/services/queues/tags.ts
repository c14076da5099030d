/**
 * Queue tags and permissions: TagQueue, UntagQueue, ListQueueTags, AddPermission and
 * RemovePermission. Permissions are kept in the queue's Policy attribute exactly as
 * SQS writes it; Sluice authenticates callers but does not evaluate queue policies.
 */
import { InvalidParameterValue } from "../../core/errors.js";
import { isPlainObject, missing, optionalStringList, requireString, show } from "../../core/validate.js";
import type { QueueDeps as ManagementDeps } from "./directory.js";
import { mergeAttributes } from "./attributes.js";
import { OverLimit, QueueDoesNotExist } from "./errors.js";
import { queueArn } from "./names.js";
import type { AddPermissionInput, CallContext, RemovePermissionInput, TagQueueInput, UntagQueueInput } from "./types.js";

/** AWS recommends at most 50 tags a queue; Sluice enforces it. */
export const MAX_TAGS = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function checkTags(input: unknown, existing: Readonly<Record<string, string>>): Record<string, string> {
  if (!isPlainObject(input)) throw new InvalidParameterValue("Value for parameter Tags is invalid. Reason: Must be a map.");
  const out: Record<string, string> = { ...existing };
  for (const [key, value] of Object.entries(input)) {
    if (typeof value !== "string") throw new InvalidParameterValue(`Tag value for key ${key} must be a string.`);
    if (key.length < 1 || [...key].length > 128) throw new InvalidParameterValue("Tag keys must be between 1 and 128 characters in length.");
    if ([...value].length > 256) throw new InvalidParameterValue("Tag values may only be up to 256 characters in length.");
    if (!TAG_CHARS.test(key) || !TAG_CHARS.test(value)) {
      throw new InvalidParameterValue(
        "Tag keys and values may only contain unicode letters, digits, whitespace, or one of these symbols: _ . : / = + - @",
      );
    }
    if (key.toLowerCase().startsWith("aws:")) throw new InvalidParameterValue("Tag keys beginning with 'aws:' are reserved for AWS use.");
    out[key] = value;
  }
  if (Object.keys(out).length > MAX_TAGS) throw new InvalidParameterValue(`Too many tags. A queue can have at most ${MAX_TAGS} tags.`);
  return out;
}

export async function tagQueue(d: ManagementDeps, input: TagQueueInput, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  if (input.Tags === undefined || input.Tags === null) throw missing("Tags");
  const record = await d.store.setTags(q.record.id, checkTags(input.Tags, q.record.tags));
  if (!record) throw new QueueDoesNotExist();
  d.directory.remember(record);
}

export async function untagQueue(d: ManagementDeps, input: UntagQueueInput, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const keys = optionalStringList(input.TagKeys, "TagKeys");
  if (!keys) throw missing("TagKeys");
  const tags = { ...q.record.tags };
  for (const k of keys) delete tags[k];
  const record = await d.store.setTags(q.record.id, tags);
  if (!record) throw new QueueDoesNotExist();
  d.directory.remember(record);
}

export async function listQueueTags(d: ManagementDeps, url: unknown, ctx: CallContext): Promise<{ Tags?: Record<string, string> }> {
  const q = await d.directory.byUrl(url, ctx);
  return Object.keys(q.record.tags).length ? { Tags: { ...q.record.tags } } : {};
}

interface Statement {
  Sid: string;
  Effect: string;
  Principal: { AWS: string | string[] };
  Action: string | string[];
  Resource: string;
}

interface PolicyDoc {
  Version: string;
  Id: string;
  Statement: Statement[];
}

const ACTIONS = new Set([
  "*", "AddPermission", "CancelMessageMoveTask", "ChangeMessageVisibility", "CreateQueue", "DeleteMessage", "DeleteQueue",
  "GetQueueAttributes", "GetQueueUrl", "ListDeadLetterSourceQueues", "ListMessageMoveTasks", "ListQueueTags", "ListQueues",
  "PurgeQueue", "ReceiveMessage", "RemovePermission", "SendMessage", "SetQueueAttributes", "StartMessageMoveTask",
  "TagQueue", "UntagQueue",
]);
const MAX_ACTIONS = 7;

function one<T>(items: T[]): T | T[] {
  return items.length === 1 && items[0] !== undefined ? items[0] : items;
}

function readPolicy(raw: string | undefined, arn: string): PolicyDoc {
  if (raw) {
    const parsed = JSON.parse(raw) as Partial<PolicyDoc>;
    if (Array.isArray(parsed.Statement)) return { Version: parsed.Version ?? "2008-10-17", Id: parsed.Id ?? `${arn}/SQSDefaultPolicy`, Statement: parsed.Statement };
  }
  return { Version: "2008-10-17", Id: `${arn}/SQSDefaultPolicy`, Statement: [] };
}

function checkLabel(label: string): void {
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(label)) {
    throw new InvalidParameterValue(`Value ${show(label)} for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.`);
  }
}

async function writePolicy(d: ManagementDeps, id: number, attrs: Readonly<Record<string, string>>, doc: PolicyDoc): Promise<void> {
  const next = mergeAttributes(attrs, { Policy: doc.Statement.length ? JSON.stringify(doc) : "" });
  const record = await d.store.updateQueue(id, next, Number(next["MessageRetentionPeriod"]) * 1000, d.clock.now());
  if (!record) throw new QueueDoesNotExist();
  d.directory.remember(record);
}

export async function addPermission(d: ManagementDeps, input: AddPermissionInput, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const label = requireString(input.Label, "Label");
  checkLabel(label);
  const accounts = optionalStringList(input.AWSAccountIds, "AWSAccountIds");
  const actions = optionalStringList(input.Actions, "Actions");
  if (!accounts?.length) throw missing("AWSAccountIds");
  if (!actions?.length) throw missing("Actions");
  if (actions.length > MAX_ACTIONS) throw new OverLimit(`${actions.length} Actions were found, maximum allowed is ${MAX_ACTIONS}.`);
  for (const a of actions) {
    if (!ACTIONS.has(a)) throw new InvalidParameterValue(`Value SQS:${show(a)} for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.`);
  }
  const arn = queueArn(ctx, q.ref);
  const doc = readPolicy(q.record.attributes["Policy"], arn);
  if (doc.Statement.some((s) => s.Sid === label)) throw new InvalidParameterValue(`Value ${show(label)} for parameter Label is invalid. Reason: Already exists.`);
  doc.Statement.push({
    Sid: label,
    Effect: "Allow",
    Principal: { AWS: one(accounts.map((a) => `arn:aws:iam::${a}:root`)) },
    Action: one(actions.map((a) => `SQS:${a}`)),
    Resource: arn,
  });
  await writePolicy(d, q.record.id, q.record.attributes, doc);
}

export async function removePermission(d: ManagementDeps, input: RemovePermissionInput, ctx: CallContext): Promise<void> {
  const q = await d.directory.byUrl(input.QueueUrl, ctx);
  const label = requireString(input.Label, "Label");
  const doc = readPolicy(q.record.attributes["Policy"], queueArn(ctx, q.ref));
  const kept = doc.Statement.filter((s) => s.Sid !== label);
  if (kept.length === doc.Statement.length) throw new InvalidParameterValue(`Value ${show(label)} for parameter Label is invalid. Reason: can't find label.`);
  await writePolicy(d, q.record.id, q.record.attributes, { ...doc, Statement: kept });
}
