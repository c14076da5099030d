/**
 * Request input for Lambda's REST-JSON actions: the JSON body, checked member by member
 * against the action's shape (blobs arrive as base64 text and leave as bytes; members
 * the shape does not name are dropped), and query parameters.
 */
import { InvalidRequestContentException, validationError } from "../../services/functions/errors.js";
import { parseQuery } from "../sigv4.js";

/** "map" is an object of strings (Tags, Environment.Variables). */
export type Kind = "string" | "integer" | "number" | "boolean" | "object" | "map" | "array" | "blob";
/** Members of a request body and their kinds; a nested schema is an object with known members. */
export interface Schema {
  readonly [member: string]: Kind | Schema;
}

type Json = Record<string, unknown>;

const PREFIX = "Could not parse request body into json: Could not parse payload into json:";
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function wrongType(path: string, expected: string): InvalidRequestContentException {
  return new InvalidRequestContentException(`${PREFIX} Unexpected value for member '${path}': expected ${expected}.`);
}

/** The body as a JSON object; an empty body is `{}`. */
export function parseJsonBody(body: Buffer): Json {
  if (body.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch (err) {
    throw new InvalidRequestContentException(`${PREFIX} ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isObject(parsed)) throw new InvalidRequestContentException(`${PREFIX} the request body must be a JSON object.`);
  return parsed;
}

function blob(value: unknown, path: string): Uint8Array {
  if (typeof value !== "string" || !BASE64.test(value)) throw wrongType(path, "base64-encoded binary data");
  return Buffer.from(value, "base64");
}

function member(value: unknown, kind: Kind | Schema, path: string): unknown {
  if (typeof kind === "object") {
    if (!isObject(value)) throw wrongType(path, "an object");
    return pickMembers(value, kind, `${path}.`);
  }
  switch (kind) {
    case "string":
      if (typeof value !== "string") throw wrongType(path, "a string");
      return value;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) throw wrongType(path, "an integer");
      return value;
    case "number":
      if (typeof value !== "number" || !Number.isFinite(value)) throw wrongType(path, "a number");
      return value;
    case "boolean":
      if (typeof value !== "boolean") throw wrongType(path, "true or false");
      return value;
    case "object":
      if (!isObject(value)) throw wrongType(path, "an object");
      return value;
    case "map":
      if (!isObject(value) || Object.values(value).some((v) => typeof v !== "string")) throw wrongType(path, "a map of strings");
      return value;
    case "array":
      if (!Array.isArray(value)) throw wrongType(path, "a list");
      return value;
    case "blob":
      return blob(value, path);
  }
}

function pickMembers(input: Json, schema: Schema, prefix = ""): Json {
  const out: Json = {};
  for (const [name, kind] of Object.entries(schema)) {
    const value = input[name];
    // null is how some clients say "not set".
    if (value === undefined || value === null) continue;
    out[name] = member(value, kind, `${prefix}${name}`);
  }
  return out;
}

/** The members of `schema` found in the JSON body, type-checked, blobs decoded. */
export function bodyInput(body: Buffer, schema: Schema): Json {
  return pickMembers(parseJsonBody(body), schema);
}

/** Query parameters by name (the last one wins when a name repeats). */
export function queryParams(rawQuery: string): ReadonlyMap<string, string> {
  return new Map(parseQuery(rawQuery));
}

/** An integer query parameter, or undefined when absent. */
export function queryInt(q: ReadonlyMap<string, string>, name: string, member: string): number | undefined {
  const v = q.get(name);
  if (v === undefined) return undefined;
  if (!/^-?\d{1,10}$/.test(v)) throw validationError(v, member, "Member must be a whole number");
  return Number(v);
}
