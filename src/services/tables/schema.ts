/**
 * CreateTable and UpdateTable's schema members (KeySchema, AttributeDefinitions,
 * indexes, billing, streams) read into a TableDefinition, with DynamoDB's checks and
 * wording.
 */
import { ValidationException } from "./errors.js";
import { optBool, optChoice, optInt, optList, optObject, optString, reqList, reqString, type Input } from "./input.js";
import { BillingMode, ProjectionType, ScalarType, StreamViewType, type IndexDefinition, type KeySchema, type Throughput } from "./types.js";

const invalid = (text: string): ValidationException => new ValidationException(`One or more parameter values were invalid: ${text}`);
const INDEX_NAME = /^[a-zA-Z0-9_.-]+$/;

export function attributeDefinitions(input: Input): Record<string, ScalarType> {
  const out: Record<string, ScalarType> = Object.create(null) as Record<string, ScalarType>;
  for (const raw of reqList(input, "AttributeDefinitions")) {
    const def = raw as Input;
    const name = reqString(def, "AttributeName", { max: 255 });
    const type = optChoice(def, "AttributeType", Object.values(ScalarType));
    if (type === undefined) throw new ValidationException("1 validation error detected: Value null at 'attributeDefinitions.member.attributeType' failed to satisfy constraint: Member must not be null");
    if (name in out) throw invalid(`Duplicate AttributeName in AttributeDefinitions: ${name}`);
    out[name] = type;
  }
  return out;
}

/** A KeySchema list: a HASH element, then optionally a RANGE one. */
export function keySchema(list: unknown[] | undefined, attributes: Readonly<Record<string, ScalarType>>, where = "KeySchema"): KeySchema {
  if (!list || list.length === 0) throw new ValidationException(`1 validation error detected: Value null at '${where.charAt(0).toLowerCase()}${where.slice(1)}' failed to satisfy constraint: Member must not be null`);
  if (list.length > 2) throw new ValidationException(`1 validation error detected: Value '${JSON.stringify(list)}' at 'keySchema' failed to satisfy constraint: Member must have length less than or equal to 2`);
  const elems = list.map((raw) => {
    const e = raw as Input;
    return { name: reqString(e, "AttributeName", { max: 255 }), type: optChoice(e, "KeyType", ["HASH", "RANGE"] as const) };
  });
  const [first, second] = elems;
  if (!first || first.type !== "HASH") throw new ValidationException(`Invalid ${where}: The first KeySchemaElement is not a HASH key type`);
  if (second && second.type !== "RANGE") throw new ValidationException(`Invalid ${where}: The second KeySchemaElement is not a RANGE key type`);
  if (second && second.name === first.name) throw new ValidationException(`Invalid ${where}: Both the Hash Key and the Range Key element in the KeySchema have the same name`);
  const typed = (name: string): { name: string; type: ScalarType } => {
    const type = attributes[name];
    if (!type) throw invalid(`Some index key attributes are not defined in AttributeDefinitions. Keys: [${elems.map((x) => x.name).join(", ")}], AttributeDefinitions: [${Object.keys(attributes).join(", ")}]`);
    return { name, type };
  };
  return { hash: typed(first.name), range: second ? typed(second.name) : null };
}

export function throughput(input: Input, billing: BillingMode, member = "ProvisionedThroughput"): Throughput | null {
  const t = optObject(input, member);
  if (billing === BillingMode.PayPerRequest) {
    if (t) throw invalid("Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST");
    return null;
  }
  if (!t) throw invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  const read = optInt(t, "ReadCapacityUnits", 1, Number.MAX_SAFE_INTEGER);
  const write = optInt(t, "WriteCapacityUnits", 1, Number.MAX_SAFE_INTEGER);
  if (read === undefined || write === undefined) throw invalid("ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED");
  return { read, write };
}

export function billingMode(input: Input): BillingMode {
  return optChoice(input, "BillingMode", Object.values(BillingMode)) ?? BillingMode.Provisioned;
}

function projection(input: Input): IndexDefinition["projection"] {
  const p = optObject(input, "Projection");
  if (!p) throw new ValidationException("1 validation error detected: Value null at 'projection' failed to satisfy constraint: Member must not be null");
  const type = optChoice(p, "ProjectionType", Object.values(ProjectionType)) ?? ProjectionType.Include;
  const attrs = (optList(p, "NonKeyAttributes") ?? []).map((a) => {
    if (typeof a !== "string" || a.length === 0 || a.length > 255) throw new ValidationException("NonKeyAttributes must be attribute names.");
    return a;
  });
  if (type !== ProjectionType.Include && attrs.length > 0) throw invalid(`ProjectionType is ${type}, but NonKeyAttributes is specified`);
  if (type === ProjectionType.Include && attrs.length === 0) throw invalid("NonKeyAttributes must not be empty when ProjectionType is INCLUDE");
  return { type, attributes: attrs };
}

/** One GlobalSecondaryIndexes or LocalSecondaryIndexes element. */
export function indexDefinition(raw: unknown, kind: IndexDefinition["kind"], table: KeySchema, attributes: Readonly<Record<string, ScalarType>>, billing: BillingMode, now: number): IndexDefinition {
  const i = raw as Input;
  const name = reqString(i, "IndexName", { min: 3, max: 255, pattern: INDEX_NAME });
  const key = keySchema(optList(i, "KeySchema"), attributes);
  if (kind === "local") {
    if (!table.range) throw invalid("Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex");
    if (key.hash.name !== table.hash.name) throw invalid(`Index KeySchema does not have the same leading hash key as table KeySchema for index: ${name}. index hash key: ${key.hash.name}, table hash key: ${table.hash.name}`);
    if (!key.range) throw invalid(`Index KeySchema does not have a range key for index: ${name}`);
  }
  const t = kind === "global" ? throughput(i, billing) : null;
  return { name, kind, key, projection: projection(i), throughput: t, createdAt: now };
}

export function indexes(input: Input, table: KeySchema, attributes: Readonly<Record<string, ScalarType>>, billing: BillingMode, now: number): IndexDefinition[] {
  const global = (optList(input, "GlobalSecondaryIndexes") ?? []).map((g) => indexDefinition(g, "global", table, attributes, billing, now));
  const local = (optList(input, "LocalSecondaryIndexes") ?? []).map((l) => indexDefinition(l, "local", table, attributes, billing, now));
  if (global.length > 20) throw invalid("GlobalSecondaryIndexes must have at most 20 indexes");
  if (local.length > 5) throw invalid("LocalSecondaryIndexes must have at most 5 indexes");
  const all = [...global, ...local];
  const seen = new Set<string>();
  for (const ix of all) {
    if (seen.has(ix.name)) throw invalid(`Duplicate index name: ${ix.name}`);
    seen.add(ix.name);
  }
  return all;
}

/** Every attribute named by the table's and indexes' key schemas must be defined, and nothing else. */
export function checkDefinitionsUsed(attributes: Readonly<Record<string, ScalarType>>, table: KeySchema, ixs: readonly IndexDefinition[]): void {
  const used = new Set<string>();
  for (const k of [table, ...ixs.map((i) => i.key)]) {
    used.add(k.hash.name);
    if (k.range) used.add(k.range.name);
  }
  const defined = Object.keys(attributes);
  if (defined.length === used.size && defined.every((d) => used.has(d))) return;
  if (ixs.length === 0) throw invalid("Number of attributes in KeySchema does not exactly match number of attributes defined in AttributeDefinitions");
  throw invalid(`Some AttributeDefinitions are not used. AttributeDefinitions: [${defined.join(", ")}], keys used: [${[...used].join(", ")}]`);
}

/** A StreamSpecification member: null when absent or disabled. */
export function streamSpecification(input: Input): { enabled: boolean; viewType: StreamViewType | null } | undefined {
  const s = optObject(input, "StreamSpecification");
  if (!s) return undefined;
  const enabled = optBool(s, "StreamEnabled");
  if (enabled === undefined) throw new ValidationException("1 validation error detected: Value null at 'streamSpecification.streamEnabled' failed to satisfy constraint: Member must not be null");
  const viewType = optChoice(s, "StreamViewType", Object.values(StreamViewType)) ?? null;
  if (enabled && !viewType) throw invalid("StreamViewType is required when StreamEnabled is true");
  if (!enabled && viewType) throw invalid("StreamViewType can not be specified when StreamEnabled is false");
  return { enabled, viewType };
}

export function tags(input: Input): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const raw of optList(input, "Tags") ?? []) {
    const t = raw as Input;
    out[reqString(t, "Key", { max: 128 })] = optString(t, "Value", { min: 0, max: 256 }) ?? "";
  }
  return out;
}
