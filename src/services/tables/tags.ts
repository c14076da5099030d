/** TagResource, UntagResource and ListTagsOfResource on tables, named by their ARN. */
import type { CallContext } from "../queues/types.js";
import type { TableDeps } from "./context.js";
import { ResourceNotFoundException, ValidationException } from "./errors.js";
import { reqList, reqString, type Input, type Output } from "./input.js";
import { changeDefinition } from "./management.js";
import { tags as readTags } from "./schema.js";

const MAX_TAGS = 50;
const TABLE_ARN = /^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:(\d{12}):table\/([a-zA-Z0-9_.-]{3,255})$/;

function arnTable(input: Input, ctx: CallContext): string {
  const arn = reqString(input, "ResourceArn", { max: 1283 });
  const m = TABLE_ARN.exec(arn);
  if (!m?.[2]) throw new ValidationException(`Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
  if (m[1] !== ctx.accountId) throw new ResourceNotFoundException(`Requested resource not found: ResourcArn: ${arn} not found`);
  return m[2];
}

export async function tagResource(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const name = arnTable(input, ctx);
  const add = readTags(input);
  if (Object.keys(add).length === 0) throw new ValidationException("1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1");
  await changeDefinition(d, ctx.accountId, name, (t) => {
    const tags = { ...t.definition.tags, ...add };
    if (Object.keys(tags).length > MAX_TAGS) throw new ValidationException("Too many tags: a table can have at most 50 tags.");
    return Promise.resolve({ ...t.definition, tags });
  });
  return {};
}

export async function untagResource(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const name = arnTable(input, ctx);
  const keys = reqList(input, "TagKeys").map((k) => {
    if (typeof k !== "string") throw new ValidationException("TagKeys must be strings.");
    return k;
  });
  await changeDefinition(d, ctx.accountId, name, (t) => {
    const tags = Object.fromEntries(Object.entries(t.definition.tags).filter(([k]) => !keys.includes(k)));
    return Promise.resolve({ ...t.definition, tags });
  });
  return {};
}

export async function listTagsOfResource(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const table = await d.directory.get(ctx.accountId, arnTable(input, ctx));
  return { Tags: Object.entries(table.definition.tags).map(([Key, Value]) => ({ Key, Value })) };
}
