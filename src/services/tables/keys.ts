/**
 * Keys: reading an item's primary key against the table's key schema, encoding it for
 * the store (bytewise order = DynamoDB order), and building the item's index entries
 * (sparse: an item without an index's key attributes is not in that index).
 */
import type { IndexEntry } from "./store.js";
import { ValidationException } from "./errors.js";
import type { AttributeValue, IndexDefinition, Item, KeySchema, ScalarType, TableDefinition } from "./types.js";
import { encodeKey } from "./values/key-codec.js";
import { segmentOf } from "./values/segment.js";

const EMPTY = Buffer.alloc(0);

export interface EncodedKey {
  readonly pk: Buffer;
  readonly sk: Buffer;
}

function typeOf(v: AttributeValue): string {
  return Object.keys(v)[0] ?? "";
}

function isEmptyScalar(v: AttributeValue): boolean {
  return ("S" in v && v.S.length === 0) || ("B" in v && v.B.length === 0);
}

/** DynamoDB's limits on key values: 2048 bytes for a partition key, 1024 for a sort key. */
const MAX_HASH_BYTES = 2048;
const MAX_RANGE_BYTES = 1024;

function scalarBytes(v: AttributeValue): number {
  if ("S" in v) return Buffer.byteLength(v.S, "utf8");
  if ("B" in v) return Buffer.from(v.B, "base64").length;
  return 0;
}

function checkKeySize(v: AttributeValue, range: boolean): void {
  if (!range && scalarBytes(v) > MAX_HASH_BYTES) throw new ValidationException(`One or more parameter values were invalid: Size of hashkey has exceeded the maximum size limit of${MAX_HASH_BYTES} bytes`);
  if (range && scalarBytes(v) > MAX_RANGE_BYTES) throw new ValidationException(`One or more parameter values were invalid: Aggregated size of all range keys has exceeded the size limit of ${MAX_RANGE_BYTES} bytes`);
}

/** The key attributes of `item` (an item or a Key member), checked against the schema. */
export function readKey(key: KeySchema, item: Item, what: "item" | "key"): Item {
  const out: Record<string, AttributeValue> = {};
  for (const k of key.range ? [key.hash, key.range] : [key.hash]) {
    const v = item[k.name];
    if (v === undefined) {
      throw new ValidationException(what === "item" ? `One or more parameter values were invalid: Missing the key ${k.name} in the item` : "The provided key element does not match the schema");
    }
    if (typeOf(v) !== k.type) {
      throw new ValidationException(what === "item" ? `One or more parameter values were invalid: Type mismatch for key ${k.name} expected: ${k.type} actual: ${typeOf(v)}` : "The provided key element does not match the schema");
    }
    if (isEmptyScalar(v)) throw new ValidationException(`One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty ${k.type === "S" ? "string" : "binary"} value. Key: ${k.name}`);
    checkKeySize(v, k !== key.hash);
    out[k.name] = v;
  }
  return out;
}

/** A Key member: exactly the key attributes, nothing more. */
export function keyFromInput(key: KeySchema, raw: Item): Item {
  const names = Object.keys(raw);
  if (names.length !== (key.range ? 2 : 1)) throw new ValidationException("The provided key element does not match the schema");
  return readKey(key, raw, "key");
}

export function encodePrimary(key: KeySchema, item: Item): EncodedKey {
  const pk = encodeKey(item[key.hash.name] as AttributeValue);
  const sk = key.range ? encodeKey(item[key.range.name] as AttributeValue) : EMPTY;
  return { pk, sk };
}

/** The attributes an index entry copies: the table's and index's keys plus the projection. */
function projectFor(def: TableDefinition, ix: IndexDefinition, item: Item): Item {
  if (ix.projection.type === "ALL") return item;
  const keep = new Set<string>([def.key.hash.name, ix.key.hash.name]);
  if (def.key.range) keep.add(def.key.range.name);
  if (ix.key.range) keep.add(ix.key.range.name);
  if (ix.projection.type === "INCLUDE") for (const a of ix.projection.attributes) keep.add(a);
  const out: Record<string, AttributeValue> = {};
  for (const name of keep) {
    const v = item[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}

function indexKeyValue(ix: IndexDefinition, k: { name: string; type: ScalarType }, item: Item): AttributeValue | null {
  const v = item[k.name];
  if (v === undefined) return null;
  if (typeOf(v) !== k.type) {
    throw new ValidationException(`One or more parameter values were invalid: Type mismatch for Index Key ${k.name} Expected: ${k.type} Actual: ${typeOf(v)} IndexName: ${ix.name}`);
  }
  if (isEmptyScalar(v)) {
    throw new ValidationException(`One or more parameter values are not valid. A value specified for a secondary index key is not supported. The AttributeValue for a key attribute cannot contain an empty ${k.type === "S" ? "string" : "binary"} value. IndexName: ${ix.name}, IndexKey: ${k.name}`);
  }
  const max = k === ix.key.hash ? MAX_HASH_BYTES : MAX_RANGE_BYTES;
  const size = scalarBytes(v);
  if (size > max) throw new ValidationException(`One or more parameter values were invalid: Size limit exceeded for Index Key ${k.name} Actual Size: ${size} bytes Max Size: ${max} bytes IndexName: ${ix.name}`);
  return v;
}

/** Checks the item's index key attributes and builds its entries. */
export function indexEntries(def: TableDefinition, item: Item): IndexEntry[] {
  const out: IndexEntry[] = [];
  for (const ix of def.indexes) {
    const h = indexKeyValue(ix, ix.key.hash, item);
    const r = ix.key.range ? indexKeyValue(ix, ix.key.range, item) : undefined;
    if (h === null || r === null) continue;
    const ipk = encodeKey(h);
    out.push({ index: ix.name, ipk, isk: r ? encodeKey(r) : EMPTY, segment: segmentOf(ipk), item: JSON.stringify(projectFor(def, ix, item)) });
  }
  return out;
}

/** DynamoDB ignores TTL values more than five years in the past. */
const TTL_HORIZON_S = 5 * 365 * 86_400;

/** The item's expiry (epoch seconds) when the table's TTL is on and the attribute holds a usable number. */
export function expiresAt(def: TableDefinition, item: Item, nowMs: number): number | null {
  if (!def.ttl?.enabled) return null;
  const v = item[def.ttl.attribute];
  if (!v || !("N" in v)) return null;
  const n = Math.floor(Number(v.N));
  if (!Number.isFinite(n) || n < Math.floor(nowMs / 1000) - TTL_HORIZON_S) return null;
  return n;
}

export function keyString(k: EncodedKey): string {
  return `${k.pk.toString("base64")}/${k.sk.toString("base64")}`;
}
